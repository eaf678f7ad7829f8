package scopes

import (
	"sort"
	"strings"
)

// parsedScopes is the parsed form of a scope list: the names held unfiltered, and
// the filtered scopes. A name held unfiltered makes its filtered copies redundant,
// so strings leaves them out, which is JupyterHub's reduction.
type parsedScopes struct {
	all      map[string]struct{}
	filtered map[Scope]struct{} // resolved filters only: Bare is false
}

func newParsed() *parsedScopes {
	return &parsedScopes{all: map[string]struct{}{}, filtered: map[Scope]struct{}{}}
}

func (p *parsedScopes) add(name string, kind Kind, value string) {
	if kind == KindNone {
		p.all[name] = struct{}{}
		return
	}
	p.filtered[Scope{Name: name, Kind: kind, Value: value}] = struct{}{}
}

func (p *parsedScopes) holdsAll(name string) bool {
	_, ok := p.all[name]
	return ok
}

func (p *parsedScopes) has(name string, kind Kind, value string) bool {
	_, ok := p.filtered[Scope{Name: name, Kind: kind, Value: value}]
	return ok
}

func (p *parsedScopes) remove(name string) {
	delete(p.all, name)
	for sc := range p.filtered {
		if sc.Name == name {
			delete(p.filtered, sc)
		}
	}
}

// strings returns the reduced scopes in JupyterHub's syntax, sorted.
func (p *parsedScopes) strings() []string {
	out := make([]string, 0, len(p.all)+len(p.filtered))
	for name := range p.all {
		out = append(out, name)
	}
	for sc := range p.filtered {
		if !p.holdsAll(sc.Name) {
			out = append(out, sc.String())
		}
	}
	sort.Strings(out)
	return out
}

// Normalize returns the scopes sorted, without duplicates or empty entries, joined
// by single spaces: the form of the `scope` claim in a hubjwt access token.
func Normalize(scopes []string) string {
	sorted := append([]string(nil), scopes...)
	sort.Strings(sorted)
	out := sorted[:0]
	for i, s := range sorted {
		if s == "" || (i > 0 && s == sorted[i-1]) {
			continue
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}
