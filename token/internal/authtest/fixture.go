package authtest

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
)

// Names the fixture's tokens carry.
const (
	Issuer   = "https://hub.example.org/hubjwt"
	Audience = "jupyterhub-user-alice"
	Realm    = "test"
)

// Epoch is the fixture clock's start.
var Epoch = time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)

// Fixture is a key manager, a minter, a revocation mirror and a verifier on one
// clock. Its clock is safe to move while servers run.
type Fixture struct {
	Keys     *jwks.Manager
	Minter   *token.Minter
	Mirror   *revocation.Mirror
	Verifier *token.Verifier
	Groups   scopes.Groups
	now      atomic.Int64
}

// NewFixture returns a fixture with an ES256 key, bob and carol in the group
// team, dave in no group, and a synced, empty mirror.
func NewFixture(t testing.TB) *Fixture {
	t.Helper()
	f := &Fixture{Groups: scopes.Groups{"bob": {"team"}, "carol": {"team"}, "dave": {}}}
	f.now.Store(Epoch.UnixNano())
	m, err := jwks.NewManager(&jwks.MemoryStore{}, jwks.Config{Algorithm: "ES256",
		Retention: time.Hour}, jwks.WithClock(f.Now))
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	if err := m.Load(context.Background()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	f.Keys = m
	f.Minter = token.NewMinter(token.MinterConfig{Issuer: Issuer, DefaultTTL: 5 * time.Minute,
		MaxTTL: time.Hour, DefaultAudience: []string{Audience}}, m, f.Now)
	f.Mirror = revocation.NewMirror(revocation.MirrorConfig{Now: f.Now, MaxStaleness: time.Minute})
	f.Mirror.Apply(revocation.Update{Generation: "g1", Full: true})
	f.Verifier = f.NewVerifier(t, token.WithGroupLookup(f.Groups))
	return f
}

// Now returns the fixture's time.
func (f *Fixture) Now() time.Time { return time.Unix(0, f.now.Load()).UTC() }

// Advance moves the clock by d.
func (f *Fixture) Advance(d time.Duration) { f.now.Add(int64(d)) }

// NewVerifier returns a verifier of the fixture's tokens on its clock, with
// static keys and the mirror, plus opts.
func (f *Fixture) NewVerifier(t testing.TB, opts ...token.VerifierOption) *token.Verifier {
	t.Helper()
	keys, err := token.NewStaticKeys(f.Keys.Document().Set)
	if err != nil {
		t.Fatalf("NewStaticKeys: %v", err)
	}
	opts = append([]token.VerifierOption{token.WithVerifierClock(f.Now),
		token.WithRevocationList(f.Mirror)}, opts...)
	v, err := token.NewVerifier(token.VerifierConfig{Issuer: Issuer, Audience: Audience},
		keys, opts...)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	return v
}

// Mint returns a token of req, alice's by default.
func (f *Fixture) Mint(t testing.TB, req token.Request) *token.Token {
	t.Helper()
	if req.Subject == "" {
		req.Subject = "alice"
	}
	tok, err := f.Minter.Mint(req)
	if err != nil {
		t.Fatalf("Mint: %v", err)
	}
	return tok
}

// MintExpired returns a token of alice that expired five minutes ago, past
// the verifier's leeway.
func (f *Fixture) MintExpired(t testing.TB, scopeList ...string) *token.Token {
	t.Helper()
	f.Advance(-10 * time.Minute)
	defer f.Advance(10 * time.Minute)
	return f.Mint(t, token.Request{Scopes: scopeList, TTL: 5 * time.Minute})
}

// Revoke adds a revocation of tok's jti to the mirror.
func (f *Fixture) Revoke(tok *token.Token) {
	now := f.Now()
	f.Mirror.Add(revocation.Entry{Kind: revocation.KindToken, JTI: tok.Claims.ID,
		CreatedAt: now, ExpiresAt: tok.Claims.ExpiresAt.Time().Add(time.Minute)})
}

// ServeJWKS serves the fixture's public JWK Set on a loopback port and returns
// its URL.
func (f *Fixture) ServeJWKS(t testing.TB) string {
	t.Helper()
	srv := NewLoopbackServer(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		doc := f.Keys.Document()
		w.Header().Set("Content-Type", "application/jwk-set+json")
		_, _ = w.Write(doc.Body)
	}))
	return srv.URL + "/.well-known/jwks.json"
}

// NewLoopbackServer starts an httptest server on 127.0.0.1, closed when the
// test ends.
func NewLoopbackServer(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen on loopback: %v", err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}
