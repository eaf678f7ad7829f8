package scopes

import (
	"bufio"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

type expandCase struct {
	Name     string    `json:"name"`
	Versions []Version `json:"versions"`
	Owner    string    `json:"owner"`
	Scopes   []string  `json:"scopes"`
	Want     []string  `json:"want"`
	Error    string    `json:"error"`
}

func TestExpandCases(t *testing.T) {
	for _, c := range readCases[expandCase](t, "expand.json") {
		for _, v := range versionsOf(c.Versions) {
			t.Run(string(v)+"/"+c.Name, func(t *testing.T) {
				got, err := newModel(t, v).Expand(c.Scopes, ownerOf(t, c.Owner))
				if c.Error != "" {
					checkError(t, err, c.Error)
					return
				}
				if err != nil {
					t.Fatalf("Expand(%q): %v", c.Scopes, err)
				}
				checkList(t, "Expand", got, c.Want)
			})
		}
	}
}

// readFullExpansion returns name -> full expansion (itself included) for v.
func readFullExpansion(t *testing.T, v Version) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "full-expansion.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string][]string{}
	lines := bufio.NewScanner(f)
	for lines.Scan() {
		line := lines.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") {
			tag, rest, _ := strings.Cut(line[1:], "] ")
			if Version(tag) != v {
				continue
			}
			line = rest
		}
		name, subs, found := strings.Cut(line, ": ")
		if !found {
			name = strings.TrimSuffix(line, ":")
		}
		full := append(strings.Fields(subs), name)
		sort.Strings(full)
		want[name] = full
	}
	return want
}

func TestExpandEveryTableScope(t *testing.T) {
	for _, v := range allVersions {
		m := newModel(t, v)
		want := readFullExpansion(t, v)
		checkList(t, string(v)+" names", m.Names(), sortedNames(want))
		for name, full := range want {
			t.Run(string(v)+"/"+name, func(t *testing.T) {
				if name == "self" || name == "inherit" {
					return // meta scopes expand by owner; see TestExpandCases
				}
				got, err := m.Expand([]string{name}, Owner{})
				if err != nil {
					t.Fatal(err)
				}
				checkList(t, "Expand", got, full)
				checkList(t, "Subscopes", m.Subscopes(name), full)
			})
		}
	}
}

func TestTableSizes(t *testing.T) {
	for v, want := range map[Version]int{V30: 40, Latest: 48} {
		if got := len(newModel(t, v).Names()); got != want {
			t.Errorf("%s table: got %d names, want %d", v, got, want)
		}
	}
}

func TestExpandIdempotent(t *testing.T) {
	for _, v := range allVersions {
		m := newModel(t, v)
		in := []string{"self", "servers!server=bob/nb", "read:users!group=team", "shares"}
		if v == V30 {
			in = in[:3]
		}
		once, err := m.Expand(in, User("alice"))
		if err != nil {
			t.Fatal(err)
		}
		twice, err := m.Expand(once, User("alice"))
		if err != nil {
			t.Fatal(err)
		}
		checkList(t, string(v)+" expand twice", twice, once)
	}
}

func TestExpandRejectsBadOwner(t *testing.T) {
	m := newModel(t, Latest)
	for _, o := range []Owner{{Kind: "group", Name: "x"}, {Kind: OwnerUser}} {
		if _, err := m.Expand([]string{"self"}, o); err == nil {
			t.Errorf("Expand with owner %+v: got nil error, want ErrOwner", o)
		}
	}
}

func TestNormalize(t *testing.T) {
	got := Normalize([]string{"read:hub", "", "access:servers!user=bob", "read:hub"})
	if want := "access:servers!user=bob read:hub"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := Normalize(nil); got != "" {
		t.Errorf("Normalize(nil): got %q, want empty", got)
	}
}

func sortedNames(m map[string][]string) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
