package token_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
)

func TestRequiredScopes(t *testing.T) {
	f := newFixture(t, "ES256")
	src, err := token.NewStaticKeys(f.publicSet())
	if err != nil {
		t.Fatal(err)
	}
	cfg := token.VerifierConfig{Issuer: testIssuer, Audience: testAudience}
	cases := []struct {
		name     string
		held     []string
		required []string
		want     error
	}{
		{"unfiltered held", []string{"read:users"}, []string{"read:users!user=bob"}, nil},
		{"filter matches", []string{"access:servers!server=alice/"},
			[]string{"access:servers!server=alice/"}, nil},
		{"user filter covers the server", []string{"access:servers!user=alice"},
			[]string{"access:servers!server=alice/"}, nil},
		{"other server", []string{"access:servers!server=alice/"},
			[]string{"access:servers!server=bob/"}, token.ErrInsufficientScope},
		{"filtered is not unfiltered", []string{"read:users!user=alice"},
			[]string{"read:users"}, token.ErrInsufficientScope},
		{"every scope is needed", []string{"read:users"},
			[]string{"read:users", "read:groups"}, token.ErrInsufficientScope},
		{"group via lookup", []string{"access:servers!group=team"},
			[]string{"access:servers!server=bob/"}, nil},
		{"group, member unknown", []string{"access:servers!group=team"},
			[]string{"access:servers!server=erin/"}, token.ErrInsufficientScope},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, err := token.NewVerifier(cfg, src, token.WithVerifierClock(func() time.Time { return f.now }),
				token.WithRequiredScopes(c.required...),
				token.WithGroupLookup(scopes.Groups{"bob": {"team"}}))
			if err != nil {
				t.Fatal(err)
			}
			tok := f.mint(t, token.Request{Scopes: c.held})
			_, err = v.Verify(context.Background(), tok.Raw)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
			var se *token.ScopeError
			if c.want != nil && (!errors.As(err, &se) || se.Scope == "") {
				t.Errorf("error %v: want a *token.ScopeError naming the scope", err)
			}
		})
	}
}

func TestRequiredScopesRejectedAtConstruction(t *testing.T) {
	f := newFixture(t, "ES256")
	src, _ := token.NewStaticKeys(f.publicSet())
	cfg := token.VerifierConfig{Issuer: testIssuer, Audience: testAudience}
	for _, bad := range []string{"no:such:scope", "access:servers!server", "read:users!nope=x"} {
		t.Run(bad, func(t *testing.T) {
			if _, err := token.NewVerifier(cfg, src, token.WithRequiredScopes(bad)); err == nil {
				t.Fatalf("NewVerifier with required %q: got nil error, want one", bad)
			}
		})
	}
}

func TestAccessIgnoresUnknownScopes(t *testing.T) {
	f := newFixture(t, "ES256")
	tok := f.mint(t, token.Request{Scopes: []string{"read:users!user=alice", "x:custom"}})
	c, err := f.verifier.Verify(context.Background(), tok.Raw)
	if err != nil {
		t.Fatal(err)
	}
	a, err := f.verifier.Access(c)
	if err != nil {
		t.Fatalf("Access: %v", err)
	}
	if got := a.Ignored(); len(got) != 1 || got[0] != "x:custom" {
		t.Errorf("Ignored: got %v, want [x:custom]", got)
	}
	if !a.AllowsScope("read:users!user=alice") {
		t.Error("AllowsScope(read:users!user=alice): got false, want true")
	}
	if a.AllowsScope("read:users!user=bob") {
		t.Error("AllowsScope(read:users!user=bob): got true, want false")
	}
	if a.OpensServer(scopes.ServerAccess{User: "alice"}) {
		t.Error("OpensServer without access:servers: got true, want false")
	}
}
