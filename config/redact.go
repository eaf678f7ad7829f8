package config

import "net/url"

// redacted replaces secret values in Redacted and in error messages.
const redacted = "REDACTED"

// Redacted returns a copy of c that is safe to log: admin.token,
// redis.password, keys.encryption_key and jupyterhub.api_token become
// "REDACTED" when set, and so does a password inside redis.url.
func (c Config) Redacted() Config {
	for _, s := range []*string{
		&c.Admin.Token, &c.Redis.Password, &c.Keys.EncryptionKey, &c.JupyterHub.APIToken,
	} {
		if *s != "" {
			*s = redacted
		}
	}
	c.Redis.URL = redactURL(c.Redis.URL)
	c.Redis.Addrs = append([]string(nil), c.Redis.Addrs...)
	c.Clients = append([]Client(nil), c.Clients...)
	c.Scopes.Custom = append([]CustomScope(nil), c.Scopes.Custom...)
	return c
}

// redactURL replaces the password of a URL's user info. A URL that does not
// parse is replaced whole, since it may still contain a password.
func redactURL(raw string) string {
	if raw == "" {
		return raw
	}
	u, err := url.Parse(raw)
	if err != nil {
		return redacted
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), redacted)
	}
	return u.String()
}
