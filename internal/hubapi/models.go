package hubapi

import (
	"context"
	"net/http"
	"net/url"
)

// User is a user model: the roles assigned to the user directly and the
// user's groups. Roles the user gets through a group are on the Group. The
// hub omits fields the caller may not read, and an omitted list stays nil,
// while a present but empty list is non-nil.
type User struct {
	Name   string   `json:"name"`
	Admin  bool     `json:"admin"`
	Roles  []string `json:"roles"`
	Groups []string `json:"groups"`
}

// Group is a group model with its members and the roles assigned to it.
// Roles is nil when the hub omitted it.
type Group struct {
	Name  string   `json:"name"`
	Users []string `json:"users"`
	Roles []string `json:"roles"`
}

// Service is a service model with the roles assigned to it. Roles is nil
// when the hub omitted it.
type Service struct {
	Name  string   `json:"name"`
	Admin bool     `json:"admin"`
	Roles []string `json:"roles"`
}

// User reads GET /users/{name}. The hub includes Roles only for a caller
// holding read:users or read:roles:users, and Groups only with read:users or
// read:users:groups.
func (c *Client) User(ctx context.Context, name string) (User, error) {
	var u User
	err := c.do(ctx, request{method: http.MethodGet, path: userPath(name), token: c.token}, &u)
	return u, err
}

// Group reads GET /groups/{name}. Roles are filled only when the service holds
// read:roles:groups.
func (c *Client) Group(ctx context.Context, name string) (Group, error) {
	var g Group
	r := request{method: http.MethodGet, path: "/groups/" + url.PathEscape(name), token: c.token}
	err := c.do(ctx, r, &g)
	return g, err
}

// Service reads GET /services/{name}. Roles are filled only when the service
// holds read:roles:services.
func (c *Client) Service(ctx context.Context, name string) (Service, error) {
	var s Service
	r := request{method: http.MethodGet, path: "/services/" + url.PathEscape(name), token: c.token}
	err := c.do(ctx, r, &s)
	return s, err
}
