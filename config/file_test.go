package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestLoadYAMLForms(t *testing.T) {
	cases := []struct {
		name string
		yaml string
		get  func(Config) any
		want any
	}{
		{"empty section keeps defaults", "token:\n", func(c Config) any { return c.Token.MaxTTL },
			time.Hour},
		{"null value clears", "admin:\n  token: ~\n", func(c Config) any { return c.Admin.Token }, ""},
		{"alias", "base: &ttl 10m\n", nil, nil},
		{"flow mapping", "token: {default_ttl: 2m, max_ttl: 4m}\nkeys: {rotation_period: 1h}\n",
			func(c Config) any { return c.Token.MaxTTL }, 4 * time.Minute},
		{"list as comma text", "redis:\n  addrs: 127.0.0.1:7000,127.0.0.1:7001\n",
			func(c Config) any { return c.Redis.Addrs },
			[]string{"127.0.0.1:7000", "127.0.0.1:7001"}},
		{"quoted digits stay text", "redis:\n  password: \"0123\"\n",
			func(c Config) any { return c.Redis.Password }, "0123"},
		{"plain digits stay text", "redis:\n  password: 0123\n",
			func(c Config) any { return c.Redis.Password }, "0123"},
		{"clients replace default", "clients:\n  - id: lab\n    type: public\n" +
			"    origins: [https://lab.example.org]\n",
			func(c Config) any { return c.Clients },
			[]Client{{ID: "lab", Type: "public", Origins: []string{"https://lab.example.org"}}}},
		{"empty clients keep default", "clients: []\n",
			func(c Config) any { return c.Clients }, []Client{{ID: "jupyterhub", Type: "public"}}},
		{"custom scopes", "scopes:\n  custom:\n    - name: custom:app:read\n" +
			"      description: Read app data.\n      subscopes: []\n",
			func(c Config) any { return c.Scopes.Custom },
			[]CustomScope{{Name: "custom:app:read", Description: "Read app data."}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := loadYAML(t, tc.yaml)
			if tc.get == nil {
				// An anchor on an unknown key is still an unknown key.
				requireFieldError(t, err, "base", "", ErrUnknownKey)
				return
			}
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			if got := tc.get(c); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %#v, want %#v", got, tc.want)
			}
		})
	}
}

func TestLoadYAMLAlias(t *testing.T) {
	const yaml = `
token:
  default_ttl: &short 2m
  max_ttl: 2h
jwks:
  max_age: *short
`
	c, err := loadYAML(t, yaml)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if c.JWKS.MaxAge != 2*time.Minute {
		t.Errorf("got %v, want 2m", c.JWKS.MaxAge)
	}
}

func TestLoadFallbackSource(t *testing.T) {
	environ := []string{"JUPYTERHUB_API_URL=127.0.0.1:8081", "JUPYTERHUB_API_TOKEN=t"}
	_, err := Load(Options{Environ: environ})
	fe := requireFieldError(t, err, "jupyterhub.api_url", `"127.0.0.1:8081"`, ErrInvalidValue)
	if fe.Source != "JUPYTERHUB_API_URL" {
		t.Errorf("source: got %q, want JUPYTERHUB_API_URL", fe.Source)
	}
	if strings.Contains(err.Error(), `"t"`) {
		t.Errorf("got %q, want no api token in it", err)
	}
}

func TestLoadItemErrorSource(t *testing.T) {
	const yaml = `clients:
  - id: lab
    type: public
  - type: public
  - id: batch
    type: confidential
    origins:
      - https://a.example.org
      - https://b.example.org/path
`
	cases := []struct {
		key  string
		want string
	}{
		{"clients[1].id", "line 4"},
		{"clients[2].secret_file", "line 5"},
		{"clients[2].origins[1]", "line 7"},
	}
	_, err := loadYAML(t, yaml)
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			fe := requireFieldError(t, err, tc.key, "", ErrInvalidValue)
			if !strings.HasSuffix(fe.Source, tc.want) {
				t.Errorf("source: got %q, want it to end in %q", fe.Source, tc.want)
			}
		})
	}
}

func TestParentKey(t *testing.T) {
	cases := []struct{ key, want string }{
		{"clients[0].origins[1]", "clients[0].origins"},
		{"clients[0].origins", "clients[0]"},
		{"clients[0]", "clients"},
		{"token.max_ttl", "token"},
		{"listen", ""},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			if got := parentKey(tc.key); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestLoadDerivedSourceNamed(t *testing.T) {
	_, err := Load(Options{Environ: []string{"JUPYTERHUB_API_URL=http://127.0.0.1:8081/hub/api"}})
	fe := requireFieldError(t, err, "inherit.source", `"hub-token"`, ErrInvalidValue)
	if !strings.Contains(fe.Source, "jupyterhub.api_url") {
		t.Errorf("source: got %q, want it to name jupyterhub.api_url", fe.Source)
	}
}
