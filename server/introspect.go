package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// introspection is the RFC 7662 section 2.2 response for an active token.
type introspection struct {
	Active    bool     `json:"active"`
	Scope     string   `json:"scope,omitempty"`
	ClientID  string   `json:"client_id,omitempty"`
	Username  string   `json:"username,omitempty"`
	TokenType string   `json:"token_type,omitempty"`
	Exp       int64    `json:"exp,omitempty"`
	Iat       int64    `json:"iat,omitempty"`
	Nbf       int64    `json:"nbf,omitempty"`
	Sub       string   `json:"sub,omitempty"`
	Aud       []string `json:"aud,omitempty"`
	Iss       string   `json:"iss,omitempty"`
	Jti       string   `json:"jti,omitempty"`
	Kind      string   `json:"kind,omitempty"`
	Inherit   bool     `json:"inherit,omitempty"`
}

// handleIntrospect answers whether a token is active. An inactive token gets
// only {"active": false}, with no hint why (RFC 7662 section 2.2); the reason
// goes to the debug log.
func (s *Server) handleIntrospect(c echo.Context) error {
	form, err := decodeForm(c)
	if err != nil {
		return err
	}
	raw := form.Get("token")
	if raw == "" {
		return badRequest("token is missing: send token=<access token> in the form body")
	}
	claims, err := s.introspect.Verify(c.Request().Context(), raw)
	s.metrics.verified(err)
	c.Response().Header().Set("Cache-Control", "no-store")
	if err != nil {
		s.log.Debug("introspection: inactive token", "err", err, "request_id", requestID(c))
		return c.JSON(http.StatusOK, introspection{Active: false})
	}
	return c.JSON(http.StatusOK, introspection{
		Active: true, Scope: claims.Scope, ClientID: claims.ClientID, Username: claims.Subject,
		TokenType: "Bearer", Exp: int64(claims.ExpiresAt), Iat: int64(claims.IssuedAt),
		Nbf: int64(claims.NotBefore), Sub: claims.Subject, Aud: claims.Audience,
		Iss: claims.Issuer, Jti: claims.ID, Kind: claims.Kind, Inherit: claims.Inherit,
	})
}
