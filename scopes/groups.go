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

// memberOfAny reports whether the lookup lists user as a member of one of groups.
func memberOfAny(user string, groups map[string]struct{}, g GroupLookup) bool {
	if g == nil || len(groups) == 0 {
		return false
	}
	userGroups, known := g.GroupsOf(user)
	if !known {
		return false
	}
	for _, name := range userGroups {
		if _, ok := groups[name]; ok {
			return true
		}
	}
	return false
}
