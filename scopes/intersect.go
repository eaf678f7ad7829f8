package scopes

import (
	"sort"
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
	op.remove(scopeInherit)
	inherit := tp.holdsAll(scopeInherit)
	tp.remove(scopeInherit)
	if inherit {
		kept = op.strings()
	} else {
		kept = intersectParsed(tp, op, g).strings()
	}
	return kept, difference(tp.strings(), kept), nil
}

func intersectParsed(a, b *parsedScopes, g GroupLookup) *parsedScopes {
	out := newParsed()
	for name := range a.all {
		if b.holdsAll(name) {
			out.add(name, KindNone, "")
		}
	}
	keepFiltered(out, a, b, g)
	keepFiltered(out, b, a, g)
	return out
}

// keepFiltered adds the filtered scopes of a that b also grants: b holds the name
// unfiltered, or the same filter, or the owner of a server as a user or through a
// group, or a group of a user. Called in both directions, it yields JupyterHub's
// symmetric result.
func keepFiltered(out, a, b *parsedScopes, g GroupLookup) {
	for sc := range a.filtered {
		if a.holdsAll(sc.Name) {
			continue // reduced away: the unfiltered copy decides
		}
		keep := b.holdsAll(sc.Name) || b.has(sc.Name, sc.Kind, sc.Value)
		if !keep {
			switch sc.Kind {
			case KindServer:
				user, _ := splitServer(sc.Value)
				keep = b.has(sc.Name, KindUser, user) || memberOfAny(user, sc.Name, b, g)
			case KindUser:
				keep = memberOfAny(sc.Value, sc.Name, b, g)
			}
		}
		if keep {
			out.add(sc.Name, sc.Kind, sc.Value)
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
