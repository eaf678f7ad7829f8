package sidecar

import (
	"log/slog"
	"net/http"
	"net/url"

	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token/httpauth"
)

// Defaults of Config.
const (
	DefaultUserHeader    = "X-Forwarded-User"
	DefaultServiceHeader = "X-Forwarded-Service"
	// HealthPath is the proxy's own health route. It is served without a
	// token, at the root and under Config.Prefix, and never proxied.
	HealthPath = "/_hubjwt/health"
)

// Config configures a Proxy. Upstream, Access.User and Auth.Verifier are
// required.
type Config struct {
	// Upstream is the single-user server, such as http://127.0.0.1:8888. The
	// request path is appended to Upstream's path.
	Upstream *url.URL
	// Access names the guarded server and the scopes that open it, which
	// JupyterHub passes as JUPYTERHUB_OAUTH_ACCESS_SCOPES.
	Access scopes.ServerAccess
	// Auth configures token sources and verification. Its Authorizer must be
	// nil: the proxy requires Access.
	Auth httpauth.Options
	// Prefix is the server's URL prefix, JUPYTERHUB_SERVICE_PREFIX, such as
	// /user/alice/. The health route is also served under it.
	Prefix string
	// UserHeader carries the verified user name to the upstream for a user's
	// token; empty means DefaultUserHeader.
	UserHeader string
	// ServiceHeader carries the verified service name for a service's token,
	// so that a service never passes for a user of the same name; empty means
	// DefaultServiceHeader.
	ServiceHeader string
	// KeepAuthorization forwards the Authorization header to the upstream.
	// By default it is removed, so the upstream never sees the token.
	KeepAuthorization bool
	// Ready, when set, is called by the health route; an error makes it
	// answer 503, such as when the revocation mirror is stale.
	Ready func() error
	// Transport sends upstream requests; nil means http.DefaultTransport.
	Transport http.RoundTripper
	// Logger receives upstream failures; nil means slog.Default().
	Logger *slog.Logger
}
