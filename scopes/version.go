package scopes

import "fmt"

// Version names a JupyterHub scope table. JupyterHub added scopes after 3.0 and
// changed how a `!server=` filter expands in 3.1, so expansion depends on it.
type Version string

// The supported tables.
const (
	// V30 is JupyterHub 3.0: 40 scope names, and a `!server=` filter on a `read:`
	// scope also grants read:users:name on the server's owner.
	V30 Version = "3.0"
	// Latest is the newest release (6.0): 48 scope names including the sharing
	// scopes, admin:services and start:servers, and a `!server=` filter drops every
	// expanded `read:user...` subscope.
	Latest Version = "latest"
)

// ParseVersion returns the Version for "3.0" or "latest".
func ParseVersion(s string) (Version, error) {
	switch Version(s) {
	case V30, Latest:
		return Version(s), nil
	}
	return "", fmt.Errorf("scopes: %w %q: use 3.0 or latest", ErrVersion, s)
}
