package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/revocation"
)

// SourceOptions configures a Source. The zero value is usable.
type SourceOptions struct {
	// List names the list, as in Options.List.
	List string
	// Block is how long one XREAD waits for new records; the mirror records a
	// sync after each. Zero means one second.
	Block time.Duration
	// Now returns the current time; nil means time.Now.
	Now revocation.Clock
}

// Source feeds a revocation.Mirror from Redis: the whole list first, then the
// change stream with a blocking XREAD. It only reads, so mirrors need no write
// access. It is safe for concurrent use.
type Source struct {
	reader
	block time.Duration
}

var _ revocation.Source = (*Source)(nil)

// errGenerationChanged ends a Sync so that Mirror.Run reloads the whole list.
var errGenerationChanged = errors.New("redisstore: generation marker changed")

// NewSource returns a source reading the list through client.
func NewSource(client redis.UniversalClient, opts SourceOptions) *Source {
	s := &Source{reader: reader{client: client, keys: newKeys(opts.List), now: opts.Now},
		block: opts.Block}
	if s.now == nil {
		s.now = time.Now
	}
	if s.block <= 0 {
		s.block = time.Second
	}
	return s
}

// Sync loads the whole list, then applies stream records as they arrive until ctx
// ends or Redis fails. It returns when the stream was trimmed past its cursor or
// the generation marker changed, after handing the new generation to sink so the
// mirror applies its global cut-off.
func (s *Source) Sync(ctx context.Context, sink revocation.Sink) error {
	snap, err := s.list(ctx)
	if err != nil {
		return err
	}
	sink.Apply(revocation.Update{Entries: snap.Entries, Generation: snap.Generation, Full: true})
	cursor, gen := snap.Cursor, snap.Generation
	for {
		set, err := s.changes(ctx, cursor, 1000)
		if err != nil {
			return err
		}
		switch {
		case set.Generation == gen:
		case gen == "":
			// The marker was created after the load, at first use or by a recovery
			// that wrote its cut-off after the cursor, so continuing misses nothing.
			gen = set.Generation
		default:
			sink.Apply(revocation.Update{Generation: set.Generation})
			return fmt.Errorf("%w from %q to %q", errGenerationChanged, gen, set.Generation)
		}
		sink.Apply(revocation.Update{Entries: set.Entries, Generation: gen})
		cursor = set.Cursor
		if set.More {
			continue
		}
		if err := s.wait(ctx, cursor); err != nil {
			return err
		}
	}
}

// wait blocks until a record after cursor arrives or the block time passes.
func (s *Source) wait(ctx context.Context, cursor string) error {
	err := s.client.XRead(ctx, &redis.XReadArgs{
		Streams: []string{s.keys.stream, cursor}, Count: 1, Block: s.block,
	}).Err()
	if err != nil && !errors.Is(err, redis.Nil) {
		return unavailable("read stream", err)
	}
	return nil
}
