package jwks_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/jwks"
)

const (
	secretA = "k8C0oU3v1qk0QF0Yj0q9m8nQ5l3Xn8r2Zc4uB7yW1sE="
	secretB = "p1Vt5xNq0a6Hh2Lw9eR3cY7uJ4kS8mZ0bD6fG2nQ1tA="
)

func sealer(t *testing.T, secret string) *jwks.JWESealer {
	t.Helper()
	s, err := jwks.NewJWESealer([]byte(secret))
	if err != nil {
		t.Fatalf("NewJWESealer: %v", err)
	}
	return s
}

func TestJWESealerRoundTrip(t *testing.T) {
	s := sealer(t, secretA)
	sealed, err := s.Seal([]byte(`{"kty":"EC","d":"secret"}`))
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	if strings.Contains(sealed, "secret") || strings.Count(sealed, ".") != 4 {
		t.Fatalf("sealed form: got %q, want a compact JWE without the plaintext", sealed)
	}
	got, err := sealer(t, secretA).Open(sealed)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	if string(got) != `{"kty":"EC","d":"secret"}` {
		t.Fatalf("Open: got %s, want the sealed plaintext", got)
	}
}

func TestSealerMismatches(t *testing.T) {
	sealedA, err := sealer(t, secretA).Seal([]byte(`{"kty":"EC"}`))
	if err != nil {
		t.Fatalf("Seal: %v", err)
	}
	cases := []struct {
		name   string
		open   jwks.Sealer
		sealed string
		want   error
	}{
		{"another secret", sealer(t, secretB), sealedA, jwks.ErrWrongEncryptionKey},
		{"plaintext reader", jwks.Plaintext{}, sealedA, jwks.ErrEncrypted},
		{"encrypted reader", sealer(t, secretA), `{"kty":"EC"}`, jwks.ErrNotEncrypted},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := c.open.Open(c.sealed); !errors.Is(err, c.want) {
				t.Fatalf("Open: got %v, want %v", err, c.want)
			}
		})
	}
}

func TestJWESealerRejectsShortSecret(t *testing.T) {
	if _, err := jwks.NewJWESealer([]byte("hunter2")); !errors.Is(err, jwks.ErrWeakEncryptionKey) {
		t.Fatalf("NewJWESealer(short): got %v, want ErrWeakEncryptionKey", err)
	}
}

func TestManagerWrongEncryptionKeyLeavesStore(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	store := &jwks.MemoryStore{}
	ctx := context.Background()
	first, err := jwks.NewManager(store, jwks.Config{Retention: time.Hour},
		jwks.WithClock(c.Now), jwks.WithSealer(sealer(t, secretA)))
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Load(ctx); err != nil {
		t.Fatalf("Load with secret A: %v", err)
	}
	before, _ := store.Load(ctx)
	second, err := jwks.NewManager(store, jwks.Config{Retention: time.Hour},
		jwks.WithClock(c.Now), jwks.WithSealer(sealer(t, secretB)))
	if err != nil {
		t.Fatal(err)
	}
	if err := second.Load(ctx); !errors.Is(err, jwks.ErrWrongEncryptionKey) {
		t.Fatalf("Load with secret B: got %v, want ErrWrongEncryptionKey", err)
	}
	after, _ := store.Load(ctx)
	if after.Version != before.Version {
		t.Fatalf("store version: got %d, want %d (untouched)", after.Version, before.Version)
	}
}
