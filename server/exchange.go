package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/refresh"
)

// Audience prefixes of JupyterHub's OAuth client ids: a user's default
// server and a service.
const (
	audienceServerPrefix  = "jupyterhub-user-"
	audienceServicePrefix = "service-"
)

// exchangeRequest is a parsed RFC 8693 section 2.1 request.
type exchangeRequest struct {
	subjectToken string
	scopes       []string // requested scopes without offline_access; nil means all
	offline      bool     // offline_access was requested
	audience     []string
}

// handleExchange turns a JupyterHub API token into an access token whose
// scopes are the requested ones intersected with the hub token's scopes
// (RFC 8693 section 2).
func (s *Server) handleExchange(c echo.Context, client oauthClient, form url.Values) error {
	if s.hubIdentities == nil || s.deps.Scopes == nil {
		return newError(http.StatusBadRequest, codeUnsupportedGrantType,
			"token exchange needs the hub: set jupyterhub.api_url")
	}
	req, err := s.parseExchange(form)
	if err != nil {
		return err
	}
	id, _, err := s.hubIdentities.WhoAmI(c.Request().Context(), req.subjectToken)
	if err != nil {
		return err
	}
	if id.Kind != token.KindUser && id.Kind != token.KindService {
		return newError(http.StatusBadRequest, codeInvalidGrant,
			"the hub reports a token owner of kind %q: exchange a user or service token", id.Kind)
	}
	owner := scopes.Owner{Kind: scopes.OwnerKind(id.Kind), Name: id.Name}
	granted, err := s.exchangeScopes(req, id, owner)
	if err != nil {
		return err
	}
	if err := s.checkAudience(req.audience, granted, id); err != nil {
		return err
	}
	tok, err := s.deps.Minter.Mint(token.Request{
		Subject: id.Name, Kind: id.Kind, Scopes: granted, Audience: req.audience,
		TTL: s.exchangeTTL(id), ClientID: client.id,
	})
	if err != nil {
		return err
	}
	resp := tokenResponse{
		AccessToken: tok.Raw, TokenType: "Bearer", IssuedTokenType: tokenTypeAccessToken,
		ExpiresIn: int64(tok.Claims.ExpiresAt - tok.Claims.IssuedAt), Scope: tok.Claims.Scope,
	}
	if req.offline || s.deps.Config.Refresh.Enabled {
		issued, err := s.issueRefresh(c, req.offline, refresh.Grant{
			Subject: id.Name, Kind: id.Kind, ClientID: client.id, Scopes: granted,
			Audience: []string(tok.Claims.Audience),
		})
		if err != nil {
			return err
		}
		resp.RefreshToken = issued
	}
	s.audit(c, auditTokenExchanged, tok, "token_exchange")
	s.metrics.tokenMinted(id.Kind, "token_exchange")
	return writeToken(c, resp)
}

// parseExchange checks the RFC 8693 parameters. Delegation (actor_token)
// and resource indicators are not supported.
func (s *Server) parseExchange(form url.Values) (exchangeRequest, error) {
	req := exchangeRequest{subjectToken: form.Get("subject_token")}
	if req.subjectToken == "" {
		return req, badRequest("subject_token is missing: send a JupyterHub API token")
	}
	switch typ := form.Get("subject_token_type"); typ {
	case tokenTypeAccessToken:
	case "":
		return req, badRequest("subject_token_type is missing: use %s", tokenTypeAccessToken)
	default:
		return req, badRequest("subject_token_type %q is not supported: a JupyterHub API token "+
			"is %s", typ, tokenTypeAccessToken)
	}
	if form.Has("actor_token") || form.Has("actor_token_type") {
		return req, badRequest("actor_token is not supported: exchange the subject's own token")
	}
	switch typ := form.Get("requested_token_type"); typ {
	case "", tokenTypeAccessToken, tokenTypeJWT:
	default:
		return req, badRequest("requested_token_type %q is not supported: use %s", typ,
			tokenTypeAccessToken)
	}
	if form.Has("resource") {
		return req, newError(http.StatusBadRequest, codeInvalidTarget,
			"resource is not supported: name the target with audience")
	}
	req.scopes, req.offline = splitScope(form.Get("scope"))
	req.audience = form["audience"]
	if len(req.audience) == 0 {
		req.audience = []string{s.deps.Config.Token.DefaultAudience}
	}
	return req, nil
}

// exchangeScopes returns the requested scopes intersected with the hub
// token's, or all of the hub token's scopes when none were requested. A
// requested scope the hub token lacks is invalid_scope (RFC 6749 section 5.2).
func (s *Server) exchangeScopes(req exchangeRequest, id hubapi.Identity,
	owner scopes.Owner) ([]string, error) {
	held := slices.DeleteFunc(slices.Clone(id.Scopes), func(v string) bool { return v == "inherit" })
	if len(req.scopes) == 0 {
		return s.deps.Scopes.Expand(held, owner)
	}
	if err := s.deps.Scopes.Validate(req.scopes); err != nil {
		return nil, err
	}
	groups := scopes.Groups{}
	if owner.Kind == scopes.OwnerUser {
		groups[id.Name] = id.Groups
	}
	kept, dropped, err := s.deps.Scopes.Intersect(req.scopes, held, owner, groups)
	if err != nil {
		return nil, err
	}
	if len(dropped) > 0 {
		return nil, newError(http.StatusBadRequest, codeInvalidScope,
			"the hub token of %s %q lacks %s: request only scopes it holds", id.Kind, id.Name,
			strings.Join(firstN(dropped, 5), " "))
	}
	return kept, nil
}

// checkAudience accepts the default audience, and a JupyterHub OAuth client
// id only when the granted scopes open it: jupyterhub-user-NAME needs
// access:servers on NAME's default server, service-NAME needs
// access:services on NAME. Anything else is invalid_target (RFC 8693
// section 2.2.2).
func (s *Server) checkAudience(audience, granted []string, id hubapi.Identity) error {
	var set *scopes.Set
	for _, aud := range audience {
		if aud == s.deps.Config.Token.DefaultAudience {
			continue
		}
		if set == nil {
			var err error
			if set, err = s.deps.Scopes.Compile(granted); err != nil {
				return err
			}
		}
		if !s.opens(set, aud, id) {
			return newError(http.StatusBadRequest, codeInvalidTarget,
				"audience %q is not open to this token: use %q, %sNAME with access:servers "+
					"on that server, or %sNAME with access:services on that service", aud,
				s.deps.Config.Token.DefaultAudience, audienceServerPrefix, audienceServicePrefix)
		}
	}
	return nil
}

// opens reports whether a token with set may use the server or service aud
// names.
func (s *Server) opens(set *scopes.Set, aud string, id hubapi.Identity) bool {
	if suffix, ok := strings.CutPrefix(aud, audienceServerPrefix); ok && suffix != "" {
		for _, srv := range serverClientCandidates(suffix) {
			var groups []string
			if id.Kind == token.KindUser && id.Name == srv.User {
				groups = id.Groups
			}
			if srv.Allows(set, groups) {
				return true
			}
		}
		return false
	}
	if svc, ok := strings.CutPrefix(aud, audienceServicePrefix); ok && svc != "" {
		return set.Allows("access:services", scopes.Resource{Kind: scopes.KindService, Service: svc})
	}
	return false
}

// exchangeTTL is token.default_ttl, cut to the hub token's expiry when the
// hub reports one, so that the JWT does not outlive the token it replaces.
func (s *Server) exchangeTTL(id hubapi.Identity) time.Duration {
	ttl := s.deps.Config.Token.DefaultTTL
	if id.ExpiresAt.IsZero() {
		return ttl
	}
	left := id.ExpiresAt.Sub(s.deps.Now()).Truncate(time.Second)
	return max(min(ttl, left), time.Second)
}

// issueRefresh starts a refresh token family. A request for offline_access
// when refresh tokens are unavailable is invalid_scope.
func (s *Server) issueRefresh(c echo.Context, requested bool, g refresh.Grant) (string, error) {
	if s.deps.Refresh == nil {
		if requested {
			return "", newError(http.StatusBadRequest, codeInvalidScope,
				"offline_access is not available: this server has no refresh token store")
		}
		return "", nil
	}
	issued, err := s.deps.Refresh.Issue(c.Request().Context(), g)
	if err != nil {
		return "", fmt.Errorf("server: issue a refresh token: %w", err)
	}
	s.log.Info("refresh token issued", "sub", g.Subject, "kind", g.Kind, "client_id", g.ClientID,
		"family", issued.Family.ID, "request_id", requestID(c))
	return issued.Token, nil
}

func firstN(list []string, n int) []string {
	if len(list) > n {
		return append(slices.Clone(list[:n]), fmt.Sprintf("(and %d more)", len(list)-n))
	}
	return list
}

// serverClientCandidates returns every server whose JupyterHub OAuth client id
// is jupyterhub-user-SUFFIX. JupyterHub builds the id as the URL-quoted user
// name, followed for a named server by "-" and the quoted server name, so a
// suffix with a "-" may name a user's default server or another user's named
// server. Because of that a token's audience alone never identifies one
// server: verifiers also check access:servers on their own server, as the
// sidecar does.
func serverClientCandidates(suffix string) []scopes.ServerAccess {
	var out []scopes.ServerAccess
	if user, err := url.PathUnescape(suffix); err == nil && user != "" {
		out = append(out, scopes.ServerAccess{User: user})
	}
	for i := 0; i < len(suffix); i++ {
		if suffix[i] != '-' {
			continue
		}
		user, errU := url.PathUnescape(suffix[:i])
		server, errS := url.PathUnescape(suffix[i+1:])
		if errU == nil && errS == nil && user != "" && server != "" {
			out = append(out, scopes.ServerAccess{User: user, Server: server})
		}
	}
	return out
}
