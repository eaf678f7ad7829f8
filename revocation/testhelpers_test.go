package revocation_test

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/hubjwt/hubjwt/revocation"
)

const issuer = "http://127.0.0.1:8090"

var policy = revocation.Policy{MaxTTL: time.Hour}

// logBuffer collects log output; it is safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) count(substr string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), substr)
}

func newLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

// signingKey is an ES256 key with its public JWK Set, as an issuer publishes it.
type signingKey struct {
	private jwk.Key
	public  jwk.Set
	kid     string
}

func newSigningKey(t testing.TB, kid string) signingKey {
	t.Helper()
	raw, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	private, err := jwk.Import(raw)
	if err != nil {
		t.Fatal(err)
	}
	for name, value := range map[string]any{jwk.KeyIDKey: kid, jwk.AlgorithmKey: jwa.ES256()} {
		if err := private.Set(name, value); err != nil {
			t.Fatal(err)
		}
	}
	public, err := jwk.PublicKeyOf(private)
	if err != nil {
		t.Fatal(err)
	}
	set := jwk.NewSet()
	if err := set.AddKey(public); err != nil {
		t.Fatal(err)
	}
	return signingKey{private: private, public: set, kid: kid}
}

// sign returns a signer for EncodeFeed that writes typ and kid into the header.
func (k signingKey) sign(payload []byte, typ string) ([]byte, error) {
	headers := jws.NewHeaders()
	if err := headers.Set(jws.TypeKey, typ); err != nil {
		return nil, err
	}
	if err := headers.Set(jws.KeyIDKey, k.kid); err != nil {
		return nil, err
	}
	return jws.Sign(payload, jws.WithKey(jwa.ES256(), k.private,
		jws.WithProtectedHeaders(headers)))
}

// must returns a function that fails the test when a Policy method failed, so
// must(t)(policy.Token(...)) yields the entry.
func must(t testing.TB) func(revocation.Entry, error) revocation.Entry {
	return func(e revocation.Entry, err error) revocation.Entry {
		t.Helper()
		if err != nil {
			t.Fatalf("build entry: %v", err)
		}
		return e
	}
}

// eventually polls cond every 5 ms until it holds or the timeout passes. It waits
// for background loops, whose progress no test clock controls.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > timeout {
			t.Fatalf("%s: not reached within %s", what, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}
