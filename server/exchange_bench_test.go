package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/internal/jhtest"
)

// BenchmarkExchange measures POST /oauth2/token with the token-exchange
// grant, in process, against a real JupyterHub 3.0 on loopback: "cached"
// serves the hub's response from the identity cache, "uncached" calls the hub's
// GET /hub/api/user on every request.
func BenchmarkExchange(b *testing.B) {
	hub := jhtest.Start(b, jhtest.Config{Users: []string{"alice"}})
	client, err := hubapi.New(hub.APIURL(), hub.ServiceToken, nil)
	if err != nil {
		b.Fatal(err)
	}
	body := exchangeBody(hub.UserToken("alice"))
	for _, bc := range []struct {
		name string
		ttl  time.Duration
	}{{"cached", time.Hour}, {"uncached", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			s := newExchangeServer(b, client, bc.ttl)
			h := s.Handler()
			exchangeOnce(b, h, body) // fills the cache
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				exchangeOnce(b, h, body)
			}
		})
	}
}

func exchangeOnce(b *testing.B, h http.Handler, body string) {
	req := httptest.NewRequest(http.MethodPost, "/oauth2/token", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("exchange: got %d %s, want 200", rec.Code, rec.Body)
	}
}
