package config

import (
	"fmt"
	"strings"
	"testing"
)

func TestRedacted(t *testing.T) {
	c := Default()
	c.Admin.Token = "admin-secret"
	c.Redis.Password = "redis-secret"
	c.Redis.URL = "redis://user:url-secret@127.0.0.1:6380/0"
	c.Keys.EncryptionKey = "key-secret"
	c.JupyterHub.APIToken = "hub-secret"

	r := c.Redacted()
	printed := fmt.Sprintf("%+v", r)
	for _, secret := range []string{"admin-secret", "redis-secret", "url-secret", "key-secret",
		"hub-secret"} {
		if strings.Contains(printed, secret) {
			t.Errorf("got %s in %s, want it redacted", secret, printed)
		}
	}

	checks := []struct{ name, got, want string }{
		{"admin.token", r.Admin.Token, "REDACTED"},
		{"redis.password", r.Redis.Password, "REDACTED"},
		{"redis.url", r.Redis.URL, "redis://user:REDACTED@127.0.0.1:6380/0"},
		{"keys.encryption_key", r.Keys.EncryptionKey, "REDACTED"},
		{"jupyterhub.api_token", r.JupyterHub.APIToken, "REDACTED"},
		{"original admin.token", c.Admin.Token, "admin-secret"},
	}
	for _, ch := range checks {
		t.Run(ch.name, func(t *testing.T) {
			if ch.got != ch.want {
				t.Errorf("got %q, want %q", ch.got, ch.want)
			}
		})
	}
	t.Run("unset stays empty", func(t *testing.T) {
		if got := Default().Redacted().Admin.Token; got != "" {
			t.Errorf("got %q, want empty", got)
		}
	})
}
