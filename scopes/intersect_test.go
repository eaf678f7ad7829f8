package scopes

import "testing"

type intersectCase struct {
	Name        string    `json:"name"`
	Versions    []Version `json:"versions"`
	Owner       string    `json:"owner"`
	Groups      Groups    `json:"groups"`
	Token       []string  `json:"token"`
	OwnerScopes []string  `json:"owner_scopes"`
	Kept        []string  `json:"kept"`
	Dropped     []string  `json:"dropped"`
	Error       string    `json:"error"`
}

func TestIntersectCases(t *testing.T) {
	for _, c := range readCases[intersectCase](t, "intersect.json") {
		for _, v := range versionsOf(c.Versions) {
			t.Run(string(v)+"/"+c.Name, func(t *testing.T) {
				var lookup GroupLookup
				if c.Groups != nil {
					lookup = c.Groups
				}
				kept, dropped, err := newModel(t, v).Intersect(
					c.Token, c.OwnerScopes, ownerOf(t, c.Owner), lookup)
				if c.Error != "" {
					checkError(t, err, c.Error)
					return
				}
				if err != nil {
					t.Fatalf("Intersect: %v", err)
				}
				checkList(t, "kept", kept, c.Kept)
				checkList(t, "dropped", dropped, c.Dropped)
			})
		}
	}
}

// TestIntersectSymmetric checks that swapping the sides keeps the same result for
// cases without inherit, as JupyterHub's intersection is symmetric.
func TestIntersectSymmetric(t *testing.T) {
	for _, c := range readCases[intersectCase](t, "intersect.json") {
		if c.Error != "" || contains(c.Token, "inherit") || contains(c.OwnerScopes, "inherit") {
			continue
		}
		for _, v := range versionsOf(c.Versions) {
			t.Run(string(v)+"/"+c.Name, func(t *testing.T) {
				var lookup GroupLookup
				if c.Groups != nil {
					lookup = c.Groups
				}
				m := newModel(t, v)
				o := ownerOf(t, c.Owner)
				ab, _, err := m.Intersect(c.Token, c.OwnerScopes, o, lookup)
				if err != nil {
					t.Fatal(err)
				}
				ba, _, err := m.Intersect(c.OwnerScopes, c.Token, o, lookup)
				if err != nil {
					t.Fatal(err)
				}
				checkList(t, "swapped", ba, ab)
			})
		}
	}
}
