package server

import (
	"testing"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/scopes"
)

func TestServerClientCandidates(t *testing.T) {
	cases := []struct {
		suffix string
		want   []scopes.ServerAccess
	}{
		{"alice", []scopes.ServerAccess{{User: "alice"}}},
		{"alice-foo", []scopes.ServerAccess{{User: "alice-foo"}, {User: "alice", Server: "foo"}}},
		{"a%40b", []scopes.ServerAccess{{User: "a@b"}}},
		{"a-b-c", []scopes.ServerAccess{{User: "a-b-c"}, {User: "a", Server: "b-c"},
			{User: "a-b", Server: "c"}}},
		{"-x", []scopes.ServerAccess{{User: "-x"}}},
		{"bad%zz", nil},
	}
	for _, tc := range cases {
		t.Run(tc.suffix, func(t *testing.T) {
			got := serverClientCandidates(tc.suffix)
			if len(got) != len(tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i].User != tc.want[i].User || got[i].Server != tc.want[i].Server {
					t.Errorf("candidate %d: got %s/%s, want %s/%s", i, got[i].User, got[i].Server,
						tc.want[i].User, tc.want[i].Server)
				}
			}
		})
	}
}

func TestOpensNamedServer(t *testing.T) {
	m, err := scopes.NewModel(scopes.Latest, nil)
	if err != nil {
		t.Fatal(err)
	}
	set, err := m.Compile([]string{"access:servers!user=alice"})
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{}
	for aud, want := range map[string]bool{
		"jupyterhub-user-alice":     true,
		"jupyterhub-user-alice-foo": true, // alice's named server foo
		"jupyterhub-user-bob":       false,
		"jupyterhub-user-bob-alice": false,
		"service-grader":            false,
	} {
		if got := s.opens(set, aud, hubapi.Identity{Kind: "user", Name: "alice"}); got != want {
			t.Errorf("opens(%q): got %v, want %v", aud, got, want)
		}
	}
}
