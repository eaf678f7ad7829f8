package scopes

import "strings"

// Set is a compiled list of expanded scopes for access checks. It is immutable and
// safe for concurrent use; a nil *Set allows nothing.
type Set struct {
	scopes []string
	grants map[string]*grant
}

// grant is the parsed filters of one scope name in a Set.
type grant struct {
	all      bool
	users    map[string]struct{}
	servers  map[string]map[string]struct{} // user -> server names
	groups   map[string]struct{}
	services map[string]struct{}
}

// Compile returns the Set of expanded scopes. Subscopes are added, so a list that
// is not fully expanded still checks correctly, but `self`, `inherit` and bare
// filters need an owner and are rejected with ErrNotExpanded: expand or resolve
// them first.
func (m *Model) Compile(scopes []string) (*Set, error) {
	for _, s := range scopes {
		sc, err := m.Parse(s)
		if err != nil {
			return nil, err
		}
		if sc.Name == scopeSelf || sc.Name == scopeInherit || sc.Bare {
			return nil, &ScopeError{Scope: s, Err: ErrNotExpanded,
				Reason: "it depends on the token's owner: expand or resolve it first"}
		}
	}
	p, err := m.expand(scopes, Owner{})
	if err != nil {
		return nil, err
	}
	set := &Set{scopes: p.strings(), grants: map[string]*grant{}}
	for name := range p.all {
		set.grants[name] = &grant{all: true}
	}
	for sc := range p.filtered {
		g := set.grants[sc.Name]
		if g == nil {
			g = &grant{}
			set.grants[sc.Name] = g
		}
		if !g.all {
			g.add(sc)
		}
	}
	return set, nil
}

func (g *grant) add(sc Scope) {
	switch sc.Kind {
	case KindUser:
		g.users = addName(g.users, sc.Value)
	case KindGroup:
		g.groups = addName(g.groups, sc.Value)
	case KindService:
		g.services = addName(g.services, sc.Value)
	case KindServer:
		user, server := splitServer(sc.Value)
		if g.servers == nil {
			g.servers = map[string]map[string]struct{}{}
		}
		g.servers[user] = addName(g.servers[user], server)
	}
}

func addName(set map[string]struct{}, name string) map[string]struct{} {
	if set == nil {
		set = map[string]struct{}{}
	}
	set[name] = struct{}{}
	return set
}

func splitServer(v string) (user, server string) {
	user, server, _ = strings.Cut(v, "/")
	return user, server
}

// Scopes returns the expanded scopes of the set, sorted.
func (s *Set) Scopes() []string {
	if s == nil {
		return nil
	}
	return append([]string(nil), s.scopes...)
}

// Has reports whether the set holds the scope name in any form, filtered or not.
func (s *Set) Has(name string) bool {
	if s == nil {
		return false
	}
	_, ok := s.grants[name]
	return ok
}

// Allows reports whether the set grants the scope name required on r, without
// allocating. An unfiltered scope grants every resource and the zero Resource. A
// `!user=` filter grants the user and every server of the user, `!server=` only that
// server, `!group=` the group itself and, through r.Groups, its members and their
// servers, and `!service=` that service. Each call checks one scope: where an
// endpoint accepts any of several, call it for each (JupyterHub 3.0.0 instead stopped
// at the first scope held with filters that did not match).
func (s *Set) Allows(required string, r Resource) bool {
	if s == nil {
		return false
	}
	g, ok := s.grants[required]
	if !ok {
		return false
	}
	if g.all {
		return true
	}
	switch r.Kind {
	case KindUser:
		return g.hasUser(r.User) || g.hasGroupOf(r.Groups)
	case KindServer:
		_, ok := g.servers[r.User][r.Server]
		return ok || g.hasUser(r.User) || g.hasGroupOf(r.Groups)
	case KindGroup:
		_, ok := g.groups[r.Group]
		return ok
	case KindService:
		_, ok := g.services[r.Service]
		return ok
	}
	return false
}

func (g *grant) hasUser(user string) bool {
	_, ok := g.users[user]
	return ok
}

func (g *grant) hasGroupOf(groups []string) bool {
	for _, name := range groups {
		if _, ok := g.groups[name]; ok {
			return true
		}
	}
	return false
}
