package config

import (
	"errors"
	"testing"
	"time"
)

// FuzzParseFile feeds arbitrary YAML to the file walker and Load's decoding
// and validation. It must never panic, every key the walker keeps must be
// known, and every value that parses must parse again from its printed form.
func FuzzParseFile(f *testing.F) {
	for _, seed := range []string{
		"listen: 127.0.0.1:8090\n",
		"token:\n  default_ttl: 5m\n  max_ttl: 1h\n",
		"token:\n  defualt_ttl: 5 minutes\n",
		"clients:\n  - {id: lab, type: public, origins: [https://a.example]}\n",
		"scopes:\n  jupyterhub_version: 3.0\n  custom:\n    - {name: custom:a, description: d}\n",
		"a: &x {b: 1}\nc: *x\n",
		"redis:\n  addrs: a:1,b:2\n",
		"- 1\n- 2\n",
		"token: [1, {a: b}]\n",
		"",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		layer, err := parseFile("fuzz.yaml", []byte(data))
		if err != nil {
			return
		}
		if _, err := load(layer, readEnviron([]string{}), nil); err != nil &&
			!errors.Is(err, ErrInvalidValue) && !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("load: got %v, want nil or a FieldError", err)
		}
		for key, value := range layer.values {
			fd, ok := lookupField(key)
			if !ok {
				t.Fatalf("walker kept unknown key %q", key)
			}
			var c Config
			if perr := parseValue(fd, value, &c); perr != nil {
				continue
			}
			var again Config
			if perr := parseValue(fd, formatValue(fd.ptr(&c)), &again); perr != nil {
				t.Fatalf("%s: parsed %q, but its formatted form fails: %v", key, value, perr)
			}
		}
	})
}

// FuzzDuration checks that every duration parseDuration accepts prints back
// to the same value.
func FuzzDuration(f *testing.F) {
	for _, seed := range []string{"5m", "168h", "1h30m", "90s", "-1s", "0", "3600", "5 minutes",
		"1.5h", "2562047h", "1ns"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, problem := parseDuration(s)
		if problem != "" {
			return
		}
		back, problem := parseDuration(formatDuration(d))
		if problem != "" {
			t.Fatalf("%q parsed to %v, but %q fails: %s", s, d, formatDuration(d), problem)
		}
		if back != d {
			t.Errorf("got %v after a round trip of %q, want %v", back, s, time.Duration(d))
		}
	})
}
