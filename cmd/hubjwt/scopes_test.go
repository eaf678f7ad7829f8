package main

import (
	"bytes"
	"slices"
	"strings"
	"testing"
)

// runScopes runs `hubjwt scopes ARGS...` and returns stdout, stderr and the exit status.
func runScopes(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	cmd := newScopesCmd()
	var stdout, stderr bytes.Buffer
	cmd.SetArgs(args)
	cmd.SetOut(&stdout)
	cmd.SetErr(&stderr)
	cmd.SilenceErrors = true
	err := cmd.Execute()
	if err != nil {
		stderr.WriteString(err.Error())
	}
	return stdout.String(), stderr.String(), statusOf(err)
}

func TestScopesCommand(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string // the lines of standard output, when checked
		stderr string   // a part of standard error
	}{
		{"expand server filter 3.0",
			[]string{"expand", "--jupyterhub-version", "3.0", "read:servers!server=alice/"}, 0,
			[]string{"read:servers!server=alice/", "read:users:name!server=alice/",
				"read:users:name!user=alice"}, ""},
		{"expand server filter latest",
			[]string{"expand", "read:servers!server=alice/"}, 0,
			[]string{"read:servers!server=alice/"}, ""},
		{"expand bare filter with owner",
			[]string{"expand", "tokens!user", "--owner", "user=alice"}, 0,
			[]string{"read:tokens!user=alice", "tokens!user=alice"}, ""},
		{"expand inherit kept",
			[]string{"expand", "inherit", "read:hub"}, 0, []string{"inherit", "read:hub"}, ""},
		{"expand invalid scope",
			[]string{"expand", "read:users!group", "all"}, 2, nil, `"all"`},
		{"expand no scope", []string{"expand"}, 2, nil, "requires at least 1 arg"},
		{"expand bad owner",
			[]string{"expand", "self", "--owner", "alice"}, 2, nil, "user=NAME"},
		{"expand bad version",
			[]string{"expand", "self", "--jupyterhub-version", "4.0"}, 2, nil, "3.0 or latest"},
		{"expand unknown flag", []string{"expand", "--nope", "read:hub"}, 2, nil, "nope"},
		{"intersect with groups",
			[]string{"intersect", "--token", "read:users!user=bob", "--owner-scopes",
				"read:users!group=team", "--owner", "user=alice", "--groups", "bob=team,ops"}, 0,
			[]string{"read:users!user=bob", "read:users:activity!user=bob",
				"read:users:groups!user=bob", "read:users:name!user=bob"}, ""},
		{"intersect without groups",
			[]string{"intersect", "--token", "read:users!user=bob", "--owner-scopes",
				"read:users!group=team", "--owner", "user=alice"}, 0,
			[]string{}, "dropped, not held by user=alice: read:users!user=bob"},
		{"intersect comma list",
			[]string{"intersect", "--token", "read:hub,proxy", "--owner-scopes", "read:hub",
				"--owner", "service=reporter"}, 0,
			[]string{"read:hub"}, "dropped, not held by service=reporter: proxy"},
		{"intersect missing owner",
			[]string{"intersect", "--token", "read:hub"}, 2, nil, "--owner"},
		{"intersect bad groups",
			[]string{"intersect", "--token", "read:hub", "--owner", "user=a", "--groups", "=x"},
			2, nil, "USER=G1,G2"},
		{"intersect bad scope",
			[]string{"intersect", "--token", "read:hub!foo=1", "--owner", "user=a"}, 2, nil,
			"unknown filter kind"},
		{"check unfiltered allowed",
			[]string{"check", "--granted", "read:users", "--require", "read:users"}, 0,
			[]string{"allowed"}, ""},
		{"check filtered needs resource",
			[]string{"check", "--granted", "read:users!user=bob", "--require", "read:users"}, 1,
			[]string{"denied"}, ""},
		{"check user resource",
			[]string{"check", "--granted", "read:users!user=bob", "--require",
				"read:users:name", "--resource", "user=bob"}, 0, []string{"allowed"}, ""},
		{"check group member server",
			[]string{"check", "--granted", "access:servers!group=team", "--require",
				"access:servers", "--resource", "server=bob/", "--groups", "bob=team"}, 0,
			[]string{"allowed"}, ""},
		{"check group without membership",
			[]string{"check", "--granted", "access:servers!group=team", "--require",
				"access:servers", "--resource", "server=bob/"}, 1, []string{"denied"}, ""},
		{"check self start servers",
			[]string{"check", "--granted", "self", "--owner", "user=alice", "--require",
				"start:servers", "--resource", "server=alice/nb"}, 0, []string{"allowed"}, ""},
		{"check start servers unknown in 3.0",
			[]string{"check", "--granted", "self", "--owner", "user=alice", "--require",
				"start:servers", "--jupyterhub-version", "3.0"}, 2, nil, "3.0 scope table"},
		{"check self without owner",
			[]string{"check", "--granted", "self", "--require", "read:users",
				"--resource", "user=alice"}, 1, []string{"denied"}, ""},
		{"check server filter 3.0 owner name",
			[]string{"check", "--jupyterhub-version", "3.0", "--granted",
				"read:servers!server=bob/", "--require", "read:users:name",
				"--resource", "user=bob"}, 0, []string{"allowed"}, ""},
		{"check inherit unresolved",
			[]string{"check", "--granted", "inherit", "--require", "read:hub"}, 2, nil,
			"resolve it first"},
		{"check filtered require",
			[]string{"check", "--granted", "read:users", "--require", "read:users!user=bob"},
			2, nil, "--resource"},
		{"check bad resource",
			[]string{"check", "--granted", "read:users", "--require", "read:users",
				"--resource", "server=bob"}, 2, nil, "server=USER/NAME"},
		{"check missing require",
			[]string{"check", "--granted", "read:users"}, 2, nil, "--require"},
		{"check extra argument",
			[]string{"check", "read:users", "--granted", "x", "--require", "y"}, 2, nil,
			"unknown command"},
		{"scopes unknown subcommand", []string{"nope"}, 2, nil, "unknown command"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stdout, stderr, code := runScopes(t, c.args...)
			if code != c.code {
				t.Fatalf("exit status: got %d, want %d (stderr %q)", code, c.code, stderr)
			}
			if c.stdout != nil {
				got := strings.Fields(stdout)
				if !slices.Equal(got, c.stdout) && !(len(got) == 0 && len(c.stdout) == 0) {
					t.Errorf("stdout: got %q, want %q", got, c.stdout)
				}
			}
			if !strings.Contains(stderr, c.stderr) {
				t.Errorf("stderr: got %q, want it to contain %q", stderr, c.stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("stderr: got %q, want one line", stderr)
			}
		})
	}
}

func TestParseGroupsFlag(t *testing.T) {
	got, err := parseGroupsFlag([]string{"bob=team", "ops", "carol=team,ops", "dave="})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]string{"bob": {"team", "ops"}, "carol": {"team", "ops"}, "dave": nil}
	for user, groups := range want {
		g, known := got.GroupsOf(user)
		if !known || !slices.Equal(g, groups) {
			t.Errorf("GroupsOf(%s): got %q, %v, want %q, true", user, g, known, groups)
		}
	}
	for _, bad := range [][]string{{"ops"}, {"=team"}, {"bob=team", ""}} {
		if _, err := parseGroupsFlag(bad); err == nil {
			t.Errorf("parseGroupsFlag(%q): got nil error, want one", bad)
		}
	}
}
