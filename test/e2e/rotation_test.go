package e2e

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jws"
	bolt "go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/internal/boltdb"
	"github.com/hubjwt/hubjwt/internal/servetest"
	"github.com/hubjwt/hubjwt/token"
)

// TestRotationUnderLoad mints and verifies continuously through at least
// three scheduled rotations. A Verifier that honours the JWK Set's max-age
// must never see a token signed by a key it does not hold yet.
func TestRotationUnderLoad(t *testing.T) {
	p := servetest.Start(t, servetest.Options{Env: shortSchedule})
	v, _ := remoteVerifier(t, p, token.RemoteOptions{MinInterval: 100 * time.Millisecond,
		MaxInterval: 5 * time.Second, UnknownKeyRefresh: time.Hour})
	admin := "Bearer " + p.AdminToken()
	body := `{"subject":"alice","kind":"user","scopes":["read:users!user=alice"],"expires_in":2}`
	var verified, failed atomic.Int64
	var mu sync.Mutex
	kids := map[string]bool{}
	var firstErr atomic.Value
	deadline := time.Now().Add(15 * time.Second)
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest("POST", p.URL+"/v1/tokens", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", admin)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				var tr tokenResponse
				err = json.NewDecoder(resp.Body).Decode(&tr)
				resp.Body.Close()
				if err != nil || resp.StatusCode != http.StatusOK {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, fmt.Sprintf("mint: status %d", resp.StatusCode))
					continue
				}
				if _, err := v.Verify(context.Background(), tr.AccessToken); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
					continue
				}
				verified.Add(1)
				hdr, _, _ := strings.Cut(tr.AccessToken, ".")
				mu.Lock()
				kids[hdr] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	t.Logf("verified %d tokens signed by %d keys, %d failures", verified.Load(), len(kids),
		failed.Load())
	if got := failed.Load(); got != 0 {
		t.Errorf("failures: got %d of %d (first: %v), want 0", got, got+verified.Load(),
			firstErr.Load())
	}
	if len(kids) < 4 {
		t.Errorf("signing keys seen: got %d, want at least 4 (three rotations)", len(kids))
	}
	if verified.Load() < 100 {
		t.Errorf("verified tokens: got %d, want at least 100", verified.Load())
	}
}

// delayTransport delays every request, so a test can tell whether a caller
// waited on a fetch.
type delayTransport struct{ delay time.Duration }

func (d delayTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	time.Sleep(d.delay)
	return http.DefaultTransport.RoundTrip(r)
}

func TestRandomKidsCostNoFetches(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	v, keys := remoteVerifier(t, p, token.RemoteOptions{
		HTTPClient:        &http.Client{Transport: delayTransport{300 * time.Millisecond}},
		UnknownKeyRefresh: time.Minute,
	})
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	claims := fmt.Sprintf(`{"iss":%q,"sub":"alice","aud":["jupyterhub"],"exp":%d,"iat":%d,`+
		`"nbf":%d,"jti":"AAAAAAAAAAAAAAAAAAAAAA","scope":"","kind":"user"}`, p.URL,
		time.Now().Add(time.Minute).Unix(), time.Now().Unix(), time.Now().Unix())
	tokens := make([]string, 1000)
	for i := range tokens {
		hdr := jws.NewHeaders()
		_ = hdr.Set(jws.KeyIDKey, fmt.Sprintf("random-%d-%x", i, sha256.Sum256([]byte{byte(i)})))
		_ = hdr.Set(jws.TypeKey, "at+jwt")
		raw, err := jws.Sign([]byte(claims), jws.WithKey(jwa.ES256(), priv,
			jws.WithProtectedHeaders(hdr)))
		if err != nil {
			t.Fatal(err)
		}
		tokens[i] = string(raw)
	}
	before := keys.Fetches()
	var wg sync.WaitGroup
	var slowest atomic.Int64
	for i := range tokens {
		wg.Add(1)
		go func(raw string) {
			defer wg.Done()
			start := time.Now()
			_, err := v.Verify(context.Background(), raw)
			if !errors.Is(err, token.ErrUnknownKey) {
				t.Errorf("Verify: got %v, want ErrUnknownKey", err)
			}
			if d := int64(time.Since(start)); d > slowest.Load() {
				slowest.Store(d)
			}
		}(tokens[i])
	}
	wg.Wait()
	time.Sleep(500 * time.Millisecond) // let a background refetch finish
	fetches := keys.Fetches() - before
	t.Logf("1,000 random kids: %d JWKS fetches, slowest Verify %s", fetches,
		time.Duration(slowest.Load()))
	if fetches > 2 {
		t.Errorf("JWKS fetches: got %d, want at most 2", fetches)
	}
	if got := time.Duration(slowest.Load()); got > 150*time.Millisecond {
		t.Errorf("slowest Verify: got %s, want no wait on a 300 ms fetch", got)
	}
}

func TestWrongEncryptionKeyAtStart(t *testing.T) {
	dir := t.TempDir()
	p := servetest.Start(t, servetest.Options{DataDir: dir,
		Env: []string{"HUBJWT_KEYS_ENCRYPTION_KEY=" + testEncryptionKey}})
	before := listKeys(t, p)
	p.Stop()
	stored := storedKeySet(t, dir)

	cmd := exec.Command(servetest.Binary(t), "serve")
	cmd.Env = append(os.Environ(), "HUBJWT_LISTEN=127.0.0.1:0", "HUBJWT_DATA_DIR="+dir,
		"HUBJWT_KEYS_ENCRYPTION_KEY=another key, also long enough to be accepted!!")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() == 0 {
		t.Fatalf("serve with another encryption key: got %v, want a non-zero exit\n%s", err, out)
	}
	if !strings.Contains(string(out), "encrypted with another key") {
		t.Errorf("output: got %q, want it to say the keys were encrypted with another key", out)
	}
	if after := storedKeySet(t, dir); after != stored {
		t.Error("the stored key set changed after a start with the wrong encryption key")
	}
	p.Restart()
	if got := listKeys(t, p); got.Active != before.Active || len(got.Keys) != len(before.Keys) {
		t.Errorf("keys after restart with the right key: got %+v, want %+v", got, before)
	}
}

// storedKeySet returns the key set record of the embedded store in dir, read
// without writing.
func storedKeySet(t *testing.T, dir string) string {
	t.Helper()
	db, err := bolt.Open(filepath.Join(dir, boltdb.FileName), 0o600,
		&bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatalf("open the embedded store: %v", err)
	}
	defer db.Close()
	var raw string
	err = db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("jwks"))
		if b == nil {
			return errors.New("no jwks bucket")
		}
		raw = string(b.Get([]byte("keyset")))
		return nil
	})
	if err != nil || raw == "" {
		t.Fatalf("read the stored key set: %v (%d bytes)", err, len(raw))
	}
	return raw
}
