package jwks

import (
	"context"
	"time"
)

// Store persists the key set. Implementations are safe for concurrent use and
// make Save atomic: either every record is written or none is.
type Store interface {
	// Load returns the stored records and the version they were saved at.
	// An empty store returns no records and version 0.
	Load(ctx context.Context) (Snapshot, error)
	// Save replaces the stored records with records if the stored version is
	// still prev, and returns the new version. Otherwise it returns ErrConflict
	// and writes nothing, so concurrent writers never both win.
	Save(ctx context.Context, prev uint64, records []Record) (uint64, error)
}

// Snapshot is the key set as a store holds it.
type Snapshot struct {
	Records []Record
	Version uint64
}

// Locker is implemented by stores that several processes share. The
// Scheduler takes its lease before a scheduled change, so one process makes
// it, and writes with SaveFenced, which writes nothing unless the lease is
// still held and no later holder has written (a fencing token, increasing
// with every Acquire).
type Locker interface {
	// Acquire takes the lease for lease and returns its fencing token, or
	// ErrLockHeld when another holder has it.
	Acquire(ctx context.Context, lease time.Duration) (fence uint64, err error)
	// Release gives the lease up if fence still holds it.
	Release(ctx context.Context, fence uint64) error
	// SaveFenced is Save that also checks fence in the same atomic step and
	// returns ErrFenced when the check fails.
	SaveFenced(ctx context.Context, prev, fence uint64, records []Record) (uint64, error)
}

// Notifier is implemented by stores that announce changes made by other
// processes. The channel receives a value after each change and closes when
// ctx ends.
type Notifier interface {
	Changes(ctx context.Context) <-chan struct{}
}
