package server

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hubjwt/hubjwt/revocation"
)

// metrics are the Prometheus collectors of one Server, on a registry of its
// own so that several servers in one test process do not collide. Every
// method is safe for concurrent use.
type metrics struct {
	registry      *prometheus.Registry
	duration      *prometheus.HistogramVec
	minted        *prometheus.CounterVec
	verifications *prometheus.CounterVec
	rejections    *prometheus.CounterVec
	revocations   *prometheus.CounterVec
	storeErrors   *prometheus.CounterVec
	jwksRequests  *prometheus.CounterVec

	keys *keyCollector

	// mirror is the revocation mirror whose lag the lag gauge reports. It is
	// nil while the server checks revocations against the store directly.
	mirror atomic.Pointer[lagReporter]
}

// lagReporter is the part of *revocation.Mirror the lag gauge reads.
type lagReporter interface {
	Lag() time.Duration
}

// Label values known in advance. Each counter starts with these series at
// zero, so dashboards and alerts see them before the first event.
var (
	metricKinds  = []string{"user", "service"}
	metricGrants = []string{"admin", "token_exchange", "refresh_token", "authorization_code"}
	metricStores = []string{"keys", "revocations", "refresh_tokens", "inherit"}
	metricOps    = []string{"read", "write", "ping"}
)

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "hubjwt_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by route, method and status.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"route", "method", "status"}),
		minted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubjwt_tokens_minted_total",
			Help: "Access tokens minted, by subject kind and grant.",
		}, []string{"kind", "grant"}),
		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubjwt_token_verifications_total",
			Help: "Tokens verified by introspection, by result (active or rejected).",
		}, []string{"result"}),
		rejections: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubjwt_token_rejections_total",
			Help: "Tokens that introspection found inactive, by reason.",
		}, []string{"reason"}),
		revocations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubjwt_revocations_total",
			Help: "Revocation entries added, by kind (token, subject, key or global).",
		}, []string{"kind"}),
		storeErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubjwt_store_errors_total",
			Help: "Failed store operations, by store and operation.",
		}, []string{"store", "op"}),
		jwksRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubjwt_jwks_requests_total",
			Help: "JWK Set requests, by status (200 or 304).",
		}, []string{"status"}),
		keys: newKeyCollector(),
	}
	m.initSeries()
	lag := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "hubjwt_revocation_mirror_lag_seconds",
		Help: "Time since the revocation mirror last synced, or 0 when the server uses no mirror.",
	}, m.mirrorLag)
	m.registry.MustRegister(m.duration, m.minted, m.verifications, m.rejections,
		m.revocations, m.storeErrors, m.jwksRequests, lag, m.keys,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) initSeries() {
	for _, kind := range metricKinds {
		for _, grant := range metricGrants {
			m.minted.WithLabelValues(kind, grant)
		}
	}
	m.verifications.WithLabelValues(resultActive)
	m.verifications.WithLabelValues(resultRejected)
	for _, reason := range rejectionReasons() {
		m.rejections.WithLabelValues(reason)
	}
	for k := revocation.KindToken; k <= revocation.KindGlobal; k++ {
		m.revocations.WithLabelValues(k.String())
	}
	for _, store := range metricStores {
		for _, op := range metricOps {
			m.storeErrors.WithLabelValues(store, op)
		}
	}
	m.jwksRequests.WithLabelValues("200")
	m.jwksRequests.WithLabelValues("304")
}

// tokenMinted counts one access token issued to a subject of kind ("user" or
// "service") through grant ("admin", "token_exchange", "refresh_token" or
// "authorization_code").
func (m *metrics) tokenMinted(kind, grant string) {
	m.minted.WithLabelValues(kind, grant).Inc()
}

// verified counts one introspection: active when err is nil, otherwise
// rejected with the reason rejectionReason derives from err.
func (m *metrics) verified(err error) {
	if err == nil {
		m.verifications.WithLabelValues(resultActive).Inc()
		return
	}
	m.verifications.WithLabelValues(resultRejected).Inc()
	m.rejections.WithLabelValues(rejectionReason(err)).Inc()
}

// revoked counts one revocation entry added.
func (m *metrics) revoked(kind revocation.Kind) {
	m.revocations.WithLabelValues(kind.String()).Inc()
}

// storeError counts one failed operation on a store. The store is "keys",
// "revocations", "refresh_tokens" or "inherit", and op is "read", "write" or
// "ping" (a readiness check).
func (m *metrics) storeError(store, op string) {
	m.storeErrors.WithLabelValues(store, op).Inc()
}

// watchKeys makes the key gauges report the keys of keys, measured with now
// against rotationPeriod (keys.rotation_period).
func (m *metrics) watchKeys(keys keyLister, rotationPeriod time.Duration, now func() time.Time) {
	m.keys.source.Store(&keySource{keys: keys, rotationPeriod: rotationPeriod, now: now})
}

// watchMirror makes the lag gauge report r, normally a *revocation.Mirror.
func (m *metrics) watchMirror(r lagReporter) {
	if r == nil {
		m.mirror.Store(nil)
		return
	}
	m.mirror.Store(&r)
}

func (m *metrics) mirrorLag() float64 {
	r := m.mirror.Load()
	if r == nil {
		return 0
	}
	return (*r).Lag().Seconds()
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route, status := routeAndStatus(c, err)
		m.duration.WithLabelValues(route, methodLabel(c.Request().Method), strconv.Itoa(status)).
			Observe(time.Since(start).Seconds())
		return err
	}
}

func (m *metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
}

// methodLabel folds request methods outside RFC 9110's set into "other", so a
// client cannot add label values, and with them series, at will.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}
