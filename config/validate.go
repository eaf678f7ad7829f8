package config

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// Algorithms lists the supported values of signing.algorithm, spelled as the
// JWA registry (RFC 7518, RFC 8037) spells them.
var Algorithms = []string{"ES256", "EdDSA", "RS256", "PS256"}

// JupyterHubVersions lists the supported values of scopes.jupyterhub_version.
var JupyterHubVersions = []string{"3.0", "latest"}

// LogLevels and LogFormats list the supported values of log.level and log.format.
var (
	LogLevels  = []string{"debug", "info", "warn", "error"}
	LogFormats = []string{"text", "json"}
)

// Validate checks c and returns every problem found, joined with errors.Join.
// Each is a *FieldError naming the key, the value and the fix. Validate reads
// no files; Load checks keys.encryption_key_file.
func (c Config) Validate() error {
	var errs []error
	errs = append(errs, c.checkServer()...)
	errs = append(errs, c.checkDurations()...)
	errs = append(errs, c.checkLifetimes()...)
	errs = append(errs, c.Redis.check()...)
	errs = append(errs, collect(checkHubURL(c.JupyterHub.APIURL), c.checkInheritSource())...)
	errs = append(errs, c.checkChoices()...)
	errs = append(errs, checkClients(c.Clients)...)
	errs = append(errs, checkCustomScopes(c.Scopes.Custom)...)
	errs = append(errs, c.checkOIDC()...)
	return errors.Join(errs...)
}

// checkServer checks the keys every deployment sets: listen, issuer, data_dir,
// the default audience and the body limit.
func (c Config) checkServer() []error {
	var errs []*FieldError
	if c.DataDir == "" {
		errs = append(errs, invalid("data_dir", "", "empty", "set a directory, such as ./data"))
	}
	if c.Token.DefaultAudience == "" {
		errs = append(errs, invalid("token.default_audience", "", "empty",
			"set an audience, such as jupyterhub"))
	}
	if c.HTTP.MaxBodyBytes <= 0 {
		errs = append(errs, invalid("http.max_body_bytes", formatInt(c.HTTP.MaxBodyBytes),
			"not positive", "set a size in bytes, such as 65536"))
	}
	return collect(append(errs, checkListen(c.Listen), checkIssuer(c.Issuer))...)
}

// checkChoices checks the keys that take one of a fixed set of values.
func (c Config) checkChoices() []error {
	return collect(
		checkOneOf("signing.algorithm", c.Signing.Algorithm, Algorithms),
		checkOneOf("scopes.jupyterhub_version", c.Scopes.JupyterHubVersion, JupyterHubVersions),
		checkOneOf("log.level", c.Log.Level, LogLevels),
		checkOneOf("log.format", c.Log.Format, LogFormats),
	)
}

// collect returns the non-nil errors as a slice for errors.Join.
func collect(errs ...*FieldError) []error {
	var out []error
	for _, err := range errs {
		if err != nil {
			out = append(out, err)
		}
	}
	return out
}

// checkOneOf rejects a value outside allowed and suggests the exact spelling
// when only the case differs.
func checkOneOf(key, value string, allowed []string) *FieldError {
	if slices.Contains(allowed, value) {
		return nil
	}
	fix := "use one of " + strings.Join(allowed, ", ")
	for _, a := range allowed {
		if strings.EqualFold(a, value) {
			fix = "write " + a + " (exact spelling); supported: " + strings.Join(allowed, ", ")
		}
	}
	return invalid(key, value, "unsupported value", fix)
}

// durationRule is one duration key and whether zero makes sense for it.
type durationRule struct {
	key       string
	value     time.Duration
	allowZero bool
}

// checkDurations rejects negative durations, and zero where it makes no sense.
func (c Config) checkDurations() []error {
	rules := []durationRule{
		{key: "token.default_ttl", value: c.Token.DefaultTTL},
		{key: "token.max_ttl", value: c.Token.MaxTTL},
		{key: "token.leeway", value: c.Token.Leeway, allowZero: true},
		{key: "jupyterhub.token_cache_ttl", value: c.JupyterHub.TokenCacheTTL, allowZero: true},
		{key: "keys.rotation_period", value: c.Keys.RotationPeriod},
		{key: "keys.prepublish", value: c.Keys.Prepublish},
		{key: "jwks.max_age", value: c.JWKS.MaxAge},
		{key: "inherit.cache_ttl", value: c.Inherit.CacheTTL, allowZero: true},
		{key: "revocation.max_staleness", value: c.Revocation.MaxStaleness},
		{key: "refresh.max_lifetime", value: c.Refresh.MaxLifetime},
		{key: "refresh.reuse_grace", value: c.Refresh.ReuseGrace, allowZero: true},
		{key: "oidc.code_ttl", value: c.OIDC.CodeTTL},
		{key: "oidc.login_ttl", value: c.OIDC.LoginTTL},
		{key: "http.read_timeout", value: c.HTTP.ReadTimeout},
		{key: "http.shutdown_timeout", value: c.HTTP.ShutdownTimeout},
	}
	var errs []error
	for _, r := range rules {
		switch {
		case r.value < 0:
			errs = append(errs, invalid(r.key, formatDuration(r.value), "negative",
				"set a positive duration such as 5m"))
		case r.value == 0 && !r.allowZero:
			errs = append(errs, invalid(r.key, "0s", "zero",
				"set a positive duration such as 5m"))
		}
	}
	return errs
}

// checkLifetimes checks how token and key lifetimes relate.
func (c Config) checkLifetimes() []error {
	var errs []error
	if c.Token.DefaultTTL > c.Token.MaxTTL {
		errs = append(errs, invalid("token.default_ttl", formatDuration(c.Token.DefaultTTL),
			"longer than token.max_ttl "+formatDuration(c.Token.MaxTTL),
			"lower token.default_ttl or raise token.max_ttl"))
	}
	// Every JWK Set cached before the next key was published must expire
	// before that key signs. Twice max_age leaves a margin for caches that
	// hold a response a little longer than max_age.
	if c.JWKS.MaxAge > 0 && c.Keys.Prepublish < 2*c.JWKS.MaxAge {
		errs = append(errs, invalid("keys.prepublish", formatDuration(c.Keys.Prepublish),
			"shorter than twice jwks.max_age "+formatDuration(c.JWKS.MaxAge),
			"raise keys.prepublish to at least "+formatDuration(2*c.JWKS.MaxAge)+
				" or lower jwks.max_age"))
	}
	// A key stays published after it stops signing, and every token it signed
	// must still verify until it expires, allowing for clock skew.
	lifetime := c.Token.MaxTTL + c.Token.Leeway
	if c.Keys.RotationPeriod <= lifetime {
		errs = append(errs, invalid("keys.rotation_period", formatDuration(c.Keys.RotationPeriod),
			"not longer than token.max_ttl + token.leeway "+formatDuration(lifetime),
			"raise keys.rotation_period above "+formatDuration(lifetime)+
				" or lower token.max_ttl"))
	}
	return errs
}

// checkInheritSource checks inherit.source and what each source needs.
func (c Config) checkInheritSource() *FieldError {
	sources := []string{InheritStatic, InheritHubToken, InheritHubRoles}
	if err := checkOneOf("inherit.source", c.Inherit.Source, sources); err != nil {
		return err
	}
	if c.Inherit.Source == InheritStatic {
		return nil
	}
	if c.JupyterHub.APIURL == "" {
		return invalid("inherit.source", c.Inherit.Source, "needs jupyterhub.api_url",
			"set jupyterhub.api_url or use inherit.source static")
	}
	if c.JupyterHub.APIToken == "" {
		return invalid("inherit.source", c.Inherit.Source, "needs jupyterhub.api_token",
			"set jupyterhub.api_token (HUBJWT_JUPYTERHUB_API_TOKEN) to the hubjwt "+
				"service's hub API token, or set inherit.source to static")
	}
	return nil
}
