package scopes

import (
	"errors"
	"fmt"
	"testing"
)

func TestAllows(t *testing.T) {
	team := []string{"team"}
	cases := []struct {
		name     string
		versions []Version
		granted  []string
		required string
		resource string // for ParseResource; "" is no resource
		groups   []string
		want     bool
	}{
		{"unfiltered without resource", nil, []string{"read:users"}, "read:users", "", nil, true},
		{"unfiltered on a user", nil, []string{"read:users"}, "read:users", "user=bob", nil, true},
		{"unfiltered on a group", nil, []string{"read:groups"}, "read:groups", "group=g", nil,
			true},
		{"filtered needs a resource", nil, []string{"read:users!user=bob"}, "read:users", "",
			nil, false},
		{"user filter matches", nil, []string{"read:users!user=bob"}, "read:users", "user=bob",
			nil, true},
		{"user filter other user", nil, []string{"read:users!user=bob"}, "read:users",
			"user=carol", nil, false},
		{"user filter subscope", nil, []string{"read:users!user=bob"}, "read:users:name",
			"user=bob", nil, true},
		{"subscope is not parent", nil, []string{"read:users:name"}, "read:users", "user=bob",
			nil, false},
		{"user filter default server", nil, []string{"access:servers!user=bob"},
			"access:servers", "server=bob/", nil, true},
		{"user filter named server", nil, []string{"access:servers!user=bob"},
			"access:servers", "server=bob/nb", nil, true},
		{"user filter other server", nil, []string{"access:servers!user=bob"},
			"access:servers", "server=carol/", nil, false},
		{"server filter exact", nil, []string{"access:servers!server=bob/"}, "access:servers",
			"server=bob/", nil, true},
		{"server filter other name", nil, []string{"access:servers!server=bob/"},
			"access:servers", "server=bob/nb", nil, false},
		{"server filter no prefix", nil, []string{"access:servers!server=bob/nb"},
			"access:servers", "server=bob/nb2", nil, false},
		{"server filter not user", nil, []string{"access:servers!server=bob/"},
			"access:servers", "user=bob", nil, false},
		{"server filter 3.0 owner name", []Version{V30}, []string{"read:servers!server=bob/"},
			"read:users:name", "user=bob", nil, true},
		{"server filter latest no name", []Version{Latest},
			[]string{"read:servers!server=bob/"}, "read:users:name", "user=bob", nil, false},
		{"group filter member", nil, []string{"access:servers!group=team"}, "access:servers",
			"server=bob/", team, true},
		{"group filter user", nil, []string{"read:users!group=team"}, "read:users",
			"user=carol", team, true},
		{"group filter no groups", nil, []string{"access:servers!group=team"},
			"access:servers", "server=bob/", nil, false},
		{"group filter other group", nil, []string{"access:servers!group=team"},
			"access:servers", "server=dave/", []string{"ops"}, false},
		{"group filter several groups", nil, []string{"read:users!group=team"}, "read:users",
			"user=bob", []string{"ops", "team"}, true},
		{"group filter the group", nil, []string{"read:groups!group=team"}, "read:groups",
			"group=team", nil, true},
		{"group filter other group resource", nil, []string{"read:groups!group=team"},
			"read:groups", "group=ops", nil, false},
		{"service filter match", nil, []string{"access:services!service=x"},
			"access:services", "service=x", nil, true},
		{"service filter other", nil, []string{"access:services!service=x"},
			"access:services", "service=y", nil, false},
		{"service filter not user", nil, []string{"access:services!service=x"},
			"access:services", "user=x", nil, false},
		{"user filter not group", nil, []string{"read:users!user=bob"}, "read:users",
			"group=bob", nil, false},
		{"user filter not service", nil, []string{"read:users!user=bob"}, "read:users",
			"service=bob", nil, false},
		{"names are case sensitive", nil, []string{"read:users!user=Bob"}, "read:users",
			"user=bob", nil, false},
		{"scope not held", nil, []string{"read:users"}, "admin:users", "", nil, false},
		{"unknown required name", nil, []string{"read:users"}, "nope", "", nil, false},
		{"required with filter text", nil, []string{"read:users"}, "read:users!user=bob", "",
			nil, false},
		{"start servers latest self", []Version{Latest},
			[]string{"start:servers!user=alice"}, "start:servers", "server=alice/nb", nil, true},
		{"servers implies start latest", []Version{Latest}, []string{"servers!user=alice"},
			"start:servers", "server=alice/", nil, true},
		{"servers no start in 3.0", []Version{V30}, []string{"servers!user=alice"},
			"start:servers", "server=alice/", nil, false},
		{"shares implies access latest", []Version{Latest}, []string{"shares!server=bob/"},
			"access:servers", "server=bob/", nil, true},
	}
	for _, c := range cases {
		for _, v := range versionsOf(c.versions) {
			t.Run(string(v)+"/"+c.name, func(t *testing.T) {
				set, err := newModel(t, v).Compile(c.granted)
				if err != nil {
					t.Fatalf("Compile(%q): %v", c.granted, err)
				}
				var r Resource
				if c.resource != "" {
					if r, err = ParseResource(c.resource); err != nil {
						t.Fatal(err)
					}
				}
				r.Groups = c.groups
				if got := set.Allows(c.required, r); got != c.want {
					t.Errorf("Allows(%q, %s) with %q: got %v, want %v",
						c.required, c.resource, c.granted, got, c.want)
				}
			})
		}
	}
}

func TestAllowsNilSet(t *testing.T) {
	var s *Set
	if s.Allows("read:users", Resource{}) || s.Has("read:users") || s.Scopes() != nil {
		t.Error("nil Set: got access, want none")
	}
}

func TestCompileRejectsUnexpanded(t *testing.T) {
	m := newModel(t, Latest)
	for _, in := range []string{"self", "inherit", "read:users!user", "nope"} {
		_, err := m.Compile([]string{"read:hub", in})
		if err == nil {
			t.Errorf("Compile(%q): got nil error", in)
		}
		if in != "nope" && !errors.Is(err, ErrNotExpanded) {
			t.Errorf("Compile(%q): got %v, want ErrNotExpanded", in, err)
		}
	}
}

func TestCompileScopesExpanded(t *testing.T) {
	set, err := newModel(t, Latest).Compile([]string{"read:users!user=bob", "read:hub"})
	if err != nil {
		t.Fatal(err)
	}
	checkList(t, "Scopes", set.Scopes(), []string{"read:hub", "read:users!user=bob",
		"read:users:activity!user=bob", "read:users:groups!user=bob", "read:users:name!user=bob"})
}

func TestServerAccess(t *testing.T) {
	team := []string{"team"}
	cases := []struct {
		name    string
		access  ServerAccess
		granted []string
		groups  []string
		want    bool
	}{
		{"unfiltered", ServerAccess{User: "bob"}, []string{"access:servers"}, nil, true},
		{"owner user", ServerAccess{User: "bob"}, []string{"access:servers!user=bob"}, nil, true},
		{"default server", ServerAccess{User: "bob"}, []string{"access:servers!server=bob/"},
			nil, true},
		{"other server", ServerAccess{User: "bob"}, []string{"access:servers!server=bob/nb"},
			nil, false},
		{"other user", ServerAccess{User: "bob"}, []string{"access:servers!user=alice"},
			nil, false},
		{"group with membership", ServerAccess{User: "bob"},
			[]string{"access:servers!group=team"}, team, true},
		{"group without membership", ServerAccess{User: "bob"},
			[]string{"access:servers!group=team"}, nil, false},
		{"group not the owner's", ServerAccess{User: "bob"},
			[]string{"access:servers!group=team"}, []string{"ops"}, false},
		{"service scope", ServerAccess{User: "bob"}, []string{"access:services"}, nil, false},
		{"named server match", ServerAccess{User: "bob", Server: "nb"},
			[]string{"access:servers!server=bob/nb"}, nil, true},
		{"named server default held", ServerAccess{User: "bob", Server: "nb"},
			[]string{"access:servers!server=bob/"}, nil, false},
		{"named server owner", ServerAccess{User: "bob", Server: "nb"},
			[]string{"access:servers!user=bob"}, nil, true},
		{"custom scope list", ServerAccess{User: "bob",
			AccessScopes: []string{"access:servers!server=bob/"}},
			[]string{"access:servers!user=bob"}, nil, true},
		{"custom unfiltered needs unfiltered", ServerAccess{User: "bob",
			AccessScopes: []string{"access:servers"}},
			[]string{"access:servers!user=bob"}, nil, false},
		{"malformed access scope", ServerAccess{User: "bob",
			AccessScopes: []string{"access:servers!group"}}, []string{"access:servers"}, nil,
			false},
		{"nothing held", ServerAccess{User: "bob"}, nil, nil, false},
	}
	m := newModel(t, Latest)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set, err := m.Compile(c.granted)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.access.Allows(set, c.groups); got != c.want {
				t.Errorf("ServerAccess%+v.Allows(%q, %q): got %v, want %v",
					c.access, c.granted, c.groups, got, c.want)
			}
		})
	}
}

func TestServerAccessDefaults(t *testing.T) {
	got := ServerAccess{User: "bob", Server: "nb"}.Scopes()
	checkList(t, "Scopes", got, []string{"access:servers!server=bob/nb", "access:servers!user=bob"})
}

func TestParseResource(t *testing.T) {
	valid := map[string]Resource{
		"user=bob":       {Kind: KindUser, User: "bob"},
		"server=bob/":    {Kind: KindServer, User: "bob"},
		"server=bob/nb":  {Kind: KindServer, User: "bob", Server: "nb"},
		"group=team":     {Kind: KindGroup, Group: "team"},
		"service=report": {Kind: KindService, Service: "report"},
	}
	for in, want := range valid {
		got, err := ParseResource(in)
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("ParseResource(%q): got %+v, %v, want %+v", in, got, err, want)
		}
		if got.String() != in {
			t.Errorf("String: got %q, want %q", got.String(), in)
		}
	}
	for _, in := range []string{"", "bob", "user=", "server=bob", "server=/nb", "host=x",
		"user=a b"} {
		if _, err := ParseResource(in); !errors.Is(err, ErrResource) {
			t.Errorf("ParseResource(%q): got %v, want ErrResource", in, err)
		}
	}
}
