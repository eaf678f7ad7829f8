package config

import (
	"strings"
	"testing"
)

func TestLoadRejectsUnknownKeys(t *testing.T) {
	cases := []struct {
		name    string
		yaml    string
		environ []string
		key     string
		fix     string // text the fix must contain
		source  string // text the source must contain
	}{
		{"top level", "listn: 127.0.0.1:8090\n", nil, "listn", "listen", "line 1"},
		{"nested typo", "token:\n  defualt_ttl: 5m\n", nil,
			"token.defualt_ttl", "token.default_ttl", "line 2"},
		{"unknown section", "database:\n  url: x\n", nil, "database", "docs/configuration.md",
			"line 1"},
		{"deep nesting", "token:\n  max_ttl:\n    value: 1h\n", nil,
			"token.max_ttl", "", "line 2"},
		{"client field", "clients:\n  - id: lab\n    type: public\n    origin: [x]\n", nil,
			"clients[0].origin", "origins", "line 4"},
		{"custom scope field", "scopes:\n  custom:\n    - name: custom:a\n      desc: d\n", nil,
			"scopes.custom[0].desc", "description", "line 4"},
		{"environment typo", "", []string{"HUBJWT_TOKEN_DEFUALT_TTL=5m"},
			"HUBJWT_TOKEN_DEFUALT_TTL", "HUBJWT_TOKEN_DEFAULT_TTL", "environment"},
		{"environment unrelated", "", []string{"HUBJWT_SOMETHING_ELSE_ENTIRELY=1"},
			"HUBJWT_SOMETHING_ELSE_ENTIRELY", "unset it", "environment"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := Options{Environ: append([]string{}, tc.environ...)}
			if tc.yaml != "" {
				opts.File = writeConfig(t, tc.yaml)
			}
			_, err := Load(opts)
			sentinel := ErrUnknownKey
			if tc.name == "deep nesting" {
				sentinel = ErrInvalidValue
			}
			fe := requireFieldError(t, err, tc.key, "", sentinel)
			if !strings.Contains(fe.Fix, tc.fix) {
				t.Errorf("fix: got %q, want it to contain %q", fe.Fix, tc.fix)
			}
			if !strings.Contains(fe.Source, tc.source) {
				t.Errorf("source: got %q, want it to contain %q", fe.Source, tc.source)
			}
		})
	}
}

func TestLoadUnknownKeyHidesValue(t *testing.T) {
	_, err := Load(Options{Environ: []string{"HUBJWT_ADMIN_TOKN=hunter2"}})
	fe := requireFieldError(t, err, "HUBJWT_ADMIN_TOKN", "", ErrUnknownKey)
	if strings.Contains(err.Error(), "hunter2") {
		t.Errorf("got %q, want no secret value in it", err)
	}
	if !strings.Contains(fe.Fix, "HUBJWT_ADMIN_TOKEN") {
		t.Errorf("fix: got %q, want the suggestion HUBJWT_ADMIN_TOKEN", fe.Fix)
	}
}

func TestLoadRejectsFileOnlyEnv(t *testing.T) {
	for _, name := range []string{"HUBJWT_CLIENTS", "HUBJWT_SCOPES_CUSTOM"} {
		t.Run(name, func(t *testing.T) {
			_, err := Load(Options{Environ: []string{name + "=x"}})
			if err == nil || !strings.Contains(err.Error(), name) {
				t.Errorf("got %v, want an error naming %s", err, name)
			}
		})
	}
}

func TestLoadIgnoresOtherEnv(t *testing.T) {
	environ := []string{"HOME=/root", "HUBJWTX=1", "PATH=/usr/bin", "HUBJWT=1"}
	if _, err := Load(Options{Environ: environ}); err != nil {
		t.Errorf("got %v, want nil", err)
	}
}

func TestSuggestKey(t *testing.T) {
	cases := []struct {
		name string
		want string
	}{
		{"tokn.default_ttl", "did you mean token.default_ttl?"},
		{"TOKEN.MAX_TTL", "did you mean token.max_ttl?"},
		{"zzz", "none"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := suggestKey(tc.name, KeyNames(), "none"); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}
