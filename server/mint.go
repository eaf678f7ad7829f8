package server

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/token"
)

// mintRequest is the body of POST /v1/tokens.
type mintRequest struct {
	Subject   string         `json:"subject"`
	Kind      string         `json:"kind"`
	Scopes    []string       `json:"scopes"`
	Audience  token.Audience `json:"audience"` // a string or a list of strings
	ExpiresIn *int64         `json:"expires_in"`
	ClientID  string         `json:"client_id"`
}

// tokenResponse is the RFC 6749 section 5.1 (and RFC 8693 section 2.2.1)
// success response.
type tokenResponse struct {
	AccessToken     string `json:"access_token"`
	TokenType       string `json:"token_type"`
	ExpiresIn       int64  `json:"expires_in"`
	Scope           string `json:"scope"`
	IssuedTokenType string `json:"issued_token_type,omitempty"`
	RefreshToken    string `json:"refresh_token,omitempty"`
	// DroppedScopes lists requested scopes the owner does not hold, which the
	// token therefore lacks (POST /v1/tokens only; not an RFC 6749 member).
	DroppedScopes []string `json:"dropped_scopes,omitempty"`
}

const tokenTypeAccessToken = "urn:ietf:params:oauth:token-type:access_token"

// handleMint mints a token for the admin (the hub or an operator).
func (s *Server) handleMint(c echo.Context) error {
	var req mintRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	if req.Subject == "" {
		return badRequest("subject is missing: name the JupyterHub user or service")
	}
	if err := token.ValidateSubject(req.Subject); err != nil {
		return err
	}
	ttl, err := s.requestedTTL(req.ExpiresIn)
	if err != nil {
		return err
	}
	kind := req.Kind
	if kind == "" {
		kind = token.KindUser
	}
	if kind != token.KindUser && kind != token.KindService {
		return badRequest("kind %q is not valid: use %q or %q", kind, token.KindUser, token.KindService)
	}
	grant, err := s.grant(c, kind, req.Subject, req.Scopes)
	if err != nil {
		return err
	}
	if len(req.Scopes) > 0 && len(grant.Scopes) == 0 {
		return newError(http.StatusBadRequest, codeInvalidScope,
			"%s %s has none of the requested scopes: request scopes the owner has, "+
				"or inherit", kind, req.Subject)
	}
	clientID := req.ClientID
	if clientID == "" {
		clientID = "hubjwt-admin"
	}
	tok, err := s.deps.Minter.Mint(token.Request{
		Subject: req.Subject, Kind: kind, Scopes: grant.Scopes, Audience: []string(req.Audience),
		TTL: ttl, ClientID: clientID, Inherit: grant.Inherit,
	})
	if err != nil {
		return err
	}
	s.audit(c, auditTokenMinted, tok, "admin")
	s.metrics.tokenMinted(kind, "admin")
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, tokenResponse{
		AccessToken:     tok.Raw,
		TokenType:       "Bearer",
		ExpiresIn:       int64(tok.Claims.ExpiresAt - tok.Claims.IssuedAt),
		Scope:           tok.Claims.Scope,
		IssuedTokenType: tokenTypeAccessToken,
		DroppedScopes:   grant.Dropped,
	})
}

// requestedTTL converts expires_in seconds, checking it against token.max_ttl.
func (s *Server) requestedTTL(seconds *int64) (time.Duration, error) {
	if seconds == nil {
		return s.deps.Config.Token.DefaultTTL, nil
	}
	maxTTL := s.deps.Config.Token.MaxTTL
	if *seconds <= 0 {
		return 0, badRequest("expires_in %d is not valid: use a positive number of seconds", *seconds)
	}
	if *seconds > int64(maxTTL/time.Second) {
		return 0, badRequest("expires_in %d is longer than token.max_ttl (%d s): ask for less",
			*seconds, int64(maxTTL/time.Second))
	}
	return time.Duration(*seconds) * time.Second, nil
}

// maxLoggedScopes bounds the scopes one log line lists; the count is logged too.
const maxLoggedScopes = 20

// grant applies the Granter, logging dropped scopes at info level.
func (s *Server) grant(c echo.Context, kind, subject string, requested []string) (token.Grant, error) {
	if s.deps.Granter == nil {
		return token.Grant{Scopes: requested}, nil
	}
	g, err := s.deps.Granter.Grant(c.Request().Context(), kind, subject, requested)
	if err != nil {
		return token.Grant{}, err
	}
	if len(g.Dropped) > 0 {
		dropped := g.Dropped
		if len(dropped) > maxLoggedScopes {
			dropped = dropped[:maxLoggedScopes]
		}
		s.log.Info("scopes dropped: the owner does not hold them", "sub", subject, "kind", kind,
			"dropped", dropped, "dropped_count", len(g.Dropped), "request_id", requestID(c))
	}
	return g, nil
}
