package token_test

import (
	"context"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/token"
)

const (
	testIssuer   = "https://hub.example.org/hubjwt"
	testAudience = "jupyterhub"
)

var epoch = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// fixture is a key manager, a minter and a verifier sharing one key set.
type fixture struct {
	keys     *jwks.Manager
	minter   *token.Minter
	verifier *token.Verifier
	now      time.Time
}

func newFixture(t testing.TB, alg string) *fixture {
	t.Helper()
	f := &fixture{now: epoch}
	clock := func() time.Time { return f.now }
	m, err := jwks.NewManager(&jwks.MemoryStore{}, jwks.Config{Algorithm: alg, Retention: time.Hour},
		jwks.WithClock(clock))
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	if err := m.Load(context.Background()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	f.keys = m
	f.minter = token.NewMinter(token.MinterConfig{
		Issuer: testIssuer, DefaultTTL: 5 * time.Minute, MaxTTL: time.Hour,
		DefaultAudience: []string{testAudience},
	}, m, clock)
	src, err := token.NewStaticKeys(m.Document().Set)
	if err != nil {
		t.Fatalf("NewStaticKeys: %v", err)
	}
	f.verifier, err = token.NewVerifier(token.VerifierConfig{Issuer: testIssuer, Audience: testAudience},
		src, token.WithVerifierClock(clock))
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return f
}

func (f *fixture) mint(t testing.TB, req token.Request) *token.Token {
	t.Helper()
	if req.Subject == "" {
		req.Subject = "alice"
	}
	tok, err := f.minter.Mint(req)
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	return tok
}

// publicSet returns the fixture's public JWK Set.
func (f *fixture) publicSet() jwk.Set { return f.keys.Document().Set }
