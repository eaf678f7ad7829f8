package scopes

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

var allVersions = []Version{V30, Latest}

func newModel(t testing.TB, v Version) *Model {
	t.Helper()
	m, err := NewModel(v, nil)
	if err != nil {
		t.Fatalf("NewModel(%q): %v", v, err)
	}
	return m
}

// readCases decodes a JSON array of cases from testdata.
func readCases[T any](t *testing.T, name string) []T {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var cases []T
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return cases
}

// versionsOf returns the versions a case applies to, both when it lists none.
func versionsOf(listed []Version) []Version {
	if len(listed) == 0 {
		return allVersions
	}
	return listed
}

// sentinel maps the "error" field of a case to the sentinel it must wrap.
func sentinel(t *testing.T, kind string) error {
	t.Helper()
	switch kind {
	case "unknown":
		return ErrUnknownScope
	case "syntax":
		return ErrScopeSyntax
	case "owner":
		return ErrOwner
	}
	t.Fatalf("unknown error kind %q in test case", kind)
	return nil
}

func ownerOf(t *testing.T, s string) Owner {
	t.Helper()
	if s == "" {
		return Owner{}
	}
	o, err := ParseOwner(s)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func checkError(t *testing.T, err error, kind string) {
	t.Helper()
	want := sentinel(t, kind)
	if !errors.Is(err, want) {
		t.Fatalf("got error %v, want one wrapping %v", err, want)
	}
}

func checkList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if got == nil {
		got = []string{}
	}
	if want == nil {
		want = []string{}
	}
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

func sortStrings(s []string) { slices.Sort(s) }
