package config

import "time"

// Default returns the configuration with every default applied. Inherit.Source
// is static because Default has no jupyterhub.api_url; Load picks hub-token
// when one is set.
func Default() Config {
	c := defaults()
	c.resolveDerived()
	return c
}

// defaults returns the defaults before derived values: an empty Inherit.Source
// means "pick from jupyterhub.api_url", so Load can tell it was not set.
func defaults() Config {
	return Config{
		Listen:  "127.0.0.1:8090",
		Issuer:  "http://127.0.0.1:8090",
		DataDir: "./data",
		Signing: Signing{Algorithm: "ES256"},
		Token: Token{
			DefaultTTL:      5 * time.Minute,
			MaxTTL:          time.Hour,
			DefaultAudience: "jupyterhub",
			Leeway:          30 * time.Second,
		},
		JupyterHub: JupyterHub{TokenCacheTTL: 30 * time.Second},
		Keys: Keys{
			RotationPeriod: 7 * 24 * time.Hour,
			Prepublish:     24 * time.Hour,
		},
		JWKS:       JWKS{MaxAge: 5 * time.Minute},
		Scopes:     Scopes{JupyterHubVersion: "latest"},
		Inherit:    Inherit{CacheTTL: 60 * time.Second},
		Revocation: Revocation{MaxStaleness: 60 * time.Second},
		Refresh: Refresh{
			MaxLifetime: 30 * 24 * time.Hour,
			ReuseGrace:  10 * time.Second,
		},
		OIDC: OIDC{HubClientID: "service-hubjwt", CodeTTL: time.Minute,
			LoginTTL: 10 * time.Minute},
		Log: Log{Level: "info", Format: "text"},
		HTTP: HTTP{
			MaxBodyBytes:    64 << 10,
			ReadTimeout:     10 * time.Second,
			ShutdownTimeout: 10 * time.Second,
		},
	}
}

// DefaultClientID is the public client that exists when clients is empty, so
// a stock setup needs no client list.
const DefaultClientID = "jupyterhub"

// resolveDerived fills values whose default depends on other keys.
func (c *Config) resolveDerived() {
	if c.Inherit.Source == "" {
		c.Inherit.Source = InheritStatic
		if c.JupyterHub.APIURL != "" {
			c.Inherit.Source = InheritHubToken
		}
	}
	if len(c.Clients) == 0 {
		c.Clients = []Client{{ID: DefaultClientID, Type: ClientPublic}}
	}
	c.resolveOIDC()
}
