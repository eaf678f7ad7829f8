package scopes

import (
	"fmt"
	"strings"
)

// Resource is the user, server, group or service a request acts on, for
// Set.Allows. The zero Resource is no resource, which only an unfiltered scope
// grants.
type Resource struct {
	Kind    Kind
	User    string // the user, or the owner of the server
	Server  string // the server name; "" is the default server
	Group   string
	Service string
	// Groups lists the groups of User, the user or the server's owner, so that
	// `!group=` filters can grant access. Nil means no group filter applies.
	Groups []string
}

// UserResource returns the Resource for a user with the user's groups.
func UserResource(user string, groups []string) Resource {
	return Resource{Kind: KindUser, User: user, Groups: groups}
}

// ServerResource returns the Resource for the named server of user ("" for the
// default server), with the owner's groups.
func ServerResource(user, server string, groups []string) Resource {
	return Resource{Kind: KindServer, User: user, Server: server, Groups: groups}
}

// String returns the resource in the form ParseResource reads, or "" for none.
func (r Resource) String() string {
	switch r.Kind {
	case KindUser:
		return "user=" + r.User
	case KindServer:
		return "server=" + r.User + "/" + r.Server
	case KindGroup:
		return "group=" + r.Group
	case KindService:
		return "service=" + r.Service
	}
	return ""
}

// ParseResource parses user=NAME, server=USER/NAME (server=USER/ for the default
// server), group=NAME or service=NAME. Groups stays nil.
func ParseResource(s string) (Resource, error) {
	kind, value, ok := strings.Cut(s, "=")
	if !ok || value == "" || badCharacters(value) != "" {
		return Resource{}, resourceError(s)
	}
	switch Kind(kind) {
	case KindUser:
		return Resource{Kind: KindUser, User: value}, nil
	case KindServer:
		user, server, ok := strings.Cut(value, "/")
		if !ok || user == "" {
			return Resource{}, resourceError(s)
		}
		return Resource{Kind: KindServer, User: user, Server: server}, nil
	case KindGroup:
		return Resource{Kind: KindGroup, Group: value}, nil
	case KindService:
		return Resource{Kind: KindService, Service: value}, nil
	}
	return Resource{}, resourceError(s)
}

func resourceError(s string) error {
	return fmt.Errorf("scopes: %w %q: write user=NAME, server=USER/NAME "+
		"(server=USER/ for the default server), group=NAME or service=NAME", ErrResource, s)
}
