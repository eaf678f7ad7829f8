package scopes

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is the resource kind of a scope filter; the empty Kind means unfiltered.
type Kind string

// The filter kinds JupyterHub defines.
const (
	KindNone    Kind = ""
	KindUser    Kind = "user"
	KindServer  Kind = "server"
	KindGroup   Kind = "group"
	KindService Kind = "service"
)

// Scope is one parsed scope string: `name`, `name!KIND=VALUE`, or the bare
// self-referencing `name!user`, `name!service` or `name!server` (Bare set, Value
// empty). A server Value is `USER/NAME`, and the default server is `USER/`.
type Scope struct {
	Name  string
	Kind  Kind
	Value string
	Bare  bool
}

// String returns the scope in JupyterHub's syntax; parsing it returns s again.
func (s Scope) String() string {
	switch {
	case s.Kind == KindNone:
		return s.Name
	case s.Bare:
		return s.Name + "!" + string(s.Kind)
	}
	return s.Name + "!" + string(s.Kind) + "=" + s.Value
}

// Filtered reports whether the scope carries a filter, bare or with a value.
func (s Scope) Filtered() bool { return s.Kind != KindNone }

// parseSyntax parses a scope string without consulting a table. Like JupyterHub it
// splits at the first `!` and at the first `=` after it, so a value may itself
// contain `!` or `=`: `read:users!user=a!group=b` names the user `a!group=b`.
func parseSyntax(s string) (Scope, error) {
	if s == "" {
		return Scope{}, syntaxError(s, "the scope is empty")
	}
	if reason := badCharacters(s); reason != "" {
		return Scope{}, syntaxError(s, reason)
	}
	name, filter, filtered := strings.Cut(s, "!")
	if name == "" {
		return Scope{}, syntaxError(s, "the scope name before '!' is empty")
	}
	if !filtered {
		return Scope{Name: name}, nil
	}
	return parseFilter(s, name, filter)
}

func parseFilter(s, name, filter string) (Scope, error) {
	kind, value, hasValue := strings.Cut(filter, "=")
	if !hasValue {
		switch Kind(kind) {
		case KindUser, KindService, KindServer:
			return Scope{Name: name, Kind: Kind(kind), Bare: true}, nil
		case KindGroup:
			return Scope{}, syntaxError(s, "a group filter needs a value: write !group=NAME")
		case KindNone:
			return Scope{}, syntaxError(s, "the filter after '!' is empty")
		}
		return Scope{}, syntaxError(s, "unknown filter kind "+quote(kind)+
			": use !user, !server, !service or !KIND=VALUE with user, server, group or service")
	}
	switch Kind(kind) {
	case KindUser, KindGroup, KindService:
	case KindServer:
		if reason := badServerValue(value); reason != "" {
			return Scope{}, syntaxError(s, reason)
		}
	default:
		return Scope{}, syntaxError(s, "unknown filter kind "+quote(kind)+
			": use user, server, group or service")
	}
	if value == "" {
		return Scope{}, syntaxError(s, "the filter value after '=' is empty")
	}
	return Scope{Name: name, Kind: Kind(kind), Value: value}, nil
}

// badServerValue checks the `USER/NAME` form of a server filter. JupyterHub itself
// accepts any text there, but a value without a user and a slash matches no server.
func badServerValue(v string) string {
	if v == "" {
		return "the filter value after '=' is empty"
	}
	user, _, ok := strings.Cut(v, "/")
	if !ok || user == "" {
		return "a server filter is USER/NAME, and USER/ for the default server"
	}
	return ""
}

// badCharacters returns why s cannot be a scope, or "" when its characters are fine.
func badCharacters(s string) string {
	if !utf8.ValidString(s) {
		return "the scope is not valid UTF-8"
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.IsControl(r) {
			return "the scope contains whitespace or a control character; " +
				"give one scope per list entry"
		}
	}
	return ""
}

func quote(s string) string { return "\"" + s + "\"" }
