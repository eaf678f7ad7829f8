package jwks

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// errUnchanged is returned by a change function that finds nothing to do.
var errUnchanged = errors.New("jwks: key set unchanged")

// changeFunc computes a new key set from the current one at now.
type changeFunc func(keys []*Key, now time.Time) ([]*Key, error)

// maxChangeAttempts bounds how often apply reloads and retries after another
// process changed the stored set first.
const maxChangeAttempts = 5

// apply runs change on the current keys and saves the result, fenced by fence
// unless it is 0. When another process saved first, it reloads and runs
// change again on their keys. It returns the key sets before and after, which
// are the same when change returned errUnchanged.
func (m *Manager) apply(ctx context.Context, fence uint64, change changeFunc) (
	before, after *keySet, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for attempt := 0; attempt < maxChangeAttempts; attempt++ {
		cur := m.cur.Load()
		if cur == nil {
			return nil, nil, ErrNoActiveKey
		}
		keys, err := change(cur.keys, m.now())
		if errors.Is(err, errUnchanged) {
			return cur, cur, nil
		}
		if err != nil {
			return nil, nil, err
		}
		err = m.save(ctx, cur.version, fence, keys)
		if !errors.Is(err, ErrConflict) {
			return cur, m.cur.Load(), err
		}
		if err := m.reloadLocked(ctx); err != nil {
			return nil, nil, err
		}
	}
	return nil, nil, fmt.Errorf("jwks: change key set: %w after %d attempts", ErrConflict,
		maxChangeAttempts)
}

// reloadLocked is Reload with m.mu held.
func (m *Manager) reloadLocked(ctx context.Context) error {
	snap, err := m.store.Load(ctx)
	if err != nil {
		return fmt.Errorf("jwks: reload key set: %w", err)
	}
	if cur := m.cur.Load(); cur != nil && cur.version == snap.Version {
		return nil
	}
	return m.install(snap)
}

// Rotate makes the next key active, retires the active key and creates a new
// next key. It returns the kid that signs from now on.
func (m *Manager) Rotate(ctx context.Context, reason string) (string, error) {
	before, after, err := m.apply(ctx, 0, func(keys []*Key, now time.Time) ([]*Key, error) {
		return rotate(prune(keys, now), m.cfg.Algorithm, now, m.cfg.Retention)
	})
	if err != nil {
		return "", err
	}
	m.logRotation(before, after, reason)
	return after.active.ID, nil
}

// Retire stops kid from signing. Retiring the active key rotates; retiring the
// next key withdraws it and creates another. It returns the kid that signs
// from now on.
func (m *Manager) Retire(ctx context.Context, kid, reason string) (string, error) {
	before, after, err := m.apply(ctx, 0, func(keys []*Key, now time.Time) ([]*Key, error) {
		return retire(prune(keys, now), kid, m.cfg.Algorithm, now, m.cfg.Retention)
	})
	if err != nil {
		return "", err
	}
	if before.active.ID != after.active.ID {
		m.logRotation(before, after, reason)
		return after.active.ID, nil
	}
	m.log.Info("key retired", "kid", kid, "state_before", StateNext, "reason", reason)
	m.logCreated(before, after, reason)
	return after.active.ID, nil
}

// Revocation describes a revoked key: its kid, the time until which tokens it
// signed could still be valid (keep a key revocation until then), and the kid
// that signs from now on.
type Revocation struct {
	KID    string
	Until  time.Time
	Active string
}

// Revoke withdraws kid from the JWK Set at once, for a compromised key. When
// kid is the active key, the next key signs from now on. Revoke does not enter
// the key in a revocation list; the caller does, until Revocation.Until.
func (m *Manager) Revoke(ctx context.Context, kid, reason string) (Revocation, error) {
	var until time.Time
	before, after, err := m.apply(ctx, 0, func(keys []*Key, now time.Time) ([]*Key, error) {
		out, u, err := revoke(prune(keys, now), kid, m.cfg.Algorithm, now, m.cfg.Retention)
		until = u
		return out, err
	})
	if err != nil {
		return Revocation{}, err
	}
	m.log.Warn("key revoked", "kid", kid, "until", until.Format(time.RFC3339),
		"reason", reason)
	if before.active.ID != after.active.ID {
		m.log.Info("key activated", "kid", after.active.ID, "alg", after.active.Algorithm,
			"reason", "the active key was revoked")
	}
	m.logCreated(before, after, reason)
	return Revocation{KID: kid, Until: until, Active: after.active.ID}, nil
}

// logRotation logs a change of the active key.
func (m *Manager) logRotation(before, after *keySet, reason string) {
	if before == after {
		return
	}
	m.log.Info("key rotated", "kid", after.active.ID, "retired_kid", before.active.ID,
		"alg", after.active.Algorithm, "reason", reason)
	m.logCreated(before, after, reason)
}

// logCreated logs the keys in after that before did not have, other than the
// new active key.
func (m *Manager) logCreated(before, after *keySet, reason string) {
	old := make(map[string]bool, len(before.keys))
	for _, k := range before.keys {
		old[k.ID] = true
	}
	for _, k := range after.keys {
		if !old[k.ID] {
			m.log.Info("key created", "kid", k.ID, "alg", k.Algorithm, "state", k.State,
				"reason", reason)
		}
	}
}

// logRemoved logs the keys of before that after no longer holds.
func (m *Manager) logRemoved(before, after *keySet) {
	kept := make(map[string]bool, len(after.keys))
	for _, k := range after.keys {
		kept[k.ID] = true
	}
	for _, k := range before.keys {
		if !kept[k.ID] {
			m.log.Info("key removed", "kid", k.ID, "state_before", k.State,
				"reason", "every token it signed has expired")
		}
	}
}
