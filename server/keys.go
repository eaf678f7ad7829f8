package server

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/jwks"
)

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
func (s *Server) handleKeysRotate(c echo.Context) error {
	if _, err := s.deps.Keys.Rotate(c.Request().Context(), "admin API"); err != nil {
		return err
	}
	s.log.Info("keys rotated through the admin API", "kid", s.deps.Keys.ActiveKeyID(),
		"caller", c.Get(callerKey), "remote", c.RealIP(), "request_id", requestID(c))
	return c.JSON(http.StatusOK, s.keysResponse())
}
