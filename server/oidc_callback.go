package server

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/authcode"
)

// errHubOAuth is a failed code exchange at the hub's token endpoint.
var errHubOAuth = errors.New("server: the hub's token endpoint rejected the code")

// handleCallback is GET /oauth2/callback, where the hub sends the browser
// back. It checks the pending login and its browser cookie, exchanges the
// hub's code for a hub token, identifies the user with it and redirects to
// the client with hubjwt's own authorization code.
func (s *Server) handleCallback(c echo.Context) error {
	if !s.oidc.enabled() {
		return errorPage(c, http.StatusNotFound, "OpenID Connect sign-in is not configured.")
	}
	hubState := c.QueryParam("state")
	if hubState == "" {
		return errorPage(c, http.StatusBadRequest, "The hub's response has no state.")
	}
	login, err := s.takeLogin(c, hubState)
	if errors.Is(err, errPageWritten) {
		// The browser has its error page; the hub's code must not be redeemed.
		return nil
	}
	if err != nil {
		return err
	}
	if hubErr := c.QueryParam("error"); hubErr != "" {
		s.log.Info("hub sign-in failed", "hub_error", hubErr, "client_id", login.ClientID,
			"request_id", requestID(c))
		return redirectWithError(c, login.RedirectURI, login.State,
			&authorizeError{"access_denied", "the hub did not sign the user in: " + hubErr})
	}
	id, err := s.identifyAtHub(c.Request().Context(), c.QueryParam("code"), login.HubVerifier)
	if err != nil {
		s.log.Warn("hub sign-in failed", "err", err, "client_id", login.ClientID,
			"request_id", requestID(c))
		code := codeServerError
		if errors.Is(err, hubapi.ErrUnavailable) {
			code = codeTemporarilyDown
		}
		return redirectWithError(c, login.RedirectURI, login.State,
			&authorizeError{code, "the sign-in at the hub could not be completed"})
	}
	return s.issueCode(c, login, id)
}

// takeLogin consumes the pending login of hubState and checks that this
// browser started it.
func (s *Server) takeLogin(c echo.Context, hubState string) (pendingLogin, error) {
	var login pendingLogin
	first, err := s.oidc.consumeRecord(c.Request().Context(), recordLogin, hubState, &login,
		s.deps.Now())
	if errors.Is(err, authcode.ErrNotFound) {
		return login, pageError(c, http.StatusBadRequest, "This sign-in is unknown or has "+
			"expired. Start again from the application.")
	}
	if err != nil {
		return login, err
	}
	if !first {
		return login, pageError(c, http.StatusBadRequest, "This sign-in was already completed. "+
			"Start again from the application.")
	}
	name := loginCookieName(hubState)
	cookie, err := c.Cookie(name)
	if err != nil || subtle.ConstantTimeCompare([]byte(cookie.Value), []byte(login.Binding)) != 1 {
		return login, pageError(c, http.StatusBadRequest, "This sign-in was started in another "+
			"browser. Start again from the application.")
	}
	c.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/oauth2/callback", MaxAge: -1,
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
	return login, nil
}

// identifyAtHub exchanges the hub's authorization code for a hub token and
// returns the user that token belongs to, with the user's scopes.
func (s *Server) identifyAtHub(ctx context.Context, code, verifier string) (hubapi.Identity, error) {
	if code == "" {
		return hubapi.Identity{}, fmt.Errorf("%w: the callback has no code", errHubOAuth)
	}
	if s.deps.Hub == nil {
		return hubapi.Identity{}, errors.New("server: no hub client: set jupyterhub.api_url")
	}
	hubToken, err := s.oidc.exchangeAtHub(ctx, code, verifier)
	if err != nil {
		return hubapi.Identity{}, err
	}
	id, err := s.deps.Hub.WhoAmI(ctx, hubToken)
	if err != nil {
		return hubapi.Identity{}, err
	}
	if id.Kind != token.KindUser {
		return hubapi.Identity{}, fmt.Errorf("%w: the hub token belongs to a %s, not a user",
			errHubOAuth, id.Kind)
	}
	return id, nil
}

// exchangeAtHub is the authorization_code grant at the hub's token
// endpoint, POST {api}/oauth2/token (RFC 6749 section 4.1.3).
func (p *oidcProvider) exchangeAtHub(ctx context.Context, code, verifier string) (string, error) {
	form := url.Values{
		"grant_type": {"authorization_code"}, "code": {code},
		"redirect_uri": {p.cfg.HubRedirectURI}, "client_id": {p.cfg.HubClientID},
		"client_secret": {p.cfg.HubClientSecret},
	}
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.hubAPI+"/oauth2/token",
		strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("server: hub token request: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := p.hubHTTP.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w: POST %s/oauth2/token: %v", hubapi.ErrUnavailable, p.hubAPI, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("%w: read the hub's token response: %v", hubapi.ErrUnavailable, err)
	}
	if resp.StatusCode >= 500 {
		return "", fmt.Errorf("%w: the hub's token endpoint returned %d", hubapi.ErrUnavailable,
			resp.StatusCode)
	}
	var out struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error"`
	}
	if err := json.Unmarshal(body, &out); err != nil || resp.StatusCode != http.StatusOK ||
		out.AccessToken == "" {
		return "", fmt.Errorf("%w: status %d, error %q: check oidc.hub_client_id, "+
			"oidc.hub_client_secret and oidc.hub_redirect_uri against the hub's service entry",
			errHubOAuth, resp.StatusCode, out.Error)
	}
	return out.AccessToken, nil
}

// issueCode stores an authorization code for the user the hub identified
// and redirects to the client with it, the state and the issuer (RFC 9207).
// The user's JupyterHub scopes are intersected with the requested ones, and
// requested scopes the user lacks are left out, as RFC 6749 section 3.3
// allows.
func (s *Server) issueCode(c echo.Context, login pendingLogin, id hubapi.Identity) error {
	var oidc, hub []string
	for _, sc := range login.Scopes {
		if slices.Contains(oidcScopes, sc) {
			oidc = append(oidc, sc)
		} else {
			hub = append(hub, sc)
		}
	}
	if len(hub) > 0 {
		owner := scopes.Owner{Kind: scopes.OwnerUser, Name: id.Name}
		kept, _, err := s.deps.Scopes.Intersect(hub, id.Scopes, owner,
			scopes.Groups{id.Name: id.Groups})
		if err != nil {
			return redirectWithError(c, login.RedirectURI, login.State,
				&authorizeError{codeInvalidScope, oneLine(err)})
		}
		hub = kept
	}
	code, err := randomSecret()
	if err != nil {
		return err
	}
	now := s.deps.Now()
	expires := now.Add(s.oidc.cfg.CodeTTL)
	rec := codeRecord{
		ClientID: login.ClientID, RedirectURI: login.RedirectURI, Challenge: login.Challenge,
		Nonce: login.Nonce, Subject: id.Name, Groups: id.Groups, OIDCScopes: oidc,
		HubScopes: hub, AuthTime: now.Unix(), Expires: expires.Unix(),
	}
	// The record outlives the code by a token lifetime, so that a replay
	// after expiry is still seen as a replay and revokes what was issued.
	keep := expires.Add(s.deps.Config.Token.MaxTTL)
	if err := s.oidc.saveRecord(c.Request().Context(), recordCode, code, rec, keep,
		now); err != nil {
		return err
	}
	s.log.Info("authorization code issued", "sub", id.Name, "client_id", login.ClientID,
		"request_id", requestID(c))
	params := url.Values{"code": {code}, "iss": {s.deps.Config.Issuer}}
	if login.State != "" {
		params.Set("state", login.State)
	}
	return redirectTo(c, login.RedirectURI, params)
}

// errPageWritten means an error page was sent and the request ends there.
var errPageWritten = errors.New("server: error page written")

// pageError writes an error page and returns errPageWritten, so the caller
// stops instead of going on with a request it rejected.
func pageError(c echo.Context, status int, message string) error {
	if err := errorPage(c, status, message); err != nil {
		return err
	}
	return errPageWritten
}
