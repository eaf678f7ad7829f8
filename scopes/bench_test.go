package scopes

import "testing"

// tenFiltered is a Set of 10 filtered scopes, the size of a typical user token.
var tenFiltered = []string{
	"read:users!user=alice", "read:users!group=team", "access:servers!server=bob/nb",
	"access:servers!user=alice", "access:servers!group=team", "read:servers!user=alice",
	"read:groups!group=team", "access:services!service=grader", "tokens!user=alice",
	"users:activity!user=alice",
}

// accessChecks are the resources the allocation test and the benchmark check.
var accessChecks = []struct {
	required string
	resource Resource
}{
	{"access:servers", ServerResource("carol", "", []string{"ops", "team"})},
	{"access:servers", ServerResource("bob", "nb", nil)},
	{"read:users", UserResource("dave", []string{"ops"})},
	{"read:groups", Resource{Kind: KindGroup, Group: "team"}},
	{"access:services", Resource{Kind: KindService, Service: "grader"}},
	{"read:users:name", Resource{}},
	{"admin:users", UserResource("alice", nil)},
}

func TestAllowsAllocationFree(t *testing.T) {
	set, err := newModel(t, Latest).Compile(tenFiltered)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range accessChecks {
		allocs := testing.AllocsPerRun(1000, func() { set.Allows(c.required, c.resource) })
		if allocs != 0 {
			t.Errorf("Allows(%q, %s): got %v allocations, want 0", c.required,
				c.resource, allocs)
		}
	}
}

func BenchmarkAllows(b *testing.B) {
	set, err := newModel(b, Latest).Compile(tenFiltered)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c := accessChecks[i%len(accessChecks)]
		set.Allows(c.required, c.resource)
	}
}

func BenchmarkExpandLargest(b *testing.B) {
	m := newModel(b, Latest)
	for _, name := range []string{"admin:users", "admin:servers", "shares"} {
		b.Run(name, func(b *testing.B) {
			in := []string{name + "!user=alice"}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := m.Expand(in, Owner{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkExpandSelf(b *testing.B) {
	m := newModel(b, Latest)
	in := []string{"self"}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := m.Expand(in, User("alice")); err != nil {
			b.Fatal(err)
		}
	}
}
