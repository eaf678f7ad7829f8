package server

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the Prometheus collectors of one Server, on a registry of its
// own so that several servers in one test process do not collide.
type metrics struct {
	registry     *prometheus.Registry
	duration     *prometheus.HistogramVec
	minted       *prometheus.CounterVec
	jwksRequests *prometheus.CounterVec
}

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
		jwksRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "hubjwt_jwks_requests_total",
			Help: "JWK Set requests, by status (200 or 304).",
		}, []string{"status"}),
	}
	m.registry.MustRegister(m.duration, m.minted, m.jwksRequests,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil {
			status = errorFor(err).Status
		}
		route := c.Path()
		if route == "" {
			route = "unmatched"
		}
		m.duration.WithLabelValues(route, c.Request().Method, strconv.Itoa(status)).
			Observe(time.Since(start).Seconds())
		return err
	}
}

func (m *metrics) handler() echo.HandlerFunc {
	return echo.WrapHandler(promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{}))
}
