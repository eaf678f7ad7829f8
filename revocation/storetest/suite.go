package storetest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/revocation"
)

// MaxTTL is the token lifetime the suite's entries assume; stores under test that
// take a Policy should use it.
const MaxTTL = time.Hour

// policy builds the suite's entries.
var policy = revocation.Policy{MaxTTL: MaxTTL}

// Factory returns a new, empty store that reads the time from now.
type Factory func(t *testing.T, now revocation.Clock) revocation.Store

// Run runs the suite, except the cases that need a moving clock, against stores
// returned by newStore, which read the real time.
func Run(t *testing.T, newStore func(t *testing.T) revocation.Store) {
	t.Helper()
	run(t, func(t *testing.T, _ revocation.Clock) revocation.Store { return newStore(t) },
		time.Now, nil)
}

// RunWithClock runs the whole suite against stores returned by newStore, which
// read the time from the clock passed to them.
func RunWithClock(t *testing.T, newStore Factory) {
	t.Helper()
	// Start at the real time, because Redis expires keys by its own clock.
	clock := NewClock(time.Now().Truncate(time.Second))
	run(t, newStore, clock.Now, clock)
}

type suite struct {
	newStore Factory
	now      revocation.Clock
	clock    *Clock // nil when the time is real
}

func run(t *testing.T, newStore Factory, now revocation.Clock, clock *Clock) {
	s := suite{newStore: newStore, now: now, clock: clock}
	t.Run("AddList", s.testAddList)
	t.Run("AddInvalid", s.testAddInvalid)
	t.Run("MergeNeverShrinks", s.testMerge)
	t.Run("Changes", s.testChanges)
	t.Run("ChangesLimit", s.testChangesLimit)
	t.Run("ChangesInvalidCursor", s.testChangesInvalidCursor)
	t.Run("GenerationStable", s.testGeneration)
	t.Run("Ping", s.testPing)
	t.Run("ConcurrentAdd", s.testConcurrentAdd)
	if clock != nil {
		t.Run("ExpiredForgotten", s.testExpired)
	}
}

func (s suite) entries(t *testing.T) []revocation.Entry {
	t.Helper()
	now := s.now()
	build := []func() (revocation.Entry, error){
		func() (revocation.Entry, error) { return policy.Token("jti-1", now.Add(5*time.Minute), now, "lost") },
		func() (revocation.Entry, error) {
			return policy.Subject(revocation.SubjectUser, "alice", now.Add(-time.Second), now, "")
		},
		func() (revocation.Entry, error) {
			return policy.Subject(revocation.SubjectService, "alice", now, now, "")
		},
		func() (revocation.Entry, error) { return policy.Key("kid-1", time.Time{}, now, "leaked") },
		func() (revocation.Entry, error) { return policy.Global(now.Add(-time.Minute), now, "") },
	}
	out := make([]revocation.Entry, 0, len(build))
	for _, b := range build {
		e, err := b()
		if err != nil {
			t.Fatalf("build entry: %v", err)
		}
		out = append(out, e)
	}
	return out
}

func mustAdd(t *testing.T, store revocation.Store, e revocation.Entry) {
	t.Helper()
	if err := store.Add(context.Background(), e); err != nil {
		t.Fatalf("Add(%s): %v", e.ID(), err)
	}
}

func byID(entries []revocation.Entry) map[string]revocation.Entry {
	m := make(map[string]revocation.Entry, len(entries))
	for _, e := range entries {
		m[e.ID()] = e
	}
	return m
}

// sameEntry compares the fields that stores must keep, times to the microsecond.
func sameEntry(got, want revocation.Entry) error {
	switch {
	case got.Kind != want.Kind || got.JTI != want.JTI || got.SubjectKind != want.SubjectKind ||
		got.Subject != want.Subject || got.KID != want.KID || got.Reason != want.Reason:
		return fmt.Errorf("got %+v, want %+v", got, want)
	case !got.Before.Truncate(time.Microsecond).Equal(want.Before.Truncate(time.Microsecond)):
		return fmt.Errorf("before: got %s, want %s", got.Before, want.Before)
	case !got.ExpiresAt.Truncate(time.Millisecond).Equal(want.ExpiresAt.Truncate(time.Millisecond)):
		return fmt.Errorf("expires_at: got %s, want %s", got.ExpiresAt, want.ExpiresAt)
	case !got.CreatedAt.Truncate(time.Microsecond).Equal(want.CreatedAt.Truncate(time.Microsecond)):
		return fmt.Errorf("created_at: got %s, want %s", got.CreatedAt, want.CreatedAt)
	}
	return nil
}

func (s suite) testAddList(t *testing.T) {
	store := s.newStore(t, s.now)
	want := s.entries(t)
	for _, e := range want {
		mustAdd(t, store, e)
	}
	snap, err := store.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(snap.Entries) != len(want) {
		t.Fatalf("List: got %d entries, want %d", len(snap.Entries), len(want))
	}
	got := byID(snap.Entries)
	for _, w := range want {
		t.Run(w.ID(), func(t *testing.T) {
			g, ok := got[w.ID()]
			if !ok {
				t.Fatalf("List: entry %s missing", w.ID())
			}
			if err := sameEntry(g, w); err != nil {
				t.Fatal(err)
			}
		})
	}
	if snap.Cursor == "" {
		t.Error("List cursor: got empty, want a cursor")
	}
	if snap.Generation == "" {
		t.Error("List generation: got empty, want a generation")
	}
}

func (s suite) testAddInvalid(t *testing.T) {
	store := s.newStore(t, s.now)
	now := s.now()
	tests := []struct {
		name  string
		entry revocation.Entry
	}{
		{"missing jti", revocation.Entry{Kind: revocation.KindToken, CreatedAt: now,
			ExpiresAt: now.Add(time.Hour)}},
		{"unknown subject kind", revocation.Entry{Kind: revocation.KindSubject,
			SubjectKind: "group", Subject: "x", Before: now, CreatedAt: now,
			ExpiresAt: now.Add(time.Hour)}},
		{"unknown kind", revocation.Entry{Kind: 9, CreatedAt: now, ExpiresAt: now.Add(time.Hour)}},
		{"expiry before creation", revocation.Entry{Kind: revocation.KindKey, KID: "k",
			CreatedAt: now, ExpiresAt: now.Add(-time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := store.Add(context.Background(), tt.entry)
			if !errors.Is(err, revocation.ErrInvalidEntry) {
				t.Fatalf("Add: got %v, want ErrInvalidEntry", err)
			}
		})
	}
	snap, err := store.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(snap.Entries) != 0 {
		t.Fatalf("List after invalid adds: got %d entries, want 0", len(snap.Entries))
	}
}

func (s suite) testMerge(t *testing.T) {
	store := s.newStore(t, s.now)
	now := s.now()
	later, err := policy.Subject(revocation.SubjectUser, "bob", now, now, "second")
	if err != nil {
		t.Fatal(err)
	}
	earlier, err := policy.Subject(revocation.SubjectUser, "bob", now.Add(-time.Minute), now, "")
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, store, later)
	mustAdd(t, store, earlier)
	snap, err := store.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(snap.Entries) != 1 {
		t.Fatalf("List: got %d entries, want 1", len(snap.Entries))
	}
	if got := snap.Entries[0]; !got.Before.Truncate(time.Microsecond).Equal(
		later.Before.Truncate(time.Microsecond)) {
		t.Fatalf("before after merge: got %s, want %s", got.Before, later.Before)
	}
	token, err := policy.Token("jti-m", now.Add(time.Minute), now, "")
	if err != nil {
		t.Fatal(err)
	}
	longer := token
	longer.ExpiresAt = now.Add(30 * time.Minute)
	mustAdd(t, store, longer)
	mustAdd(t, store, token)
	snap, err = store.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	got := byID(snap.Entries)[token.ID()]
	if !got.ExpiresAt.Truncate(time.Millisecond).Equal(longer.ExpiresAt.Truncate(time.Millisecond)) {
		t.Fatalf("expires_at after merge: got %s, want %s", got.ExpiresAt, longer.ExpiresAt)
	}
}

func (s suite) testChanges(t *testing.T) {
	ctx := context.Background()
	store := s.newStore(t, s.now)
	all := s.entries(t)
	mustAdd(t, store, all[0])
	snap, err := store.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	none, err := store.Changes(ctx, snap.Cursor, 100)
	if err != nil {
		t.Fatalf("Changes(list cursor): %v", err)
	}
	if len(none.Entries) != 0 || none.More {
		t.Fatalf("Changes(list cursor) before adds: got %d entries, more %v, want 0, false",
			len(none.Entries), none.More)
	}
	if none.Cursor != snap.Cursor {
		t.Fatalf("Changes cursor without changes: got %q, want %q", none.Cursor, snap.Cursor)
	}
	for _, e := range all[1:] {
		mustAdd(t, store, e)
	}
	set, err := store.Changes(ctx, snap.Cursor, 100)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	if len(set.Entries) != len(all)-1 {
		t.Fatalf("Changes after list: got %d entries, want %d", len(set.Entries), len(all)-1)
	}
	for i, e := range all[1:] {
		if err := sameEntry(set.Entries[i], e); err != nil {
			t.Fatalf("Changes entry %d: %v", i, err)
		}
	}
	if set.Generation != snap.Generation {
		t.Fatalf("Changes generation: got %q, want %q", set.Generation, snap.Generation)
	}
	if order, ok := revocation.CompareCursors(set.Cursor, snap.Cursor); !ok || order <= 0 {
		t.Fatalf("Changes cursor: got %q, want one after %q", set.Cursor, snap.Cursor)
	}
	fromStart, err := store.Changes(ctx, "", 100)
	if err != nil {
		t.Fatalf("Changes(\"\"): %v", err)
	}
	if len(fromStart.Entries) != len(all) {
		t.Fatalf("Changes from start: got %d entries, want %d", len(fromStart.Entries), len(all))
	}
	covered := all[0]
	mustAdd(t, store, covered) // already stored: no new change
	again, err := store.Changes(ctx, set.Cursor, 100)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	if len(again.Entries) != 0 {
		t.Fatalf("Changes after a covered add: got %d entries, want 0", len(again.Entries))
	}
}

func (s suite) testChangesLimit(t *testing.T) {
	ctx := context.Background()
	store := s.newStore(t, s.now)
	now := s.now()
	const total = 7
	for i := range total {
		e, err := policy.Token(fmt.Sprintf("jti-%d", i), time.Time{}, now, "")
		if err != nil {
			t.Fatal(err)
		}
		mustAdd(t, store, e)
	}
	cursor, seen, calls := "", 0, 0
	for {
		set, err := store.Changes(ctx, cursor, 3)
		if err != nil {
			t.Fatalf("Changes(%q, 3): %v", cursor, err)
		}
		calls++
		if len(set.Entries) > 3 {
			t.Fatalf("Changes(limit 3): got %d entries", len(set.Entries))
		}
		seen += len(set.Entries)
		cursor = set.Cursor
		if !set.More {
			break
		}
		if calls > total {
			t.Fatal("Changes: More stays true")
		}
	}
	if seen != total {
		t.Fatalf("Changes in pages: got %d entries, want %d", seen, total)
	}
	if calls != 3 {
		t.Fatalf("Changes pages of 3 over %d entries: got %d calls, want 3", total, calls)
	}
}

func (s suite) testChangesInvalidCursor(t *testing.T) {
	store := s.newStore(t, s.now)
	if _, err := store.Changes(context.Background(), "not-a-cursor", 10); err == nil {
		t.Fatal("Changes(\"not-a-cursor\"): got nil, want an error")
	}
}

func (s suite) testGeneration(t *testing.T) {
	ctx := context.Background()
	store := s.newStore(t, s.now)
	first, err := store.Generation(ctx)
	if err != nil {
		t.Fatalf("Generation: %v", err)
	}
	if first == "" {
		t.Fatal("Generation: got empty, want an id")
	}
	mustAdd(t, store, s.entries(t)[0])
	second, err := store.Generation(ctx)
	if err != nil {
		t.Fatalf("Generation: %v", err)
	}
	if second != first {
		t.Fatalf("Generation after Add: got %q, want %q", second, first)
	}
}

func (s suite) testPing(t *testing.T) {
	store := s.newStore(t, s.now)
	if err := store.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: got %v, want nil", err)
	}
}

func (s suite) testConcurrentAdd(t *testing.T) {
	store := s.newStore(t, s.now)
	now := s.now()
	const workers, each = 4, 10
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				e, err := policy.Subject(revocation.SubjectUser, "carol",
					now.Add(-time.Duration(w*each+i)*time.Millisecond), now, "")
				if err == nil {
					err = store.Add(context.Background(), e)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent Add: %v", err)
	}
	snap, err := store.List(context.Background())
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(snap.Entries) != 1 {
		t.Fatalf("List: got %d entries, want 1", len(snap.Entries))
	}
	if got := snap.Entries[0].Before; !got.Truncate(time.Microsecond).Equal(
		now.Truncate(time.Microsecond)) {
		t.Fatalf("before after concurrent merges: got %s, want the latest %s", got, now)
	}
}

func (s suite) testExpired(t *testing.T) {
	ctx := context.Background()
	store := s.newStore(t, s.now)
	now := s.now()
	short, err := policy.Token("short", now.Add(time.Minute), now, "")
	if err != nil {
		t.Fatal(err)
	}
	long, err := policy.Key("kid-long", now.Add(2*time.Hour), now, "")
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, store, short)
	mustAdd(t, store, long)
	s.clock.Advance(2 * time.Minute)
	snap, err := store.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(snap.Entries) != 1 || snap.Entries[0].ID() != long.ID() {
		t.Fatalf("List after expiry: got %v, want only %s", snap.Entries, long.ID())
	}
	set, err := store.Changes(ctx, "", 100)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	for _, e := range set.Entries {
		if e.ID() == short.ID() {
			t.Fatalf("Changes after expiry: got expired entry %s", short.ID())
		}
	}
	expired := short
	expired.JTI = "already-expired"
	if err := store.Add(ctx, expired); err != nil {
		t.Fatalf("Add(expired entry): got %v, want nil", err)
	}
}
