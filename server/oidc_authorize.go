package server

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/token/authcode"
)

// PKCE methods (RFC 7636 section 4.2). Only S256 is accepted.
const (
	pkceS256  = "S256"
	pkcePlain = "plain"
)

// pkceValue is the syntax of a code_verifier (RFC 7636 section 4.1); an S256
// code_challenge is 43 characters of the same alphabet.
var pkceValue = regexp.MustCompile(`^[A-Za-z0-9._~-]{43,128}$`)

// maxParamLen bounds state and nonce, which are echoed back.
const maxParamLen = 512

// loginCookiePrefix starts the cookie that binds a pending login to the
// browser; the rest of its name is derived from the hub state.
const loginCookiePrefix = "hubjwt_login_"

// authorizeError is an error sent back to the client's redirect URI (RFC
// 6749 section 4.1.2.1).
type authorizeError struct {
	code, description string
}

// handleAuthorize is GET /oauth2/authorize (RFC 6749 section 4.1.1, OpenID
// Connect Core section 3.1.2). It checks the request, records it, and sends
// the browser to the hub's authorize endpoint. An unknown client or redirect
// URI gets an HTML error page, since redirecting there would make hubjwt an
// open redirector; every other error goes back to the redirect URI.
func (s *Server) handleAuthorize(c echo.Context) error {
	q := c.QueryParams()
	if !s.oidc.enabled() {
		return errorPage(c, http.StatusNotFound, "OpenID Connect sign-in is not configured "+
			"on this server: the operator sets oidc.hub_url.")
	}
	for name, values := range q {
		if len(values) > 1 {
			return errorPage(c, http.StatusBadRequest,
				fmt.Sprintf("The parameter %s is sent %d times.", name, len(values)))
		}
	}
	clientID, redirectURI := q.Get("client_id"), q.Get("redirect_uri")
	client, ok := s.clients.byID[clientID]
	if !ok {
		return errorPage(c, http.StatusBadRequest,
			fmt.Sprintf("The client %q is not registered with this server.", clientID))
	}
	if !s.oidc.registeredRedirect(clientID, redirectURI) {
		return errorPage(c, http.StatusBadRequest, fmt.Sprintf("The redirect URI %q is not "+
			"registered for the client %q.", redirectURI, clientID))
	}
	login, aerr := s.parseAuthorize(q, client)
	if aerr != nil {
		return redirectWithError(c, redirectURI, q.Get("state"), aerr)
	}
	return s.startHubLogin(c, login)
}

// parseAuthorize checks the parameters of an authorization request whose
// client and redirect URI are known.
func (s *Server) parseAuthorize(q url.Values, client oauthClient) (pendingLogin, *authorizeError) {
	login := pendingLogin{ClientID: client.id, RedirectURI: q.Get("redirect_uri"),
		State: q.Get("state"), Nonce: q.Get("nonce")}
	switch rt := q.Get("response_type"); rt {
	case "code":
	case "":
		return login, &authorizeError{"invalid_request", "response_type is missing: use code"}
	default:
		return login, &authorizeError{"unsupported_response_type",
			fmt.Sprintf("response_type %q is not supported: use code", rt)}
	}
	if len(login.State) > maxParamLen || len(login.Nonce) > maxParamLen {
		return login, &authorizeError{codeInvalidRequest,
			fmt.Sprintf("state and nonce may have at most %d characters", maxParamLen)}
	}
	if q.Has("request") || q.Has("request_uri") {
		return login, &authorizeError{"request_not_supported",
			"request objects are not supported: send the parameters in the query"}
	}
	if aerr := s.parseScope(q.Get("scope"), &login); aerr != nil {
		return login, aerr
	}
	if aerr := parsePKCE(q, client, &login); aerr != nil {
		return login, aerr
	}
	return login, nil
}

// parseScope requires openid and checks the JupyterHub scopes.
func (s *Server) parseScope(param string, login *pendingLogin) *authorizeError {
	requested := strings.Fields(param)
	if !slices.Contains(requested, scopeOpenID) {
		return &authorizeError{codeInvalidScope,
			"scope lacks openid: this endpoint serves OpenID Connect, so request openid"}
	}
	var hub []string
	for _, sc := range requested {
		if !slices.Contains(oidcScopes, sc) {
			hub = append(hub, sc)
		}
	}
	if len(hub) > 0 {
		if s.deps.Scopes == nil {
			return &authorizeError{codeInvalidScope,
				"JupyterHub scopes are not available on this server"}
		}
		if err := s.deps.Scopes.Validate(hub); err != nil {
			return &authorizeError{codeInvalidScope, oneLine(err)}
		}
	}
	slices.Sort(requested)
	login.Scopes = slices.Compact(requested)
	return nil
}

// parsePKCE requires an S256 code_challenge of public clients and refuses
// plain, which RFC 7636 section 4.2 permits but offers no protection against
// a code seen in transit. A missing method means plain (section 4.3).
func parsePKCE(q url.Values, client oauthClient, login *pendingLogin) *authorizeError {
	challenge, method := q.Get("code_challenge"), q.Get("code_challenge_method")
	switch {
	case challenge == "" && method != "":
		return &authorizeError{codeInvalidRequest,
			"code_challenge_method without code_challenge: send both"}
	case challenge == "" && !client.confidential:
		return &authorizeError{codeInvalidRequest, "code_challenge is missing: a public client " +
			"must use PKCE with code_challenge_method=S256 (RFC 7636)"}
	case challenge == "":
		return nil
	case method == "" || method == pkcePlain:
		return &authorizeError{codeInvalidRequest,
			"code_challenge_method plain is not accepted: use S256"}
	case method != pkceS256:
		return &authorizeError{codeInvalidRequest,
			fmt.Sprintf("code_challenge_method %q is not supported: use S256", method)}
	case len(challenge) != 43 || !pkceValue.MatchString(challenge):
		return &authorizeError{codeInvalidRequest,
			"code_challenge is not a base64url SHA-256 digest of 43 characters"}
	}
	login.Challenge = challenge
	return nil
}

// startHubLogin stores the pending login, sets the cookie that binds it to
// this browser and redirects to the hub's authorize endpoint.
func (s *Server) startHubLogin(c echo.Context, login pendingLogin) error {
	hubState, err := randomSecret()
	if err != nil {
		return err
	}
	if login.Binding, err = randomSecret(); err != nil {
		return err
	}
	hubQuery := url.Values{
		"client_id": {s.oidc.cfg.HubClientID}, "redirect_uri": {s.oidc.cfg.HubRedirectURI},
		"response_type": {"code"}, "state": {hubState},
		// inherit makes the hub token carry the user's own scopes, which
		// GET /hub/api/user then lists.
		"scope": {"inherit"},
	}
	if s.oidc.cfg.HubPKCE {
		if login.HubVerifier, err = randomSecret(); err != nil {
			return err
		}
		hubQuery.Set("code_challenge", pkceChallenge(login.HubVerifier))
		hubQuery.Set("code_challenge_method", pkceS256)
	}
	now := s.deps.Now()
	ttl := s.oidc.cfg.LoginTTL
	if err := s.oidc.saveRecord(c.Request().Context(), recordLogin, hubState, login,
		now.Add(ttl), now); err != nil {
		return err
	}
	c.SetCookie(&http.Cookie{
		Name: loginCookieName(hubState), Value: login.Binding, Path: "/oauth2/callback",
		MaxAge: int(ttl.Seconds()), HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: strings.HasPrefix(s.deps.Config.Issuer, "https://"),
	})
	c.Response().Header().Set("Cache-Control", "no-store")
	target := strings.TrimRight(s.oidc.cfg.HubURL, "/") + "/hub/api/oauth2/authorize?" +
		hubQuery.Encode()
	return c.Redirect(http.StatusFound, target)
}

// loginCookieName names the binding cookie of one pending login, so that
// logins running at once in one browser do not overwrite each other.
func loginCookieName(hubState string) string {
	return loginCookiePrefix + authcode.Key("cookie", hubState)[:16]
}

// redirectWithError sends an error response to the client (RFC 6749
// section 4.1.2.1), with the state exactly as the client sent it.
func redirectWithError(c echo.Context, redirectURI, state string, aerr *authorizeError) error {
	params := url.Values{"error": {aerr.code}, "error_description": {aerr.description}}
	if state != "" {
		params.Set("state", state)
	}
	return redirectTo(c, redirectURI, params)
}

// redirectTo sends the browser to uri with params added to its query, which
// the client may have registered with a query of its own (RFC 6749 section
// 3.1.2).
func redirectTo(c echo.Context, uri string, params url.Values) error {
	u, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("server: registered redirect URI %q does not parse: %w", uri, err)
	}
	q := u.Query()
	for k, v := range params {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusFound, u.String())
}

// errorPage is the HTML page shown when hubjwt cannot redirect back to the
// client.
func errorPage(c echo.Context, status int, message string) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	c.Response().Header().Set("Content-Security-Policy", "default-src 'none'")
	return c.HTML(status, "<!doctype html>\n<html><head><meta charset=\"utf-8\">"+
		"<title>Sign-in failed</title></head><body><h1>Sign-in failed</h1><p>"+
		html.EscapeString(message)+"</p></body></html>\n")
}
