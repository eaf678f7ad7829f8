package httpauth

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/hubjwt/hubjwt/token"
)

// DefaultRealm is the realm of the WWW-Authenticate challenge when
// Options.Realm is empty.
const DefaultRealm = "hubjwt"

// QueryTokenPolicy selects when the `token` query parameter is accepted.
type QueryTokenPolicy int

// Query token policies. OAuth 2.1 drops tokens in the URL because URLs end up in
// logs and browser history; JupyterHub 3.0 single-user servers accept
// `?token=` on every request, and newer releases only on WebSocket requests,
// which browsers cannot send with an Authorization header.
const (
	QueryTokenNever     QueryTokenPolicy = iota // only the Authorization header
	QueryTokenWebSocket                         // also `?token=` on WebSocket upgrades
	QueryTokenAlways                            // also `?token=` on every request
)

// ParseQueryTokenPolicy parses "never", "websocket" or "always".
func ParseQueryTokenPolicy(s string) (QueryTokenPolicy, bool) {
	switch s {
	case "never", "":
		return QueryTokenNever, true
	case "websocket":
		return QueryTokenWebSocket, true
	case "always":
		return QueryTokenAlways, true
	}
	return QueryTokenNever, false
}

// Options configures an Authenticator. Only Verifier is required.
type Options struct {
	// Verifier checks the tokens. Give it the audience of this service.
	Verifier *token.Verifier
	// Realm names the protected space in challenges; empty means DefaultRealm.
	Realm string
	// TokenScheme also accepts `Authorization: token X`, the form JupyterHub
	// clients send.
	TokenScheme bool
	// QueryToken selects when `?token=X` is accepted. An accepted query token is
	// removed from the request URL before the next handler runs.
	QueryToken QueryTokenPolicy
	// Authorizer decides whether a valid token may make the request; nil
	// accepts every valid token.
	Authorizer Authorizer
	// Logger receives one debug line per rejected request; nil logs nothing.
	Logger *slog.Logger
}

// isWebSocket reports whether r is a WebSocket upgrade request (RFC 6455 section 4.1).
func isWebSocket(r *http.Request) bool {
	return headerHasToken(r.Header, "Upgrade", "websocket") &&
		headerHasToken(r.Header, "Connection", "upgrade") &&
		r.Header.Get("Sec-WebSocket-Key") != ""
}

// headerHasToken reports whether a comma-separated header of h lists token,
// ignoring case (RFC 9110 section 5.6.1).
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), token) {
				return true
			}
		}
	}
	return false
}
