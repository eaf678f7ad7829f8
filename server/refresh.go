package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/refresh"
)

// handleRefresh is the refresh_token grant (RFC 6749 section 6). It rotates
// the refresh token and mints an access token whose scopes are the family's,
// or the narrower requested ones, intersected with the owner's current
// scopes, so an owner who lost a role gets fewer.
func (s *Server) handleRefresh(c echo.Context, client oauthClient, form url.Values) error {
	if s.deps.Refresh == nil {
		return newError(http.StatusBadRequest, codeUnsupportedGrantType,
			"refresh tokens are not available on this server")
	}
	raw := form.Get("refresh_token")
	if raw == "" {
		return badRequest("refresh_token is missing: send the refresh token from the last response")
	}
	requested, _ := splitScope(form.Get("scope"))
	ctx := c.Request().Context()

	// The owner's scopes are resolved before the token rotates, so that an
	// unreachable hub does not use up the client's refresh token.
	family, err := s.deps.Refresh.Inspect(ctx, raw, client.id)
	if err != nil {
		return s.refreshError(c, client, raw, err)
	}
	if err := s.checkFamilyRevoked(c, family); err != nil {
		return err
	}
	base, err := s.refreshBase(family, requested)
	if err != nil {
		return err
	}
	granted := base
	if len(base) > 0 {
		g, err := s.grant(c, family.Kind, family.Subject, base)
		if err != nil {
			return err
		}
		granted = g.Scopes
	}

	issued, err := s.deps.Refresh.Redeem(ctx, raw, client.id)
	if err != nil {
		return s.refreshError(c, client, raw, err)
	}
	tok, err := s.deps.Minter.Mint(token.Request{
		Subject: family.Subject, Kind: family.Kind, Scopes: granted,
		Audience: issued.Family.Audience, ClientID: client.id,
	})
	if err != nil {
		return err
	}
	if issued.Result == refresh.Retried {
		s.log.Info("refresh token retried within the grace window", "family", issued.Family.ID,
			"client_id", client.id, "sub", family.Subject, "request_id", requestID(c))
	}
	s.audit(c, auditTokenRefreshed, tok, "refresh_token")
	s.metrics.tokenMinted(family.Kind, "refresh_token")
	return writeToken(c, tokenResponse{
		AccessToken: tok.Raw, TokenType: "Bearer", IssuedTokenType: tokenTypeAccessToken,
		ExpiresIn: int64(tok.Claims.ExpiresAt - tok.Claims.IssuedAt), Scope: tok.Claims.Scope,
		RefreshToken: issued.Token,
	})
}

// refreshBase returns the scopes to re-grant: the family's, or the requested
// ones when they are within the family's (a refresh may narrow but never
// widen, RFC 6749 section 6).
func (s *Server) refreshBase(f refresh.Family, requested []string) ([]string, error) {
	if len(requested) == 0 {
		return f.Scopes, nil
	}
	if s.deps.Scopes == nil {
		return nil, newError(http.StatusBadRequest, codeInvalidScope,
			"scope on a refresh is not supported without the scope model")
	}
	if err := s.deps.Scopes.Validate(requested); err != nil {
		return nil, err
	}
	owner := scopes.Owner{Kind: scopes.OwnerKind(f.Kind), Name: f.Subject}
	kept, dropped, err := s.deps.Scopes.Intersect(requested, f.Scopes, owner, nil)
	if err != nil {
		return nil, err
	}
	if len(dropped) > 0 {
		return nil, newError(http.StatusBadRequest, codeInvalidScope,
			"scope exceeds the scopes of the refresh token: %s is not among them",
			strings.Join(firstN(dropped, 5), " "))
	}
	return kept, nil
}

// refreshError logs a suspected replay and returns err for errorFor, which
// maps the refresh errors to invalid_grant.
func (s *Server) refreshError(c echo.Context, client oauthClient, raw string, err error) error {
	if errors.Is(err, refresh.ErrReused) {
		family, _ := refresh.FamilyID(raw)
		s.log.Warn("suspected refresh token replay: a used refresh token was presented, "+
			"so its family is revoked", "family", family, "client_id", client.id,
			"remote", c.RealIP(), "request_id", requestID(c))
	}
	return err
}

// checkFamilyRevoked ends a refresh token family whose owner was revoked after
// the family began. A subject or global cut-off covers every token issued
// before it, the family's first token among them, so the family may mint no
// more access tokens. A stale revocation list gets 503.
func (s *Server) checkFamilyRevoked(c echo.Context, f refresh.Family) error {
	if s.deps.Mirror == nil {
		return nil
	}
	err := s.deps.Mirror.Check("", f.Kind, f.Subject, "", f.CreatedAt)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, revocation.ErrStale):
		return &oauthError{Status: http.StatusServiceUnavailable, Code: codeTemporarilyDown,
			Description: "the revocation list is out of date; retry later", RetryAfter: 5,
			cause: err}
	}
	if rerr := s.deps.Refresh.RevokeFamily(c.Request().Context(), f.ID); rerr != nil {
		s.log.Error("revoking a refresh token family of a revoked owner failed", "err", rerr,
			"family", f.ID, "sub", f.Subject, "kind", f.Kind, "request_id", requestID(c))
	}
	s.log.Info("refresh rejected: the owner's tokens are revoked", "family", f.ID,
		"sub", f.Subject, "kind", f.Kind, "request_id", requestID(c))
	return newError(http.StatusBadRequest, codeInvalidGrant,
		"the refresh token is revoked: sign in again")
}
