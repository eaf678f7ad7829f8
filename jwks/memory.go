package jwks

import (
	"context"
	"fmt"
	"sync"
)

// MemoryStore is a Store that keeps the key set in memory only, for tests and
// for tools that sign with throwaway keys. It is safe for concurrent use.
type MemoryStore struct {
	mu   sync.Mutex // guards snap
	snap Snapshot
}

var _ Store = (*MemoryStore)(nil)

// Load returns a copy of the stored key set.
func (s *MemoryStore) Load(context.Context) (Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return Snapshot{Records: append([]Record(nil), s.snap.Records...), Version: s.snap.Version}, nil
}

// Save replaces the key set if its version is still prev.
func (s *MemoryStore) Save(_ context.Context, prev uint64, records []Record) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.snap.Version != prev {
		return 0, fmt.Errorf("%w: stored version %d, expected %d", ErrConflict, s.snap.Version, prev)
	}
	s.snap = Snapshot{Records: append([]Record(nil), records...), Version: prev + 1}
	return s.snap.Version, nil
}
