package revocation

import (
	"context"
	"time"
)

// Source feeds a Mirror. Sync loads the whole list into sink, then keeps it up to
// date until ctx ends or the source fails, and returns the error. Mirror.Run calls
// Sync again after a failure, so each call starts with a full load.
type Source interface {
	Sync(ctx context.Context, sink Sink) error
}

// Run drives the source until ctx ends, then returns nil. After a source failure
// it logs the error (once until the source recovers), waits RetryInterval and
// resyncs fully. It also removes expired entries every PruneInterval and, with
// the real clock, keeps the coarse clock that Check reads.
func (m *Mirror) Run(ctx context.Context) error {
	go m.pruneLoop(ctx)
	if m.realClock {
		go m.clockLoop(ctx)
	}
	failures := 0
	for {
		before := m.lastSync.Load()
		err := m.cfg.Source.Sync(ctx, m)
		if ctx.Err() != nil {
			return nil
		}
		if m.lastSync.Load() != before {
			failures = 0 // the source synced before failing, so this is a new outage
		}
		failures++
		if failures == 1 {
			m.cfg.Logger.Warn("revocation mirror sync failed; retrying", "err", err,
				"retry_in", m.cfg.RetryInterval)
		} else {
			m.cfg.Logger.Debug("revocation mirror sync failed again", "err", err,
				"failures", failures)
		}
		if !sleep(ctx, m.cfg.RetryInterval) {
			return nil
		}
	}
}

func (m *Mirror) pruneLoop(ctx context.Context) {
	ticker := time.NewTicker(m.cfg.PruneInterval)
	defer ticker.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
			m.Prune(m.cfg.Now())
		}
	}
}

// clockLoop refreshes the coarse clock until ctx ends, then clears it so Check
// falls back to the real clock.
func (m *Mirror) clockLoop(ctx context.Context) {
	ticker := time.NewTicker(coarseTick)
	defer ticker.Stop()
	m.coarseNow.Store(time.Now().UnixNano())
	for {
		select {
		case <-ctx.Done():
			m.coarseNow.Store(0)
			return
		case now := <-ticker.C:
			m.coarseNow.Store(now.UnixNano())
		}
	}
}

// sleep waits for d or until ctx ends, and reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-timer.C:
		return true
	}
}
