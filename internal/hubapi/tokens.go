package hubapi

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// Token is an API token model of the hub.
type Token struct {
	ID string
	// Secret is the token itself. Only CreateToken returns it.
	Secret  string
	User    string
	Service string
	// Scopes are the token's expanded scopes as the hub computes them now.
	Scopes    []string
	Note      string
	Created   time.Time
	ExpiresAt time.Time // zero when the token does not expire
}

// String returns the token's id and owner, never its secret.
func (t Token) String() string {
	return fmt.Sprintf("token %s of user %q", t.ID, t.User)
}

// GoString is String, so that %#v does not print the secret either.
func (t Token) GoString() string { return t.String() }

// tokenModel is the JSON form of Token.
type tokenModel struct {
	ID        string   `json:"id"`
	Token     string   `json:"token"`
	User      string   `json:"user"`
	Service   string   `json:"service"`
	Scopes    []string `json:"scopes"`
	Note      string   `json:"note"`
	Created   hubTime  `json:"created"`
	ExpiresAt hubTime  `json:"expires_at"`
}

// CreateToken creates an API token for user through POST
// /users/{name}/tokens with the client's service credential, which needs the
// unfiltered tokens scope (JupyterHub 3.0 rejects a filtered tokens!user=
// held by a service). A zero expiresIn means no expiry.
//
// NOTE: JupyterHub 3.0 returns 500, not 400, for an unknown scope name or
// filter in scopes, so such a request fails with ErrUnavailable.
func (c *Client) CreateToken(ctx context.Context, user string, scopes []string,
	expiresIn time.Duration, note string) (Token, error) {
	body := map[string]any{"scopes": scopes}
	if scopes == nil {
		body["scopes"] = []string{}
	}
	if expiresIn > 0 {
		body["expires_in"] = int64(expiresIn.Round(time.Second) / time.Second)
	}
	if note != "" {
		body["note"] = note
	}
	var m tokenModel
	r := request{method: http.MethodPost, path: userPath(user, "tokens"), token: c.token, body: body}
	if err := c.do(ctx, r, &m); err != nil {
		return Token{}, err
	}
	if m.ID == "" {
		return Token{}, fmt.Errorf("hubapi: POST %s: %w: no token id in the response",
			c.base.Path+r.path, ErrResponse)
	}
	return Token{
		ID:        m.ID,
		Secret:    m.Token,
		User:      m.User,
		Service:   m.Service,
		Scopes:    m.Scopes,
		Note:      m.Note,
		Created:   m.Created.Time,
		ExpiresAt: m.ExpiresAt.Time,
	}, nil
}

// DeleteToken deletes the token id of user through DELETE
// /users/{name}/tokens/{id} with the client's service credential.
func (c *Client) DeleteToken(ctx context.Context, user, id string) error {
	r := request{method: http.MethodDelete, path: userPath(user, "tokens", id), token: c.token}
	return c.do(ctx, r, nil)
}
