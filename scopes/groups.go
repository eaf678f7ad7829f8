package scopes

// GroupLookup returns the groups a user belongs to. known is false when the lookup
// has no membership information for the user. A filter that needs it is then left
// unresolved, so results can only be smaller, never wider.
type GroupLookup interface {
	GroupsOf(user string) (groups []string, known bool)
}

// Groups maps a user name to the user's groups. A user absent from the map is
// unknown; a user mapped to an empty list is known to be in no group.
type Groups map[string][]string

// GroupsOf returns the user's groups and whether the map lists the user.
func (g Groups) GroupsOf(user string) ([]string, bool) {
	groups, ok := g[user]
	return groups, ok
}

var _ GroupLookup = Groups(nil)

// memberOfAny reports whether the lookup lists user as a member of a group that p
// holds the scope name for.
func memberOfAny(user, name string, p *parsedScopes, g GroupLookup) bool {
	if g == nil {
		return false
	}
	groups, known := g.GroupsOf(user)
	if !known {
		return false
	}
	for _, group := range groups {
		if p.has(name, KindGroup, group) {
			return true
		}
	}
	return false
}
