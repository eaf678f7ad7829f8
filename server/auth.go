package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
)

// adminAuth checks the admin bearer token. It compares SHA-256 digests in
// constant time, so neither the content nor the length of the secret leaks
// through timing.
type adminAuth struct {
	digest [sha256.Size]byte
}

func newAdminAuth(secret string) adminAuth {
	return adminAuth{digest: sha256.Sum256([]byte(secret))}
}

func (a adminAuth) matches(presented string) bool {
	d := sha256.Sum256([]byte(presented))
	return subtle.ConstantTimeCompare(d[:], a.digest[:]) == 1
}

// bearerToken returns the credential of an `Authorization: Bearer X` header.
func bearerToken(r *http.Request) (string, bool) {
	if len(r.Header.Values("Authorization")) > 1 {
		return "", false
	}
	h := r.Header.Get("Authorization")
	scheme, cred, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || cred == "" {
		return "", false
	}
	return strings.TrimSpace(cred), true
}

// requireAdmin admits only requests carrying the admin bearer token (RFC 6750).
func (s *Server) requireAdmin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		cred, ok := bearerToken(c.Request())
		if !ok {
			return &oauthError{Status: http.StatusUnauthorized, Code: codeInvalidRequest,
				Description: "missing admin credential: send Authorization: Bearer <admin token>",
				Challenge:   `Bearer realm="hubjwt"`}
		}
		if !s.admin.matches(cred) {
			s.log.Warn("admin authentication failed", "route", c.Path(),
				"remote", c.RealIP(), "request_id", requestID(c))
			return &oauthError{Status: http.StatusUnauthorized, Code: codeInvalidToken,
				Description: "the admin token is not valid",
				Challenge:   `Bearer realm="hubjwt", error="invalid_token"`}
		}
		c.Set(callerKey, "admin")
		return next(c)
	}
}

// callerKey is the echo context key naming the authenticated caller.
const callerKey = "hubjwt.caller"
