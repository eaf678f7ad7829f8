package hubapi

import (
	"context"
	"net/http"
	"time"
)

// Identity is the owner of a token as GET /user reports it.
type Identity struct {
	// Kind is "user" or "service".
	Kind   string
	Name   string
	Groups []string
	// Scopes are the token's expanded scopes. For a token holding inherit
	// they are its owner's full current scopes.
	Scopes []string
	// ExpiresAt is the token's expiry, zero when the hub does not report one
	// (JupyterHub 3.0 never does on GET /user).
	ExpiresAt time.Time
}

// WhoAmI identifies token with GET /user, authenticated by that token itself.
// A rejected token gives ErrInvalidToken, and an unreachable or failing hub
// gives ErrUnavailable.
func (c *Client) WhoAmI(ctx context.Context, token string) (Identity, error) {
	var model struct {
		Kind      string   `json:"kind"`
		Name      string   `json:"name"`
		Groups    []string `json:"groups"`
		Scopes    []string `json:"scopes"`
		ExpiresAt hubTime  `json:"expires_at"`
	}
	r := request{method: http.MethodGet, path: "/user", token: token, identify: true}
	if err := c.do(ctx, r, &model); err != nil {
		return Identity{}, err
	}
	return Identity{
		Kind:      model.Kind,
		Name:      model.Name,
		Groups:    model.Groups,
		Scopes:    model.Scopes,
		ExpiresAt: model.ExpiresAt.Time,
	}, nil
}

// Self identifies the client's own service token, like WhoAmI.
func (c *Client) Self(ctx context.Context) (Identity, error) {
	return c.WhoAmI(ctx, c.token)
}
