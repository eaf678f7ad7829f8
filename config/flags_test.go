package config

import (
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

func TestBindFlags(t *testing.T) {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	BindFlags(fs)
	for _, f := range fields {
		name := FlagName(f.key)
		t.Run(f.key, func(t *testing.T) {
			flag := fs.Lookup(name)
			if f.kind == kindFileOnly {
				if flag != nil {
					t.Errorf("got flag --%s, want none for a file-only key", name)
				}
				return
			}
			if flag == nil {
				t.Fatalf("got no flag --%s, want one", name)
			}
			if flag.Usage == "" {
				t.Errorf("--%s: got empty help, want some", name)
			}
			def := defaults()
			want := formatValue(f.ptr(&def))
			if s, ok := want.(string); ok && f.kind != kindBool && flag.DefValue != s {
				t.Errorf("--%s default: got %q, want %q", name, flag.DefValue, s)
			}
		})
	}
}

func TestFlagHelp(t *testing.T) {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	BindFlags(fs)
	usage := fs.FlagUsages()
	for _, want := range []string{
		"--token-default-ttl duration",
		"(default 5m)",
		"--keys-rotation-period duration",
		"(default 168h)",
		"--http-max-body-bytes bytes",
		"(default 65536)",
		"--refresh-enabled",
		"(default false)",
		`--listen host:port`,
		`(default "127.0.0.1:8090")`,
	} {
		if !strings.Contains(usage, want) {
			t.Errorf("help: got no %q, want it in:\n%s", want, usage)
		}
	}
}

func TestFlagRejectsBadDuration(t *testing.T) {
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	BindFlags(fs)
	err := fs.Parse([]string{"--token-max-ttl=5 minutes"})
	if err == nil {
		t.Fatal("got no error, want one for 5 minutes")
	}
	for _, want := range []string{"token-max-ttl", "5 minutes", "Go duration"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("got %q, want it to contain %q", err, want)
		}
	}
}

func TestNames(t *testing.T) {
	cases := []struct {
		key, env, flag string
	}{
		{"token.default_ttl", "HUBJWT_TOKEN_DEFAULT_TTL", "token-default-ttl"},
		{"data_dir", "HUBJWT_DATA_DIR", "data-dir"},
		{"listen", "HUBJWT_LISTEN", "listen"},
	}
	for _, tc := range cases {
		t.Run(tc.key, func(t *testing.T) {
			if got := EnvName(tc.key); got != tc.env {
				t.Errorf("env: got %s, want %s", got, tc.env)
			}
			if got := FlagName(tc.key); got != tc.flag {
				t.Errorf("flag: got %s, want %s", got, tc.flag)
			}
		})
	}
}
