package revocation

import (
	"context"
	"time"
)

// Store keeps revocation entries durably. Implementations are safe for concurrent
// use, keep one entry per Entry.ID (merging a new entry into a stored one with
// Entry.Merge, so a revocation never shrinks) and forget entries once they expire.
// Every method returns an error matching ErrUnavailable when the backend cannot be
// reached.
type Store interface {
	// Add validates the entry and stores it. It returns nil only once the entry
	// and its change record are durable.
	Add(ctx context.Context, e Entry) error
	// List returns every live entry and the cursor from which Changes continues.
	List(ctx context.Context) (Snapshot, error)
	// Changes returns up to limit changes after cursor, oldest first. An empty
	// cursor means from the start. It returns ErrCursorExpired when changes after
	// the cursor were pruned, so the caller must List again.
	Changes(ctx context.Context, cursor string, limit int) (ChangeSet, error)
	// Generation returns the store's generation: a random id created at first use
	// that changes when the backend lost its data.
	Generation(ctx context.Context) (string, error)
	// Ping checks that the backend is reachable.
	Ping(ctx context.Context) error
}

// Snapshot is the whole list at one moment.
type Snapshot struct {
	Entries    []Entry
	Cursor     string
	Generation string
}

// ChangeSet is the entries added or extended after a cursor.
type ChangeSet struct {
	Entries []Entry
	// Cursor is the position the next call continues from. It equals the
	// request's cursor when there were no changes.
	Cursor     string
	Generation string
	// More reports that further changes exist after Cursor.
	More bool
}

// Clock returns the current time; tests pass a clock they move by hand.
type Clock func() time.Time
