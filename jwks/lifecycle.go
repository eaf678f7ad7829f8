package jwks

import (
	"fmt"
	"time"
)

// bootstrap returns the key set of a first start: one active key and one next key.
func bootstrap(alg string, now time.Time) ([]*Key, error) {
	active, err := Generate(alg, now)
	if err != nil {
		return nil, err
	}
	active.State, active.ActivatedAt = StateActive, now.UTC()
	next, err := Generate(alg, now)
	if err != nil {
		return nil, err
	}
	return []*Key{active, next}, nil
}

// rotate returns keys after one rotation: the next key becomes active, the
// active key is retired until now+retention, and a new next key is made. When
// there is no next key, a fresh key is activated at once.
func rotate(keys []*Key, alg string, now time.Time, retention time.Duration) ([]*Key, error) {
	out := make([]*Key, 0, len(keys)+1)
	var promoted bool
	for _, k := range keys {
		c := *k
		switch c.State {
		case StateActive:
			c.State, c.RetiredAt, c.RemoveAt = StateRetired, now.UTC(), now.Add(retention).UTC()
		case StateNext:
			if !promoted {
				c.State, c.ActivatedAt, promoted = StateActive, now.UTC(), true
			}
		}
		out = append(out, &c)
	}
	if !promoted {
		k, err := Generate(alg, now)
		if err != nil {
			return nil, err
		}
		k.State, k.ActivatedAt = StateActive, now.UTC()
		out = append(out, k)
	}
	next, err := Generate(alg, now)
	if err != nil {
		return nil, err
	}
	return append(out, next), nil
}

// prune drops retired keys whose publication window has ended and revoked keys
// whose tokens can no longer be valid.
func prune(keys []*Key, now time.Time) []*Key {
	out := keys[:0:0]
	for _, k := range keys {
		if (k.State == StateRetired || k.State == StateRevoked) &&
			!k.RemoveAt.IsZero() && !now.Before(k.RemoveAt) {
			continue
		}
		out = append(out, k)
	}
	return out
}

// checkSet verifies the invariants of a loaded key set: exactly one active key
// and distinct kids.
func checkSet(keys []*Key) error {
	seen := make(map[string]bool, len(keys))
	active := 0
	for _, k := range keys {
		if seen[k.ID] {
			return fmt.Errorf("jwks: kid %s appears twice in the stored key set", k.ID)
		}
		seen[k.ID] = true
		if k.State == StateActive {
			active++
		}
	}
	if active != 1 {
		return fmt.Errorf("jwks: stored key set has %d active keys, want exactly 1: "+
			"restore the key store from a backup", active)
	}
	return nil
}
