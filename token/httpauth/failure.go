package httpauth

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/hubjwt/hubjwt/token"
)

// Error codes of RFC 6750 section 3.1, plus RFC 6749's temporarily_unavailable
// for a verifier that cannot reach its keys or revocation list.
const (
	CodeInvalidRequest         = "invalid_request"
	CodeInvalidToken           = "invalid_token"
	CodeInsufficientScope      = "insufficient_scope"
	CodeTemporarilyUnavailable = "temporarily_unavailable"
)

// retryAfterSeconds is the Retry-After of a 503: long enough for a key or
// revocation refetch, short enough for a client to retry by hand.
const retryAfterSeconds = 5

// maxDescription bounds error_description, which may quote token values.
const maxDescription = 200

// Failure is a rejected request: the status, the RFC 6750 error code (empty
// when the request carried no token) and, for insufficient_scope, the scope
// the request needs. It is an error wrapping the verification error.
type Failure struct {
	Status      int
	Code        string
	Description string
	Scope       string
	Err         error
	realm       string
}

// Error returns the description.
func (f *Failure) Error() string { return "httpauth: " + f.Description }

// Unwrap returns the verification or authorization error, if any.
func (f *Failure) Unwrap() error { return f.Err }

// Challenge returns the WWW-Authenticate value of f, or "" for a status that
// has no challenge.
func (f *Failure) Challenge() string {
	if f.Status != http.StatusUnauthorized && f.Status != http.StatusForbidden &&
		f.Status != http.StatusBadRequest {
		return ""
	}
	var b strings.Builder
	b.WriteString(`Bearer realm="` + quotable(f.realm) + `"`)
	if f.Code != "" {
		b.WriteString(`, error="` + f.Code + `"`)
		b.WriteString(`, error_description="` + quotable(f.Description) + `"`)
	}
	if f.Scope != "" {
		b.WriteString(`, scope="` + quotable(f.Scope) + `"`)
	}
	return b.String()
}

// errorBody is the JSON body of a rejection, in the shape of RFC 6749 section
// 5.2. Error is omitted when the request carried no token.
type errorBody struct {
	Error       string `json:"error,omitempty"`
	Description string `json:"error_description"`
	Scope       string `json:"scope,omitempty"`
}

// Write sends f as the response: status, challenge, Retry-After for a 503 and
// the JSON body.
func (f *Failure) Write(w http.ResponseWriter) {
	h := w.Header()
	if c := f.Challenge(); c != "" {
		h.Set("WWW-Authenticate", c)
	}
	if f.Status == http.StatusServiceUnavailable {
		h.Set("Retry-After", strconv.Itoa(retryAfterSeconds))
	}
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(f.Status)
	body, _ := json.Marshal(errorBody{Error: f.Code, Description: f.Description, Scope: f.Scope})
	_, _ = w.Write(append(body, '\n'))
}

func (a *Authenticator) missing() *Failure {
	return &Failure{Status: http.StatusUnauthorized, realm: a.realm,
		Description: "the request has no access token: send Authorization: Bearer TOKEN"}
}

func (a *Authenticator) invalidRequest(description string) *Failure {
	return &Failure{Status: http.StatusBadRequest, Code: CodeInvalidRequest,
		Description: description, realm: a.realm}
}

// failureFor maps a verification or authorization error to its Failure.
func (a *Authenticator) failureFor(err error) *Failure {
	f := &Failure{Err: err, realm: a.realm, Description: truncate(err.Error())}
	var scopeErr *token.ScopeError
	switch {
	case errors.As(err, &scopeErr):
		f.Status, f.Code, f.Scope = http.StatusForbidden, CodeInsufficientScope, scopeErr.Scope
	case errors.Is(err, token.ErrInsufficientScope):
		f.Status, f.Code = http.StatusForbidden, CodeInsufficientScope
	case errors.Is(err, token.ErrKeySource), errors.Is(err, token.ErrRevocationStale):
		f.Status, f.Code = http.StatusServiceUnavailable, CodeTemporarilyUnavailable
	case errors.Is(err, ErrBadResource):
		f.Status, f.Code = http.StatusBadRequest, CodeInvalidRequest
	default:
		f.Status, f.Code = http.StatusUnauthorized, CodeInvalidToken
	}
	return f
}

func truncate(s string) string {
	if len(s) > maxDescription {
		return s[:maxDescription] + "..."
	}
	return s
}

// quotable returns s with the characters that RFC 6750 section 3 forbids in
// quoted attribute values (double quote, backslash, controls and non-ASCII)
// replaced by '?'.
func quotable(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '?'
		}
		return r
	}, s)
}
