package scopes

import (
	"errors"
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
