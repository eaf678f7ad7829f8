package config

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadDefaults(t *testing.T) {
	got, err := Load(Options{Environ: []string{}})
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if want := Default(); !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"listen", got.Listen, "127.0.0.1:8090"},
		{"issuer", got.Issuer, "http://127.0.0.1:8090"},
		{"data_dir", got.DataDir, "./data"},
		{"signing.algorithm", got.Signing.Algorithm, "ES256"},
		{"token.default_ttl", got.Token.DefaultTTL, 5 * time.Minute},
		{"token.max_ttl", got.Token.MaxTTL, time.Hour},
		{"token.default_audience", got.Token.DefaultAudience, "jupyterhub"},
		{"token.leeway", got.Token.Leeway, 30 * time.Second},
		{"jupyterhub.token_cache_ttl", got.JupyterHub.TokenCacheTTL, 30 * time.Second},
		{"keys.rotation_period", got.Keys.RotationPeriod, 168 * time.Hour},
		{"keys.prepublish", got.Keys.Prepublish, 24 * time.Hour},
		{"keys.allow_plaintext", got.Keys.AllowPlaintext, false},
		{"jwks.max_age", got.JWKS.MaxAge, 5 * time.Minute},
		{"scopes.jupyterhub_version", got.Scopes.JupyterHubVersion, "latest"},
		{"inherit.cache_ttl", got.Inherit.CacheTTL, 60 * time.Second},
		{"inherit.source", got.Inherit.Source, "static"},
		{"revocation.max_staleness", got.Revocation.MaxStaleness, 60 * time.Second},
		{"revocation.fail_open", got.Revocation.FailOpen, false},
		{"refresh.enabled", got.Refresh.Enabled, false},
		{"refresh.max_lifetime", got.Refresh.MaxLifetime, 720 * time.Hour},
		{"refresh.reuse_grace", got.Refresh.ReuseGrace, 10 * time.Second},
		{"log.level", got.Log.Level, "info"},
		{"log.format", got.Log.Format, "text"},
		{"http.max_body_bytes", got.HTTP.MaxBodyBytes, int64(65536)},
		{"http.read_timeout", got.HTTP.ReadTimeout, 10 * time.Second},
		{"http.shutdown_timeout", got.HTTP.ShutdownTimeout, 10 * time.Second},
		{"redis enabled", got.Redis.Enabled(), false},
		{"clients", got.Clients, []Client{{ID: "jupyterhub", Type: "public"}}},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			if !reflect.DeepEqual(c.got, c.want) {
				t.Errorf("got %v, want %v", c.got, c.want)
			}
		})
	}
	if err := Default().Validate(); err != nil {
		t.Errorf("validate defaults: got %v, want nil", err)
	}
}

func TestLoadPrecedence(t *testing.T) {
	const file = `
token:
  default_ttl: 10m
  max_ttl: 2h
log:
  level: debug
redis:
  addrs: [10.0.0.1:6379, 10.0.0.2:6379]
refresh:
  enabled: true
http:
  max_body_bytes: 1024
scopes:
  jupyterhub_version: 3.0
`
	cases := []struct {
		name    string
		file    string
		environ []string
		args    []string
		get     func(Config) any
		want    any
	}{
		{"file overrides default", file, nil, nil,
			func(c Config) any { return c.Token.DefaultTTL }, 10 * time.Minute},
		{"file sets list", file, nil, nil,
			func(c Config) any { return c.Redis.Addrs },
			[]string{"10.0.0.1:6379", "10.0.0.2:6379"}},
		{"file sets bool", file, nil, nil,
			func(c Config) any { return c.Refresh.Enabled }, true},
		{"file sets int", file, nil, nil,
			func(c Config) any { return c.HTTP.MaxBodyBytes }, int64(1024)},
		{"file keeps 3.0 as written", file, nil, nil,
			func(c Config) any { return c.Scopes.JupyterHubVersion }, "3.0"},
		{"file leaves other keys default", file, nil, nil,
			func(c Config) any { return c.Token.Leeway }, 30 * time.Second},
		{"env overrides file", file, []string{"HUBJWT_TOKEN_DEFAULT_TTL=20m"}, nil,
			func(c Config) any { return c.Token.DefaultTTL }, 20 * time.Minute},
		{"env list is comma-separated", file,
			[]string{"HUBJWT_REDIS_ADDRS=127.0.0.1:7000, 127.0.0.1:7001"}, nil,
			func(c Config) any { return c.Redis.Addrs },
			[]string{"127.0.0.1:7000", "127.0.0.1:7001"}},
		{"env bool overrides file", file, []string{"HUBJWT_REFRESH_ENABLED=false"}, nil,
			func(c Config) any { return c.Refresh.Enabled }, false},
		{"env overrides default without file", "", []string{"HUBJWT_LOG_FORMAT=json"}, nil,
			func(c Config) any { return c.Log.Format }, "json"},
		{"flag overrides env", file, []string{"HUBJWT_TOKEN_DEFAULT_TTL=20m"},
			[]string{"--token-default-ttl=30m"},
			func(c Config) any { return c.Token.DefaultTTL }, 30 * time.Minute},
		{"flag list overrides file", file, nil,
			[]string{"--redis-addrs=127.0.0.1:7000", "--redis-addrs=127.0.0.1:7001"},
			func(c Config) any { return c.Redis.Addrs },
			[]string{"127.0.0.1:7000", "127.0.0.1:7001"}},
		{"flag int overrides file", file, nil, []string{"--http-max-body-bytes=2048"},
			func(c Config) any { return c.HTTP.MaxBodyBytes }, int64(2048)},
		{"unset flag leaves env", file, []string{"HUBJWT_LOG_LEVEL=warn"},
			[]string{"--log-format=json"},
			func(c Config) any { return c.Log.Level }, "warn"},
		{"unset flag leaves file", file, nil, []string{"--log-format=json"},
			func(c Config) any { return c.Log.Level }, "debug"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Environ: append([]string{}, tc.environ...)}
			if tc.file != "" {
				opts.File = writeConfig(t, tc.file)
			}
			if tc.args != nil {
				opts.Flags = parsedFlags(t, tc.args...)
			}
			c, err := Load(opts)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if got := tc.get(c); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestLoadHubFallback(t *testing.T) {
	const hubURL = "http://127.0.0.1:8081/hub/api"
	hubEnv := []string{"JUPYTERHUB_API_URL=" + hubURL, "JUPYTERHUB_API_TOKEN=hub-secret"}
	cases := []struct {
		name       string
		file       string
		environ    []string
		wantURL    string
		wantToken  string
		wantSource string
	}{
		{"no hub", "", nil, "", "", "static"},
		{"managed service", "", hubEnv, hubURL, "hub-secret", "hub-token"},
		{"file wins", "jupyterhub:\n  api_url: http://127.0.0.1:9000/hub/api\n", hubEnv,
			"http://127.0.0.1:9000/hub/api", "hub-secret", "hub-token"},
		{"hubjwt env wins", "",
			append([]string{"HUBJWT_JUPYTERHUB_API_TOKEN=own-secret"}, hubEnv...),
			hubURL, "own-secret", "hub-token"},
		{"explicit source wins", "inherit:\n  source: static\n", hubEnv,
			hubURL, "hub-secret", "static"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Environ: append([]string{}, tc.environ...)}
			if tc.file != "" {
				opts.File = writeConfig(t, tc.file)
			}
			c, err := Load(opts)
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if c.JupyterHub.APIURL != tc.wantURL {
				t.Errorf("api_url: got %q, want %q", c.JupyterHub.APIURL, tc.wantURL)
			}
			if c.JupyterHub.APIToken != tc.wantToken {
				t.Errorf("api_token: got %q, want %q", c.JupyterHub.APIToken, tc.wantToken)
			}
			if c.Inherit.Source != tc.wantSource {
				t.Errorf("inherit.source: got %q, want %q", c.Inherit.Source, tc.wantSource)
			}
		})
	}
}

func TestLoadEncryptionKeyFile(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "key")
	if err := os.WriteFile(keyFile, []byte("  s3cret-key\n\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(dir, "empty")
	if err := os.WriteFile(emptyFile, []byte(" \n"), 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	cases := []struct {
		name    string
		environ []string
		want    string
		wantErr string // value the error must name; empty: no error
	}{
		{"reads and trims", []string{"HUBJWT_KEYS_ENCRYPTION_KEY_FILE=" + keyFile}, "s3cret-key", ""},
		{"key from env", []string{"HUBJWT_KEYS_ENCRYPTION_KEY=direct"}, "direct", ""},
		{"both set", []string{"HUBJWT_KEYS_ENCRYPTION_KEY_FILE=" + keyFile,
			"HUBJWT_KEYS_ENCRYPTION_KEY=direct"}, "", keyFile},
		{"unreadable", []string{"HUBJWT_KEYS_ENCRYPTION_KEY_FILE=" + missing}, "", missing},
		{"empty file", []string{"HUBJWT_KEYS_ENCRYPTION_KEY_FILE=" + emptyFile}, "", emptyFile},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(Options{Environ: tc.environ})
			if tc.wantErr != "" {
				fe := requireFieldError(t, err, "keys.encryption_key_file", tc.wantErr,
					ErrInvalidValue)
				if fe.Source != "HUBJWT_KEYS_ENCRYPTION_KEY_FILE" {
					t.Errorf("source: got %q, want HUBJWT_KEYS_ENCRYPTION_KEY_FILE", fe.Source)
				}
				return
			}
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if c.Keys.EncryptionKey != tc.want {
				t.Errorf("got %q, want %q", c.Keys.EncryptionKey, tc.want)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	cases := []struct {
		name    string
		content string
	}{
		{"bad syntax", "token:\n  default_ttl: [5m\n"},
		{"top level list", "- listen\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConfig(t, tc.content)
			_, err := Load(Options{File: path, Environ: []string{}})
			if err == nil {
				t.Fatalf("got no error, want one naming %s", path)
			}
			if !strings.Contains(err.Error(), path) {
				t.Errorf("got %q, want the path %s in it", err, path)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "none.yaml")
		_, err := Load(Options{File: path, Environ: []string{}})
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("got %v, want a not-exist error", err)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		if _, err := loadYAML(t, "# nothing set\n"); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
}
