package jwks_test

import (
	"context"
	"crypto"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/hubjwt/hubjwt/jwks"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newManager(t *testing.T, store jwks.Store, alg string, c *clock) *jwks.Manager {
	t.Helper()
	m, err := jwks.NewManager(store, jwks.Config{Algorithm: alg, Retention: 2 * time.Hour},
		jwks.WithClock(c.Now))
	if err != nil {
		t.Fatalf("NewManager: %v", err)
	}
	if err := m.Load(context.Background()); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return m
}

func states(m *jwks.Manager) map[jwks.State]int {
	out := map[jwks.State]int{}
	for _, k := range m.Keys() {
		out[k.State]++
	}
	return out
}

func TestManagerFirstStartCreatesActiveAndNext(t *testing.T) {
	for _, alg := range jwks.Algorithms {
		t.Run(alg, func(t *testing.T) {
			c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
			m := newManager(t, &jwks.MemoryStore{}, alg, c)
			got := states(m)
			if got[jwks.StateActive] != 1 || got[jwks.StateNext] != 1 || len(m.Keys()) != 2 {
				t.Fatalf("states: got %v, want one active and one next", got)
			}
			for _, k := range m.Keys() {
				if k.Algorithm != alg {
					t.Errorf("key %s alg: got %s, want %s", k.ID, k.Algorithm, alg)
				}
			}
		})
	}
}

// TestDocumentPublicMembersOnly checks every published JWK with an independent
// JOSE implementation: public only, kid is the RFC 7638 thumbprint, alg and use set.
func TestDocumentPublicMembersOnly(t *testing.T) {
	for _, alg := range jwks.Algorithms {
		t.Run(alg, func(t *testing.T) {
			c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
			m := newManager(t, &jwks.MemoryStore{}, alg, c)
			doc := m.Document()
			var raw struct {
				Keys []map[string]any `json:"keys"`
			}
			if err := json.Unmarshal(doc.Body, &raw); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if len(raw.Keys) != 2 {
				t.Fatalf("published keys: got %d, want 2", len(raw.Keys))
			}
			for _, k := range raw.Keys {
				for _, private := range []string{"d", "p", "q", "dp", "dq", "qi", "k"} {
					if _, ok := k[private]; ok {
						t.Errorf("key %v publishes private member %q", k["kid"], private)
					}
				}
				if k["alg"] != alg || k["use"] != "sig" {
					t.Errorf("key %v: alg %v use %v, want %s sig", k["kid"], k["alg"], k["use"], alg)
				}
			}
			var set jose.JSONWebKeySet
			if err := json.Unmarshal(doc.Body, &set); err != nil {
				t.Fatalf("go-jose decode: %v", err)
			}
			for _, k := range set.Keys {
				sum, err := k.Thumbprint(crypto.SHA256)
				if err != nil {
					t.Fatalf("thumbprint: %v", err)
				}
				if want := base64.RawURLEncoding.EncodeToString(sum); k.KeyID != want {
					t.Errorf("kid: got %s, want thumbprint %s", k.KeyID, want)
				}
				if rk, ok := k.Key.(*rsa.PublicKey); ok && rk.N.BitLen() < 2048 {
					t.Errorf("RSA key %s has %d bits, want at least 2048", k.KeyID, rk.N.BitLen())
				}
			}
		})
	}
}

func TestManagerReloadKeepsETag(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	store := &jwks.MemoryStore{}
	first := newManager(t, store, "ES256", c)
	second := newManager(t, store, "ES256", c)
	if a, b := first.Document(), second.Document(); a.ETag != b.ETag || string(a.Body) != string(b.Body) {
		t.Fatalf("two loads of one store differ: %s vs %s", a.ETag, b.ETag)
	}
	if first.ActiveKeyID() != second.ActiveKeyID() {
		t.Fatalf("active kid: got %s and %s", first.ActiveKeyID(), second.ActiveKeyID())
	}
}

func TestManagerRotate(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	m := newManager(t, &jwks.MemoryStore{}, "EdDSA", c)
	before := map[jwks.State]string{}
	for _, k := range m.Keys() {
		before[k.State] = k.ID
	}
	oldETag := m.Document().ETag
	c.Add(time.Minute)
	kid, err := m.Rotate(context.Background(), "test")
	if err != nil {
		t.Fatalf("Rotate: %v", err)
	}
	if kid != before[jwks.StateNext] {
		t.Errorf("new active: got %s, want the former next key %s", kid, before[jwks.StateNext])
	}
	after := map[string]jwks.Info{}
	for _, k := range m.Keys() {
		after[k.ID] = k
	}
	if got := after[before[jwks.StateActive]].State; got != jwks.StateRetired {
		t.Errorf("former active key state: got %s, want retired", got)
	}
	if got := states(m); got[jwks.StateNext] != 1 || got[jwks.StateActive] != 1 {
		t.Errorf("states after rotate: got %v, want one next and one active", got)
	}
	if m.Document().ETag == oldETag {
		t.Error("ETag did not change after rotation")
	}
	if !strings.Contains(string(m.Document().Body), before[jwks.StateActive]) {
		t.Error("retired key left the JWK Set before its retention ended")
	}
	c.Add(3 * time.Hour)
	if _, err := m.Rotate(context.Background(), "test"); err != nil {
		t.Fatalf("second Rotate: %v", err)
	}
	if strings.Contains(string(m.Document().Body), before[jwks.StateActive]) {
		t.Error("retired key still published after its retention ended")
	}
}

func TestManagerConcurrentFirstStart(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	store := &jwks.MemoryStore{}
	var wg sync.WaitGroup
	kids := make([]string, 4)
	for i := range kids {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			m, err := jwks.NewManager(store, jwks.Config{Retention: time.Hour}, jwks.WithClock(c.Now))
			if err != nil {
				t.Errorf("NewManager: %v", err)
				return
			}
			if err := m.Load(context.Background()); err != nil {
				t.Errorf("Load: %v", err)
				return
			}
			kids[i] = m.ActiveKeyID()
		}(i)
	}
	wg.Wait()
	for i := range kids {
		if kids[i] != kids[0] {
			t.Fatalf("active kids differ: %v", kids)
		}
	}
	snap, _ := store.Load(context.Background())
	if len(snap.Records) != 2 {
		t.Fatalf("stored records: got %d, want 2 (one key set, not several)", len(snap.Records))
	}
}

func TestParseAlgorithmRejectsUnknown(t *testing.T) {
	for _, name := range []string{"HS256", "none", "es256", "RS512", ""} {
		if _, err := jwks.ParseAlgorithm(name); err == nil {
			t.Errorf("ParseAlgorithm(%q): got nil error, want rejection", name)
		}
	}
}
