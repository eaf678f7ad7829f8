package refresh_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/token/refresh"
	"github.com/hubjwt/hubjwt/token/refresh/storetest"
)

func TestMemoryStoreConformance(t *testing.T) {
	storetest.Run(t, func(*testing.T) refresh.Store { return refresh.NewMemoryStore() })
}

// clock is a manually moved time source.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

func newService(t *testing.T, grace time.Duration) (*refresh.Service, *clock) {
	t.Helper()
	c := &clock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	s, err := refresh.NewService(refresh.NewMemoryStore(),
		refresh.Config{MaxLifetime: time.Hour, ReuseGrace: grace}, c.Now)
	if err != nil {
		t.Fatalf("NewService: %v", err)
	}
	return s, c
}

var grant = refresh.Grant{Subject: "alice", Kind: "user", ClientID: "jupyterlab",
	Scopes: []string{"read:users!user=alice"}, Audience: []string{"jupyterhub"}}

func TestServiceIssueFormat(t *testing.T) {
	s, _ := newService(t, 10*time.Second)
	a, err := s.Issue(context.Background(), grant)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	b, err := s.Issue(context.Background(), grant)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if len(a.Token) != 64 || strings.ContainsAny(a.Token, "+/=") {
		t.Errorf("got token of length %d %q, want 64 base64url characters", len(a.Token), a.Token)
	}
	if a.Token == b.Token || a.Family.ID == b.Family.ID {
		t.Error("got two equal tokens or family ids, want random ones")
	}
	if a.Family.Current != refresh.Hash(a.Token) || strings.Contains(a.Family.Current, a.Token) {
		t.Errorf("got stored hash %q, want the SHA-256 of the token only", a.Family.Current)
	}
	if want := time.Date(2026, 12, 4, 11, 0, 0, 0, time.UTC); !a.Family.ExpiresAt.Equal(want) {
		t.Errorf("got expiry %s, want %s", a.Family.ExpiresAt, want)
	}
}

func TestServiceRedeem(t *testing.T) {
	s, c := newService(t, 10*time.Second)
	ctx := context.Background()
	first, err := s.Issue(ctx, grant)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	c.now = c.now.Add(time.Minute)
	second, err := s.Redeem(ctx, first.Token, "jupyterlab")
	if err != nil {
		t.Fatalf("Redeem: %v", err)
	}
	if second.Token == first.Token || second.Result != refresh.Rotated {
		t.Fatalf("got token equal %v result %d, want a new token and Rotated",
			second.Token == first.Token, second.Result)
	}
	c.now = c.now.Add(5 * time.Second)
	retry, err := s.Redeem(ctx, first.Token, "jupyterlab")
	if err != nil {
		t.Fatalf("Redeem in the grace window: %v", err)
	}
	if retry.Token != second.Token || retry.Result != refresh.Retried {
		t.Errorf("got result %d and a different token %v, want Retried and the same successor",
			retry.Result, retry.Token != second.Token)
	}
	third, err := s.Redeem(ctx, second.Token, "jupyterlab")
	if err != nil {
		t.Fatalf("Redeem the successor: %v", err)
	}
	if _, err := s.Redeem(ctx, first.Token, "jupyterlab"); !errors.Is(err, refresh.ErrReused) {
		t.Fatalf("older token: got error %v, want ErrReused", err)
	}
	if _, err := s.Redeem(ctx, third.Token, "jupyterlab"); !errors.Is(err, refresh.ErrRevoked) {
		t.Errorf("after reuse: got error %v, want ErrRevoked", err)
	}
}

func TestServiceRedeemErrors(t *testing.T) {
	s, c := newService(t, 0)
	ctx := context.Background()
	issued, err := s.Issue(ctx, grant)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	forged := issued.Token[:22] + strings.Repeat("A", 42)
	cases := []struct {
		name   string
		token  string
		client string
		after  time.Duration
		want   error
	}{
		{"empty", "", "jupyterlab", 0, refresh.ErrMalformed},
		{"short", "abc", "jupyterlab", 0, refresh.ErrMalformed},
		{"not base64", strings.Repeat("*", 64), "jupyterlab", 0, refresh.ErrMalformed},
		{"unknown family", strings.Repeat("A", 64), "jupyterlab", 0, refresh.ErrNotFound},
		{"forged secret", forged, "jupyterlab", 0, refresh.ErrNotFound},
		{"other client", issued.Token, "other", 0, refresh.ErrClientMismatch},
		{"expired", issued.Token, "jupyterlab", time.Hour, refresh.ErrExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.now = issued.Family.CreatedAt.Add(tc.after)
			if _, err := s.Redeem(ctx, tc.token, tc.client); !errors.Is(err, tc.want) {
				t.Errorf("got error %v, want %v", err, tc.want)
			}
		})
	}
}

func TestServiceRevokeToken(t *testing.T) {
	s, _ := newService(t, 0)
	ctx := context.Background()
	issued, err := s.Issue(ctx, grant)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	if err := s.RevokeToken(ctx, issued.Token); err != nil {
		t.Fatalf("RevokeToken: %v", err)
	}
	if _, err := s.Redeem(ctx, issued.Token, "jupyterlab"); !errors.Is(err, refresh.ErrRevoked) {
		t.Errorf("got error %v, want ErrRevoked", err)
	}
}

func TestNewServiceRejectsBadConfig(t *testing.T) {
	st := refresh.NewMemoryStore()
	if _, err := refresh.NewService(st, refresh.Config{}, nil); err == nil {
		t.Error("zero max lifetime: got nil error, want one")
	}
	_, err := refresh.NewService(st, refresh.Config{MaxLifetime: time.Hour, ReuseGrace: -1}, nil)
	if err == nil {
		t.Error("negative grace: got nil error, want one")
	}
}

func TestServiceRevokeRefreshIgnoresUnknown(t *testing.T) {
	s, _ := newService(t, 0)
	for _, raw := range []string{"", "abc", strings.Repeat("A", 64)} {
		if err := s.RevokeRefresh(context.Background(), raw); err != nil {
			t.Errorf("RevokeRefresh(%q): got error %v, want nil", raw, err)
		}
	}
}

func TestServiceInspect(t *testing.T) {
	s, _ := newService(t, 10*time.Second)
	ctx := context.Background()
	first, err := s.Issue(ctx, grant)
	if err != nil {
		t.Fatalf("Issue: %v", err)
	}
	f, err := s.Inspect(ctx, first.Token, "jupyterlab")
	if err != nil || f.Subject != "alice" || f.ID != first.Family.ID {
		t.Fatalf("current token: got family %q of %q, error %v; want %s of alice", f.ID,
			f.Subject, err, first.Family.ID)
	}
	second, err := s.Redeem(ctx, first.Token, "jupyterlab")
	if err != nil {
		t.Fatalf("Redeem: %v", err)
	}
	if _, err := s.Inspect(ctx, first.Token, "jupyterlab"); err != nil {
		t.Errorf("previous token: got error %v, want the family", err)
	}
	if _, err := s.Redeem(ctx, second.Token, "jupyterlab"); err != nil {
		t.Fatalf("Redeem: %v", err)
	}
	if _, err := s.Inspect(ctx, first.Token, "other"); !errors.Is(err, refresh.ErrClientMismatch) {
		t.Errorf("older token, other client: got error %v, want ErrClientMismatch", err)
	}
	if _, err := s.Inspect(ctx, first.Token, "jupyterlab"); !errors.Is(err, refresh.ErrReused) {
		t.Errorf("older token: got error %v, want ErrReused", err)
	}
	if _, err := s.Inspect(ctx, second.Token, "jupyterlab"); !errors.Is(err, refresh.ErrRevoked) {
		t.Errorf("revoked family: got error %v, want ErrRevoked", err)
	}
}
