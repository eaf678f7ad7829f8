package token_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/hubjwt/hubjwt/token"
)

// publicJWK returns the fixture's active public key as JSON.
func publicJWK(t *testing.T, f *fixture) string {
	t.Helper()
	k, ok := f.publicSet().LookupKeyID(f.keys.ActiveKeyID())
	if !ok {
		t.Fatal("active key not published")
	}
	b, err := json.Marshal(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestParseSetSkipsUnknownKeyTypes(t *testing.T) {
	f := newFixture(t, "ES256")
	doc := `{"keys":[{"kty":"AKP","alg":"ML-DSA-44","kid":"pq","pub":"AAAA"},` + publicJWK(t, f) + `]}`
	set, skipped, err := token.ParseSet([]byte(doc))
	if err != nil {
		t.Fatalf("ParseSet: %v", err)
	}
	if set.Len() != 1 || len(skipped) != 1 {
		t.Fatalf("got %d keys and %d skipped, want 1 and 1", set.Len(), len(skipped))
	}
	src, err := token.NewStaticKeys(set)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.Key(context.Background(), f.keys.ActiveKeyID()); err != nil {
		t.Errorf("the good key is not usable: %v", err)
	}
	for _, bad := range []string{`[]`, `{}`, `{"keys":{}}`, `nope`} {
		if _, _, err := token.ParseSet([]byte(bad)); err == nil {
			t.Errorf("ParseSet(%s): got nil error", bad)
		}
	}
}

func TestDuplicateKidsAreIgnored(t *testing.T) {
	f := newFixture(t, "ES256")
	other := newFixture(t, "ES256")
	// A different key under the real kid, then the real key, repeated n times.
	fake := strings.Replace(publicJWK(t, other), other.keys.ActiveKeyID(), f.keys.ActiveKeyID(), 1)
	real := publicJWK(t, f)
	for _, members := range [][]string{{real, real}, {real, real, real}, {fake, fake, real}, {real, fake, fake}} {
		set, _, err := token.ParseSet([]byte(`{"keys":[` + strings.Join(members, ",") + `]}`))
		if err != nil {
			t.Fatal(err)
		}
		src, err := token.NewStaticKeys(set)
		if err == nil {
			_, err = src.Key(context.Background(), f.keys.ActiveKeyID())
		}
		if err == nil || !(errors.Is(err, token.ErrUnknownKey) || errors.Is(err, token.ErrKeySource)) {
			t.Errorf("%d copies of one kid: got %v, want the kid ignored", len(members), err)
		}
	}
}
