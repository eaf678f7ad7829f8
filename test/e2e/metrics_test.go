package e2e

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/hubjwt/hubjwt/internal/servetest"
)

// scrapeMetrics fetches and parses GET /metrics of a running server.
func scrapeMetrics(t *testing.T, p *servetest.Process) map[string]*dto.MetricFamily {
	t.Helper()
	status, h, body := call(t, "GET", p.URL+"/metrics", "", "", "")
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: got %d, want 200", status)
	}
	if ct := h.Get("Content-Type"); ct == "" {
		t.Error("GET /metrics: got no Content-Type")
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("parse /metrics: %v", err)
	}
	return families
}

// sample returns the value of the first series of name whose labels include
// labels, and whether there is one.
func sample(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	for _, m := range families[name].GetMetric() {
		if !matchLabels(m, labels) {
			continue
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue(), true
		case m.Gauge != nil:
			return m.Gauge.GetValue(), true
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount()), true
		}
	}
	return 0, false
}

func matchLabels(m *dto.Metric, want map[string]string) bool {
	have := map[string]string{}
	for _, l := range m.GetLabel() {
		have[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if have[k] != v {
			return false
		}
	}
	return true
}

func TestMetricsEndpoint(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	tok := mint(t, p, map[string]any{"subject": "alice", "kind": "user",
		"scopes": []string{"read:users!user=alice"}})
	form := url.Values{"token": {tok.AccessToken}}.Encode()
	for _, raw := range []string{form, "token=not-a-token"} {
		status, _, body := call(t, "POST", p.URL+"/oauth2/introspect",
			"application/x-www-form-urlencoded", "Bearer "+p.AdminToken(), raw)
		if status != http.StatusOK {
			t.Fatalf("introspect: got %d %s, want 200", status, body)
		}
	}
	status, _, body := call(t, "POST", p.URL+"/v1/revocations", "application/json",
		"Bearer "+p.AdminToken(), `{"subject": "bob", "kind": "service"}`)
	if status != http.StatusOK {
		t.Fatalf("revoke: got %d %s, want 200", status, body)
	}
	_, h, _ := call(t, "GET", p.URL+"/.well-known/jwks.json", "", "", "")
	req, err := http.NewRequest("GET", p.URL+"/.well-known/jwks.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("If-None-Match", h.Get("ETag"))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	families := scrapeMetrics(t, p)

	t.Run("every metric present", func(t *testing.T) {
		for _, name := range []string{
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
			"go_goroutines",
			"process_resident_memory_bytes",
		} {
			if _, ok := families[name]; !ok {
				t.Errorf("got no %s, want it exposed", name)
			}
		}
	})
	t.Run("counts", func(t *testing.T) {
		cases := []struct {
			name   string
			labels map[string]string
			want   float64
		}{
			{"hubjwt_tokens_minted_total", map[string]string{"kind": "user", "grant": "admin"}, 1},
			{"hubjwt_token_verifications_total", map[string]string{"result": "active"}, 1},
			{"hubjwt_token_verifications_total", map[string]string{"result": "rejected"}, 1},
			{"hubjwt_token_rejections_total", map[string]string{"reason": "malformed"}, 1},
			{"hubjwt_revocations_total", map[string]string{"kind": "subject"}, 1},
			{"hubjwt_jwks_requests_total", map[string]string{"status": "200"}, 1},
			{"hubjwt_jwks_requests_total", map[string]string{"status": "304"}, 1},
			{"hubjwt_store_errors_total", map[string]string{"store": "revocations",
				"op": "write"}, 0},
			{"hubjwt_http_request_duration_seconds", map[string]string{
				"route": "/v1/tokens", "method": "POST", "status": "200"}, 1},
		}
		for _, c := range cases {
			got, ok := sample(families, c.name, c.labels)
			if !ok || got != c.want {
				t.Errorf("%s%v: got %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
			}
		}
	})
	t.Run("key gauges", func(t *testing.T) {
		n := len(families["hubjwt_key_age_seconds"].GetMetric())
		if n < 2 {
			t.Errorf("hubjwt_key_age_seconds: got %d series, want the active and the next key", n)
		}
		next, ok := sample(families, "hubjwt_key_next_rotation_seconds", nil)
		week := (7 * 24 * time.Hour).Seconds()
		if !ok || next <= week-300 || next > week {
			t.Errorf("next rotation: got %v s, want just under the default 168h period", next)
		}
	})
	t.Run("mirror lag", func(t *testing.T) {
		// The server's mirror polls the store every second, so its lag stays
		// far below revocation.max_staleness (60 s) once it has synced.
		deadline := time.Now().Add(5 * time.Second)
		for {
			lag, ok := sample(scrapeMetrics(t, p), "hubjwt_revocation_mirror_lag_seconds", nil)
			if ok && lag >= 0 && lag < 10 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("mirror lag: got %v s (present %v), want under 10 s", lag, ok)
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}
