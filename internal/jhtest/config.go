package jhtest

// ServiceName is the name under which the hubjwt service is registered.
const ServiceName = "hubjwt"

// adminServiceName is the harness's own service. It holds broad scopes so that
// helpers such as NewUserToken work whatever scopes a test grants to hubjwt.
const adminServiceName = "jhtest-admin"

// DefaultServiceScopes are the scopes the hubjwt service gets when
// Config.ServiceScopes is nil: enough for both inherit resolution modes.
var DefaultServiceScopes = []string{
	"tokens",
	"read:users",
	"read:roles",
	"read:groups",
	"read:services",
}

// adminScopes are granted to the harness's own service.
var adminScopes = []string{
	"admin:users",
	"admin:groups",
	"tokens",
	"read:roles",
	"list:services",
	"read:services",
}

// Config declares what a test hub contains. The zero value is a hub with the
// hubjwt service holding DefaultServiceScopes and no users.
type Config struct {
	// ServiceScopes are granted to the hubjwt service through a role named
	// "hubjwt". Nil means DefaultServiceScopes, and an empty non-nil slice
	// grants nothing.
	ServiceScopes []string
	// Services are further API-only services (no url, no command).
	Services []Service
	// Users each get a random API token (see Hub.UserToken) and the default
	// "user" role. Users named only in Groups or Roles exist without a token.
	Users []string
	// Groups is c.JupyterHub.load_groups: group name to member names.
	Groups map[string][]string
	// Roles is c.JupyterHub.load_roles.
	Roles []Role
	// OAuthRedirectURI, when set, registers the hubjwt service as an OAuth
	// client of the hub with oauth_client_id service-hubjwt, this
	// oauth_redirect_uri, oauth_client_allowed_scopes [inherit] and
	// oauth_no_confirm, as docs/oidc.md describes.
	OAuthRedirectURI string
}

// Service is an API-only service registered with the hub.
type Service struct {
	Name string
	// Token is the service's API token. Empty means a random one.
	Token string
	// Roles names roles in Config.Roles that list this service as a member.
	Roles []string
}

// Role is one entry of c.JupyterHub.load_roles. Membership lists are
// authoritative at every start: a member left out loses the role.
type Role struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Scopes      []string `json:"scopes"`
	Users       []string `json:"users,omitempty"`
	Groups      []string `json:"groups,omitempty"`
	Services    []string `json:"services,omitempty"`
}
