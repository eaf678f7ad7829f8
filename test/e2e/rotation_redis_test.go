package e2e

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/internal/servetest"
	"github.com/hubjwt/hubjwt/revocation"
	revredisstore "github.com/hubjwt/hubjwt/revocation/redisstore"
	"github.com/hubjwt/hubjwt/token"
)

// keySetKey is the Redis hash of the default key set.
const keySetKey = "hubjwt:keys:{default}:set"

// TestReplicasRotateOncePerPeriod runs two replicas on one Redis through
// several 4 s periods: each period has one rotation, made by one of them, and
// both serve the same JWK Set bytes and ETag within a few seconds.
func TestReplicasRotateOncePerPeriod(t *testing.T) {
	rdb := redistest.Start(t)
	env := append(redisEnv(rdb.URL()), shortSchedule...)
	a := servetest.Start(t, servetest.Options{Env: env})
	b := servetest.Start(t, servetest.Options{Env: env})
	type change struct {
		etag string
		at   time.Time
	}
	var changes []change
	lastA, _ := jwksBody(t, a)
	firstKid := listKeys(t, a).Active
	activeSeen := map[string]time.Time{firstKid: time.Now()}
	deadline := time.Now().Add(17 * time.Second)
	for time.Now().Before(deadline) {
		bodyA, etagA := jwksBody(t, a)
		if bodyA != lastA {
			lastA = bodyA
			changes = append(changes, change{etag: etagA, at: time.Now()})
			waitSameJWKS(t, b, bodyA, etagA, 3*time.Second)
		}
		kid := listKeys(t, a).Active
		if _, ok := activeSeen[kid]; !ok {
			activeSeen[kid] = time.Now()
		}
		time.Sleep(50 * time.Millisecond)
	}
	rotations := countLines(a.Logs(), "key rotated", "scheduled rotation") +
		countLines(b.Logs(), "key rotated", "scheduled rotation")
	t.Logf("%d JWK Set changes, %d active keys, %d scheduled rotations (a %d, b %d)",
		len(changes), len(activeSeen), rotations,
		countLines(a.Logs(), "key rotated", "scheduled rotation"),
		countLines(b.Logs(), "key rotated", "scheduled rotation"))
	// 17 s at a 4 s period, counted from each key's activation: 3 or 4 rotations.
	if rotations < 3 || rotations > 4 {
		t.Errorf("scheduled rotations in 17 s: got %d, want 3 or 4", rotations)
	}
	if got := len(activeSeen) - 1; got != rotations {
		t.Errorf("active keys observed: got %d rotations, logs have %d", got, rotations)
	}
}

// waitSameJWKS waits until p serves body with etag.
func waitSameJWKS(t *testing.T, p *servetest.Process, body, etag string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for {
		got, gotETag := jwksBody(t, p)
		if got == body && gotETag == etag {
			return
		}
		if time.Now().After(deadline) {
			t.Errorf("replica JWK Set after %s: got ETag %s, want %s", limit, gotETag, etag)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestReplicasStartTogetherOnEmptyRedis starts two replicas at the same
// moment: they create one key set, not two, and serving the JWK Set writes
// nothing.
func TestReplicasStartTogetherOnEmptyRedis(t *testing.T) {
	for round := 0; round < 3; round++ {
		t.Run(fmt.Sprintf("round %d", round), func(t *testing.T) {
			rdb := redistest.Start(t)
			env := redisEnv(rdb.URL())
			var wg sync.WaitGroup
			procs := make([]*servetest.Process, 2)
			// servetest.Start blocks until /healthz responds, so the two starts
			// overlap when each runs in its own goroutine.
			for i := range procs {
				wg.Add(1)
				go func(i int) {
					defer wg.Done()
					procs[i] = servetest.Start(t, servetest.Options{Env: env})
				}(i)
			}
			wg.Wait()
			if procs[0] == nil || procs[1] == nil {
				t.FailNow()
			}
			created := countLines(procs[0].Logs(), "key created", "first start") +
				countLines(procs[1].Logs(), "key created", "first start")
			if created != 2 {
				t.Errorf("keys created at first start: got %d, want 2 (one active, one next)",
					created)
			}
			bodyA, etagA := jwksBody(t, procs[0])
			waitSameJWKS(t, procs[1], bodyA, etagA, 3*time.Second)
			ctx := context.Background()
			client := rdb.Client(t)
			version, err := client.HGet(ctx, keySetKey, "version").Result()
			if err != nil {
				t.Fatalf("read key set version: %v", err)
			}
			for i := 0; i < 50; i++ {
				jwksBody(t, procs[i%2])
			}
			after, _ := client.HGet(ctx, keySetKey, "version").Result()
			if version != "1" || after != version {
				t.Errorf("key set version: got %s, then %s after 50 JWKS requests, want 1 and 1",
					version, after)
			}
		})
	}
}

// TestEmergencyRevokeActiveKey revokes the signing key: a new key signs at
// once, and a Verifier backed by a revocation mirror rejects the old key's
// tokens although its cached JWK Set still holds that key.
func TestEmergencyRevokeActiveKey(t *testing.T) {
	rdb := redistest.Start(t)
	p := servetest.Start(t, servetest.Options{Env: redisEnv(rdb.URL())})
	mirror := revocation.NewMirror(revocation.MirrorConfig{
		Source:       revredisstore.NewSource(rdb.Client(t), revredisstore.SourceOptions{}),
		MaxStaleness: time.Minute,
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = mirror.Run(ctx) }()
	v, _ := remoteVerifier(t, p, token.RemoteOptions{MinInterval: time.Hour,
		MaxInterval: time.Hour}, token.WithRevocationList(mirror))
	body := map[string]any{"subject": "alice", "kind": "user",
		"scopes": []string{"read:users!user=alice"}, "expires_in": 300}
	old := mint(t, p, body).AccessToken
	oldKid := kidOf(t, old)
	waitFor(t, "mirror sync", func() bool { _, err := v.Verify(ctx, old); return err == nil })

	status, _, out := call(t, "POST", p.URL+"/v1/keys/"+oldKid+"/revoke", "",
		"Bearer "+p.AdminToken(), "")
	if status != 200 {
		t.Fatalf("POST revoke: got %d %s, want 200", status, out)
	}
	fresh := mint(t, p, body).AccessToken
	if kidOf(t, fresh) == oldKid {
		t.Fatalf("token minted after the revoke is signed by the revoked key %s", oldKid)
	}
	if _, err := v.Verify(ctx, fresh); err != nil {
		t.Errorf("Verify of a token of the new key: %v", err)
	}
	waitFor(t, "revocation reaches the mirror", func() bool {
		_, err := v.Verify(ctx, old)
		return errors.Is(err, token.ErrRevoked)
	})
	if jwks, _ := jwksBody(t, p); strings.Contains(jwks, oldKid) {
		t.Errorf("revoked key %s is still in the JWK Set", oldKid)
	}
	if !p.WaitForLog("key revoked", oldKid) {
		t.Errorf("no log line says key %s was revoked", oldKid)
	}
}

// TestPlaintextKeysRefusedOnRedis checks that serve stops rather than store
// unencrypted private keys in Redis.
func TestPlaintextKeysRefusedOnRedis(t *testing.T) {
	rdb := redistest.Start(t)
	cmd := exec.Command(servetest.Binary(t), "serve")
	cmd.Env = append(os.Environ(), "HUBJWT_LISTEN=127.0.0.1:0", "HUBJWT_DATA_DIR="+t.TempDir(),
		"HUBJWT_REDIS_URL="+rdb.URL(), "HUBJWT_KEYS_ENCRYPTION_KEY=")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("serve on Redis without an encryption key: got %v, want a non-zero exit", err)
	}
	if !strings.Contains(string(out), "keys.allow_plaintext") {
		t.Errorf("output: got %q, want it to name keys.allow_plaintext", out)
	}
	n, err := rdb.Client(t).Exists(context.Background(), keySetKey).Result()
	if err != nil || n != 0 {
		t.Errorf("key set in Redis: got %d (%v), want none written", n, err)
	}
}

// waitFor polls cond every 20 ms for up to 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 10 s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
