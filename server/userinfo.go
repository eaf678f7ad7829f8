package server

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
)

// userReader reads a user model with hubjwt's own service token;
// *hubapi.Client implements it.
type userReader interface {
	User(ctx context.Context, name string) (hubapi.User, error)
}

// userinfo is the UserInfo response (OpenID Connect Core section 5.3.2).
type userinfo struct {
	Subject           string   `json:"sub"`
	Name              string   `json:"name"`
	PreferredUsername string   `json:"preferred_username"`
	Groups            []string `json:"groups,omitempty"`
}

// bearerChallenge is the WWW-Authenticate value of a rejected bearer token
// (RFC 6750 section 3).
const bearerChallenge = `Bearer realm="hubjwt", error="invalid_token"`

// handleUserinfo is GET and POST /oauth2/userinfo: the claims of the user an
// access token belongs to. The token is verified like at introspection,
// revocation included, and an ID token is rejected by its typ. groups, read
// from the hub now, is included when the token may read the user's groups,
// which the groups scope grants.
func (s *Server) handleUserinfo(c echo.Context) error {
	raw, ok := bearerToken(c.Request())
	if !ok {
		return &oauthError{Status: http.StatusUnauthorized, Code: codeInvalidRequest,
			Description: "missing access token: send Authorization: Bearer <access token>",
			Challenge:   `Bearer realm="hubjwt"`}
	}
	ctx := c.Request().Context()
	claims, err := s.introspect.Verify(ctx, raw)
	if err != nil {
		desc := "the access token is invalid, expired or revoked"
		if errors.Is(err, token.ErrWrongType) {
			desc = "this is not an access token (an ID token is not accepted here)"
		}
		return &oauthError{Status: http.StatusUnauthorized, Code: codeInvalidToken,
			Description: desc, Challenge: bearerChallenge, cause: err}
	}
	if aud := s.deps.Config.Token.DefaultAudience; !claims.Audience.Contains(aud) {
		// A token meant for one single-user server or service must not let that
		// server read its holder's profile.
		return &oauthError{Status: http.StatusUnauthorized, Code: codeInvalidToken,
			Description: "this access token is for another audience: userinfo accepts " +
				"tokens whose aud contains " + aud,
			Challenge: bearerChallenge}
	}
	if claims.Kind != token.KindUser {
		return &oauthError{Status: http.StatusForbidden, Code: codeInsufficientScope,
			Description: "userinfo describes users: this token belongs to a " + claims.Kind,
			Challenge:   `Bearer realm="hubjwt", error="insufficient_scope"`}
	}
	info := userinfo{Subject: claims.Subject, Name: claims.Subject,
		PreferredUsername: claims.Subject}
	if s.mayReadGroups(claims) {
		groups, err := s.hubGroups(ctx, claims.Subject)
		if err != nil {
			return err
		}
		info.Groups = groups
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, info)
}

// mayReadGroups reports whether the token's scopes let it read the groups of
// its own user.
func (s *Server) mayReadGroups(claims *token.Claims) bool {
	if s.deps.Scopes == nil {
		return false
	}
	set, err := s.deps.Scopes.Compile(claims.Scopes())
	if err != nil {
		return false
	}
	return set.Allows("read:users:groups",
		scopes.Resource{Kind: scopes.KindUser, User: claims.Subject})
}

// hubGroups returns the user's current groups from the hub, or none when
// the hub client cannot read users.
func (s *Server) hubGroups(ctx context.Context, name string) ([]string, error) {
	reader, ok := s.deps.Hub.(userReader)
	if !ok {
		return nil, nil
	}
	u, err := reader.User(ctx, name)
	if err != nil {
		return nil, err
	}
	return u.Groups, nil
}
