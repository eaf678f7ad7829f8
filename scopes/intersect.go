package scopes

import (
	"sort"
	"strings"
)

// Intersect returns what a token of owner o may hold: the token's scopes limited to
// the owner's, both expanded with o first. Per scope name held on both sides:
//
//   - an unfiltered side keeps the other side's filters;
//   - two filtered sides keep the values common to both, per filter kind. They also
//     keep a server whose owner the other side holds as a user or as a member of one
//     of its groups, and a user who is in one of the other side's groups. Membership
//     comes from g, and only for users that g lists;
//   - a group survives only when both sides hold that same group, because a group is
//     never replaced by its members.
//
// A token holding `inherit` gets exactly the owner's scopes, and its other scopes are
// ignored. dropped lists the token's expanded scopes that are not in kept. This is
// JupyterHub's intersection as fixed in 4.1; 3.0.0 failed with an internal error
// when both sides filtered one scope on the same kind with different values.
func (m *Model) Intersect(token, owner []string, o Owner, g GroupLookup) (
	kept, dropped []string, err error) {
	tp, err := m.expand(token, o)
	if err != nil {
		return nil, nil, err
	}
	op, err := m.expand(owner, o)
	if err != nil {
		return nil, nil, err
	}
	delete(op, scopeInherit)
	_, inherit := tp[scopeInherit]
	delete(tp, scopeInherit)
	if inherit {
		kept = op.strings()
	} else {
		kept = intersectParsed(tp, op, g).strings()
	}
	return kept, difference(tp.strings(), kept), nil
}

func intersectParsed(a, b parsedScopes, g GroupLookup) parsedScopes {
	out := parsedScopes{}
	for name, fa := range a {
		fb := b[name]
		if fb == nil {
			continue
		}
		switch {
		case fa.all && fb.all:
			out.add(name, KindNone, "")
		case fa.all:
			copyFilters(out, name, fb)
		case fb.all:
			copyFilters(out, name, fa)
		default:
			intersectFilters(out, name, fa, fb, g)
			intersectFilters(out, name, fb, fa, g)
		}
	}
	return out
}

func copyFilters(out parsedScopes, name string, f *filterSet) {
	for kind, values := range f.values {
		for v := range values {
			out.add(name, kind, v)
		}
	}
}

// intersectFilters adds the values of a that b also grants: the same value, a
// server under one of b's users or groups, or a user in one of b's groups. Called
// in both directions, it yields JupyterHub's symmetric result.
func intersectFilters(out parsedScopes, name string, a, b *filterSet, g GroupLookup) {
	bGroups := b.values[KindGroup]
	for kind, values := range a.values {
		for v := range values {
			keep := b.has(kind, v)
			switch {
			case keep:
			case kind == KindServer:
				user, _, _ := strings.Cut(v, "/")
				keep = b.has(KindUser, user) || memberOfAny(user, bGroups, g)
			case kind == KindUser:
				keep = memberOfAny(v, bGroups, g)
			}
			if keep {
				out.add(name, kind, v)
			}
		}
	}
}

// difference returns the sorted entries of all that are not in minus.
func difference(all, minus []string) []string {
	skip := make(map[string]bool, len(minus))
	for _, s := range minus {
		skip[s] = true
	}
	var out []string
	for _, s := range all {
		if !skip[s] {
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}
