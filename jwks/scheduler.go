package jwks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// Schedule holds the operator settings of a Scheduler.
type Schedule struct {
	// RotationPeriod is how long a key signs before the next key takes over.
	RotationPeriod time.Duration
	// Prepublish is how long the next key must have been published before it
	// may sign, so that every cached JWK Set holds it. A rotation that is due
	// waits for it (after a revocation replaced the next key, for example).
	Prepublish time.Duration
	// Interval is how often the Scheduler checks. The default is
	// RotationPeriod/10, at most one minute and at least 100 ms.
	Interval time.Duration
	// Lease bounds how long one process holds the rotation lock of a shared
	// store. The default is 30 s.
	Lease time.Duration
}

// Scheduler rotates the keys every RotationPeriod and removes keys whose
// tokens have all expired. With a store that implements Locker, one process
// at a time makes a scheduled change, under a fenced lease.
type Scheduler struct {
	m     *Manager
	sched Schedule
	log   *slog.Logger
}

// NewScheduler returns a Scheduler for m. Run starts it.
func NewScheduler(m *Manager, s Schedule, log *slog.Logger) *Scheduler {
	if s.Interval <= 0 {
		s.Interval = min(max(s.RotationPeriod/10, 100*time.Millisecond), time.Minute)
	}
	if s.Lease <= 0 {
		s.Lease = 30 * time.Second
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Scheduler{m: m, sched: s, log: log}
}

// Run checks every Interval until ctx ends. Errors are logged, and the next
// check tries again.
func (s *Scheduler) Run(ctx context.Context) {
	t := time.NewTicker(s.sched.Interval)
	defer t.Stop()
	s.log.Info("key rotation scheduler started", "rotation_period", s.sched.RotationPeriod.String(),
		"prepublish", s.sched.Prepublish.String(), "interval", s.sched.Interval.String())
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Tick(ctx); err != nil && ctx.Err() == nil {
				s.log.Error("scheduled key change failed", "err", err)
			}
		}
	}
}

// Tick makes the scheduled change due at the manager's clock, if any: a
// rotation, the removal of expired keys, or the creation of a missing next
// key. It returns nil when nothing is due or another process holds the lease.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := s.m.now()
	if !s.due(s.m.cur.Load(), now) {
		return nil
	}
	var fence uint64
	if locker, ok := s.m.store.(Locker); ok {
		f, err := locker.Acquire(ctx, s.sched.Lease)
		if errors.Is(err, ErrLockHeld) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("jwks: take rotation lease: %w", err)
		}
		fence = f
		defer func() {
			if err := locker.Release(context.WithoutCancel(ctx), f); err != nil {
				s.log.Warn("release rotation lease failed", "err", err)
			}
		}()
		// Another process may have rotated before this one took the lease.
		if err := s.m.Reload(ctx); err != nil {
			return err
		}
	}
	return s.change(ctx, fence)
}

// change applies the scheduled change under fence.
func (s *Scheduler) change(ctx context.Context, fence uint64) error {
	var reason string
	before, after, err := s.m.apply(ctx, fence, func(keys []*Key, now time.Time) ([]*Key, error) {
		set := &keySet{keys: keys}
		for _, k := range keys {
			if k.State == StateActive {
				set.active = k
			}
		}
		if !s.due(set, now) {
			return nil, errUnchanged
		}
		remaining := prune(keys, now)
		switch {
		case s.rotationDue(set, now):
			reason = "scheduled rotation"
			return rotate(remaining, s.m.cfg.Algorithm, now, s.m.cfg.Retention)
		case nextKey(remaining) == nil:
			reason = "no next key"
			return ensureNext(remaining, s.m.cfg.Algorithm, now)
		default:
			reason = "expired keys removed"
			return remaining, nil
		}
	})
	if err != nil || before == after {
		return err
	}
	s.m.logRemoved(before, after)
	if before.active.ID != after.active.ID {
		s.m.logRotation(before, after, reason)
	} else {
		s.m.logCreated(before, after, reason)
	}
	return nil
}

// due reports whether set needs a scheduled change at now.
func (s *Scheduler) due(set *keySet, now time.Time) bool {
	if set == nil || set.active == nil {
		return false
	}
	return s.rotationDue(set, now) || nextKey(set.keys) == nil || expired(set.keys, now)
}

// rotationDue reports whether the active key has signed for RotationPeriod
// and the next key has been published for Prepublish.
func (s *Scheduler) rotationDue(set *keySet, now time.Time) bool {
	next := nextKey(set.keys)
	return next != nil && !now.Before(set.active.ActivatedAt.Add(s.sched.RotationPeriod)) &&
		!now.Before(next.CreatedAt.Add(s.sched.Prepublish))
}

// nextKey returns the oldest next key, or nil.
func nextKey(keys []*Key) *Key {
	var oldest *Key
	for _, k := range keys {
		if k.State == StateNext && (oldest == nil || k.CreatedAt.Before(oldest.CreatedAt)) {
			oldest = k
		}
	}
	return oldest
}

// Follow reloads the key set whenever changes delivers a value and every
// interval, until ctx ends, so a process picks up changes other processes made.
// changes may be nil. Reload errors are logged and the current set is kept.
func (m *Manager) Follow(ctx context.Context, interval time.Duration, changes <-chan struct{}) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-changes:
			if !ok {
				changes = nil
				continue
			}
		case <-t.C:
		}
		before := m.ActiveKeyID()
		if err := m.Reload(ctx); err != nil {
			if ctx.Err() == nil {
				m.log.Error("reload key set failed; keeping the current keys", "err", err)
			}
			continue
		}
		if after := m.ActiveKeyID(); after != before {
			m.log.Info("key set reloaded", "kid", after, "previous_kid", before,
				"reason", "changed by another process")
		}
	}
}
