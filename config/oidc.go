package config

import (
	"net/url"
	"strings"
)

// resolveOIDC fills the hub client secret and redirect URI from the keys
// they default to: JupyterHub takes a service's api_token as its OAuth client
// secret, and the callback lives under the issuer.
func (c *Config) resolveOIDC() {
	if c.OIDC.HubClientSecret == "" {
		c.OIDC.HubClientSecret = c.JupyterHub.APIToken
	}
	if c.OIDC.HubRedirectURI == "" && c.Issuer != "" {
		c.OIDC.HubRedirectURI = strings.TrimRight(c.Issuer, "/") + "/oauth2/callback"
	}
}

// checkOIDC validates the oidc keys when the authorization code flow is on.
func (c Config) checkOIDC() []error {
	o := c.OIDC
	if !o.Enabled() {
		return nil
	}
	var errs []*FieldError
	if u, err := url.Parse(o.HubURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") ||
		u.Host == "" {
		errs = append(errs, invalid("oidc.hub_url", o.HubURL, "not an absolute http or https URL",
			"write the hub's public URL, such as https://hub.example.org"))
	}
	if c.JupyterHub.APIURL == "" {
		errs = append(errs, invalid("jupyterhub.api_url", "", "missing while oidc.hub_url is set",
			"set the hub API base, such as http://127.0.0.1:8081/hub/api"))
	}
	if !strings.HasPrefix(o.HubClientID, "service-") {
		errs = append(errs, invalid("oidc.hub_client_id", o.HubClientID,
			"does not start with service-, which JupyterHub requires of a service's client id",
			"use service-NAME, such as service-hubjwt"))
	}
	if o.HubClientSecret == "" {
		errs = append(errs, invalid("oidc.hub_client_secret", "", "missing",
			"set jupyterhub.api_token to the service's api_token, or set this key"))
	}
	errs = append(errs, checkRedirectURI("oidc.hub_redirect_uri", o.HubRedirectURI))
	return collect(errs...)
}
