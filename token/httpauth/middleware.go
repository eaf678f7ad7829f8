package httpauth

import (
	"errors"
	"net/http"
	"strings"

	"github.com/hubjwt/hubjwt/token"
)

// Authenticator verifies the token of each request. It is safe for concurrent
// use.
type Authenticator struct {
	opts  Options
	realm string
}

// New returns an Authenticator for opts.
func New(opts Options) (*Authenticator, error) {
	if opts.Verifier == nil {
		return nil, errors.New("httpauth: the verifier is missing: build one with " +
			"token.NewVerifier")
	}
	realm := opts.Realm
	if realm == "" {
		realm = DefaultRealm
	}
	return &Authenticator{opts: opts, realm: realm}, nil
}

// Middleware returns next guarded by a: requests without a valid, authorized
// token get the Failure's response, and the others reach next with the claims
// in their context and an accepted query token removed from the URL.
func (a *Authenticator) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2, fail := a.Authenticate(r)
		if fail != nil {
			fail.Write(w)
			return
		}
		next.ServeHTTP(w, r2)
	})
}

// Authenticate checks r and returns the request for the next handler: a
// shallow copy whose context carries the claims and Access (see
// token.ClaimsFromContext) and whose URL no longer has an accepted query
// token. On rejection it returns the Failure to send instead.
func (a *Authenticator) Authenticate(r *http.Request) (*http.Request, *Failure) {
	cred, fail := a.extract(r)
	if fail != nil {
		return nil, a.reject(r, fail)
	}
	ctx := r.Context()
	claims, err := a.opts.Verifier.Verify(ctx, cred.raw)
	if err != nil {
		return nil, a.reject(r, a.failureFor(err))
	}
	access, err := a.opts.Verifier.Access(claims)
	if err != nil {
		return nil, a.reject(r, a.failureFor(err))
	}
	if a.opts.Authorizer != nil {
		if err := a.opts.Authorizer.Authorize(r, claims, access); err != nil {
			return nil, a.reject(r, a.failureFor(err))
		}
	}
	out := r.WithContext(token.NewContext(ctx, claims, access))
	// A token in the query is removed even when it was not the credential: a
	// JupyterHub single-user server behind the proxy would accept it itself.
	if cred.fromQuery || strings.Contains(r.URL.RawQuery, "token") {
		u := *r.URL
		u.RawQuery = withoutQueryParam(u.RawQuery, "token")
		out.URL = &u
		out.RequestURI = u.RequestURI()
	}
	return out, nil
}

// reject logs f at debug level, without the token, and returns it.
func (a *Authenticator) reject(r *http.Request, f *Failure) *Failure {
	if a.opts.Logger != nil {
		a.opts.Logger.Debug("request rejected", "status", f.Status, "code", f.Code,
			"path", r.URL.Path, "err", f.Description)
	}
	return f
}
