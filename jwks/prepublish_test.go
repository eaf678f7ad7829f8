package jwks_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/jwks"
)

func TestCheckPrepublished(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	active := jwks.Info{ID: "a", State: jwks.StateActive, CreatedAt: now.Add(-48 * time.Hour)}
	cases := []struct {
		name string
		next *jwks.Info
		ok   bool
	}{
		{"next published long enough", &jwks.Info{ID: "n", State: jwks.StateNext, CreatedAt: now.Add(-25 * time.Hour)}, true},
		{"next published just now", &jwks.Info{ID: "n", State: jwks.StateNext, CreatedAt: now.Add(-time.Minute)}, false},
		{"no next key", nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			keys := []jwks.Info{active}
			if tc.next != nil {
				keys = append(keys, *tc.next)
			}
			err := jwks.CheckPrepublished(keys, 24*time.Hour, now)
			if got := err == nil; got != tc.ok {
				t.Fatalf("got %v, want ok=%v", err, tc.ok)
			}
			if err != nil && !errors.Is(err, jwks.ErrNotPrepublished) {
				t.Errorf("error %v does not wrap ErrNotPrepublished", err)
			}
		})
	}
}
