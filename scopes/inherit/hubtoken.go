package inherit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/scopes"
)

const (
	// DefaultTokenTTL is the lifetime of the temporary inherit token. If its
	// DELETE fails, the token stays valid on the hub until then.
	DefaultTokenTTL = 60 * time.Second
	// tokenNote marks the temporary tokens in the hub's token list.
	tokenNote = "hubjwt inherit resolution"
	// deleteTimeout bounds the DELETE of a temporary token, which runs even
	// when the caller's context is done.
	deleteTimeout = 10 * time.Second
)

// HubTokenOptions configures NewHubToken.
type HubTokenOptions struct {
	// TokenTTL is the expiry of each temporary inherit token. Zero means
	// DefaultTokenTTL. The hub rounds it to whole seconds.
	TokenTTL time.Duration
	// Services resolves services other than hubjwt itself, such as a
	// scopes.StaticResolver over roles.file. Nil means such services fail
	// with ErrUnsupported.
	Services scopes.Resolver
	// OnDeleteError, when set, receives a failure to delete a temporary token.
	// The scopes are still returned, and the token expires after TokenTTL.
	OnDeleteError func(user, tokenID string, err error)
}

// HubToken resolves a user's scopes exactly: it creates an inherit token of
// the user through POST /users/{name}/tokens, takes the scopes the hub reports
// for it and deletes it. The hubjwt service needs the unfiltered tokens scope.
// A service resolves only when it is hubjwt itself, from GET /user with its
// own token. HubToken is safe for concurrent use.
type HubToken struct {
	client *hubapi.Client
	opts   HubTokenOptions

	mu       sync.Mutex // guards selfName
	selfName string     // the hubjwt service's name, once GET /user returned it
}

var _ scopes.Resolver = (*HubToken)(nil)

// NewHubToken returns a hub-token resolver that calls the hub through client.
func NewHubToken(client *hubapi.Client, opts HubTokenOptions) *HubToken {
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	return &HubToken{client: client, opts: opts}
}

// Resolve returns the owner's current expanded scopes, sorted.
func (r *HubToken) Resolve(ctx context.Context, o scopes.Owner) ([]string, error) {
	switch o.Kind {
	case scopes.OwnerUser:
		return r.resolveUser(ctx, o)
	case scopes.OwnerService:
		return r.resolveService(ctx, o)
	}
	return nil, fmt.Errorf("inherit: %w %q: resolve needs a user or a service", scopes.ErrOwner, o)
}

func (r *HubToken) resolveUser(ctx context.Context, o scopes.Owner) ([]string, error) {
	tok, err := r.client.CreateToken(ctx, o.Name, []string{"inherit"}, r.opts.TokenTTL, tokenNote)
	if errors.Is(err, hubapi.ErrForbidden) && r.userMissing(ctx, o.Name) {
		return nil, fmt.Errorf("inherit: resolve %s: %w", o, ErrNotFound)
	}
	if err != nil {
		return nil, hubError(o, err, "the unfiltered tokens scope")
	}
	defer r.deleteToken(ctx, o.Name, tok.ID)

	got := tok.Scopes
	if got == nil {
		// The creation response had no scopes field, so ask the hub what the
		// new token may do.
		id, err := r.client.WhoAmI(ctx, tok.Secret)
		if err != nil {
			return nil, hubError(o, err, "the unfiltered tokens scope")
		}
		got = id.Scopes
	}
	return normalize(got), nil
}

// userMissing reports whether GET /users/{name} returns 404. JupyterHub 3.0
// returns 403 for a token request for an unknown user, as for a request the
// service may not make. Telling the two apart needs read:users:name, and without it
// the 403 is reported as ErrPermission.
func (r *HubToken) userMissing(ctx context.Context, name string) bool {
	_, err := r.client.User(ctx, name)
	return errors.Is(err, hubapi.ErrNotFound)
}

// deleteToken deletes a temporary token, also after ctx is done.
func (r *HubToken) deleteToken(ctx context.Context, user, id string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deleteTimeout)
	defer cancel()
	if err := r.client.DeleteToken(ctx, user, id); err != nil && r.opts.OnDeleteError != nil {
		r.opts.OnDeleteError(user, id, err)
	}
}

func (r *HubToken) resolveService(ctx context.Context, o scopes.Owner) ([]string, error) {
	r.mu.Lock()
	self := r.selfName
	r.mu.Unlock()
	if self != "" && self != o.Name {
		return r.resolveOtherService(ctx, o)
	}

	id, err := r.client.Self(ctx)
	if err != nil {
		return nil, hubError(o, err, "a valid jupyterhub.api_token")
	}
	r.mu.Lock()
	r.selfName = id.Name
	r.mu.Unlock()
	if id.Name != o.Name {
		return r.resolveOtherService(ctx, o)
	}
	return normalize(id.Scopes), nil
}

// resolveOtherService uses the fallback, because the hub's API offers no way
// to learn another service's scopes.
func (r *HubToken) resolveOtherService(ctx context.Context, o scopes.Owner) ([]string, error) {
	if r.opts.Services == nil {
		return nil, fmt.Errorf("inherit: resolve %s: %w: hub-token mode resolves only the hubjwt "+
			"service itself; set roles.file to resolve other services", o, ErrUnsupported)
	}
	got, err := r.opts.Services.Resolve(ctx, o)
	if err != nil {
		return nil, fmt.Errorf("inherit: resolve %s from the roles file: %w", o, err)
	}
	return got, nil
}

// normalize returns scopes sorted, without duplicates and without the
// inherit marker, as a new slice.
func normalize(in []string) []string {
	out := make([]string, 0, len(in))
	for _, s := range in {
		if s != "inherit" {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
