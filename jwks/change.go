package jwks

import (
	"fmt"
	"time"
)

// retire returns keys after retiring kid. Retiring the active key is a
// rotation. A next key never signed, so it leaves the JWK Set at once and a
// new next key replaces it.
func retire(keys []*Key, kid, alg string, now time.Time, retention time.Duration) ([]*Key, error) {
	k, err := find(keys, kid)
	if err != nil {
		return nil, err
	}
	switch k.State {
	case StateActive:
		return rotate(keys, alg, now, retention)
	case StateNext:
		out := withState(keys, kid, StateRetired, now.UTC(), now.UTC())
		return ensureNext(out, alg, now)
	default:
		return nil, fmt.Errorf("%w: key %s is %s, only an active or next key can be retired",
			ErrInvalidState, kid, k.State)
	}
}

// revoke returns keys after revoking kid: the key leaves the JWK Set at once
// but its record stays until every token it signed has expired, the returned
// time. Revoking the active key promotes the next key at once, because the
// compromised key must stop signing now.
func revoke(keys []*Key, kid, alg string, now time.Time, retention time.Duration) (
	[]*Key, time.Time, error) {
	k, err := find(keys, kid)
	if err != nil {
		return nil, time.Time{}, err
	}
	until := now.Add(retention).UTC()
	switch k.State {
	case StateRevoked:
		return nil, time.Time{}, fmt.Errorf("%w: key %s is already revoked", ErrInvalidState, kid)
	case StateRetired:
		if !k.RemoveAt.IsZero() && k.RemoveAt.Before(until) {
			until = k.RemoveAt
		}
	}
	wasActive := k.State == StateActive
	out := withState(keys, kid, StateRevoked, now.UTC(), until)
	if wasActive {
		out, err = promote(out, alg, now)
		if err != nil {
			return nil, time.Time{}, err
		}
	}
	out, err = ensureNext(out, alg, now)
	return out, until, err
}

// find returns the key with kid.
func find(keys []*Key, kid string) (*Key, error) {
	for _, k := range keys {
		if k.ID == kid {
			return k, nil
		}
	}
	return nil, fmt.Errorf("%w: kid %q: run hubjwt keys list to see the stored kids",
		ErrKeyNotFound, kid)
}

// withState returns a copy of keys in which kid has state, RetiredAt at and
// RemoveAt removeAt.
func withState(keys []*Key, kid string, state State, at, removeAt time.Time) []*Key {
	out := make([]*Key, 0, len(keys))
	for _, k := range keys {
		c := *k
		if c.ID == kid {
			c.State, c.RetiredAt, c.RemoveAt = state, at, removeAt
		}
		out = append(out, &c)
	}
	return out
}

// promote makes the oldest next key active, or a fresh key when there is none.
func promote(keys []*Key, alg string, now time.Time) ([]*Key, error) {
	if oldest := nextKey(keys); oldest != nil {
		oldest.State, oldest.ActivatedAt = StateActive, now.UTC()
		return keys, nil
	}
	k, err := Generate(alg, now)
	if err != nil {
		return nil, err
	}
	k.State, k.ActivatedAt = StateActive, now.UTC()
	return append(keys, k), nil
}

// ensureNext adds a next key when keys has none.
func ensureNext(keys []*Key, alg string, now time.Time) ([]*Key, error) {
	for _, k := range keys {
		if k.State == StateNext {
			return keys, nil
		}
	}
	k, err := Generate(alg, now)
	if err != nil {
		return nil, err
	}
	return append(keys, k), nil
}

// expired reports whether any retired or revoked key's record has outlived
// its tokens at now, so prune would change the set.
func expired(keys []*Key, now time.Time) bool {
	return len(prune(keys, now)) != len(keys)
}
