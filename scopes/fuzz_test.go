package scopes

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"read:users", "read:users!user=alice", "read:users!user", "access:servers!server=a/",
		"read:users!user=a!group=b", "read:users!group", "all", "", "self!user=x",
		"access:servers!server=a", "read:users!user=\xff", "x!=y", "!", "a!b=c=d",
	} {
		f.Add(seed)
	}
	m, err := NewModel(Latest, nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in string) {
		sc, err := parseSyntax(in)
		if err != nil {
			if !errors.Is(err, ErrScopeSyntax) {
				t.Fatalf("parseSyntax(%q): got %v, want ErrScopeSyntax", in, err)
			}
			return
		}
		if out := sc.String(); out != in {
			t.Fatalf("round trip: parsed %q into %+v, String gives %q", in, sc, out)
		}
		again, err := parseSyntax(sc.String())
		if err != nil || again != sc {
			t.Fatalf("reparse %q: got %+v, %v, want %+v", sc.String(), again, err, sc)
		}
		if checked, err := m.Parse(in); err == nil && checked != sc {
			t.Fatalf("Model.Parse(%q): got %+v, want %+v", in, checked, sc)
		}
	})
}

// FuzzExpand checks properties of expansion on space-separated scope lists:
// expanding twice changes nothing, and a list intersected with itself is its
// expansion without `inherit`.
func FuzzExpand(f *testing.F) {
	for _, seed := range []string{
		"self read:users!user", "servers!server=bob/nb read:users!group=team",
		"inherit read:hub", "shares!server=a/b users!user=x list:users", "admin:users",
	} {
		f.Add(seed, true)
	}
	models := map[bool]*Model{}
	for latest, v := range map[bool]Version{true: Latest, false: V30} {
		m, err := NewModel(v, nil)
		if err != nil {
			f.Fatal(err)
		}
		models[latest] = m
	}
	f.Fuzz(func(t *testing.T, list string, latest bool) {
		m, in, owner := models[latest], strings.Fields(list), User("alice")
		once, err := m.Expand(in, owner)
		if err != nil {
			return
		}
		twice, err := m.Expand(once, owner)
		if err != nil || !slices.Equal(once, twice) {
			t.Fatalf("Expand twice: got %q, %v, want %q", twice, err, once)
		}
		kept, _, err := m.Intersect(in, in, owner, nil)
		want := slices.DeleteFunc(slices.Clone(once), func(s string) bool {
			return s == "inherit"
		})
		if err != nil || !slices.Equal(kept, want) && !(len(kept) == 0 && len(want) == 0) {
			t.Fatalf("Intersect with itself: got %q, %v, want %q", kept, err, want)
		}
	})
}
