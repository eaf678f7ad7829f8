package jhtest

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
)

// pythonConfig is the jupyterhub_config.py of every test hub. It reads all
// values from jhtest.json beside it, so no Go value is ever spliced into Python
// source.
const pythonConfig = `# JupyterHub 3.0 test configuration written by internal/jhtest.
import json
import os

c = get_config()  # noqa: F821
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "jhtest.json")) as f:
    spec = json.load(f)

c.JupyterHub.bind_url = spec["bind_url"]
c.JupyterHub.hub_bind_url = spec["hub_bind_url"]
c.ConfigurableHTTPProxy.api_url = spec["proxy_api_url"]
c.ConfigurableHTTPProxy.pid_file = os.path.join(here, "jupyterhub-proxy.pid")

c.JupyterHub.db_url = "sqlite:///" + os.path.join(here, "jupyterhub.sqlite")
c.JupyterHub.cookie_secret_file = os.path.join(here, "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = os.path.join(here, "jupyterhub.pid")

c.JupyterHub.authenticator_class = "jupyterhub.auth.DummyAuthenticator"
c.Authenticator.admin_users = set()
c.Authenticator.allowed_users = set(spec["allowed_users"])
c.JupyterHub.cleanup_servers = True
# Test tokens are random 256-bit values, so the extra hashing of
# user-provided tokens only slows the start.
c.JupyterHub.trust_user_provided_tokens = True

c.JupyterHub.services = spec["services"]
c.JupyterHub.api_tokens = spec["api_tokens"]
c.JupyterHub.load_groups = spec["load_groups"]
c.JupyterHub.load_roles = spec["load_roles"]
`

// spec is the content of jhtest.json.
type spec struct {
	BindURL      string              `json:"bind_url"`
	HubBindURL   string              `json:"hub_bind_url"`
	ProxyAPIURL  string              `json:"proxy_api_url"`
	AllowedUsers []string            `json:"allowed_users"`
	Services     []serviceSpec       `json:"services"`
	APITokens    map[string]string   `json:"api_tokens"`
	LoadGroups   map[string][]string `json:"load_groups"`
	LoadRoles    []Role              `json:"load_roles"`
}

// serviceSpec is one entry of c.JupyterHub.services.
type serviceSpec struct {
	Name               string   `json:"name"`
	APIToken           string   `json:"api_token"`
	OAuthClientID      string   `json:"oauth_client_id,omitempty"`
	OAuthRedirectURI   string   `json:"oauth_redirect_uri,omitempty"`
	OAuthAllowedScopes []string `json:"oauth_client_allowed_scopes,omitempty"`
	OAuthNoConfirm     bool     `json:"oauth_no_confirm,omitempty"`
}

// buildSpec turns cfg into the hub's configuration for the hub h.
func (h *Hub) buildSpec(cfg Config) (spec, error) {
	s := spec{
		BindURL:     h.PublicURL(),
		HubBindURL:  fmt.Sprintf("http://127.0.0.1:%d", h.hubPort),
		ProxyAPIURL: fmt.Sprintf("http://127.0.0.1:%d", h.proxyAPIPort),
		APITokens:   map[string]string{},
		LoadGroups:  map[string][]string{},
	}
	for name, members := range cfg.Groups {
		s.LoadGroups[name] = slices.Clone(members)
	}
	for _, name := range cfg.Users {
		s.APITokens[h.userTokens[name]] = name
	}
	s.AllowedUsers = allUsers(cfg)

	serviceScopes := cfg.ServiceScopes
	if serviceScopes == nil {
		serviceScopes = DefaultServiceScopes
	}
	hubjwt := serviceSpec{Name: ServiceName, APIToken: h.ServiceToken}
	if cfg.OAuthRedirectURI != "" {
		hubjwt.OAuthClientID, hubjwt.OAuthRedirectURI = "service-"+ServiceName, cfg.OAuthRedirectURI
		hubjwt.OAuthAllowedScopes, hubjwt.OAuthNoConfirm = []string{"inherit"}, true
	}
	s.Services = []serviceSpec{hubjwt, {Name: adminServiceName, APIToken: h.AdminToken}}
	roles := []Role{
		{Name: ServiceName, Scopes: nonNil(serviceScopes), Services: []string{ServiceName}},
		{Name: adminServiceName, Scopes: adminScopes, Services: []string{adminServiceName}},
	}
	for _, r := range cfg.Roles {
		r.Scopes = nonNil(r.Scopes)
		roles = append(roles, r)
	}
	for _, svc := range cfg.Services {
		s.Services = append(s.Services, serviceSpec{Name: svc.Name, APIToken: h.serviceTokens[svc.Name]})
		for _, roleName := range svc.Roles {
			i := slices.IndexFunc(roles, func(r Role) bool { return r.Name == roleName })
			if i < 0 {
				return spec{}, fmt.Errorf("jhtest: service %q names role %q, which is not in Config.Roles",
					svc.Name, roleName)
			}
			roles[i].Services = append(slices.Clone(roles[i].Services), svc.Name)
		}
	}
	s.LoadRoles = roles
	return s, nil
}

// allUsers returns every user name cfg mentions, sorted, so that all of them
// are allowed users and get the default "user" role. A user first created by
// c.JupyterHub.api_tokens would otherwise lack that role in JupyterHub 3.0.
func allUsers(cfg Config) []string {
	names := slices.Clone(cfg.Users)
	for _, members := range cfg.Groups {
		names = append(names, members...)
	}
	for _, r := range cfg.Roles {
		names = append(names, r.Users...)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// writeConfig writes jupyterhub_config.py and jhtest.json into h.dir.
func (h *Hub) writeConfig(cfg Config) error {
	s, err := h.buildSpec(cfg)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("jhtest: encode hub config: %w", err)
	}
	if err := os.WriteFile(filepath.Join(h.dir, "jhtest.json"), data, 0o600); err != nil {
		return fmt.Errorf("jhtest: write hub config: %w", err)
	}
	if err := os.WriteFile(h.configPath(), []byte(pythonConfig), 0o600); err != nil {
		return fmt.Errorf("jhtest: write hub config: %w", err)
	}
	return nil
}

func (h *Hub) configPath() string { return filepath.Join(h.dir, "jupyterhub_config.py") }
