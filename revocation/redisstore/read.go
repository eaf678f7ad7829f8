package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/revocation"
)

// listBatch is how many entries one pipelined read of List fetches.
const listBatch = 500

// reader reads a list without writing, so mirrors need only read access.
type reader struct {
	client redis.UniversalClient
	keys   keys
	now    revocation.Clock
}

// marker returns the generation marker, or "" when it is missing.
func (r reader) marker(ctx context.Context) (string, error) {
	gen, err := r.client.Get(ctx, r.keys.marker).Result()
	if errors.Is(err, redis.Nil) {
		return "", nil
	}
	if err != nil {
		return "", unavailable("read generation", err)
	}
	return gen, nil
}

// list reads the cursor, then every live entry. Reading the cursor first means
// a change made meanwhile is at worst read twice, which merging makes harmless.
func (r reader) list(ctx context.Context) (revocation.Snapshot, error) {
	pipe := r.client.Pipeline()
	genCmd := pipe.Get(ctx, r.keys.marker)
	lastCmd := pipe.XRevRangeN(ctx, r.keys.stream, "+", "-", 1)
	now := r.now()
	idsCmd := pipe.ZRangeByScore(ctx, r.keys.index, &redis.ZRangeBy{
		Min: "(" + strconv.FormatInt(now.UnixMilli(), 10), Max: "+inf"})
	_, _ = pipe.Exec(ctx)
	if err := firstError(genCmd.Err(), lastCmd.Err(), idsCmd.Err()); err != nil {
		return revocation.Snapshot{}, unavailable("list", err)
	}

	snap := revocation.Snapshot{Generation: genCmd.Val(), Cursor: "0-0"}
	if last := lastCmd.Val(); len(last) == 1 {
		snap.Cursor = last[0].ID
	}
	ids := idsCmd.Val()
	for start := 0; start < len(ids); start += listBatch {
		batch := ids[start:min(start+listBatch, len(ids))]
		entries, err := r.entries(ctx, batch, now)
		if err != nil {
			return revocation.Snapshot{}, err
		}
		snap.Entries = append(snap.Entries, entries...)
	}
	return snap, nil
}

func (r reader) entries(ctx context.Context, ids []string, now time.Time) ([]revocation.Entry, error) {
	pipe := r.client.Pipeline()
	cmds := make([]*redis.StringCmd, len(ids))
	for i, id := range ids {
		cmds[i] = pipe.HGet(ctx, r.keys.entry(id), "json")
	}
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return nil, unavailable("list entries", err)
	}
	out := make([]revocation.Entry, 0, len(ids))
	for i, cmd := range cmds {
		if cmd.Err() != nil {
			continue // expired between the index read and this read
		}
		var e revocation.Entry
		if err := json.Unmarshal([]byte(cmd.Val()), &e); err != nil {
			return nil, fmt.Errorf("redisstore: decode entry %q: %w", ids[i], err)
		}
		if !e.Expired(now) {
			out = append(out, e)
		}
	}
	return out, nil
}

// changes returns up to limit stream records after cursor and the marker read
// with them. It returns ErrCursorExpired when records after cursor were trimmed.
func (r reader) changes(ctx context.Context, cursor string, limit int) (revocation.ChangeSet, error) {
	if cursor == "" {
		cursor = "0-0"
	}
	if _, ok := revocation.CompareCursors(cursor, "0-0"); !ok {
		return revocation.ChangeSet{}, fmt.Errorf("redisstore: %w %.40q: pass a cursor "+
			"returned by List or Changes", revocation.ErrInvalidCursor, cursor)
	}
	if limit <= 0 {
		limit = 1000
	}

	pipe := r.client.Pipeline()
	genCmd := pipe.Get(ctx, r.keys.marker)
	infoCmd := pipe.XInfoStream(ctx, r.keys.stream)
	rangeCmd := pipe.XRangeN(ctx, r.keys.stream, "("+cursor, "+", int64(limit)+1)
	_, _ = pipe.Exec(ctx)
	if err := firstError(genCmd.Err(), rangeCmd.Err()); err != nil {
		return revocation.ChangeSet{}, unavailable("changes", err)
	}
	if err := infoCmd.Err(); err != nil && !isNoSuchKey(err) {
		return revocation.ChangeSet{}, unavailable("changes", err)
	}
	if infoCmd.Err() == nil && trimmedAfter(infoCmd.Val(), cursor) {
		return revocation.ChangeSet{}, fmt.Errorf("redisstore: cursor %q: %w",
			cursor, revocation.ErrCursorExpired)
	}

	set := revocation.ChangeSet{Cursor: cursor, Generation: genCmd.Val()}
	records := rangeCmd.Val()
	if len(records) > limit {
		records, set.More = records[:limit], true
	}
	now := r.now()
	for _, rec := range records {
		set.Cursor = rec.ID
		raw, _ := rec.Values["e"].(string)
		var e revocation.Entry
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			return revocation.ChangeSet{}, fmt.Errorf("redisstore: decode stream record %s: %w",
				rec.ID, err)
		}
		if !e.Expired(now) {
			set.Entries = append(set.Entries, e)
		}
	}
	return set, nil
}

// trimmedAfter reports whether records after cursor may have been trimmed: the
// oldest record left is newer than cursor, or, from the start, some were removed.
// It can report true when nothing after cursor was lost, which costs a full reload.
func trimmedAfter(info *redis.XInfoStream, cursor string) bool {
	if info.Length == 0 && info.EntriesAdded == 0 {
		return false
	}
	if cursor == "0-0" {
		return info.EntriesAdded > info.Length
	}
	if info.Length == 0 {
		order, _ := revocation.CompareCursors(info.LastGeneratedID, cursor)
		return order > 0
	}
	order, _ := revocation.CompareCursors(info.FirstEntry.ID, cursor)
	return order > 0
}

func isNoSuchKey(err error) bool {
	return err != nil && err.Error() == "ERR no such key"
}

func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil && !errors.Is(err, redis.Nil) {
			return err
		}
	}
	return nil
}

// unavailable wraps a Redis error with ErrUnavailable: a network error, a
// timeout or a server that is loading, read-only or down.
func unavailable(op string, err error) error {
	return fmt.Errorf("redisstore: %s: %w: %w", op, revocation.ErrUnavailable, err)
}
