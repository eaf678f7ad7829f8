package hubapi_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/internal/jhtest"
)

var hubConfig = jhtest.Config{
	Users:  []string{"alice", "bob"},
	Groups: map[string][]string{"team": {"bob", "carol"}},
	Services: []jhtest.Service{
		{Name: "reader", Roles: []string{"reader"}},
		{Name: "filtered", Roles: []string{"filtered-tokens"}},
	},
	Roles: []jhtest.Role{
		{Name: "team-lead", Scopes: []string{"read:users!group=team"}, Users: []string{"alice"}},
		{Name: "team-member", Scopes: []string{"read:groups!group=team"}, Groups: []string{"team"}},
		{Name: "reader", Scopes: []string{"read:users:name"}},
		{Name: "filtered-tokens", Scopes: []string{"tokens!user=bob"}},
	},
}

func newClient(t *testing.T, apiURL, token string) *hubapi.Client {
	t.Helper()
	c, err := hubapi.New(apiURL, token, nil)
	if err != nil {
		t.Fatalf("New(%q): %v", apiURL, err)
	}
	return c
}

// TestClientAgainstHub runs every call against one real JupyterHub.
func TestClientAgainstHub(t *testing.T) {
	hub := jhtest.Start(t, hubConfig)
	c := newClient(t, hub.APIURL(), hub.ServiceToken)
	ctx := context.Background()

	t.Run("whoami user", func(t *testing.T) { testWhoAmIUser(t, c, hub) })
	t.Run("whoami service", func(t *testing.T) { testWhoAmIService(t, c) })
	t.Run("whoami invalid token", func(t *testing.T) {
		_, err := c.WhoAmI(ctx, "not-a-valid-token")
		if !errors.Is(err, hubapi.ErrInvalidToken) {
			t.Fatalf("got error %v, want ErrInvalidToken", err)
		}
		if strings.Contains(err.Error(), "not-a-valid-token") {
			t.Errorf("error %q contains the token", err)
		}
	})
	t.Run("token lifecycle", func(t *testing.T) { testTokenLifecycle(t, c) })
	t.Run("create token unknown scope", func(t *testing.T) {
		// JupyterHub 3.0 returns HTTP 500 for an unknown scope.
		_, err := c.CreateToken(ctx, "bob", []string{"no-such-scope"}, time.Minute, "")
		if !errors.Is(err, hubapi.ErrUnavailable) {
			t.Fatalf("got error %v, want ErrUnavailable", err)
		}
	})
	t.Run("create token without tokens scope", func(t *testing.T) {
		reader := newClient(t, hub.APIURL(), hub.ServiceTokenOf("reader"))
		_, err := reader.CreateToken(ctx, "bob", []string{"inherit"}, time.Minute, "")
		if !errors.Is(err, hubapi.ErrForbidden) {
			t.Fatalf("got error %v, want ErrForbidden", err)
		}
	})
	t.Run("create token with filtered tokens scope", func(t *testing.T) {
		// JupyterHub 3.0 checks a service's filtered tokens scope against the
		// service rather than the user, so tokens!user=bob does not cover bob.
		filtered := newClient(t, hub.APIURL(), hub.ServiceTokenOf("filtered"))
		_, err := filtered.CreateToken(ctx, "bob", []string{"inherit"}, time.Minute, "")
		if !errors.Is(err, hubapi.ErrForbidden) {
			t.Fatalf("got error %v, want ErrForbidden", err)
		}
	})
	t.Run("unknown user with read:users:name", func(t *testing.T) {
		reader := newClient(t, hub.APIURL(), hub.ServiceTokenOf("reader"))
		if _, err := reader.User(ctx, "nobody"); !errors.Is(err, hubapi.ErrNotFound) {
			t.Errorf("got error %v, want ErrNotFound", err)
		}
	})
	t.Run("models", func(t *testing.T) { testModels(t, c) })
	t.Run("user without read roles", func(t *testing.T) {
		reader := newClient(t, hub.APIURL(), hub.ServiceTokenOf("reader"))
		u, err := reader.User(ctx, "alice")
		if err != nil {
			t.Fatalf("User(alice): %v", err)
		}
		if u.Name != "alice" {
			t.Errorf("got name %q, want alice", u.Name)
		}
		if u.Roles != nil {
			t.Errorf("got roles %v, want nil for a caller without read:roles:users", u.Roles)
		}
	})
	t.Run("not found", func(t *testing.T) {
		_, err := c.User(ctx, "nobody")
		if !errors.Is(err, hubapi.ErrNotFound) {
			t.Errorf("User: got error %v, want ErrNotFound", err)
		}
		_, err = c.Group(ctx, "no-group")
		if !errors.Is(err, hubapi.ErrNotFound) {
			t.Errorf("Group: got error %v, want ErrNotFound", err)
		}
		var se *hubapi.StatusError
		wantPath := "/hub/api/groups/no-group"
		if !errors.As(err, &se) || se.Status != http.StatusNotFound || se.Path != wantPath {
			t.Errorf("got %#v, want a StatusError for 404 on /hub/api/groups/no-group", err)
		}
	})
	t.Run("hub stopped", func(t *testing.T) {
		hub.Stop(t)
		_, err := c.WhoAmI(ctx, hub.UserToken("alice"))
		if !errors.Is(err, hubapi.ErrUnavailable) {
			t.Fatalf("got error %v, want ErrUnavailable", err)
		}
		if strings.Contains(err.Error(), hub.UserToken("alice")) {
			t.Errorf("error %q contains the token", err)
		}
	})
}

func testWhoAmIUser(t *testing.T, c *hubapi.Client, hub *jhtest.Hub) {
	id, err := c.WhoAmI(context.Background(), hub.UserToken("bob"))
	if err != nil {
		t.Fatalf("WhoAmI: %v", err)
	}
	if id.Kind != "user" || id.Name != "bob" {
		t.Errorf("got %s %q, want user bob", id.Kind, id.Name)
	}
	if !slices.Equal(id.Groups, []string{"team"}) {
		t.Errorf("got groups %v, want [team]", id.Groups)
	}
	for _, want := range []string{"read:groups!group=team", "read:users!user=bob"} {
		if !slices.Contains(id.Scopes, want) {
			t.Errorf("got scopes %v, want them to contain %s", id.Scopes, want)
		}
	}
}

func testWhoAmIService(t *testing.T, c *hubapi.Client) {
	id, err := c.Self(context.Background())
	if err != nil {
		t.Fatalf("Self: %v", err)
	}
	if id.Kind != "service" || id.Name != jhtest.ServiceName {
		t.Errorf("got %s %q, want service %q", id.Kind, id.Name, jhtest.ServiceName)
	}
	if !slices.Contains(id.Scopes, "tokens") {
		t.Errorf("got scopes %v, want them to contain tokens", id.Scopes)
	}
}

func testTokenLifecycle(t *testing.T, c *hubapi.Client) {
	ctx := context.Background()
	before := time.Now()
	tok, err := c.CreateToken(ctx, "bob", []string{"inherit"}, time.Minute, "hubapi test")
	if err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	if tok.ID == "" || tok.Secret == "" || tok.User != "bob" || tok.Note != "hubapi test" {
		t.Errorf("got id %q, user %q, note %q, secret set %v; want all set",
			tok.ID, tok.User, tok.Note, tok.Secret != "")
	}
	if strings.Contains(tok.String(), tok.Secret) {
		t.Errorf("String() %q contains the secret", tok.String())
	}
	wantExpiry := before.Add(time.Minute)
	if d := tok.ExpiresAt.Sub(wantExpiry); d < -5*time.Second || d > 5*time.Second {
		t.Errorf("got expiry %v, want about %v", tok.ExpiresAt, wantExpiry)
	}

	id, err := c.WhoAmI(ctx, tok.Secret)
	if err != nil {
		t.Fatalf("WhoAmI(new token): %v", err)
	}
	if !slices.Equal(sorted(id.Scopes), sorted(tok.Scopes)) {
		t.Errorf("got whoami scopes %v, want the created token's %v", id.Scopes, tok.Scopes)
	}

	if err := c.DeleteToken(ctx, "bob", tok.ID); err != nil {
		t.Fatalf("DeleteToken: %v", err)
	}
	if _, err := c.WhoAmI(ctx, tok.Secret); !errors.Is(err, hubapi.ErrInvalidToken) {
		t.Errorf("WhoAmI after delete: got error %v, want ErrInvalidToken", err)
	}
	if err := c.DeleteToken(ctx, "bob", tok.ID); !errors.Is(err, hubapi.ErrNotFound) {
		t.Errorf("second DeleteToken: got error %v, want ErrNotFound", err)
	}
}

func testModels(t *testing.T, c *hubapi.Client) {
	ctx := context.Background()
	u, err := c.User(ctx, "alice")
	if err != nil {
		t.Fatalf("User(alice): %v", err)
	}
	if !slices.Equal(sorted(u.Roles), []string{"team-lead", "user"}) {
		t.Errorf("got alice roles %v, want [team-lead user]", u.Roles)
	}
	if u.Groups == nil || len(u.Groups) != 0 {
		t.Errorf("got alice groups %#v, want an empty, non-nil list", u.Groups)
	}

	g, err := c.Group(ctx, "team")
	if err != nil {
		t.Fatalf("Group(team): %v", err)
	}
	if !slices.Equal(g.Roles, []string{"team-member"}) {
		t.Errorf("got team roles %v, want [team-member]", g.Roles)
	}
	if !slices.Equal(sorted(g.Users), []string{"bob", "carol"}) {
		t.Errorf("got team users %v, want [bob carol]", g.Users)
	}

	s, err := c.Service(ctx, jhtest.ServiceName)
	if err != nil {
		t.Fatalf("Service: %v", err)
	}
	if !slices.Equal(s.Roles, []string{jhtest.ServiceName}) {
		t.Errorf("got service roles %v, want [%s]", s.Roles, jhtest.ServiceName)
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestNewInvalidURL(t *testing.T) {
	for _, raw := range []string{"", "127.0.0.1:8081/hub/api", "ftp://127.0.0.1/hub/api", "http://"} {
		t.Run(raw, func(t *testing.T) {
			_, err := hubapi.New(raw, "x", nil)
			if !errors.Is(err, hubapi.ErrInvalidURL) {
				t.Errorf("got error %v, want ErrInvalidURL", err)
			}
		})
	}
}

// TestTransportFailures covers failures no real hub produces on demand, with
// loopback HTTP servers that misbehave.
func TestTransportFailures(t *testing.T) {
	release := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	defer close(release)
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"kind":"user","name":"` + strings.Repeat("a", 2<<20) + `"}`))
	}))
	defer huge.Close()
	closed := closedAddr(t)

	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	cases := []struct {
		name    string
		url     string
		ctx     context.Context
		timeout time.Duration
		want    error
		notWant error
	}{
		{name: "connection refused", url: "http://" + closed + "/hub/api", want: hubapi.ErrUnavailable},
		{name: "timeout", url: slow.URL + "/hub/api", timeout: 200 * time.Millisecond,
			want: hubapi.ErrUnavailable},
		{name: "oversized body", url: huge.URL + "/hub/api", want: hubapi.ErrResponse},
		{name: "cancelled", url: slow.URL + "/hub/api", ctx: cancelled, want: context.Canceled,
			notWant: hubapi.ErrUnavailable},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := hubapi.New(tc.url, "secret-service-token", &http.Client{Timeout: tc.timeout})
			if err != nil {
				t.Fatal(err)
			}
			ctx := tc.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			_, err = c.WhoAmI(ctx, "secret-user-token")
			if !errors.Is(err, tc.want) {
				t.Fatalf("got error %v, want %v", err, tc.want)
			}
			if tc.notWant != nil && errors.Is(err, tc.notWant) {
				t.Errorf("got error %v, want it not to match %v", err, tc.notWant)
			}
			if strings.Contains(err.Error(), "secret-") {
				t.Errorf("error %q contains a token", err)
			}
		})
	}
}

// closedAddr returns a loopback address where nothing listens.
func closedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}
