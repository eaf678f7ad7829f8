package revocation

import (
	"context"
	"time"
)

// changesBatch is how many changes a source reads from a Store per call.
const changesBatch = 1000

// StoreSource feeds a Mirror from a local Store by polling its Changes, for a
// server's own mirror (introspection). It is safe for concurrent use.
type StoreSource struct {
	store        Store
	pollInterval time.Duration
}

var _ Source = (*StoreSource)(nil)

// NewStoreSource returns a source polling store every pollInterval; zero means
// one second.
func NewStoreSource(store Store, pollInterval time.Duration) *StoreSource {
	if pollInterval <= 0 {
		pollInterval = time.Second
	}
	return &StoreSource{store: store, pollInterval: pollInterval}
}

// Sync loads the store's whole list, then applies its changes every poll interval
// until ctx ends or the store fails.
func (s *StoreSource) Sync(ctx context.Context, sink Sink) error {
	snap, err := s.store.List(ctx)
	if err != nil {
		return err
	}
	sink.Apply(Update{Entries: snap.Entries, Generation: snap.Generation, Full: true})
	cursor := snap.Cursor
	for {
		changes, err := s.store.Changes(ctx, cursor, changesBatch)
		if err != nil {
			return err
		}
		sink.Apply(Update{Entries: changes.Entries, Generation: changes.Generation})
		cursor = changes.Cursor
		if changes.More {
			continue
		}
		if !sleep(ctx, s.pollInterval) {
			return ctx.Err()
		}
	}
}
