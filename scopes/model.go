package scopes

import (
	"errors"
	"fmt"
	"sort"
)

// Model is the scope table of one JupyterHub version plus custom scopes. It is
// immutable after NewModel and safe for concurrent use.
type Model struct {
	version      Version
	rule         serverRule
	defs         map[string]definition
	closure      map[string][]string // name -> itself and every transitive subscope, sorted
	meta         map[string]bool
	self         []string
	defaultRoles []Role
}

// NewModel returns the Model of version v with the custom scopes added.
func NewModel(v Version, custom []Custom) (*Model, error) {
	t, err := tableFor(v)
	if err != nil {
		return nil, err
	}
	if err := checkCustom(custom); err != nil {
		return nil, err
	}
	m := &Model{
		version:      v,
		rule:         t.ServerRule,
		defs:         make(map[string]definition, len(t.Scopes)+len(custom)),
		meta:         make(map[string]bool, len(t.Meta)),
		self:         t.Self,
		defaultRoles: t.DefaultRoles,
	}
	for name, d := range t.Scopes {
		m.defs[name] = d
	}
	for _, c := range custom {
		m.defs[c.Name] = definition{Description: c.Description, Subscopes: c.Subscopes}
	}
	for _, name := range t.Meta {
		m.meta[name] = true
	}
	m.closure = make(map[string][]string, len(m.defs))
	for name := range m.defs {
		m.closure[name] = m.walk(name)
	}
	return m, nil
}

// walk returns name and its transitive subscopes, sorted. The visited set keeps a
// cycle among custom scopes from looping.
func (m *Model) walk(name string) []string {
	seen := map[string]bool{}
	var visit func(string)
	visit = func(n string) {
		if seen[n] {
			return
		}
		seen[n] = true
		for _, sub := range m.defs[n].Subscopes {
			visit(sub)
		}
	}
	visit(name)
	out := make([]string, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Version returns the table version of the model.
func (m *Model) Version() Version { return m.version }

// Names returns every scope name the model defines, sorted.
func (m *Model) Names() []string {
	out := make([]string, 0, len(m.defs))
	for n := range m.defs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// Description returns the description of a scope name and whether it is defined.
func (m *Model) Description(name string) (string, bool) {
	d, ok := m.defs[name]
	return d.Description, ok
}

// Subscopes returns the full expansion of an unfiltered scope name: the name and
// every transitive subscope, sorted. It returns nil for an unknown name.
func (m *Model) Subscopes(name string) []string {
	return append([]string(nil), m.closure[name]...)
}

// Parse parses one scope string and checks its name against the table.
func (m *Model) Parse(s string) (Scope, error) {
	sc, err := parseSyntax(s)
	if err != nil {
		return Scope{}, err
	}
	if sc.Name == "all" {
		return Scope{}, &ScopeError{Scope: s, Err: ErrUnknownScope,
			Reason: "the meta scope \"all\" is now called \"inherit\""}
	}
	if _, ok := m.defs[sc.Name]; !ok {
		return Scope{}, &ScopeError{Scope: s, Err: ErrUnknownScope,
			Reason: fmt.Sprintf("%q is not in the JupyterHub %s scope table "+
				"nor a declared custom scope", sc.Name, m.version)}
	}
	if m.meta[sc.Name] && sc.Filtered() {
		return Scope{}, syntaxError(s, "the meta scope "+quote(sc.Name)+" takes no filter")
	}
	return sc, nil
}

// Validate parses every scope and returns all problems joined, or nil.
func (m *Model) Validate(scopes []string) error {
	var errs []error
	for _, s := range scopes {
		if _, err := m.Parse(s); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
