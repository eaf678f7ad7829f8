package server

import (
	"crypto/rand"
	"encoding/base64"
	"time"

	"github.com/labstack/echo/v4"
)

// accessLog writes one structured line per request: method, route, status,
// duration. It never logs headers, query strings or bodies, which can carry
// tokens.
func (s *Server) accessLog(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		route, status := routeAndStatus(c, err)
		s.log.Info("request", "method", methodLabel(c.Request().Method), "route", route,
			"status", status, "duration_ms", float64(time.Since(start).Microseconds())/1000,
			"remote", c.RealIP(), "request_id", requestID(c))
		return err
	}
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

func newRequestID() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// routeAndStatus returns the route pattern of a finished request ("unmatched"
// for no route, so unknown paths share one label) and the status it got,
// taking it from err when the error handler has not written the response yet.
func routeAndStatus(c echo.Context, err error) (string, int) {
	status := c.Response().Status
	if err != nil {
		status = errorFor(err).Status
	}
	route := c.Path()
	if route == "" {
		route = "unmatched"
	}
	return route, status
}
