package config

import "time"

// Config is the whole typed configuration. The zero value is not usable: start
// from Default or Load.
type Config struct {
	Listen     string // listen: host:port the HTTP server binds
	Issuer     string // issuer: the iss claim and the base of published URLs
	DataDir    string // data_dir: directory of the bbolt store and the admin token
	Signing    Signing
	Token      Token
	Admin      Admin
	Redis      Redis
	JupyterHub JupyterHub
	Roles      Roles
	Keys       Keys
	JWKS       JWKS
	Clients    []Client
	Scopes     Scopes
	Inherit    Inherit
	Revocation Revocation
	Refresh    Refresh
	OIDC       OIDC
	Log        Log
	HTTP       HTTP
}

// Signing selects the signature algorithm of new keys.
type Signing struct {
	Algorithm string // signing.algorithm: ES256, EdDSA, RS256 or PS256
}

// Token holds the lifetimes and audience of minted access tokens.
type Token struct {
	DefaultTTL      time.Duration // token.default_ttl: lifetime when a request names none
	MaxTTL          time.Duration // token.max_ttl: upper bound of any requested lifetime
	DefaultAudience string        // token.default_audience: aud when a request names none
	Leeway          time.Duration // token.leeway: clock skew allowed by verifiers
}

// Admin holds the admin API credential.
type Admin struct {
	Token string // admin.token: bearer token; empty means serve generates one
}

// Redis selects the Redis backend. The zero value selects the embedded store.
type Redis struct {
	URL        string   // redis.url: redis://, rediss:// or unix:// URL of one server
	Addrs      []string // redis.addrs: Cluster nodes, or Sentinels with MasterName
	MasterName string   // redis.master_name: Sentinel master name
	Password   string   // redis.password: password for URL or Addrs
}

// Enabled reports whether a Redis backend is configured (URL or Addrs set).
func (r Redis) Enabled() bool {
	return r.URL != "" || len(r.Addrs) > 0
}

// JupyterHub holds how hubjwt reaches the hub's REST API.
type JupyterHub struct {
	APIURL        string        // jupyterhub.api_url: API base, such as http://127.0.0.1:8081/hub/api
	APIToken      string        // jupyterhub.api_token: hubjwt's own hub API token
	TokenCacheTTL time.Duration // jupyterhub.token_cache_ttl: cache of API token lookups
}

// Roles names the static role file.
type Roles struct {
	File string // roles.file: path of the role definitions
}

// Keys holds the signing key lifecycle and the encryption of private keys at rest.
type Keys struct {
	RotationPeriod    time.Duration // keys.rotation_period: how long a key signs
	Prepublish        time.Duration // keys.prepublish: how early the next key is published
	EncryptionKey     string        // keys.encryption_key: secret that encrypts private keys
	EncryptionKeyFile string        // keys.encryption_key_file: file holding EncryptionKey
	AllowPlaintext    bool          // keys.allow_plaintext: permit unencrypted private keys
}

// JWKS holds how clients may cache the public JWK Set.
type JWKS struct {
	MaxAge time.Duration // jwks.max_age: Cache-Control max-age of the JWK Set
}

// Client is one registered OAuth 2.0 client (RFC 6749 section 2).
type Client struct {
	ID           string   // id: client_id
	Type         string   // type: "public" or "confidential" (RFC 6749 section 2.1)
	SecretFile   string   // secret_file: file holding the secret; confidential only
	Origins      []string // origins: browser origins allowed by CORS on the token endpoint
	RedirectURIs []string // redirect_uris: allowed redirect URIs of the code flow
}

// Client types, as RFC 6749 section 2.1 names them.
const (
	ClientPublic       = "public"
	ClientConfidential = "confidential"
)

// Scopes selects the JupyterHub scope table and adds custom scopes.
type Scopes struct {
	JupyterHubVersion string        // scopes.jupyterhub_version: "3.0" or "latest"
	Custom            []CustomScope // scopes.custom: custom scopes, as in JupyterHub
}

// CustomScope is one custom scope, defined as JupyterHub's custom_scopes does.
type CustomScope struct {
	Name        string   // name: starts with custom:
	Description string   // description: shown to users
	Subscopes   []string // subscopes: other custom scopes this one implies
}

// Inherit holds how the dynamic inherit scope is resolved.
type Inherit struct {
	CacheTTL time.Duration // inherit.cache_ttl: how long a resolved owner scope set is kept
	Source   string        // inherit.source: "static", "hub-token" or "hub-roles"
}

// Inherit sources.
const (
	InheritStatic   = "static"    // owner scopes from roles.file, no hub calls
	InheritHubToken = "hub-token" // the scopes of a short-lived inherit token the hub issues
	InheritHubRoles = "hub-roles" // the owner's roles and groups read from the hub, expanded
)

// Revocation holds how verifiers treat the revocation list.
type Revocation struct {
	MaxStaleness time.Duration // revocation.max_staleness: oldest usable mirror
	FailOpen     bool          // revocation.fail_open: accept tokens when the list is stale
}

// Refresh holds the refresh_token grant settings.
type Refresh struct {
	Enabled     bool          // refresh.enabled: issue refresh tokens
	MaxLifetime time.Duration // refresh.max_lifetime: maximum lifetime of a refresh token
	ReuseGrace  time.Duration // refresh.reuse_grace: window in which a used token is accepted again
}

// OIDC holds the OpenID Connect authorization code flow, whose login happens
// at JupyterHub: hubjwt is an OAuth client of the hub.
type OIDC struct {
	HubURL          string        // oidc.hub_url: the hub's public URL browsers reach
	HubClientID     string        // oidc.hub_client_id: hubjwt's oauth_client_id at the hub
	HubClientSecret string        // oidc.hub_client_secret: default jupyterhub.api_token
	HubRedirectURI  string        // oidc.hub_redirect_uri: default issuer + /oauth2/callback
	HubPKCE         bool          // oidc.hub_pkce: send PKCE to the hub (JupyterHub 6.0 and later)
	CodeTTL         time.Duration // oidc.code_ttl: lifetime of an authorization code
	LoginTTL        time.Duration // oidc.login_ttl: time a user has to log in at the hub
}

// Enabled reports whether the authorization code flow is configured.
func (o OIDC) Enabled() bool { return o.HubURL != "" }

// Log holds the log/slog handler settings.
type Log struct {
	Level  string // log.level: debug, info, warn or error
	Format string // log.format: text or json
}

// HTTP holds the HTTP server limits.
type HTTP struct {
	MaxBodyBytes    int64         // http.max_body_bytes: largest request body accepted
	ReadTimeout     time.Duration // http.read_timeout: time to read a whole request
	ShutdownTimeout time.Duration // http.shutdown_timeout: time given to in-flight requests
}
