package sidecar

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/hubjwt/hubjwt/scopes"
)

// Spawner is what JupyterHub's spawner tells a single-user server through its
// environment.
type Spawner struct {
	User       string // JUPYTERHUB_USER
	ServerName string // JUPYTERHUB_SERVER_NAME; "" is the default server
	Prefix     string // JUPYTERHUB_SERVICE_PREFIX, such as /user/alice/
	ClientID   string // JUPYTERHUB_CLIENT_ID, the audience of tokens for this server
	APIURL     string // JUPYTERHUB_API_URL, the hub's REST API
	// AccessScopes is JUPYTERHUB_OAUTH_ACCESS_SCOPES, or the older
	// JUPYTERHUB_OAUTH_SCOPES when only that is set.
	AccessScopes []string
}

// SpawnerFromEnv reads the spawner environment through getenv, such as
// os.Getenv. Unset variables stay empty; an access scope list that is not a
// JSON array of strings is an error.
func SpawnerFromEnv(getenv func(string) string) (Spawner, error) {
	s := Spawner{
		User:       getenv("JUPYTERHUB_USER"),
		ServerName: getenv("JUPYTERHUB_SERVER_NAME"),
		Prefix:     getenv("JUPYTERHUB_SERVICE_PREFIX"),
		ClientID:   getenv("JUPYTERHUB_CLIENT_ID"),
		APIURL:     getenv("JUPYTERHUB_API_URL"),
	}
	for _, name := range []string{"JUPYTERHUB_OAUTH_ACCESS_SCOPES", "JUPYTERHUB_OAUTH_SCOPES"} {
		raw := strings.TrimSpace(getenv(name))
		if raw == "" {
			continue
		}
		if err := json.Unmarshal([]byte(raw), &s.AccessScopes); err != nil {
			return Spawner{}, fmt.Errorf("sidecar: %s is not a JSON list of scopes, "+
				"such as [\"access:servers!server=alice/\"]: %w", name, err)
		}
		break
	}
	return s, nil
}

// ServerAccess returns the access rule of the spawned server. Without access
// scopes it is JupyterHub's default: access:servers!server=USER/NAME and
// access:servers!user=USER.
func (s Spawner) ServerAccess() scopes.ServerAccess {
	return scopes.ServerAccess{User: s.User, Server: s.ServerName, AccessScopes: s.AccessScopes}
}
