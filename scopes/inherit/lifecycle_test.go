package inherit_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/jhtest"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/scopes/inherit"
)

// modeSources returns both hub modes over one hub.
func modeSources(t *testing.T, hub *jhtest.Hub, cfg jhtest.Config) map[string]scopes.Resolver {
	t.Helper()
	c, _ := newClient(t, hub)
	model := newModel(t)
	book := writeRolesFile(t, cfg, model)
	return map[string]scopes.Resolver{
		"hub-token": inherit.NewHubToken(c, inherit.HubTokenOptions{}),
		"hub-roles": inherit.NewHubRoles(c, book, model, inherit.HubRolesOptions{}),
	}
}

// TestRoleLossShrinks restarts the hub without alice in team-lead and checks
// that both modes return fewer scopes once the TTL has passed, with OnShrink
// reporting exactly what the hub dropped.
func TestRoleLossShrinks(t *testing.T) {
	cfg := hubConfig()
	hub := jhtest.Start(t, cfg)
	ctx := context.Background()
	alice := scopes.User("alice")
	before := hubScopes(t, hub, "alice")

	clk := newClock()
	const ttl = time.Minute
	recorders := map[string]*shrinkRecorder{}
	caches := map[string]*inherit.Cached{}
	for name, source := range modeSources(t, hub, cfg) {
		recorders[name] = &shrinkRecorder{}
		caches[name] = inherit.NewCached(source, inherit.Options{
			TTL: ttl, Now: clk.Now, OnShrink: recorders[name].OnShrink,
		})
		got, err := caches[name].Resolve(ctx, alice)
		if err != nil {
			t.Fatalf("%s: Resolve before restart: %v", name, err)
		}
		if !slices.Equal(got, before) {
			t.Fatalf("%s: got %v before restart, want %v", name, got, before)
		}
	}

	changed := hubConfig()
	for i := range changed.Roles {
		if changed.Roles[i].Name == "team-lead" {
			changed.Roles[i].Users = nil
		}
	}
	hub.Restart(t, changed)
	after := hubScopes(t, hub, "alice")
	wantLost := missingFrom(before, after)
	if len(wantLost) == 0 || !slices.Contains(wantLost, "read:users!group=team") {
		t.Fatalf("hub reports lost scopes %v, want read:users!group=team among them", wantLost)
	}

	for name, cached := range caches {
		t.Run(name, func(t *testing.T) {
			got, err := cached.Resolve(ctx, alice)
			if err != nil {
				t.Fatalf("Resolve within TTL: %v", err)
			}
			if !slices.Equal(got, before) {
				t.Errorf("within TTL got %v, want the cached %v", got, before)
			}
			if calls := recorders[name].Calls(); len(calls) != 0 {
				t.Errorf("within TTL got OnShrink calls %v, want none", calls)
			}
		})
	}

	clk.Advance(ttl)
	for name, cached := range caches {
		t.Run(name+" after TTL", func(t *testing.T) {
			got, err := cached.Resolve(ctx, alice)
			if err != nil {
				t.Fatalf("Resolve after TTL: %v", err)
			}
			if !slices.Equal(got, after) {
				t.Errorf("got %v, want the hub's %v", got, after)
			}
			calls := recorders[name].Calls()
			if len(calls) != 1 {
				t.Fatalf("got %d OnShrink calls, want 1", len(calls))
			}
			if calls[0].owner != alice {
				t.Errorf("got OnShrink owner %v, want %v", calls[0].owner, alice)
			}
			if !slices.Equal(calls[0].lost, wantLost) {
				t.Errorf("got lost %v, want %v", calls[0].lost, wantLost)
			}
		})
	}
}

// TestHubDown stops the hub and checks that cached results are served until
// the TTL ends and ErrUnavailable is returned after it.
func TestHubDown(t *testing.T) {
	cfg := hubConfig()
	hub := jhtest.Start(t, cfg)
	ctx := context.Background()
	bob := scopes.User("bob")
	clk := newClock()
	const ttl = time.Minute

	caches := map[string]*inherit.Cached{}
	want := map[string][]string{}
	for name, source := range modeSources(t, hub, cfg) {
		caches[name] = inherit.NewCached(source, inherit.Options{TTL: ttl, Now: clk.Now})
		got, err := caches[name].Resolve(ctx, bob)
		if err != nil {
			t.Fatalf("%s: Resolve with the hub up: %v", name, err)
		}
		want[name] = got
	}
	hub.Stop(t)

	clk.Advance(ttl - time.Second)
	for name, cached := range caches {
		t.Run(name+" within TTL", func(t *testing.T) {
			got, err := cached.Resolve(ctx, bob)
			if err != nil {
				t.Fatalf("got error %v, want the cached result", err)
			}
			if !slices.Equal(got, want[name]) || len(got) == 0 {
				t.Errorf("got %v, want %v", got, want[name])
			}
		})
	}

	clk.Advance(time.Second)
	for name, cached := range caches {
		t.Run(name+" after TTL", func(t *testing.T) {
			got, err := cached.Resolve(ctx, bob)
			if !errors.Is(err, inherit.ErrUnavailable) {
				t.Fatalf("got error %v, want ErrUnavailable", err)
			}
			if got != nil {
				t.Errorf("got scopes %v with the error, want none", got)
			}
		})
	}
}

// missingFrom returns the scopes of before that after lacks.
func missingFrom(before, after []string) []string {
	var lost []string
	for _, s := range before {
		if !slices.Contains(after, s) {
			lost = append(lost, s)
		}
	}
	return lost
}
