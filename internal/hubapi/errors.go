package hubapi

import (
	"errors"
	"fmt"
	"net/http"
)

var (
	// ErrInvalidToken means the hub rejected the token being identified (HTTP
	// 401 or 403 from GET /user).
	ErrInvalidToken = errors.New("token rejected by the hub")
	// ErrUnavailable means the hub could not be reached, timed out or returned
	// a 5xx status. The server maps it to 503.
	ErrUnavailable = errors.New("jupyterhub unavailable")
	// ErrForbidden means the hub rejected the client's own credential for a
	// request (HTTP 401 or 403): the service lacks a scope the request needs.
	ErrForbidden = errors.New("request not permitted by the service's scopes")
	// ErrNotFound means the hub returned 404. JupyterHub 3.0 also returns 404
	// when a filtered scope does not cover the resource.
	ErrNotFound = errors.New("not found on the hub")
	// ErrInvalidURL means the API base URL given to New is not an absolute
	// http or https URL.
	ErrInvalidURL = errors.New("invalid jupyterhub api url")
	// ErrResponse means the hub's response was malformed or too large.
	ErrResponse = errors.New("invalid response from the hub")
)

// StatusError is a non-success HTTP status from the hub. It unwraps to the
// sentinel that matches the status, if any.
type StatusError struct {
	Method string
	// Path is the URL path of the request, such as /hub/api/users/bob.
	Path   string
	Status int
	// Message is the hub's own error message, cut to maxMessage bytes.
	Message string
	err     error
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("hubapi: %s %s: status %d", e.Method, e.Path, e.Status)
	if e.Message != "" {
		msg += ": " + e.Message
	}
	if e.err != nil {
		msg += " (" + e.err.Error() + ")"
	}
	return msg
}

// Unwrap returns the sentinel for the status, or nil.
func (e *StatusError) Unwrap() error { return e.err }

// statusSentinel maps an HTTP status to a sentinel. identify is true for GET
// /user with a token under test, where 401 and 403 mean that token is invalid
// rather than that the client's credential lacks a scope.
func statusSentinel(status int, identify bool) error {
	switch {
	case status >= 500:
		return ErrUnavailable
	case (status == http.StatusUnauthorized || status == http.StatusForbidden) && identify:
		return ErrInvalidToken
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		return ErrForbidden
	case status == http.StatusNotFound:
		return ErrNotFound
	}
	return nil
}
