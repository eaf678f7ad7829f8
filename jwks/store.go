package jwks

import "context"

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
