package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// writeConfig writes a YAML config file into a temporary directory.
func writeConfig(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hubjwt.yaml")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatalf("write config: %v", err)
	}
	return path
}

// loadYAML loads content as the config file with an empty environment.
func loadYAML(t *testing.T, content string, environ ...string) (Config, error) {
	t.Helper()
	if environ == nil {
		environ = []string{}
	}
	return Load(Options{File: writeConfig(t, content), Environ: environ})
}

// parsedFlags binds the config flags and parses args.
func parsedFlags(t *testing.T, args ...string) *pflag.FlagSet {
	t.Helper()
	fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
	BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatalf("parse flags %q: %v", args, err)
	}
	return fs
}

// fieldErrors returns the FieldErrors inside a joined error.
func fieldErrors(err error) []*FieldError {
	var out []*FieldError
	for _, e := range unjoin(err) {
		var fe *FieldError
		if errors.As(e, &fe) {
			out = append(out, fe)
		}
	}
	return out
}

// requireFieldError fails unless err contains a FieldError for key that wraps
// sentinel and whose message names the key and, when value is not empty, the
// value.
func requireFieldError(t *testing.T, err error, key, value string, sentinel error) *FieldError {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one for %s", key)
	}
	var keys []string
	for _, fe := range fieldErrors(err) {
		keys = append(keys, fe.Key)
		if fe.Key != key {
			continue
		}
		if !errors.Is(fe, sentinel) {
			t.Errorf("error for %s: got %v, want it to wrap %v", key, fe.Err, sentinel)
		}
		msg := fe.Error()
		if !strings.Contains(msg, key) {
			t.Errorf("message %q: got no key, want %s", msg, key)
		}
		if value != "" && !strings.Contains(msg, value) {
			t.Errorf("message %q: got no value, want %s", msg, value)
		}
		if fe.Fix == "" {
			t.Errorf("message %q: got no fix, want one", msg)
		}
		return fe
	}
	t.Fatalf("got errors for keys %q, want one for %s; full error:\n%v", keys, key, err)
	return nil
}
