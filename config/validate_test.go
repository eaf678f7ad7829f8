package config

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLoadRejectsValues(t *testing.T) {
	cases := []struct {
		name  string
		yaml  string
		key   string
		value string // text the message must contain
	}{
		{"duration in words", "token:\n  default_ttl: 5 minutes\n",
			"token.default_ttl", `"5 minutes"`},
		{"duration without unit", "token:\n  max_ttl: 3600\n", "token.max_ttl", `"3600"`},
		{"negative duration", "jwks:\n  max_age: -5m\n", "jwks.max_age", `"-5m"`},
		{"zero duration", "revocation:\n  max_staleness: 0s\n",
			"revocation.max_staleness", `"0s"`},
		{"zero timeout", "http:\n  read_timeout: 0\n", "http.read_timeout", `"0s"`},
		{"negative leeway", "token:\n  leeway: -1s\n", "token.leeway", `"-1s"`},
		{"negative cache ttl", "inherit:\n  cache_ttl: -1m\n", "inherit.cache_ttl", `"-1m"`},
		{"bad bool", "refresh:\n  enabled: maybe\n", "refresh.enabled", `"maybe"`},
		{"bad int", "http:\n  max_body_bytes: 64k\n", "http.max_body_bytes", `"64k"`},
		{"zero body limit", "http:\n  max_body_bytes: 0\n", "http.max_body_bytes", `"0"`},
		{"default above max", "token:\n  default_ttl: 2h\n  max_ttl: 1h\n",
			"token.default_ttl", `"2h"`},
		{"issuer relative", "issuer: /hubjwt\n", "issuer", `"/hubjwt"`},
		{"issuer ftp", "issuer: ftp://127.0.0.1\n", "issuer", `"ftp://127.0.0.1"`},
		{"issuer query", "issuer: https://hub.example.org/?a=b\n",
			"issuer", `"https://hub.example.org/?a=b"`},
		{"issuer fragment", "issuer: https://hub.example.org/#x\n",
			"issuer", `"https://hub.example.org/#x"`},
		{"issuer empty query", "issuer: https://hub.example.org/?\n",
			"issuer", `"https://hub.example.org/?"`},
		{"lowercase algorithm", "signing:\n  algorithm: es256\n", "signing.algorithm", `"es256"`},
		{"unsupported algorithm", "signing:\n  algorithm: HS256\n",
			"signing.algorithm", `"HS256"`},
		{"listen without port", "listen: 127.0.0.1\n", "listen", `"127.0.0.1"`},
		{"listen bad port", "listen: 127.0.0.1:http\n", "listen", `"127.0.0.1:http"`},
		{"listen port range", "listen: 127.0.0.1:70000\n", "listen", `"127.0.0.1:70000"`},
		{"client without id", "clients:\n  - type: public\n", "clients[0].id", `""`},
		{"duplicate client", "clients:\n  - {id: lab, type: public}\n  - {id: lab, type: public}\n",
			"clients[1].id", `"lab"`},
		{"client type", "clients:\n  - {id: lab, type: private}\n", "clients[0].type", `"private"`},
		{"client type missing", "clients:\n  - {id: lab}\n", "clients[0].type", `""`},
		{"confidential without secret", "clients:\n  - {id: lab, type: confidential}\n",
			"clients[0].secret_file", `""`},
		{"public with secret",
			"clients:\n  - {id: lab, type: public, secret_file: /etc/hubjwt/lab}\n",
			"clients[0].secret_file", `"/etc/hubjwt/lab"`},
		{"client origin with path",
			"clients:\n  - {id: lab, type: public, origins: [https://lab.example.org/x]}\n",
			"clients[0].origins[0]", `"https://lab.example.org/x"`},
		{"client redirect relative",
			"clients:\n  - {id: lab, type: public, redirect_uris: [/callback]}\n",
			"clients[0].redirect_uris[0]", `"/callback"`},
		{"scope version", "scopes:\n  jupyterhub_version: \"4\"\n",
			"scopes.jupyterhub_version", `"4"`},
		{"scope version float", "scopes:\n  jupyterhub_version: 3\n",
			"scopes.jupyterhub_version", `"3"`},
		{"custom scope name", "scopes:\n  custom:\n    - {name: myapp:read, description: d}\n",
			"scopes.custom[0].name", `"myapp:read"`},
		{"custom scope description", "scopes:\n  custom:\n    - {name: custom:app:read}\n",
			"scopes.custom[0].description", `""`},
		{"custom scope subscope",
			"scopes:\n  custom:\n    - {name: custom:app, description: d, subscopes: [read:users]}\n",
			"scopes.custom[0].subscopes[0]", `"read:users"`},
		{"custom scope duplicate", "scopes:\n  custom:\n" +
			"    - {name: custom:app, description: d}\n    - {name: custom:app, description: e}\n",
			"scopes.custom[1].name", `"custom:app"`},
		{"log level", "log:\n  level: verbose\n", "log.level", `"verbose"`},
		{"log format", "log:\n  format: xml\n", "log.format", `"xml"`},
		{"prepublish short", "jwks:\n  max_age: 1h\nkeys:\n  prepublish: 90m\n",
			"keys.prepublish", `"1h30m"`},
		{"rotation short", "token:\n  max_ttl: 2h\nkeys:\n  rotation_period: 2h\n",
			"keys.rotation_period", `"2h"`},
		{"rotation equal to ttl plus leeway",
			"token:\n  max_ttl: 1h\n  leeway: 1m\nkeys:\n  rotation_period: 61m\n",
			"keys.rotation_period", `"1h1m"`},
		{"redis both", "redis:\n  url: redis://127.0.0.1:6380\n  addrs: [127.0.0.1:6381]\n",
			"redis.url", `"redis://127.0.0.1:6380"`},
		{"redis scheme", "redis:\n  url: http://127.0.0.1:6380\n",
			"redis.url", `"http://127.0.0.1:6380"`},
		{"redis addr", "redis:\n  addrs: [127.0.0.1]\n", "redis.addrs", `"127.0.0.1"`},
		{"sentinel without addrs", "redis:\n  master_name: mymaster\n",
			"redis.master_name", `"mymaster"`},
		{"inherit source", "inherit:\n  source: hub\n", "inherit.source", `"hub"`},
		{"hub source without url", "inherit:\n  source: hub-roles\n",
			"inherit.source", `"hub-roles"`},
		{"empty data dir", "data_dir: \"\"\n", "data_dir", `""`},
		{"empty audience", "token:\n  default_audience: \"\"\n", "token.default_audience", `""`},
		{"list for scalar", "listen: [a, b]\n", "listen", "listen"},
		{"mapping for list", "redis:\n  addrs: {a: b}\n", "redis.addrs", "redis.addrs"},
		{"value for section", "token: 5m\n", "token", `"5m"`},
		{"duplicate key", "listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n", "listen", `"127.0.0.1:2"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := loadYAML(t, tc.yaml)
			requireFieldError(t, err, tc.key, tc.value, ErrInvalidValue)
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	_, err := loadYAML(t, "listen: nope\nlog:\n  level: loud\n  format: xml\n")
	for _, key := range []string{"listen", "log.level", "log.format"} {
		requireFieldError(t, err, key, "", ErrInvalidValue)
	}
	if got := len(fieldErrors(err)); got != 3 {
		t.Errorf("got %d errors, want 3:\n%v", got, err)
	}
}

func TestLoadErrorSource(t *testing.T) {
	cases := []struct {
		name    string
		yaml    string
		environ []string
		args    []string
		want    string
	}{
		{"file line", "log:\n  level: loud\n", nil, nil, "hubjwt.yaml line 2"},
		{"environment", "", []string{"HUBJWT_LOG_LEVEL=loud"}, nil, "HUBJWT_LOG_LEVEL"},
		{"flag", "", nil, []string{"--log-level=loud"}, "--log-level"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Environ: append([]string{}, tc.environ...)}
			if tc.yaml != "" {
				opts.File = writeConfig(t, tc.yaml)
			}
			if tc.args != nil {
				opts.Flags = parsedFlags(t, tc.args...)
			}
			_, err := Load(opts)
			fe := requireFieldError(t, err, "log.level", `"loud"`, ErrInvalidValue)
			if !strings.HasSuffix(fe.Source, tc.want) {
				t.Errorf("source: got %q, want it to end in %q", fe.Source, tc.want)
			}
		})
	}
}

func TestValidateConfig(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*Config)
		key    string
		value  string
	}{
		{"issuer without host", func(c *Config) { c.Issuer = "https://" }, "issuer", `"https://"`},
		{"max ttl zero", func(c *Config) { c.Token.MaxTTL = 0 }, "token.max_ttl", `"0s"`},
		{"rotation zero", func(c *Config) { c.Keys.RotationPeriod = 0 },
			"keys.rotation_period", `"0s"`},
		{"algorithm", func(c *Config) { c.Signing.Algorithm = "ed25519" },
			"signing.algorithm", `"ed25519"`},
		{"hub roles without token", func(c *Config) {
			c.JupyterHub.APIURL = "http://127.0.0.1:8081/hub/api"
			c.Inherit.Source = InheritHubRoles
		}, "inherit.source", `"hub-roles"`},
		{"redis url password hidden", func(c *Config) {
			c.Redis.URL = "redis://:hunter2@127.0.0.1:6380"
			c.Redis.Addrs = []string{"127.0.0.1:6381"}
		}, "redis.url", "REDACTED"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Default()
			tc.modify(&c)
			fe := requireFieldError(t, c.Validate(), tc.key, tc.value, ErrInvalidValue)
			if tc.key == "redis.url" && strings.Contains(fe.Error(), "hunter2") {
				t.Errorf("message %q: got the password, want it redacted", fe.Error())
			}
		})
	}
	t.Run("accepts every algorithm", func(t *testing.T) {
		for _, alg := range Algorithms {
			c := Default()
			c.Signing.Algorithm = alg
			if err := c.Validate(); err != nil {
				t.Errorf("%s: got %v, want nil", alg, err)
			}
		}
	})
	t.Run("accepts sentinel", func(t *testing.T) {
		c := Default()
		c.Redis = Redis{Addrs: []string{"127.0.0.1:26379"}, MasterName: "mymaster"}
		if err := c.Validate(); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
	t.Run("accepts valid clients and scopes", func(t *testing.T) {
		c := Default()
		c.Clients = []Client{
			{ID: "lab", Type: ClientPublic, Origins: []string{"https://lab.example.org", "*"},
				RedirectURIs: []string{"http://127.0.0.1:8888/callback"}},
			{ID: "batch", Type: ClientConfidential, SecretFile: "/etc/hubjwt/batch"},
		}
		c.Scopes.Custom = []CustomScope{
			{Name: "custom:app:read", Description: "read", Subscopes: []string{"custom:app:list"}},
			{Name: "custom:app:list", Description: "list"},
		}
		if err := c.Validate(); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
	t.Run("joins with errors.Is", func(t *testing.T) {
		c := Default()
		c.Log.Level = "loud"
		if err := c.Validate(); !errors.Is(err, ErrInvalidValue) {
			t.Errorf("got %v, want it to wrap ErrInvalidValue", err)
		}
	})
	t.Run("zero allowed where it disables", func(t *testing.T) {
		c := Default()
		c.JupyterHub.TokenCacheTTL, c.Inherit.CacheTTL, c.Refresh.ReuseGrace = 0, 0, 0
		c.Token.Leeway = 0
		c.Keys.RotationPeriod = time.Hour + time.Second
		if err := c.Validate(); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
}
