package inherit_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/scopes/inherit"
)

// TestCacheKeysByKind resolves a user and a service of the same name from a
// roles file and checks that their cached results stay apart.
func TestCacheKeysByKind(t *testing.T) {
	model := newModel(t)
	cfg := hubConfig()
	cfg.Roles = append(cfg.Roles, jhtestRole("bob-service", "read:hub", "bob"))
	book := writeRolesFile(t, cfg, model)
	static := scopes.NewStaticResolver(model, book)
	cached := inherit.NewCached(static, inherit.Options{TTL: time.Minute, Now: newClock().Now})
	ctx := context.Background()

	for _, o := range []scopes.Owner{scopes.User("bob"), scopes.Service("bob"), scopes.User("bob")} {
		t.Run(o.String(), func(t *testing.T) {
			want, err := static.Resolve(ctx, o)
			if err != nil {
				t.Fatalf("static Resolve: %v", err)
			}
			got, err := cached.Resolve(ctx, o)
			if err != nil {
				t.Fatalf("cached Resolve: %v", err)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

// TestCacheSourceError checks that a failing source is not cached and that
// its error reaches the caller.
func TestCacheSourceError(t *testing.T) {
	model := newModel(t)
	static := scopes.NewStaticResolver(model, writeRolesFile(t, hubConfig(), model))
	cached := inherit.NewCached(static, inherit.Options{})
	_, err := cached.Resolve(context.Background(), scopes.Owner{Kind: "group", Name: "team"})
	if !errors.Is(err, scopes.ErrOwner) {
		t.Errorf("got error %v, want scopes.ErrOwner", err)
	}
}

// countingResolver counts the calls that reach it.
type countingResolver struct {
	scopes.Resolver
	calls int
}

func (r *countingResolver) Resolve(ctx context.Context, o scopes.Owner) ([]string, error) {
	r.calls++
	return r.Resolver.Resolve(ctx, o)
}

func TestCacheNegativeTTLDisablesCache(t *testing.T) {
	model := newModel(t)
	source := &countingResolver{Resolver: scopes.NewStaticResolver(model,
		writeRolesFile(t, hubConfig(), model))}
	cached := inherit.NewCached(source, inherit.Options{TTL: -1, Now: newClock().Now})
	for i := 0; i < 3; i++ {
		if _, err := cached.Resolve(context.Background(), scopes.User("bob")); err != nil {
			t.Fatalf("Resolve: %v", err)
		}
	}
	if source.calls != 3 {
		t.Errorf("source calls: got %d, want 3 (one per Resolve)", source.calls)
	}
}
