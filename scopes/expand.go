package scopes

import (
	"errors"
	"strings"
)

// The meta scopes that expansion treats specially.
const (
	scopeSelf    = "self"
	scopeInherit = "inherit"
)

// Expand returns the expanded, reduced scopes, sorted. Every scope brings its
// transitive subscopes with the same filter. `self` and the bare filters `!user`
// and `!service` resolve against owner. They are dropped, never widened, when they
// cannot resolve: `self` and `!user` for a service or no owner, and `!service` for
// a user or no owner. `!server` is always dropped, because only a token issued to a
// single-user server through OAuth has a server to refer to. `inherit` stays in the
// result as a marker, since it resolves at mint time (see Resolver). An unfiltered
// copy of a scope removes its filtered copies.
func (m *Model) Expand(scopes []string, owner Owner) ([]string, error) {
	p, err := m.expand(scopes, owner)
	if err != nil {
		return nil, err
	}
	return p.strings(), nil
}

func (m *Model) expand(scopes []string, owner Owner) (*parsedScopes, error) {
	if err := owner.validate(); err != nil {
		return nil, err
	}
	var errs []error
	p := newParsed()
	for _, s := range scopes {
		sc, err := m.Parse(s)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m.expandOne(p, sc, owner)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

func (m *Model) expandOne(p *parsedScopes, sc Scope, owner Owner) {
	switch {
	case sc.Name == scopeSelf:
		if owner.Kind != OwnerUser {
			return
		}
		for _, name := range m.self {
			m.expandFiltered(p, Scope{Name: name, Kind: KindUser, Value: owner.Name})
		}
		return
	case sc.Name == scopeInherit:
		p.add(scopeInherit, KindNone, "")
		return
	case sc.Bare:
		resolved, ok := resolveBare(sc, owner)
		if !ok {
			return
		}
		sc = resolved
	}
	m.expandFiltered(p, sc)
}

// resolveBare turns `!user` and `!service` into a filter on the owner.
func resolveBare(sc Scope, owner Owner) (Scope, bool) {
	switch {
	case sc.Kind == KindUser && owner.Kind == OwnerUser:
	case sc.Kind == KindService && owner.Kind == OwnerService:
	default:
		return Scope{}, false
	}
	return Scope{Name: sc.Name, Kind: sc.Kind, Value: owner.Name}, true
}

// expandFiltered adds sc and its subscopes, each with sc's filter, applying the
// version's rule for `!server=` filters.
func (m *Model) expandFiltered(p *parsedScopes, sc Scope) {
	addOwnerName := false
	for _, name := range m.closure[sc.Name] {
		if sc.Kind == KindServer {
			if m.rule == ruleDropReadUser && strings.HasPrefix(name, "read:user") {
				continue
			}
			if m.rule == ruleAddOwnerName && strings.HasPrefix(name, "read:") {
				addOwnerName = true
			}
		}
		p.add(name, sc.Kind, sc.Value)
	}
	if addOwnerName {
		user, _, _ := strings.Cut(sc.Value, "/")
		p.add("read:users:name", KindUser, user)
	}
}
