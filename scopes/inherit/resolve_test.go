package inherit_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/jhtest"
	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/scopes/inherit"
)

// TestResolveAgainstHub runs the read-only tests against one shared hub.
func TestResolveAgainstHub(t *testing.T) {
	cfg := hubConfig()
	hub := jhtest.Start(t, cfg)
	model := newModel(t)
	book := writeRolesFile(t, cfg, model)

	t.Run("modes match hub", func(t *testing.T) { testModesMatchHub(t, hub, book, model) })
	t.Run("expected scopes", func(t *testing.T) { testExpectedScopes(t, hub) })
	t.Run("services", func(t *testing.T) { testServices(t, hub, book, model) })
	t.Run("unknown user", func(t *testing.T) {
		c, _ := newClient(t, hub)
		_, err := inherit.NewHubToken(c, inherit.HubTokenOptions{}).
			Resolve(context.Background(), scopes.User("nobody"))
		if !errors.Is(err, inherit.ErrNotFound) {
			t.Errorf("got error %v, want ErrNotFound", err)
		}
	})
	t.Run("temporary token deleted", func(t *testing.T) { testTokenDeleted(t, hub) })
	t.Run("concurrent calls share one request", func(t *testing.T) { testSingleFlight(t, hub) })
	t.Run("redis shared between replicas", func(t *testing.T) { testRedisShared(t, hub) })
}

func testModesMatchHub(t *testing.T, hub *jhtest.Hub, book *scopes.RoleBook, model *scopes.Model) {
	c, _ := newClient(t, hub)
	modes := map[string]scopes.Resolver{
		"hub-token": inherit.NewHubToken(c, inherit.HubTokenOptions{}),
		"hub-roles": inherit.NewHubRoles(c, book, model, inherit.HubRolesOptions{}),
	}
	for _, user := range []string{"alice", "bob", "carol", "dave", "erin"} {
		want := hubScopes(t, hub, user)
		for name, r := range modes {
			t.Run(name+"/"+user, func(t *testing.T) {
				got, err := r.Resolve(context.Background(), scopes.User(user))
				if err != nil {
					t.Fatalf("Resolve: %v", err)
				}
				if !slices.Equal(got, want) {
					t.Errorf("got %v,\nwant the hub's %v", got, want)
				}
			})
		}
	}
}

// testExpectedScopes checks facts about the results, so that a hub that
// returned nothing could not pass testModesMatchHub.
func testExpectedScopes(t *testing.T, hub *jhtest.Hub) {
	c, _ := newClient(t, hub)
	r := inherit.NewHubToken(c, inherit.HubTokenOptions{})
	cases := []struct {
		user    string
		want    []string
		notWant []string
	}{
		{user: "alice", want: []string{
			"read:users!group=team", "read:servers!server=dave/",
			"read:users:name!user=dave", "tokens!user=alice",
		}, notWant: []string{"read:groups!group=team"}},
		{user: "bob", want: []string{"read:groups!group=team", "read:users!user=bob"}},
		{user: "dave", want: []string{"servers!group=ops", "read:hub", "delete:servers!group=ops"}},
		{user: "erin", want: []string{"read:users!user=bob", "read:users:name"},
			notWant: []string{"read:users:name!user=erin"}},
	}
	for _, tc := range cases {
		t.Run(tc.user, func(t *testing.T) {
			got, err := r.Resolve(context.Background(), scopes.User(tc.user))
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			for _, s := range tc.want {
				if !slices.Contains(got, s) {
					t.Errorf("got %v, want it to contain %s", got, s)
				}
			}
			for _, s := range tc.notWant {
				if slices.Contains(got, s) {
					t.Errorf("got %v, want it not to contain %s", got, s)
				}
			}
		})
	}
}

func testServices(t *testing.T, hub *jhtest.Hub, book *scopes.RoleBook, model *scopes.Model) {
	ctx := context.Background()
	c, _ := newClient(t, hub)
	self, err := c.Self(ctx)
	if err != nil {
		t.Fatalf("Self: %v", err)
	}
	want := sorted(self.Scopes)
	static := scopes.NewStaticResolver(model, book)
	wantReporter, err := static.Resolve(ctx, scopes.Service("reporter"))
	if err != nil {
		t.Fatalf("static Resolve(reporter): %v", err)
	}

	cases := []struct {
		name    string
		r       scopes.Resolver
		owner   scopes.Owner
		want    []string
		wantErr error
	}{
		{name: "hub-token self", r: inherit.NewHubToken(c, inherit.HubTokenOptions{}),
			owner: scopes.Service(jhtest.ServiceName), want: want},
		{name: "hub-roles self", r: inherit.NewHubRoles(c, book, model, inherit.HubRolesOptions{}),
			owner: scopes.Service(jhtest.ServiceName), want: want},
		{name: "hub-token other without fallback", r: inherit.NewHubToken(c, inherit.HubTokenOptions{}),
			owner: scopes.Service("reporter"), wantErr: inherit.ErrUnsupported},
		{name: "hub-token other from roles file",
			r:     inherit.NewHubToken(c, inherit.HubTokenOptions{Services: static}),
			owner: scopes.Service("reporter"), want: wantReporter},
		{name: "hub-roles other", r: inherit.NewHubRoles(c, book, model, inherit.HubRolesOptions{}),
			owner: scopes.Service("reporter"), want: wantReporter},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.r.Resolve(ctx, tc.owner)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("got error %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			if len(tc.want) == 0 || !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func testTokenDeleted(t *testing.T, hub *jhtest.Hub) {
	c, counter := newClient(t, hub)
	var deleteErrs []error
	r := inherit.NewHubToken(c, inherit.HubTokenOptions{
		OnDeleteError: func(_, _ string, err error) { deleteErrs = append(deleteErrs, err) },
	})
	if _, err := r.Resolve(context.Background(), scopes.User("carol")); err != nil {
		t.Fatalf("Resolve: %v", err)
	}
	if n := counter.count("DELETE"); n != 1 {
		t.Errorf("got %d DELETE requests, want 1", n)
	}
	if len(deleteErrs) != 0 {
		t.Errorf("got delete errors %v, want none", deleteErrs)
	}
	// Only the harness's config token of carol may remain.
	ids := userTokenNotes(t, hub, "carol")
	for _, note := range ids {
		if note == "hubjwt inherit resolution" {
			t.Errorf("got a leftover temporary token, want it deleted (notes %v)", ids)
		}
	}
}

func testSingleFlight(t *testing.T, hub *jhtest.Hub) {
	c, counter := newClient(t, hub)
	clk := newClock()
	cached := inherit.NewCached(inherit.NewHubToken(c, inherit.HubTokenOptions{}),
		inherit.Options{TTL: time.Minute, Now: clk.Now})
	const callers = 16
	results := make([][]string, callers)
	errs := make([]error, callers)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range callers {
		wg.Go(func() {
			<-start
			results[i], errs[i] = cached.Resolve(context.Background(), scopes.User("bob"))
		})
	}
	close(start)
	wg.Wait()
	for i := range callers {
		if errs[i] != nil {
			t.Fatalf("caller %d: %v", i, errs[i])
		}
		if !slices.Equal(results[i], results[0]) || len(results[i]) == 0 {
			t.Errorf("caller %d got %v, want %v", i, results[i], results[0])
		}
	}
	if n := counter.count("POST"); n != 1 {
		t.Errorf("got %d token creations for %d concurrent calls, want 1", n, callers)
	}
}

func testRedisShared(t *testing.T, hub *jhtest.Hub) {
	rdb := redistest.Start(t).Client(t)
	ctx := context.Background()
	clk := newClock()
	clientA, counterA := newClient(t, hub)
	clientB, counterB := newClient(t, hub)
	opts := inherit.Options{TTL: time.Minute, Redis: rdb, Now: clk.Now}
	a := inherit.NewCached(inherit.NewHubToken(clientA, inherit.HubTokenOptions{}), opts)
	b := inherit.NewCached(inherit.NewHubToken(clientB, inherit.HubTokenOptions{}), opts)

	gotA, err := a.Resolve(ctx, scopes.User("dave"))
	if err != nil {
		t.Fatalf("replica A: %v", err)
	}
	if n := counterA.count("POST"); n != 1 {
		t.Errorf("replica A: got %d token creations, want 1", n)
	}
	if n, err := rdb.Exists(ctx, "hubjwt:inherit:user:dave").Result(); err != nil || n != 1 {
		t.Errorf("got Exists(hubjwt:inherit:user:dave) = %d, %v; want 1", n, err)
	}

	gotB, err := b.Resolve(ctx, scopes.User("dave"))
	if err != nil {
		t.Fatalf("replica B: %v", err)
	}
	if !slices.Equal(gotB, gotA) {
		t.Errorf("replica B got %v, want replica A's %v", gotB, gotA)
	}
	if n := counterB.total(); n != 0 {
		t.Errorf("replica B: got %d hub requests, want 0", n)
	}

	clk.Advance(time.Minute + time.Second)
	if _, err := b.Resolve(ctx, scopes.User("dave")); err != nil {
		t.Fatalf("replica B after TTL: %v", err)
	}
	if n := counterB.count("POST"); n != 1 {
		t.Errorf("replica B after TTL: got %d token creations, want 1", n)
	}
}
