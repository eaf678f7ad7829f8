package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/token/refresh"
)

// Grace is the reuse grace window the suite's redemptions use.
const Grace = 10 * time.Second

// Run runs the suite against stores returned by newStore, each new and empty.
func Run(t *testing.T, newStore func(t *testing.T) refresh.Store) {
	t.Helper()
	s := suite{newStore: newStore}
	t.Run("CreateGet", s.testCreateGet)
	t.Run("CreateInvalid", s.testCreateInvalid)
	t.Run("CreateDuplicate", s.testCreateDuplicate)
	t.Run("Rotate", s.testRotate)
	t.Run("UnknownFamily", s.testUnknownFamily)
	t.Run("UnknownHash", s.testUnknownHash)
	t.Run("GraceRetry", s.testGraceRetry)
	t.Run("ReuseAfterGrace", s.testReuseAfterGrace)
	t.Run("OlderTokenInGrace", s.testOlderTokenInGrace)
	t.Run("ClientMismatch", s.testClientMismatch)
	t.Run("Expired", s.testExpired)
	t.Run("Revoke", s.testRevoke)
	t.Run("ConcurrentRedeemWithGrace", func(t *testing.T) { s.testConcurrent(t, Grace) })
	t.Run("ConcurrentRedeemWithoutGrace", func(t *testing.T) { s.testConcurrent(t, 0) })
	t.Run("Purge", s.testPurge)
}

type suite struct {
	newStore func(t *testing.T) refresh.Store
}

var ids = struct {
	sync.Mutex
	n int
}{}

// familyID returns a new 22-character id, unique within the test process.
func familyID() string {
	ids.Lock()
	defer ids.Unlock()
	ids.n++
	return fmt.Sprintf("fam%019d", ids.n)
}

// newFamily returns a valid family created at the real time truncated to
// milliseconds, which is the resolution Redis keeps.
func newFamily() refresh.Family {
	now := time.Now().Truncate(time.Millisecond)
	return refresh.Family{
		ID: familyID(), Subject: "alice", Kind: "user", ClientID: "jupyterlab",
		Scopes:    []string{"read:users!user=alice", "access:servers!server=alice/"},
		Audience:  []string{"jupyterhub"},
		CreatedAt: now, ExpiresAt: now.Add(time.Hour), Current: "hash-0",
	}
}

func (s suite) create(t *testing.T, st refresh.Store) refresh.Family {
	t.Helper()
	f := newFamily()
	if err := st.Create(context.Background(), f); err != nil {
		t.Fatalf("Create: %v", err)
	}
	return f
}

// redemption presents hash at now+offset, replacing it with next.
func redemption(f refresh.Family, hash, next string, offset time.Duration) refresh.Redemption {
	return refresh.Redemption{
		FamilyID: f.ID, Hash: hash, ClientID: f.ClientID, Now: f.CreatedAt.Add(offset),
		Grace: Grace, Next: next, Sealed: []byte("sealed " + next),
	}
}

func (s suite) redeem(t *testing.T, st refresh.Store, r refresh.Redemption) refresh.Outcome {
	t.Helper()
	out, err := st.Redeem(context.Background(), r)
	if err != nil {
		t.Fatalf("Redeem(%s): %v", r.Hash, err)
	}
	return out
}

func (s suite) wantRedeemError(t *testing.T, st refresh.Store, r refresh.Redemption, want error) {
	t.Helper()
	_, err := st.Redeem(context.Background(), r)
	if !errors.Is(err, want) {
		t.Fatalf("Redeem(%s): got error %v, want %v", r.Hash, err, want)
	}
}

func (s suite) get(t *testing.T, st refresh.Store, id string) refresh.Family {
	t.Helper()
	f, err := st.Get(context.Background(), id)
	if err != nil {
		t.Fatalf("Get(%s): %v", id, err)
	}
	return f
}

func (s suite) testCreateGet(t *testing.T) {
	st := s.newStore(t)
	want := s.create(t, st)
	got := s.get(t, st, want.ID)
	if got.Subject != want.Subject || got.Kind != want.Kind || got.ClientID != want.ClientID {
		t.Errorf("got owner %s %s client %s, want %s %s client %s", got.Kind, got.Subject,
			got.ClientID, want.Kind, want.Subject, want.ClientID)
	}
	if !slices.Equal(got.Scopes, want.Scopes) || !slices.Equal(got.Audience, want.Audience) {
		t.Errorf("got scopes %v aud %v, want %v aud %v", got.Scopes, got.Audience, want.Scopes,
			want.Audience)
	}
	if !got.CreatedAt.Equal(want.CreatedAt) || !got.ExpiresAt.Equal(want.ExpiresAt) {
		t.Errorf("got times %s..%s, want %s..%s", got.CreatedAt, got.ExpiresAt, want.CreatedAt,
			want.ExpiresAt)
	}
	if got.Current != want.Current || got.Generation != 0 || got.Revoked {
		t.Errorf("got current %q generation %d revoked %v, want %q 0 false", got.Current,
			got.Generation, got.Revoked, want.Current)
	}
	if _, err := st.Get(context.Background(), "missing-family"); !errors.Is(err, refresh.ErrNotFound) {
		t.Errorf("Get(missing): got error %v, want ErrNotFound", err)
	}
}

func (s suite) testCreateInvalid(t *testing.T) {
	st := s.newStore(t)
	cases := map[string]func(f *refresh.Family){
		"no id":      func(f *refresh.Family) { f.ID = "" },
		"no subject": func(f *refresh.Family) { f.Subject = "" },
		"no client":  func(f *refresh.Family) { f.ClientID = "" },
		"no current": func(f *refresh.Family) { f.Current = "" },
		"ends early": func(f *refresh.Family) { f.ExpiresAt = f.CreatedAt },
	}
	for name, change := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFamily()
			change(&f)
			if err := st.Create(context.Background(), f); !errors.Is(err, refresh.ErrInvalidFamily) {
				t.Errorf("got error %v, want ErrInvalidFamily", err)
			}
		})
	}
}

func (s suite) testCreateDuplicate(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	f.Subject = "mallory"
	if err := st.Create(context.Background(), f); !errors.Is(err, refresh.ErrInvalidFamily) {
		t.Fatalf("second Create: got error %v, want ErrInvalidFamily", err)
	}
	if got := s.get(t, st, f.ID); got.Subject != "alice" {
		t.Errorf("got subject %q after a duplicate Create, want alice", got.Subject)
	}
}

func (s suite) testRotate(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	out := s.redeem(t, st, redemption(f, "hash-0", "hash-1", time.Minute))
	if out.Result != refresh.Rotated {
		t.Fatalf("got result %d, want Rotated", out.Result)
	}
	if out.Family.Current != "hash-1" || out.Family.Previous != "hash-0" || out.Family.Generation != 1 {
		t.Errorf("got current %q previous %q generation %d, want hash-1 hash-0 1",
			out.Family.Current, out.Family.Previous, out.Family.Generation)
	}
	if string(out.Family.Successor) != "sealed hash-1" {
		t.Errorf("got successor %q, want %q", out.Family.Successor, "sealed hash-1")
	}
	if want := f.CreatedAt.Add(time.Minute); !out.Family.RotatedAt.Equal(want) {
		t.Errorf("got rotated_at %s, want %s", out.Family.RotatedAt, want)
	}
	out = s.redeem(t, st, redemption(f, "hash-1", "hash-2", 2*time.Minute))
	if out.Result != refresh.Rotated || out.Family.Generation != 2 {
		t.Errorf("second rotation: got result %d generation %d, want Rotated 2", out.Result,
			out.Family.Generation)
	}
	if got := s.get(t, st, f.ID); got.Current != "hash-2" || got.Subject != "alice" {
		t.Errorf("stored: got current %q subject %q, want hash-2 alice", got.Current, got.Subject)
	}
}

func (s suite) testUnknownFamily(t *testing.T) {
	st := s.newStore(t)
	f := newFamily()
	s.wantRedeemError(t, st, redemption(f, "hash-0", "hash-1", 0), refresh.ErrNotFound)
}

func (s suite) testUnknownHash(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	s.wantRedeemError(t, st, redemption(f, "forged", "hash-1", 0), refresh.ErrNotFound)
	if got := s.get(t, st, f.ID); got.Revoked || got.Current != "hash-0" {
		t.Errorf("got revoked %v current %q, want an unknown token to change nothing",
			got.Revoked, got.Current)
	}
}

func (s suite) testGraceRetry(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	s.redeem(t, st, redemption(f, "hash-0", "hash-1", time.Minute))
	out := s.redeem(t, st, redemption(f, "hash-0", "hash-other", time.Minute+Grace-time.Millisecond))
	if out.Result != refresh.Retried {
		t.Fatalf("got result %d, want Retried", out.Result)
	}
	if out.Family.Current != "hash-1" || string(out.Family.Successor) != "sealed hash-1" {
		t.Errorf("got current %q successor %q, want the first successor hash-1",
			out.Family.Current, out.Family.Successor)
	}
	got := s.get(t, st, f.ID)
	if got.Revoked || got.Current != "hash-1" || got.Generation != 1 {
		t.Errorf("stored: got revoked %v current %q generation %d, want false hash-1 1",
			got.Revoked, got.Current, got.Generation)
	}
}

func (s suite) testReuseAfterGrace(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	s.redeem(t, st, redemption(f, "hash-0", "hash-1", time.Minute))
	s.wantRedeemError(t, st, redemption(f, "hash-0", "hash-x", time.Minute+Grace), refresh.ErrReused)
	if got := s.get(t, st, f.ID); !got.Revoked {
		t.Error("got a family that is not revoked after reuse, want revoked")
	}
	s.wantRedeemError(t, st, redemption(f, "hash-1", "hash-2", time.Minute+Grace), refresh.ErrRevoked)
}

func (s suite) testOlderTokenInGrace(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	s.redeem(t, st, redemption(f, "hash-0", "hash-1", time.Minute))
	s.redeem(t, st, redemption(f, "hash-1", "hash-2", time.Minute+time.Second))
	// hash-0 is two rotations old, so the grace window does not cover it.
	s.wantRedeemError(t, st, redemption(f, "hash-0", "hash-x", time.Minute+2*time.Second),
		refresh.ErrReused)
	s.wantRedeemError(t, st, redemption(f, "hash-2", "hash-3", time.Minute+3*time.Second),
		refresh.ErrRevoked)
}

func (s suite) testClientMismatch(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	r := redemption(f, "hash-0", "hash-1", 0)
	r.ClientID = "other-client"
	s.wantRedeemError(t, st, r, refresh.ErrClientMismatch)
	if got := s.get(t, st, f.ID); got.Revoked || got.Current != "hash-0" {
		t.Errorf("got revoked %v current %q, want the family unchanged", got.Revoked, got.Current)
	}
	s.redeem(t, st, redemption(f, "hash-0", "hash-1", 0))
}

func (s suite) testExpired(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	s.wantRedeemError(t, st, redemption(f, "hash-0", "hash-1", time.Hour), refresh.ErrExpired)
	s.redeem(t, st, redemption(f, "hash-0", "hash-1", time.Hour-time.Millisecond))
}

func (s suite) testRevoke(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	if err := st.Revoke(context.Background(), f.ID); err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	s.wantRedeemError(t, st, redemption(f, "hash-0", "hash-1", 0), refresh.ErrRevoked)
	if err := st.Revoke(context.Background(), "missing-family"); !errors.Is(err, refresh.ErrNotFound) {
		t.Errorf("Revoke(missing): got error %v, want ErrNotFound", err)
	}
}

// testConcurrent redeems one token from 10 goroutines at once. With a grace
// window, one rotates and the others retry and see its successor; without
// one, one rotates and the others revoke the family. Never do two rotate.
func (s suite) testConcurrent(t *testing.T, grace time.Duration) {
	st := s.newStore(t)
	f := s.create(t, st)
	const n = 10
	type result struct {
		out refresh.Outcome
		err error
	}
	results := make([]result, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			r := redemption(f, "hash-0", fmt.Sprintf("next-%d", i), time.Second)
			r.Grace = grace
			out, err := st.Redeem(context.Background(), r)
			results[i] = result{out, err}
		}()
	}
	start.Done()
	done.Wait()

	var rotated, retried, reused int
	winner := ""
	for i, r := range results {
		switch {
		case r.err == nil && r.out.Result == refresh.Rotated:
			rotated++
			winner = r.out.Family.Current
		case r.err == nil && r.out.Result == refresh.Retried:
			retried++
		case errors.Is(r.err, refresh.ErrReused), errors.Is(r.err, refresh.ErrRevoked):
			reused++
		default:
			t.Errorf("redemption %d: got result %d error %v, want Rotated, Retried or reuse",
				i, r.out.Result, r.err)
		}
	}
	if rotated != 1 {
		t.Fatalf("got %d rotations, want exactly 1", rotated)
	}
	for i, r := range results {
		if r.err == nil && r.out.Family.Current != winner {
			t.Errorf("redemption %d: got successor %q, want the one successor %q", i,
				r.out.Family.Current, winner)
		}
	}
	got := s.get(t, st, f.ID)
	if grace > 0 {
		if retried != n-1 || got.Revoked {
			t.Errorf("got %d retries, revoked %v; want %d retries and a live family",
				retried, got.Revoked, n-1)
		}
		return
	}
	if reused != n-1 || !got.Revoked {
		t.Errorf("got %d reuse errors, revoked %v; want %d and a revoked family", reused,
			got.Revoked, n-1)
	}
}

func (s suite) testPurge(t *testing.T) {
	st := s.newStore(t)
	f := s.create(t, st)
	if _, err := st.Purge(context.Background(), f.CreatedAt.Add(time.Minute)); err != nil {
		t.Fatalf("Purge before expiry: %v", err)
	}
	s.get(t, st, f.ID)
	if _, err := st.Purge(context.Background(), f.ExpiresAt); err != nil {
		t.Fatalf("Purge after expiry: %v", err)
	}
	_, err := st.Redeem(context.Background(), redemption(f, "hash-0", "hash-1", time.Hour))
	if !errors.Is(err, refresh.ErrNotFound) && !errors.Is(err, refresh.ErrExpired) {
		t.Errorf("Redeem after Purge: got error %v, want ErrNotFound or ErrExpired", err)
	}
}
