package scopes_test

import (
	"context"
	"fmt"

	"github.com/hubjwt/hubjwt/scopes"
)

func Example() {
	m, err := scopes.NewModel(scopes.Latest, nil)
	if err != nil {
		panic(err)
	}
	// The scopes of the token, as its `scope` claim carries them after minting.
	set, err := m.Compile([]string{"access:servers!group=team", "read:users!user=bob"})
	if err != nil {
		panic(err)
	}
	bobsGroups := []string{"team"}
	fmt.Println(set.Allows("access:servers", scopes.ServerResource("bob", "nb", bobsGroups)))
	fmt.Println(set.Allows("access:servers", scopes.ServerResource("dave", "", nil)))
	fmt.Println(set.Allows("read:users:name", scopes.UserResource("bob", nil)))
	fmt.Println(set.Allows("read:users", scopes.Resource{})) // unfiltered needed

	// A single-user server checks its own access scopes.
	server := scopes.ServerAccess{User: "bob", Server: "nb"}
	fmt.Println(server.Allows(set, bobsGroups))
	// Output:
	// true
	// false
	// true
	// false
	// true
}

func ExampleModel_Intersect() {
	m, _ := scopes.NewModel(scopes.Latest, nil)
	alice := scopes.User("alice")
	groups := scopes.Groups{"bob": {"team"}}
	kept, dropped, _ := m.Intersect(
		[]string{"read:users:name!user=bob", "read:users:name!user=erin", "proxy"},
		[]string{"read:users:name!group=team"}, alice, groups)
	fmt.Println(kept)
	fmt.Println(dropped)
	// Output:
	// [read:users:name!user=bob]
	// [proxy read:users:name!user=erin]
}

func ExampleStaticResolver() {
	m, _ := scopes.NewModel(scopes.Latest, nil)
	book, _ := scopes.LoadRoles("testdata/roles-team.yaml", m)
	r := scopes.NewStaticResolver(m, book)
	owner, _ := r.Resolve(context.Background(), scopes.User("alice"))

	// Minting with `inherit` gives the owner's current scopes.
	kept, _, _ := m.Intersect([]string{"inherit"}, owner, scopes.User("alice"), r)
	fmt.Println(len(kept), kept[0])
	// Output:
	// 22 access:servers!group=team
}
