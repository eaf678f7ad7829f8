package scopes

import (
	"sort"
	"strings"
)

// filterSet is the parsed form of every copy of one scope name: either held
// unfiltered (all), or the union of its filter values per kind.
type filterSet struct {
	all    bool
	values map[Kind]map[string]struct{}
}

// parsedScopes maps a scope name to its filters. Adding an unfiltered copy
// discards the filtered ones, which is JupyterHub's reduction.
type parsedScopes map[string]*filterSet

func (p parsedScopes) add(name string, kind Kind, value string) {
	f := p[name]
	if f == nil {
		f = &filterSet{}
		p[name] = f
	}
	if f.all {
		return
	}
	if kind == KindNone {
		f.all, f.values = true, nil
		return
	}
	if f.values == nil {
		f.values = map[Kind]map[string]struct{}{}
	}
	if f.values[kind] == nil {
		f.values[kind] = map[string]struct{}{}
	}
	f.values[kind][value] = struct{}{}
}

func (f *filterSet) has(kind Kind, value string) bool {
	_, ok := f.values[kind][value]
	return ok
}

// strings returns the scopes in JupyterHub's syntax, sorted.
func (p parsedScopes) strings() []string {
	var out []string
	for name, f := range p {
		if f.all {
			out = append(out, name)
			continue
		}
		for kind, values := range f.values {
			for v := range values {
				out = append(out, Scope{Name: name, Kind: kind, Value: v}.String())
			}
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
