package server

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/jwks"
)

// KeyRevoker enters a key revocation in the revocation list, so verifiers and
// mirrors reject every token kid signed until until.
type KeyRevoker interface {
	RevokeKey(ctx context.Context, kid string, until time.Time) error
}

type keysResponse struct {
	Active string      `json:"active_kid"`
	Keys   []jwks.Info `json:"keys"`
}

func (s *Server) keysResponse() keysResponse {
	return keysResponse{Active: s.deps.Keys.ActiveKeyID(), Keys: s.deps.Keys.Keys()}
}

// handleKeysList lists every stored key with its state and timestamps.
func (s *Server) handleKeysList(c echo.Context) error {
	return c.JSON(http.StatusOK, s.keysResponse())
}

// handleKeysRotate rotates the keys: next becomes active, active is retired.
//
// It refuses, with 409, to activate a next key published for less than
// keys.prepublish, because verifiers with a cached JWK Set would reject its
// tokens; ?force=true rotates anyway (for a suspected compromise, revoke the
// key instead).
func (s *Server) handleKeysRotate(c echo.Context) error {
	if c.QueryParam("force") != "true" {
		err := jwks.CheckPrepublished(s.deps.Keys.Keys(), s.deps.Config.Keys.Prepublish, s.deps.Now())
		if err != nil {
			return err
		}
	}
	if _, err := s.deps.Keys.Rotate(c.Request().Context(), "admin API"); err != nil {
		return err
	}
	s.auditKey(c, auditKeyRotated, s.deps.Keys.ActiveKeyID())
	return c.JSON(http.StatusOK, s.keysResponse())
}

// handleKeysRetire retires the key named in the path.
func (s *Server) handleKeysRetire(c echo.Context) error {
	kid := c.Param("kid")
	if c.QueryParam("force") != "true" && kid == s.deps.Keys.ActiveKeyID() {
		// Retiring the active key activates the next one: a rotation.
		err := jwks.CheckPrepublished(s.deps.Keys.Keys(), s.deps.Config.Keys.Prepublish, s.deps.Now())
		if err != nil {
			return err
		}
	}
	active, err := s.deps.Keys.Retire(c.Request().Context(), kid, "admin API")
	if err != nil {
		return err
	}
	s.auditKey(c, auditKeyRetired, kid, slog.String("active_kid", active))
	return c.JSON(http.StatusOK, s.keysResponse())
}

// handleKeysRevoke withdraws the key named in the path from the JWK Set and
// enters it in the revocation list. The revocation list comes first, so a
// failure there leaves the key published and the request can be repeated.
func (s *Server) handleKeysRevoke(c echo.Context) error {
	kid := c.Param("kid")
	ctx := c.Request().Context()
	if s.deps.KeyRevoker == nil {
		return newError(http.StatusServiceUnavailable, codeTemporarilyDown,
			"no revocation list is configured, so a revoked key's tokens would stay valid: "+
				"use POST /v1/keys/%s/retire, or configure the revocation store", kid)
	}
	if err := s.checkRevocable(kid); err != nil {
		return err
	}
	until := s.deps.Now().Add(s.deps.Config.Token.MaxTTL + s.deps.Config.Token.Leeway)
	if err := s.deps.KeyRevoker.RevokeKey(ctx, kid, until); err != nil {
		return err
	}
	rev, err := s.deps.Keys.Revoke(ctx, kid, "admin API")
	if err != nil {
		return err
	}
	s.auditKey(c, auditKeyRevoked, kid, slog.String("active_kid", rev.Active),
		slog.Time("until", rev.Until))
	return c.JSON(http.StatusOK, s.keysResponse())
}

// checkRevocable returns jwks.ErrKeyNotFound or jwks.ErrInvalidState before
// anything is written for a kid Revoke would reject.
func (s *Server) checkRevocable(kid string) error {
	for _, k := range s.deps.Keys.Keys() {
		if k.ID != kid {
			continue
		}
		if k.State == jwks.StateRevoked {
			return fmt.Errorf("%w: key %s is already revoked", jwks.ErrInvalidState, kid)
		}
		return nil
	}
	return fmt.Errorf("%w: kid %q: GET /v1/keys lists the stored kids", jwks.ErrKeyNotFound, kid)
}
