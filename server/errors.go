package server

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/scopes/inherit"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/refresh"
)

// OAuth 2.0 error codes (RFC 6749 section 5.2, RFC 6750 section 3.1, RFC 7009
// section 2.2.1, RFC 8693 section 2.2.2) and the ones hubjwt adds for
// non-OAuth conditions.
const (
	codeInvalidRequest       = "invalid_request"
	codeInvalidClient        = "invalid_client"
	codeUnsupportedTokenType = "unsupported_token_type"
	codeInvalidGrant         = "invalid_grant"
	codeUnauthorizedClient   = "unauthorized_client"
	codeUnsupportedGrantType = "unsupported_grant_type"
	codeInvalidScope         = "invalid_scope"
	codeInvalidTarget        = "invalid_target"
	codeInvalidToken         = "invalid_token"
	codeInsufficientScope    = "insufficient_scope"
	codeAccessDenied         = "access_denied"
	codeNotFound             = "not_found"
	codeMethodNotAllowed     = "method_not_allowed"
	codeRequestTooLarge      = "request_too_large"
	codeUnsupportedMedia     = "unsupported_media_type"
	codeTemporarilyDown      = "temporarily_unavailable"
	codeServerError          = "server_error"
	codeTooManyRequests      = "too_many_requests"
)

// oauthError is an error response in the RFC 6749 section 5.2 shape.
type oauthError struct {
	Status      int    `json:"-"`
	Code        string `json:"error"`
	Description string `json:"error_description,omitempty"`
	// RetryAfter, in seconds, is sent as Retry-After with 429 and 503.
	RetryAfter int `json:"-"`
	// Challenge is the WWW-Authenticate value sent with 401.
	Challenge string `json:"-"`
	cause     error
}

func (e *oauthError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Description)
}

func (e *oauthError) Unwrap() error { return e.cause }

func newError(status int, code, format string, args ...any) *oauthError {
	return &oauthError{Status: status, Code: code, Description: fmt.Sprintf(format, args...)}
}

// badRequest is a 400 invalid_request naming what to fix.
func badRequest(format string, args ...any) *oauthError {
	return newError(http.StatusBadRequest, codeInvalidRequest, format, args...)
}

// errorFor maps any error a handler returns to its HTTP response. It is the
// one place where domain errors become statuses and OAuth codes.
func errorFor(err error) *oauthError {
	var oe *oauthError
	if errors.As(err, &oe) {
		return oe
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		return fromEcho(he)
	}
	switch {
	case errors.Is(err, token.ErrTTLTooLong), errors.Is(err, token.ErrInvalidRequest):
		return &oauthError{Status: http.StatusBadRequest, Code: codeInvalidRequest,
			Description: err.Error(), cause: err}
	case errors.Is(err, scopes.ErrScopeSyntax), errors.Is(err, scopes.ErrUnknownScope),
		errors.Is(err, scopes.ErrNotExpanded), errors.Is(err, scopes.ErrOwner):
		return &oauthError{Status: http.StatusBadRequest, Code: codeInvalidScope,
			Description: oneLine(err), cause: err}
	case errors.Is(err, jwks.ErrKeyNotFound):
		return &oauthError{Status: http.StatusNotFound, Code: codeNotFound,
			Description: oneLine(err), cause: err}
	case errors.Is(err, jwks.ErrNotPrepublished):
		return &oauthError{Status: http.StatusConflict, Code: codeInvalidRequest,
			Description: oneLine(err) + " (force=true in the query; --force on the " +
				"hubjwt keys command)", cause: err}
	case errors.Is(err, jwks.ErrInvalidState):
		return &oauthError{Status: http.StatusConflict, Code: codeInvalidRequest,
			Description: oneLine(err), cause: err}
	case errors.Is(err, refresh.ErrMalformed), errors.Is(err, refresh.ErrNotFound),
		errors.Is(err, refresh.ErrExpired), errors.Is(err, refresh.ErrRevoked),
		errors.Is(err, refresh.ErrReused), errors.Is(err, refresh.ErrClientMismatch):
		return &oauthError{Status: http.StatusBadRequest, Code: codeInvalidGrant,
			Description: oneLine(err), cause: err}
	// The inherit errors come first: they wrap hubapi errors and name the owner.
	case errors.Is(err, inherit.ErrNotFound):
		return &oauthError{Status: http.StatusBadRequest, Code: codeInvalidRequest,
			Description: oneLine(err) + ": create the user or service in JupyterHub first",
			cause:       err}
	case errors.Is(err, inherit.ErrUnavailable), errors.Is(err, inherit.ErrPermission),
		errors.Is(err, inherit.ErrUnsupported), errors.Is(err, inherit.ErrRoleUndefined):
		return &oauthError{Status: http.StatusServiceUnavailable, Code: codeTemporarilyDown,
			Description: "cannot resolve the owner's current scopes: " + oneLine(err),
			RetryAfter:  5, cause: err}
	case errors.Is(err, hubapi.ErrInvalidToken):
		return &oauthError{Status: http.StatusBadRequest, Code: codeInvalidGrant,
			Description: "the hub rejected the token: it is invalid, expired or revoked",
			cause:       err}
	case errors.Is(err, hubapi.ErrUnavailable):
		return &oauthError{Status: http.StatusServiceUnavailable, Code: codeTemporarilyDown,
			Description: "JupyterHub is unavailable: retry later", RetryAfter: 5, cause: err}
	case errors.Is(err, revocation.ErrUnavailable):
		return &oauthError{Status: http.StatusServiceUnavailable, Code: codeTemporarilyDown,
			Description: "the revocation store is unreachable; nothing was saved, retry later",
			RetryAfter:  5, cause: err}
	case errors.Is(err, revocation.ErrInvalidEntry):
		return &oauthError{Status: http.StatusBadRequest, Code: codeInvalidRequest,
			Description: oneLine(err), cause: err}
	}
	return &oauthError{Status: http.StatusInternalServerError, Code: codeServerError,
		Description: "internal error; the server log has the details", cause: err}
}

func fromEcho(he *echo.HTTPError) *oauthError {
	msg := fmt.Sprint(he.Message)
	switch he.Code {
	case http.StatusNotFound:
		return newError(he.Code, codeNotFound, "no route for this path: see the API in the README")
	case http.StatusMethodNotAllowed:
		return newError(he.Code, codeMethodNotAllowed, "this method is not allowed on this path")
	case http.StatusRequestEntityTooLarge:
		return newError(he.Code, codeRequestTooLarge,
			"request body exceeds http.max_body_bytes: send a smaller body")
	case http.StatusUnsupportedMediaType:
		return newError(he.Code, codeUnsupportedMedia, "%s", msg)
	case http.StatusUnauthorized:
		return &oauthError{Status: he.Code, Code: codeInvalidToken, Description: msg,
			Challenge: `Bearer realm="hubjwt"`}
	}
	if he.Code >= 400 && he.Code < 500 {
		return newError(he.Code, codeInvalidRequest, "%s", msg)
	}
	return &oauthError{Status: http.StatusInternalServerError, Code: codeServerError,
		Description: "internal error; the server log has the details", cause: he}
}

// errorHandler writes every error as an OAuth 2.0 JSON body and logs server
// errors with their cause.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		oe := errorFor(err)
		if oe.Status >= 500 {
			log.Error("request failed", "err", err, "method", c.Request().Method,
				"route", c.Path(), "request_id", requestID(c))
		}
		h := c.Response().Header()
		h.Set("Cache-Control", "no-store")
		if oe.Challenge != "" {
			h.Set("WWW-Authenticate", oe.Challenge)
		}
		if oe.RetryAfter > 0 {
			h.Set("Retry-After", fmt.Sprint(oe.RetryAfter))
		}
		if c.Request().Method == http.MethodHead {
			_ = c.NoContent(oe.Status)
			return
		}
		_ = c.JSON(oe.Status, oe)
	}
}

// oneLine folds the lines of a joined error into one.
func oneLine(err error) string { return strings.ReplaceAll(err.Error(), "\n", "; ") }
