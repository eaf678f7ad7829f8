package token_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/token"
)

func TestMintClaims(t *testing.T) {
	f := newFixture(t, "ES256")
	tok := f.mint(t, token.Request{Subject: "alice",
		Scopes:   []string{"read:users!user=alice", "access:servers!server=alice/", "read:users!user=alice"},
		ClientID: "jupyterhub"})
	c := tok.Claims
	if c.Issuer != testIssuer || c.Subject != "alice" || c.Kind != token.KindUser {
		t.Errorf("iss/sub/kind: got %q %q %q", c.Issuer, c.Subject, c.Kind)
	}
	if len(c.Audience) != 1 || c.Audience[0] != testAudience {
		t.Errorf("aud: got %v, want [%s]", c.Audience, testAudience)
	}
	if got, want := c.ExpiresAt.Time(), epoch.Add(5*time.Minute); !got.Equal(want) {
		t.Errorf("exp: got %s, want %s", got, want)
	}
	if !c.IssuedAt.Time().Equal(epoch) || !c.NotBefore.Time().Equal(epoch) {
		t.Errorf("iat/nbf: got %s/%s, want %s", c.IssuedAt.Time(), c.NotBefore.Time(), epoch)
	}
	if want := "access:servers!server=alice/ read:users!user=alice"; c.Scope != want {
		t.Errorf("scope: got %q, want %q", c.Scope, want)
	}
	if len(c.ID) != 22 {
		t.Errorf("jti %q: got %d characters, want 22 (128 bits base64url)", c.ID, len(c.ID))
	}
	if other := f.mint(t, token.Request{}); other.Claims.ID == c.ID {
		t.Error("two tokens share a jti")
	}
}

func TestMintRejectsBadRequests(t *testing.T) {
	f := newFixture(t, "EdDSA")
	cases := []struct {
		name string
		req  token.Request
		want error
		text string
	}{
		{"missing subject", token.Request{Subject: ""}, token.ErrInvalidRequest, "subject is missing"},
		{"space in subject", token.Request{Subject: "a b"}, token.ErrInvalidRequest, "subject"},
		{"control character", token.Request{Subject: "a\x00"}, token.ErrInvalidRequest, "control"},
		{"long subject", token.Request{Subject: strings.Repeat("a", 300)}, token.ErrInvalidRequest, "longer"},
		{"unknown kind", token.Request{Subject: "a", Kind: "robot"}, token.ErrInvalidRequest, "robot"},
		{"ttl too long", token.Request{Subject: "a", TTL: 2 * time.Hour}, token.ErrTTLTooLong, "2h0m0s"},
		{"negative ttl", token.Request{Subject: "a", TTL: -time.Second}, token.ErrInvalidRequest, "-1s"},
		{"empty audience", token.Request{Subject: "a", Audience: []string{""}}, token.ErrInvalidRequest, "audience"},
		{"scope with space", token.Request{Subject: "a", Scopes: []string{"read:users x"}}, token.ErrInvalidRequest, "scope"},
		{"bidi override in subject", token.Request{Subject: "al\u202eice"}, token.ErrInvalidRequest, "format"},
		{"zero-width space", token.Request{Subject: "al\u200bice"}, token.ErrInvalidRequest, "format"},
		{"no-break space", token.Request{Subject: "al\u00a0ice"}, token.ErrInvalidRequest, "spaces"},
		{"invalid UTF-8", token.Request{Subject: "al\xffice"}, token.ErrInvalidRequest, "UTF-8"},
		{"control character in client_id", token.Request{Subject: "a", ClientID: "x\ny"}, token.ErrInvalidRequest, "client_id"},
		{"too many audiences", token.Request{Subject: "a", Audience: strings.Split(strings.Repeat("a,", 16)+"a", ",")}, token.ErrInvalidRequest, "17 audiences"},
		{"claims too large", token.Request{Subject: "a", Scopes: manyScopes(400)}, token.ErrInvalidRequest, "fewer scopes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.minter.Mint(tc.req)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("message %q does not mention %q", err, tc.text)
			}
		})
	}
}

func TestMintServiceKind(t *testing.T) {
	f := newFixture(t, "ES256")
	tok := f.mint(t, token.Request{Subject: "grader", Kind: token.KindService, TTL: time.Hour})
	if tok.Claims.Kind != token.KindService {
		t.Errorf("kind: got %q, want service", tok.Claims.Kind)
	}
	if got := tok.Claims.ExpiresAt.Time().Sub(tok.Claims.IssuedAt.Time()); got != time.Hour {
		t.Errorf("lifetime: got %s, want 1h (max_ttl is allowed)", got)
	}
}

func manyScopes(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("read:users!user=user-number-%d", i)
	}
	return out
}

func TestMintRecordsKeyID(t *testing.T) {
	f := newFixture(t, "ES256")
	if got, want := f.mint(t, token.Request{}).KeyID, f.keys.ActiveKeyID(); got != want {
		t.Errorf("KeyID: got %q, want the active kid %q", got, want)
	}
}
