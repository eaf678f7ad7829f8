package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/token"
)

const metricsTestAdmin = "metrics-test-admin-token"

// testClock is a settable clock for the server and its key manager.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// newObservedServer returns a Server on an in-memory key store whose clock is
// clock and whose logger writes JSON into logs.
func newObservedServer(t *testing.T, clock *testClock, logs *syncBuffer) *Server {
	t.Helper()
	cfg := config.Default()
	cfg.Issuer = "http://127.0.0.1:8090"
	keys, err := jwks.NewManager(&jwks.MemoryStore{}, jwks.Config{Algorithm: "ES256",
		Retention: cfg.Token.MaxTTL}, jwks.WithClock(clock.Now))
	if err != nil {
		t.Fatal(err)
	}
	if err := keys.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	minter := token.NewMinter(token.MinterConfig{Issuer: cfg.Issuer,
		DefaultTTL: cfg.Token.DefaultTTL, MaxTTL: cfg.Token.MaxTTL,
		DefaultAudience: []string{cfg.Token.DefaultAudience}}, keys, clock.Now)
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	s, err := New(Deps{Config: cfg, Keys: keys, Minter: minter, AdminToken: metricsTestAdmin,
		Logger: log, Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// do sends one request to s and returns the recorder.
func do(t *testing.T, s *Server, method, path, contentType, body string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+metricsTestAdmin)
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	return rec
}

// scrape returns the metric families that GET /metrics serves.
func scrape(t *testing.T, s *Server) map[string]*dto.MetricFamily {
	t.Helper()
	rec := do(t, s, "GET", "/metrics", "", "")
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics: got %d, want 200", rec.Code)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(rec.Body)
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// value returns the value of the series of name whose labels include labels.
func value(t *testing.T, families map[string]*dto.MetricFamily, name string,
	labels map[string]string) float64 {
	t.Helper()
	f, ok := families[name]
	if !ok {
		t.Fatalf("metric %s: got none, want it exposed", name)
	}
	for _, m := range f.GetMetric() {
		if hasLabels(m, labels) {
			switch {
			case m.Counter != nil:
				return m.Counter.GetValue()
			case m.Gauge != nil:
				return m.Gauge.GetValue()
			case m.Histogram != nil:
				return float64(m.Histogram.GetSampleCount())
			}
		}
	}
	t.Fatalf("metric %s%v: got no such series, want one", name, labels)
	return 0
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	for k, v := range want {
		found := false
		for _, l := range m.GetLabel() {
			if l.GetName() == k && l.GetValue() == v {
				found = true
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func TestMetricsNamesExposedAtStart(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := newObservedServer(t, clock, &syncBuffer{})
	// The duration histogram gets a series for a route after its first
	// response. Every other metric is exposed before any request.
	do(t, s, "GET", "/healthz", "", "")
	families := scrape(t, s)
	names := []string{
		"hubjwt_tokens_minted_total",
		"hubjwt_token_verifications_total",
		"hubjwt_token_rejections_total",
		"hubjwt_revocations_total",
		"hubjwt_revocation_mirror_lag_seconds",
		"hubjwt_key_age_seconds",
		"hubjwt_key_next_rotation_seconds",
		"hubjwt_jwks_requests_total",
		"hubjwt_store_errors_total",
		"hubjwt_http_request_duration_seconds",
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			if _, ok := families[name]; !ok {
				t.Errorf("got no %s, want it exposed", name)
			}
		})
	}
}

func TestMetricsCountMintAndIntrospection(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := newObservedServer(t, clock, &syncBuffer{})
	rec := do(t, s, "POST", "/v1/tokens", "application/json",
		`{"subject": "alice", "scopes": ["read:users!user=alice"], "expires_in": 60}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("mint: got %d %s, want 200", rec.Code, rec.Body)
	}
	raw := between(rec.Body.String(), `"access_token":"`, `"`)
	introspect := func(tok string) {
		form := url.Values{"token": {tok}}.Encode()
		if rec := do(t, s, "POST", "/oauth2/introspect", "application/x-www-form-urlencoded",
			form); rec.Code != http.StatusOK {
			t.Fatalf("introspect: got %d %s, want 200", rec.Code, rec.Body)
		}
	}
	introspect(raw)
	introspect("not-a-token")
	clock.Advance(2 * time.Hour)
	introspect(raw)

	families := scrape(t, s)
	cases := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"hubjwt_tokens_minted_total", map[string]string{"kind": "user", "grant": "admin"}, 1},
		{"hubjwt_tokens_minted_total", map[string]string{"kind": "service", "grant": "admin"}, 0},
		{"hubjwt_token_verifications_total", map[string]string{"result": "active"}, 1},
		{"hubjwt_token_verifications_total", map[string]string{"result": "rejected"}, 2},
		{"hubjwt_token_rejections_total", map[string]string{"reason": "malformed"}, 1},
		{"hubjwt_token_rejections_total", map[string]string{"reason": "expired"}, 1},
		{"hubjwt_token_rejections_total", map[string]string{"reason": "signature"}, 0},
		{"hubjwt_http_request_duration_seconds",
			map[string]string{"route": "/oauth2/introspect", "status": "200"}, 3},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.name, c.labels), func(t *testing.T) {
			if got := value(t, families, c.name, c.labels); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}

func TestMetricsJWKSRequestsBy304(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := newObservedServer(t, clock, &syncBuffer{})
	first := do(t, s, "GET", "/.well-known/jwks.json", "", "")
	req := httptest.NewRequest("GET", "/.well-known/jwks.json", nil)
	req.Header.Set("If-None-Match", first.Header().Get("ETag"))
	rec := httptest.NewRecorder()
	s.Handler().ServeHTTP(rec, req)
	if rec.Code != http.StatusNotModified {
		t.Fatalf("conditional GET: got %d, want 304", rec.Code)
	}
	families := scrape(t, s)
	for status, want := range map[string]float64{"200": 1, "304": 1} {
		got := value(t, families, "hubjwt_jwks_requests_total", map[string]string{"status": status})
		if got != want {
			t.Errorf("status %s: got %v, want %v", status, got, want)
		}
	}
}

func TestMetricsKeyGaugesFollowClock(t *testing.T) {
	start := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	clock := &testClock{now: start}
	s := newObservedServer(t, clock, &syncBuffer{})
	period := s.deps.Config.Keys.RotationPeriod
	active := s.deps.Keys.ActiveKeyID()
	clock.Advance(90 * time.Minute)

	families := scrape(t, s)
	age := value(t, families, "hubjwt_key_age_seconds",
		map[string]string{"kid": active, "state": "active"})
	if want := (90 * time.Minute).Seconds(); age != want {
		t.Errorf("active key age: got %v, want %v", age, want)
	}
	next := value(t, families, "hubjwt_key_next_rotation_seconds", nil)
	if want := (period - 90*time.Minute).Seconds(); next != want {
		t.Errorf("next rotation: got %v, want %v", next, want)
	}
	if n := len(families["hubjwt_key_age_seconds"].GetMetric()); n != 2 {
		t.Errorf("key age series: got %d, want 2 (active and next)", n)
	}

	clock.Advance(period)
	next = value(t, scrape(t, s), "hubjwt_key_next_rotation_seconds", nil)
	if want := (-90 * time.Minute).Seconds(); next != want {
		t.Errorf("overdue rotation: got %v, want %v", next, want)
	}
}

// fixedLag is a lagReporter with a constant lag.
type fixedLag time.Duration

func (l fixedLag) Lag() time.Duration { return time.Duration(l) }

func TestMetricsMirrorLag(t *testing.T) {
	cases := []struct {
		name   string
		mirror lagReporter
		want   float64
	}{
		{"no mirror", nil, 0},
		{"mirror 7s behind", fixedLag(7 * time.Second), 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			s := newObservedServer(t, clock, &syncBuffer{})
			s.metrics.watchMirror(c.mirror)
			got := value(t, scrape(t, s), "hubjwt_revocation_mirror_lag_seconds", nil)
			if got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestMetricsHelpersCount(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := newObservedServer(t, clock, &syncBuffer{})
	s.metrics.revoked(revocation.KindSubject)
	s.metrics.revoked(revocation.KindSubject)
	s.metrics.revoked(revocation.KindToken)
	s.metrics.storeError("revocations", "write")
	s.metrics.tokenMinted("service", "token_exchange")
	families := scrape(t, s)
	cases := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{"hubjwt_revocations_total", map[string]string{"kind": "subject"}, 2},
		{"hubjwt_revocations_total", map[string]string{"kind": "token"}, 1},
		{"hubjwt_revocations_total", map[string]string{"kind": "key"}, 0},
		{"hubjwt_store_errors_total", map[string]string{"store": "revocations", "op": "write"}, 1},
		{"hubjwt_store_errors_total", map[string]string{"store": "keys", "op": "read"}, 0},
		{"hubjwt_tokens_minted_total",
			map[string]string{"kind": "service", "grant": "token_exchange"}, 1},
	}
	for _, c := range cases {
		t.Run(fmt.Sprint(c.name, c.labels), func(t *testing.T) {
			if got := value(t, families, c.name, c.labels); got != c.want {
				t.Errorf("got %v, want %v", got, c.want)
			}
		})
	}
}

func TestRejectionReason(t *testing.T) {
	cases := []struct {
		err  error
		want string
	}{
		{token.ErrExpired, "expired"},
		{token.ErrNotYetValid, "not_yet_valid"},
		{token.ErrIssuedInFuture, "not_yet_valid"},
		{token.ErrSignature, "signature"},
		{token.ErrUnknownKey, "unknown_key"},
		{token.ErrAlgorithmMismatch, "algorithm"},
		{token.ErrWrongType, "malformed"},
		{token.ErrRevoked, "revoked"},
		{token.ErrRevocationStale, "revocation_stale"},
		{token.ErrAudience, "audience"},
		{token.ErrIssuer, "issuer"},
		{token.ErrTooLarge, "too_large"},
		{token.ErrLifetime, "lifetime"},
		{token.ErrKeySource, "key_source"},
		{errors.New("disk on fire"), "other"},
	}
	for _, c := range cases {
		t.Run(c.want+"/"+c.err.Error(), func(t *testing.T) {
			err := fmt.Errorf("verify: %w", c.err)
			if got := rejectionReason(err); got != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func TestRejectionReasonsListedOnce(t *testing.T) {
	seen := map[string]int{}
	for _, r := range rejectionReasons() {
		seen[r]++
	}
	for reason, n := range seen {
		if n != 1 {
			t.Errorf("reason %q: got %d times, want 1", reason, n)
		}
	}
	if seen[reasonOther] != 1 {
		t.Errorf("reason %q: got none, want it listed", reasonOther)
	}
}

// syncBuffer is a strings.Builder safe for concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}
