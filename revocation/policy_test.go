package revocation_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/revocation"
)

func TestPolicyForgetTimes(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	p := revocation.Policy{MaxTTL: time.Hour, Leeway: time.Minute}
	tests := []struct {
		name string
		got  func() (revocation.Entry, error)
		want time.Time
	}{
		{"token with exp", func() (revocation.Entry, error) {
			return p.Token("j", now.Add(10*time.Minute), now, "")
		}, now.Add(11 * time.Minute)},
		{"token without exp", func() (revocation.Entry, error) {
			return p.Token("j", time.Time{}, now, "")
		}, now.Add(61 * time.Minute)},
		{"token exp beyond max TTL", func() (revocation.Entry, error) {
			return p.Token("j", now.Add(48*time.Hour), now, "")
		}, now.Add(61 * time.Minute)},
		{"subject", func() (revocation.Entry, error) {
			return p.Subject("user", "u", now.Add(-time.Minute), now, "")
		}, now.Add(60 * time.Minute)},
		{"subject before defaults to now", func() (revocation.Entry, error) {
			return p.Subject("service", "s", time.Time{}, now, "")
		}, now.Add(61 * time.Minute)},
		{"key with JWKS exit", func() (revocation.Entry, error) {
			return p.Key("k", now.Add(3*time.Hour), now, "")
		}, now.Add(3 * time.Hour)},
		{"key without JWKS exit", func() (revocation.Entry, error) {
			return p.Key("k", time.Time{}, now, "")
		}, now.Add(61 * time.Minute)},
		{"global", func() (revocation.Entry, error) {
			return p.Global(now, now, "")
		}, now.Add(61 * time.Minute)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := tt.got()
			if err != nil {
				t.Fatalf("build: %v", err)
			}
			if !e.ExpiresAt.Equal(tt.want) {
				t.Fatalf("ExpiresAt: got %s, want %s", e.ExpiresAt, tt.want)
			}
		})
	}
}

func TestPolicyRejects(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	p := revocation.Policy{MaxTTL: time.Hour}
	tests := []struct {
		name  string
		build func() (revocation.Entry, error)
		field string
	}{
		{"missing jti", func() (revocation.Entry, error) { return p.Token("", time.Time{}, now, "") },
			"jti"},
		{"unknown subject kind", func() (revocation.Entry, error) {
			return p.Subject("group", "g", now, now, "")
		}, "subject kind"},
		{"missing subject", func() (revocation.Entry, error) {
			return p.Subject("user", "", now, now, "")
		}, "subject is missing"},
		{"before in the future", func() (revocation.Entry, error) {
			return p.Subject("user", "u", now.Add(time.Minute), now, "")
		}, "before"},
		{"missing kid", func() (revocation.Entry, error) { return p.Key("", time.Time{}, now, "") },
			"kid"},
		{"key left the JWKS already", func() (revocation.Entry, error) {
			return p.Key("k", now.Add(-time.Minute), now, "")
		}, "expires_at"},
		{"global far in the past", func() (revocation.Entry, error) {
			return p.Global(now.Add(-2*time.Hour), now, "")
		}, "expires_at"},
		{"zero max TTL", func() (revocation.Entry, error) {
			return revocation.Policy{}.Token("j", time.Time{}, now, "")
		}, "max TTL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.build()
			if err == nil {
				t.Fatal("build: got nil error, want one")
			}
			if !strings.Contains(err.Error(), tt.field) {
				t.Fatalf("error: got %q, want it to name %q", err, tt.field)
			}
		})
	}
	_, err := p.Token("", time.Time{}, now, "")
	if !errors.Is(err, revocation.ErrInvalidEntry) {
		t.Fatalf("errors.Is(%v, ErrInvalidEntry): got false, want true", err)
	}
}

func TestPolicySkewAllowed(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	p := revocation.Policy{MaxTTL: time.Hour}
	if _, err := p.Subject("user", "u", now.Add(revocation.DefaultMaxSkew), now, ""); err != nil {
		t.Fatalf("Subject with before at the skew limit: got %v, want nil", err)
	}
}

func TestCompareCursors(t *testing.T) {
	tests := []struct {
		a, b      string
		wantOrder int
		wantOK    bool
	}{
		{"", "", 0, true},
		{"", "1", -1, true},
		{"2", "10", -1, true},
		{"10", "2", 1, true},
		{"1700000000000-1", "1700000000000-0", 1, true},
		{"1700000000000-0", "1700000000001-0", -1, true},
		{"5-3", "5-3", 0, true},
		{"x", "1", 0, false},
		{"1-", "1", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.a+" vs "+tt.b, func(t *testing.T) {
			order, ok := revocation.CompareCursors(tt.a, tt.b)
			if order != tt.wantOrder || ok != tt.wantOK {
				t.Fatalf("CompareCursors(%q, %q): got %d, %v, want %d, %v", tt.a, tt.b, order, ok,
					tt.wantOrder, tt.wantOK)
			}
		})
	}
}

func TestKindJSON(t *testing.T) {
	for _, k := range []revocation.Kind{revocation.KindToken, revocation.KindSubject,
		revocation.KindKey, revocation.KindGlobal} {
		t.Run(k.String(), func(t *testing.T) {
			b, err := json.Marshal(k)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			var got revocation.Kind
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if got != k {
				t.Fatalf("round trip: got %v, want %v", got, k)
			}
		})
	}
	var k revocation.Kind
	if err := json.Unmarshal([]byte(`"group"`), &k); !errors.Is(err, revocation.ErrInvalidEntry) {
		t.Fatalf("Unmarshal(\"group\"): got %v, want ErrInvalidEntry", err)
	}
}

func TestEntryMerge(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	p := revocation.Policy{MaxTTL: time.Hour}
	a := must(t)(p.Subject("user", "u", now.Add(-time.Minute), now, "first"))
	b := must(t)(p.Subject("user", "u", now.Add(-2*time.Minute), now.Add(time.Second), "second"))
	merged := a.Merge(b)
	if !merged.Before.Equal(a.Before) {
		t.Errorf("merged before: got %s, want %s", merged.Before, a.Before)
	}
	if !merged.ExpiresAt.Equal(a.ExpiresAt) {
		t.Errorf("merged expires_at: got %s, want %s", merged.ExpiresAt, a.ExpiresAt)
	}
	if merged.Reason != "second" {
		t.Errorf("merged reason: got %q, want the newer %q", merged.Reason, "second")
	}
	if !merged.Covers(a) || !merged.Covers(b) {
		t.Error("merged entry: want it to cover both inputs")
	}
	if b.Covers(a) {
		t.Error("earlier cut-off covers a later one: got true, want false")
	}
}
