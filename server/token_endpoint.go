package server

import (
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"
)

// Grant and token type URIs of RFC 8693 section 3 and RFC 6749 section 6.
const (
	grantTokenExchange = "urn:ietf:params:oauth:grant-type:token-exchange"
	grantRefreshToken  = "refresh_token"
	tokenTypeJWT       = "urn:ietf:params:oauth:token-type:jwt"
	// scopeOfflineAccess requests a refresh token (OpenID Connect Core
	// section 11). It is never put into an access token.
	scopeOfflineAccess = "offline_access"
)

// handleToken is POST /oauth2/token (RFC 6749 section 3.2): it authenticates
// the client and dispatches on grant_type.
func (s *Server) handleToken(c echo.Context) error {
	form, err := decodeTokenForm(c)
	if err != nil {
		return err
	}
	client, err := s.clients.authenticate(c.Request(), form)
	if err != nil {
		return err
	}
	c.Set(callerKey, "client:"+client.id)
	switch grant := form.Get("grant_type"); grant {
	case grantTokenExchange:
		return s.handleExchange(c, client, form)
	case grantRefreshToken:
		return s.handleRefresh(c, client, form)
	case grantAuthorizationCode:
		return s.handleAuthorizationCode(c, client, form)
	case "":
		return badRequest("grant_type is missing: use %s or %s", grantTokenExchange,
			grantRefreshToken)
	default:
		return newError(http.StatusBadRequest, codeUnsupportedGrantType,
			"grant_type %q is not supported: use %s or %s", grant, grantTokenExchange,
			grantRefreshToken)
	}
}

// decodeTokenForm reads the form body of a token request. A body of another
// media type gets invalid_request, as RFC 6749 section 3.2 requires
// application/x-www-form-urlencoded, and so does a parameter sent twice
// (section 3.2). Repeatable RFC 8693 parameters (audience, resource) may
// appear more than once.
func decodeTokenForm(c echo.Context) (url.Values, error) {
	ct := c.Request().Header.Get(echo.HeaderContentType)
	if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != echo.MIMEApplicationForm {
		return nil, badRequest("Content-Type %q is not accepted by the token endpoint: "+
			"send the parameters as %s", ct, echo.MIMEApplicationForm)
	}
	body, err := readBody(c)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, badRequest("malformed form body: %v", err)
	}
	for name, values := range form {
		if len(values) > 1 && name != "audience" && name != "resource" {
			return nil, badRequest("parameter %s is sent %d times: send it once", name, len(values))
		}
	}
	return form, nil
}

// splitScope splits a scope parameter (RFC 6749 section 3.3) and reports
// whether it requests offline_access, which it removes.
func splitScope(param string) (scopes []string, offline bool) {
	for _, s := range strings.Fields(param) {
		if s == scopeOfflineAccess {
			offline = true
			continue
		}
		scopes = append(scopes, s)
	}
	return scopes, offline
}

// writeToken sends a token response with the headers of RFC 6749 section 5.1.
func writeToken(c echo.Context, resp tokenResponse) error {
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	return c.JSON(http.StatusOK, resp)
}

// initTokenEndpoint builds the client registry and the hub identity cache.
func (s *Server) initTokenEndpoint() error {
	clients, err := newClientRegistry(s.deps.Config.Clients)
	if err != nil {
		return err
	}
	s.clients = clients
	if s.deps.Hub != nil {
		s.hubIdentities = newIdentityCache(s.deps.Hub, s.deps.Config.JupyterHub.TokenCacheTTL,
			s.deps.Now)
	}
	return nil
}
