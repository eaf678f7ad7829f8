package server

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// handleHealth is the liveness probe: the process serves HTTP.
func (s *Server) handleHealth(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

// readyTimeout bounds each readiness check.
const readyTimeout = 2 * time.Second

// handleReady is the readiness probe: keys are loaded and every store responds.
func (s *Server) handleReady(c echo.Context) error {
	checks := map[string]string{}
	ready := s.deps.Keys.Document() != nil
	checks["keys"] = "ok"
	if !ready {
		checks["keys"] = "not loaded"
	}
	for _, rc := range s.deps.Ready {
		ctx, cancel := context.WithTimeout(c.Request().Context(), readyTimeout)
		err := rc.Check(ctx)
		cancel()
		checks[rc.Name] = "ok"
		if err != nil {
			ready = false
			checks[rc.Name] = err.Error()
			s.metrics.storeError(rc.Name, "ping")
			s.log.Warn("readiness check failed", "check", rc.Name, "err", err)
		}
	}
	status, word := http.StatusOK, "ready"
	if !ready {
		status, word = http.StatusServiceUnavailable, "not ready"
		c.Response().Header().Set("Retry-After", "5")
	}
	return c.JSON(status, map[string]any{"status": word, "checks": checks})
}
