package scopes

// ServerAccess is the access rule of one single-user server: the scopes that open
// it, which JupyterHub passes to the server as JUPYTERHUB_OAUTH_ACCESS_SCOPES.
type ServerAccess struct {
	User   string // the server's owner
	Server string // the server name; "" is the default server
	// AccessScopes are the scopes that open the server. Empty means JupyterHub's
	// default: access:servers!server=USER/NAME and access:servers!user=USER.
	AccessScopes []string
}

// Scopes returns the access scopes, the defaults when AccessScopes is empty.
func (a ServerAccess) Scopes() []string {
	if len(a.AccessScopes) > 0 {
		return append([]string(nil), a.AccessScopes...)
	}
	return []string{
		"access:servers!server=" + a.User + "/" + a.Server,
		"access:servers!user=" + a.User,
	}
}

// Allows reports whether a token holding s may use the server. It grants when s
// holds one of the access scopes exactly or more widely: unfiltered, through the
// owner's `!user=` filter for a `!server=` access scope, or through a `!group=`
// filter on one of ownerGroups, the groups of the server's owner. JupyterHub's
// HubAuth, which single-user servers use, has no group membership, so it denies a
// token that holds only a group filter. Given ownerGroups, hubjwt grants it, as the
// hub itself would. A malformed access scope opens nothing.
func (a ServerAccess) Allows(s *Set, ownerGroups []string) bool {
	for _, raw := range a.Scopes() {
		sc, err := parseSyntax(raw)
		if err != nil || sc.Bare {
			continue
		}
		if s.Allows(sc.Name, a.resourceOf(sc, ownerGroups)) {
			return true
		}
	}
	return false
}

// resourceOf returns the resource that an access scope's filter names.
func (a ServerAccess) resourceOf(sc Scope, ownerGroups []string) Resource {
	var r Resource
	switch sc.Kind {
	case KindUser:
		r = Resource{Kind: KindUser, User: sc.Value}
	case KindServer:
		user, server := splitServer(sc.Value)
		r = Resource{Kind: KindServer, User: user, Server: server}
	case KindGroup:
		return Resource{Kind: KindGroup, Group: sc.Value}
	case KindService:
		return Resource{Kind: KindService, Service: sc.Value}
	default:
		return Resource{}
	}
	if r.User == a.User {
		r.Groups = ownerGroups
	}
	return r
}
