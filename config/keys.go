package config

import (
	"sort"
	"strings"
)

// kind is the syntax of a key's value.
type kind int

const (
	kindString   kind = iota
	kindDuration      // Go duration syntax, such as 90s, 5m or 168h
	kindBool
	kindInt64
	kindList     // YAML sequence, or comma-separated in the environment and flags
	kindFileOnly // a list of mappings, only settable in the config file
)

// field describes one config key: its name, how it parses, its flag help and
// where it lives in Config.
type field struct {
	key    string
	kind   kind
	help   string // flag usage; a `word` in backquotes names the flag's value
	secret bool   // never print the value
	ptr    func(c *Config) any
}

// fields lists every config key. Defaults live in Default, checks in Validate.
var fields = []field{
	{key: "listen", help: "`host:port` the HTTP server listens on",
		ptr: func(c *Config) any { return &c.Listen }},
	{key: "issuer", help: "issuer `URL` put in the iss claim and the discovery document",
		ptr: func(c *Config) any { return &c.Issuer }},
	{key: "data_dir", help: "`directory` for the embedded store and the generated admin token",
		ptr: func(c *Config) any { return &c.DataDir }},
	{key: "signing.algorithm", help: "signature `algorithm` of new keys: ES256, EdDSA, RS256 or PS256",
		ptr: func(c *Config) any { return &c.Signing.Algorithm }},
	{key: "token.default_ttl", kind: kindDuration,
		help: "access token lifetime when a request names none, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.Token.DefaultTTL }},
	{key: "token.max_ttl", kind: kindDuration,
		help: "maximum access token lifetime a request may ask for, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.Token.MaxTTL }},
	{key: "token.default_audience", help: "aud claim when a request names none",
		ptr: func(c *Config) any { return &c.Token.DefaultAudience }},
	{key: "token.leeway", kind: kindDuration,
		help: "clock skew verifiers allow on exp, nbf and iat, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.Token.Leeway }},
	{key: "admin.token", secret: true,
		help: "admin API bearer `token`; empty: generated into data_dir/admin-token " +
			"(a flag value is visible in the process list, prefer HUBJWT_ADMIN_TOKEN)",
		ptr: func(c *Config) any { return &c.Admin.Token }},
	{key: "redis.url",
		help: "Redis `URL` (redis://, rediss:// or unix://); empty: embedded bbolt store",
		ptr:  func(c *Config) any { return &c.Redis.URL }},
	{key: "redis.addrs", kind: kindList,
		help: "Redis Cluster node or Sentinel `host:port` addresses, comma-separated",
		ptr:  func(c *Config) any { return &c.Redis.Addrs }},
	{key: "redis.master_name", help: "Sentinel master `name`; needs redis.addrs",
		ptr: func(c *Config) any { return &c.Redis.MasterName }},
	{key: "redis.password", secret: true,
		help: "Redis `password` (a flag value is visible in the process list, " +
			"prefer HUBJWT_REDIS_PASSWORD)",
		ptr: func(c *Config) any { return &c.Redis.Password }},
	{key: "jupyterhub.api_url",
		help: "hub REST API base `URL`, such as http://127.0.0.1:8081/hub/api " +
			"(default: $JUPYTERHUB_API_URL)",
		ptr: func(c *Config) any { return &c.JupyterHub.APIURL }},
	{key: "jupyterhub.api_token", secret: true,
		help: "hub API `token` of the hubjwt service (default: $JUPYTERHUB_API_TOKEN; " +
			"a flag value is visible in the process list)",
		ptr: func(c *Config) any { return &c.JupyterHub.APIToken }},
	{key: "jupyterhub.token_cache_ttl", kind: kindDuration,
		help: "how long a hub API token lookup is cached, as a Go `duration`; 0 disables",
		ptr:  func(c *Config) any { return &c.JupyterHub.TokenCacheTTL }},
	{key: "roles.file", help: "`file` of role definitions",
		ptr: func(c *Config) any { return &c.Roles.File }},
	{key: "keys.rotation_period", kind: kindDuration,
		help: "how long one key signs before the next takes over, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.Keys.RotationPeriod }},
	{key: "keys.prepublish", kind: kindDuration,
		help: "how long the next key is published before it signs, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.Keys.Prepublish }},
	{key: "keys.encryption_key", secret: true,
		help: "`secret` that encrypts private keys at rest (a flag value is visible in " +
			"the process list, prefer keys.encryption_key_file)",
		ptr: func(c *Config) any { return &c.Keys.EncryptionKey }},
	{key: "keys.encryption_key_file",
		help: "`file` whose content, trimmed of whitespace, is keys.encryption_key",
		ptr:  func(c *Config) any { return &c.Keys.EncryptionKeyFile }},
	{key: "keys.allow_plaintext", kind: kindBool,
		help: "store private keys unencrypted when no encryption key is set",
		ptr:  func(c *Config) any { return &c.Keys.AllowPlaintext }},
	{key: "jwks.max_age", kind: kindDuration,
		help: "Cache-Control max-age of the JWK Set, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.JWKS.MaxAge }},
	{key: "clients", kind: kindFileOnly,
		ptr: func(c *Config) any { return &c.Clients }},
	{key: "scopes.jupyterhub_version", help: "JupyterHub scope table: 3.0 or latest",
		ptr: func(c *Config) any { return &c.Scopes.JupyterHubVersion }},
	{key: "scopes.custom", kind: kindFileOnly,
		ptr: func(c *Config) any { return &c.Scopes.Custom }},
	{key: "inherit.cache_ttl", kind: kindDuration,
		help: "how long a resolved inherit scope set is kept, as a Go `duration`; 0 disables",
		ptr:  func(c *Config) any { return &c.Inherit.CacheTTL }},
	{key: "inherit.source",
		help: "where inherit scopes come from: static, hub-token or hub-roles " +
			"(default: hub-token when jupyterhub.api_url is set, else static)",
		ptr: func(c *Config) any { return &c.Inherit.Source }},
	{key: "revocation.max_staleness", kind: kindDuration,
		help: "oldest revocation mirror a verifier still trusts, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.Revocation.MaxStaleness }},
	{key: "revocation.fail_open", kind: kindBool,
		help: "accept tokens when the revocation mirror is older than max_staleness",
		ptr:  func(c *Config) any { return &c.Revocation.FailOpen }},
	{key: "refresh.enabled", kind: kindBool, help: "issue refresh tokens",
		ptr: func(c *Config) any { return &c.Refresh.Enabled }},
	{key: "refresh.max_lifetime", kind: kindDuration,
		help: "maximum lifetime of a refresh token, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.Refresh.MaxLifetime }},
	{key: "refresh.reuse_grace", kind: kindDuration,
		help: "window in which a used refresh token may be sent again, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.Refresh.ReuseGrace }},
	{key: "oidc.hub_url",
		help: "the hub's public `URL`, such as https://hub.example.org; empty disables " +
			"the OpenID Connect authorization endpoint",
		ptr: func(c *Config) any { return &c.OIDC.HubURL }},
	{key: "oidc.hub_client_id", help: "hubjwt's oauth_client_id at the hub, starting with service-",
		ptr: func(c *Config) any { return &c.OIDC.HubClientID }},
	{key: "oidc.hub_client_secret", secret: true,
		help: "OAuth client `secret` at the hub, the service's api_token " +
			"(default: jupyterhub.api_token)",
		ptr: func(c *Config) any { return &c.OIDC.HubClientSecret }},
	{key: "oidc.hub_redirect_uri",
		help: "hubjwt's oauth_redirect_uri at the hub (default: issuer + /oauth2/callback)",
		ptr:  func(c *Config) any { return &c.OIDC.HubRedirectURI }},
	{key: "oidc.hub_pkce", kind: kindBool,
		help: "send PKCE (S256) to the hub; JupyterHub 6.0 supports it, 3.0 does not",
		ptr:  func(c *Config) any { return &c.OIDC.HubPKCE }},
	{key: "oidc.code_ttl", kind: kindDuration,
		help: "lifetime of an authorization code, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.OIDC.CodeTTL }},
	{key: "oidc.login_ttl", kind: kindDuration,
		help: "time a user has to log in at the hub, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.OIDC.LoginTTL }},
	{key: "log.level", help: "log `level`: debug, info, warn or error",
		ptr: func(c *Config) any { return &c.Log.Level }},
	{key: "log.format", help: "log `format`: text or json",
		ptr: func(c *Config) any { return &c.Log.Format }},
	{key: "http.max_body_bytes", kind: kindInt64,
		help: "largest request body accepted, in `bytes`",
		ptr:  func(c *Config) any { return &c.HTTP.MaxBodyBytes }},
	{key: "http.read_timeout", kind: kindDuration,
		help: "time allowed to read a whole request, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.HTTP.ReadTimeout }},
	{key: "http.shutdown_timeout", kind: kindDuration,
		help: "time in-flight requests get on shutdown, as a Go `duration`",
		ptr:  func(c *Config) any { return &c.HTTP.ShutdownTimeout }},
}

// KeyNames returns every config key name in dotted form, sorted. It is not
// called Keys because the Keys type is the keys.* section.
func KeyNames() []string {
	keys := make([]string, len(fields))
	for i, f := range fields {
		keys[i] = f.key
	}
	sort.Strings(keys)
	return keys
}

// EnvName returns the environment variable of a dotted key:
// token.default_ttl is HUBJWT_TOKEN_DEFAULT_TTL.
func EnvName(key string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_"))
}

// FlagName returns the flag of a dotted key without the leading dashes:
// token.default_ttl is token-default-ttl.
func FlagName(key string) string {
	return strings.NewReplacer(".", "-", "_", "-").Replace(key)
}

// envPrefix starts every hubjwt environment variable.
const envPrefix = "HUBJWT_"

// lookupField returns the field of a dotted key.
func lookupField(key string) (field, bool) {
	for _, f := range fields {
		if f.key == key {
			return f, true
		}
	}
	return field{}, false
}

// isSection reports whether name is a section that contains keys, such as token.
func isSection(name string) bool {
	for _, f := range fields {
		if strings.HasPrefix(f.key, name+".") {
			return true
		}
	}
	return false
}
