package scopes

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	cases := []struct {
		in       string
		versions []Version
		want     Scope
	}{
		{"read:users", nil, Scope{Name: "read:users"}},
		{"read:users!user=alice", nil, Scope{Name: "read:users", Kind: KindUser, Value: "alice"}},
		{"read:users!user", nil, Scope{Name: "read:users", Kind: KindUser, Bare: true}},
		{"access:services!service", nil,
			Scope{Name: "access:services", Kind: KindService, Bare: true}},
		{"access:servers!server", nil,
			Scope{Name: "access:servers", Kind: KindServer, Bare: true}},
		{"read:users!group=team", nil,
			Scope{Name: "read:users", Kind: KindGroup, Value: "team"}},
		{"access:servers!server=alice/", nil,
			Scope{Name: "access:servers", Kind: KindServer, Value: "alice/"}},
		{"access:servers!server=alice/nb", nil,
			Scope{Name: "access:servers", Kind: KindServer, Value: "alice/nb"}},
		{"access:servers!server=alice/a/b", nil,
			Scope{Name: "access:servers", Kind: KindServer, Value: "alice/a/b"}},
		{"read:users!user=a!group=b", nil,
			Scope{Name: "read:users", Kind: KindUser, Value: "a!group=b"}},
		{"read:users!user=a=b", nil, Scope{Name: "read:users", Kind: KindUser, Value: "a=b"}},
		{"access:services!service=jupyter-ä", nil,
			Scope{Name: "access:services", Kind: KindService, Value: "jupyter-ä"}},
		{"(no_scope)", nil, Scope{Name: "(no_scope)"}},
		{"self", nil, Scope{Name: "self"}},
		{"inherit", nil, Scope{Name: "inherit"}},
		{"shares!user=bob", []Version{Latest},
			Scope{Name: "shares", Kind: KindUser, Value: "bob"}},
		{"start:servers", []Version{Latest}, Scope{Name: "start:servers"}},
		{"admin:services", []Version{Latest}, Scope{Name: "admin:services"}},
		{"read:groups:shares!group=g", []Version{Latest},
			Scope{Name: "read:groups:shares", Kind: KindGroup, Value: "g"}},
	}
	for _, c := range cases {
		for _, v := range versionsOf(c.versions) {
			t.Run(string(v)+"/"+c.in, func(t *testing.T) {
				got, err := newModel(t, v).Parse(c.in)
				if err != nil {
					t.Fatalf("Parse(%q): %v", c.in, err)
				}
				if got != c.want {
					t.Errorf("Parse(%q): got %+v, want %+v", c.in, got, c.want)
				}
				if s := got.String(); s != c.in {
					t.Errorf("String: got %q, want %q", s, c.in)
				}
			})
		}
	}
}

func TestParseInvalid(t *testing.T) {
	cases := []struct {
		in       string
		versions []Version
		want     error
		reason   string // a part of the message
	}{
		{"", nil, ErrScopeSyntax, "empty"},
		{"all", nil, ErrUnknownScope, "now called \"inherit\""},
		{"all!user=bob", nil, ErrUnknownScope, "inherit"},
		{"read:user", nil, ErrUnknownScope, "not in the JupyterHub"},
		{"READ:USERS", nil, ErrUnknownScope, "not in the JupyterHub"},
		{"custom:undeclared", nil, ErrUnknownScope, "custom scope"},
		{"read:users!group", nil, ErrScopeSyntax, "!group=NAME"},
		{"read:users!foo=bar", nil, ErrScopeSyntax, "unknown filter kind \"foo\""},
		{"read:users!foo", nil, ErrScopeSyntax, "unknown filter kind \"foo\""},
		{"read:users!User=bob", nil, ErrScopeSyntax, "unknown filter kind \"User\""},
		{"read:users!", nil, ErrScopeSyntax, "filter after '!' is empty"},
		{"read:users!=bob", nil, ErrScopeSyntax, "unknown filter kind \"\""},
		{"read:users!user=", nil, ErrScopeSyntax, "value after '=' is empty"},
		{"read:users!group=", nil, ErrScopeSyntax, "value after '=' is empty"},
		{"!user=bob", nil, ErrScopeSyntax, "name before '!' is empty"},
		{"read:users !user=bob", nil, ErrScopeSyntax, "whitespace"},
		{"read:users read:hub", nil, ErrScopeSyntax, "one scope per list entry"},
		{"read:users\t", nil, ErrScopeSyntax, "whitespace"},
		{"read:users\n", nil, ErrScopeSyntax, "whitespace"},
		{"read:users\x00", nil, ErrScopeSyntax, "control"},
		{"read:users!user=bo\u00a0b", nil, ErrScopeSyntax, "whitespace"},
		{"read:users!user=\xff", nil, ErrScopeSyntax, "UTF-8"},
		{"access:servers!server=alice", nil, ErrScopeSyntax, "USER/NAME"},
		{"access:servers!server=/nb", nil, ErrScopeSyntax, "USER/NAME"},
		{"access:servers!server=", nil, ErrScopeSyntax, "empty"},
		{"self!user=bob", nil, ErrScopeSyntax, "takes no filter"},
		{"self!user", nil, ErrScopeSyntax, "takes no filter"},
		{"inherit!user=bob", nil, ErrScopeSyntax, "takes no filter"},
		{"(no_scope)!user=bob", nil, ErrScopeSyntax, "takes no filter"},
		{"shares", []Version{V30}, ErrUnknownScope, "3.0 scope table"},
		{"start:servers", []Version{V30}, ErrUnknownScope, "3.0 scope table"},
		{"read:users:shares!user=bob", []Version{V30}, ErrUnknownScope, "3.0"},
		{"admin:services", []Version{V30}, ErrUnknownScope, "3.0"},
	}
	for _, c := range cases {
		for _, v := range versionsOf(c.versions) {
			t.Run(string(v)+"/"+c.in, func(t *testing.T) {
				_, err := newModel(t, v).Parse(c.in)
				if !errors.Is(err, c.want) {
					t.Fatalf("Parse(%q): got error %v, want %v", c.in, err, c.want)
				}
				var se *ScopeError
				if !errors.As(err, &se) || se.Scope != c.in {
					t.Fatalf("Parse(%q): got %#v, want a *ScopeError carrying the scope", c.in, err)
				}
				if msg := err.Error(); !strings.Contains(msg, c.reason) ||
					!strings.HasPrefix(msg, "scopes: ") {
					t.Errorf("message: got %q, want it to start with \"scopes: \" "+
						"and contain %q", msg, c.reason)
				}
			})
		}
	}
}

func TestValidateJoinsAllProblems(t *testing.T) {
	m := newModel(t, Latest)
	err := m.Validate([]string{"read:hub", "all", "read:users!group", "nope"})
	for _, want := range []string{`"all"`, `"read:users!group"`, `"nope"`} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate: got %v, want it to name %s", err, want)
		}
	}
	if !errors.Is(err, ErrUnknownScope) || !errors.Is(err, ErrScopeSyntax) {
		t.Errorf("Validate: got %v, want both sentinels", err)
	}
	if err := m.Validate([]string{"read:hub", "self"}); err != nil {
		t.Errorf("Validate valid scopes: got %v, want nil", err)
	}
}

func TestParseVersion(t *testing.T) {
	for _, s := range []string{"3.0", "latest"} {
		if v, err := ParseVersion(s); err != nil || string(v) != s {
			t.Errorf("ParseVersion(%q): got %q, %v", s, v, err)
		}
	}
	for _, s := range []string{"", "3", "5.0", "Latest"} {
		if _, err := ParseVersion(s); !errors.Is(err, ErrVersion) {
			t.Errorf("ParseVersion(%q): got %v, want ErrVersion", s, err)
		}
	}
	if _, err := NewModel("4.0", nil); !errors.Is(err, ErrVersion) {
		t.Errorf("NewModel(4.0): got %v, want ErrVersion", err)
	}
}

func TestParseOwner(t *testing.T) {
	valid := map[string]Owner{"user=alice": User("alice"), "service=x": Service("x")}
	for in, want := range valid {
		got, err := ParseOwner(in)
		if err != nil || got != want {
			t.Errorf("ParseOwner(%q): got %+v, %v, want %+v", in, got, err, want)
		}
		if got.String() != in {
			t.Errorf("String: got %q, want %q", got.String(), in)
		}
	}
	for _, in := range []string{"", "alice", "user=", "group=team", "user=a b", "=x"} {
		if _, err := ParseOwner(in); !errors.Is(err, ErrOwner) {
			t.Errorf("ParseOwner(%q): got %v, want ErrOwner", in, err)
		}
	}
}

func TestCustomScopes(t *testing.T) {
	custom := []Custom{
		{Name: "custom:grades:read", Description: "read grades"},
		{Name: "custom:grades:write", Description: "write grades",
			Subscopes: []string{"custom:grades:read"}},
	}
	for _, v := range allVersions {
		m, err := NewModel(v, custom)
		if err != nil {
			t.Fatalf("NewModel: %v", err)
		}
		got, err := m.Expand([]string{"custom:grades:write!user=bob"}, Owner{})
		if err != nil {
			t.Fatal(err)
		}
		checkList(t, "expand custom", got,
			[]string{"custom:grades:read!user=bob", "custom:grades:write!user=bob"})
	}
}

func TestCustomScopesInvalid(t *testing.T) {
	cases := []struct {
		name   string
		custom []Custom
		reason string
	}{
		{"no prefix", []Custom{{Name: "grades", Description: "d"}}, "must match"},
		{"upper case", []Custom{{Name: "custom:Grades", Description: "d"}}, "must match"},
		{"too short", []Custom{{Name: "custom:ab", Description: "d"}}, "must match"},
		{"trailing dash", []Custom{{Name: "custom:grades-", Description: "d"}}, "must match"},
		{"no description", []Custom{{Name: "custom:grades"}}, "description is required"},
		{"twice", []Custom{{Name: "custom:abc", Description: "d"},
			{Name: "custom:abc", Description: "d"}}, "declared twice"},
		{"builtin subscope", []Custom{{Name: "custom:abc", Description: "d",
			Subscopes: []string{"read:users"}}}, "not a custom scope"},
		{"undeclared subscope", []Custom{{Name: "custom:abc", Description: "d",
			Subscopes: []string{"custom:cde"}}}, "not a custom scope"},
		{"filtered subscope", []Custom{{Name: "custom:abc", Description: "d"},
			{Name: "custom:cde", Description: "d", Subscopes: []string{"custom:abc!user=x"}}},
			"not a custom scope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := NewModel(Latest, c.custom)
			if !errors.Is(err, ErrCustomScope) {
				t.Fatalf("got %v, want ErrCustomScope", err)
			}
			if !strings.Contains(err.Error(), c.reason) {
				t.Errorf("message: got %q, want it to contain %q", err, c.reason)
			}
		})
	}
}

func TestCustomScopesCycle(t *testing.T) {
	m, err := NewModel(Latest, []Custom{
		{Name: "custom:abc", Description: "a", Subscopes: []string{"custom:cde"}},
		{Name: "custom:cde", Description: "c", Subscopes: []string{"custom:abc"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := m.Expand([]string{"custom:abc"}, Owner{})
	if err != nil {
		t.Fatal(err)
	}
	checkList(t, "expand cycle", got, []string{"custom:abc", "custom:cde"})
}
