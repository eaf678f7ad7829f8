package token_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/hubjwt/hubjwt/token"
)

// goodClaims returns a claim set the fixture's verifier accepts.
func goodClaims() map[string]any {
	return map[string]any{
		"iss": testIssuer, "sub": "alice", "aud": []string{testAudience},
		"exp": epoch.Add(5 * time.Minute).Unix(), "iat": epoch.Unix(), "nbf": epoch.Unix(),
		"jti": "AAAAAAAAAAAAAAAAAAAAAA", "scope": "read:users!user=alice", "kind": "user",
		"client_id": "jupyterhub",
	}
}

func with(c map[string]any, key string, v any) map[string]any {
	out := map[string]any{}
	for k, val := range c {
		out[k] = val
	}
	if v == nil {
		delete(out, key)
	} else {
		out[key] = v
	}
	return out
}

// signJWS signs claims with key and alg, with exactly the given protected headers.
func signJWS(t *testing.T, alg jwa.SignatureAlgorithm, key any, headers map[string]any,
	claims map[string]any) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	hdr := jws.NewHeaders()
	for k, v := range headers {
		if err := hdr.Set(k, v); err != nil {
			t.Fatalf("set header %s: %v", k, err)
		}
	}
	out, err := jws.Sign(payload, jws.WithKey(alg, key, jws.WithProtectedHeaders(hdr)))
	if err != nil {
		t.Fatalf("sign: %v", err)
	}
	return string(out)
}

// handJWS builds a compact JWS from raw header JSON, claims and signature bytes.
func handJWS(t *testing.T, header string, claims map[string]any, sig []byte) string {
	t.Helper()
	payload, err := json.Marshal(claims)
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString(payload) + "." +
		enc.EncodeToString(sig)
}

func TestVerifyAcceptsEveryAlgorithm(t *testing.T) {
	for _, alg := range []string{"ES256", "EdDSA", "RS256", "PS256"} {
		t.Run(alg, func(t *testing.T) {
			f := newFixture(t, alg)
			tok := f.mint(t, token.Request{Scopes: []string{"read:users!user=alice"}})
			c, err := f.verifier.Verify(context.Background(), tok.Raw)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if c.Subject != "alice" || c.ID != tok.Claims.ID || !c.HasScope("read:users!user=alice") {
				t.Errorf("claims: got %+v, want those minted", c)
			}
		})
	}
}

func TestVerifyRejects(t *testing.T) {
	f := newFixture(t, "ES256")
	kid := f.keys.ActiveKeyID()
	active, ok := f.keys.Document().Set.LookupKeyID(kid)
	if !ok {
		t.Fatal("active key not in document")
	}
	attacker, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	attackerJWK, err := jwk.Import(attacker.Public())
	if err != nil {
		t.Fatal(err)
	}
	var pub any
	if err := jwk.Export(active, &pub); err != nil {
		t.Fatal(err)
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	sign := func(claims map[string]any) string {
		tok, err := f.keys.Sign(mustJSON(t, claims), token.Type)
		if err != nil {
			t.Fatal(err)
		}
		return string(tok)
	}
	good := sign(goodClaims())
	atHdr := map[string]any{"typ": "at+jwt", "kid": kid}
	valid := f.mint(t, token.Request{}).Raw

	cases := []struct {
		name string
		raw  string
		want error
	}{
		{"wrong issuer", sign(with(goodClaims(), "iss", "https://evil.example")), token.ErrIssuer},
		{"wrong audience", sign(with(goodClaims(), "aud", "jupyterhub-user-bob")), token.ErrAudience},
		{"expired", sign(with(goodClaims(), "exp", epoch.Add(-time.Minute).Unix())), token.ErrExpired},
		{"nbf in the future", sign(with(goodClaims(), "nbf", epoch.Add(time.Hour).Unix())), token.ErrNotYetValid},
		{"iat in the future", sign(with(goodClaims(), "iat", epoch.Add(time.Hour).Unix())), token.ErrIssuedInFuture},
		{"missing exp", sign(with(goodClaims(), "exp", nil)), token.ErrMissingClaim},
		{"missing sub", sign(with(goodClaims(), "sub", nil)), token.ErrMissingClaim},
		{"missing jti", sign(with(goodClaims(), "jti", nil)), token.ErrMissingClaim},
		{"exp as a string", sign(with(goodClaims(), "exp", "2099-01-01")), token.ErrMalformed},
		{"missing typ", signJWS(t, jwa.ES256(), attacker, map[string]any{"kid": kid}, goodClaims()), token.ErrWrongType},
		{"typ JWT", handJWS(t, `{"alg":"ES256","kid":"`+kid+`","typ":"JWT"}`, goodClaims(), make([]byte, 64)), token.ErrWrongType},
		{"alg none", handJWS(t, `{"alg":"none","kid":"`+kid+`","typ":"at+jwt"}`, goodClaims(), nil), token.ErrAlgorithm},
		{"HS256 with the public key as secret", signJWS(t, jwa.HS256(), pubPEM, atHdr, goodClaims()), token.ErrAlgorithm},
		{"header alg differs from key alg", handJWS(t, `{"alg":"RS256","kid":"`+kid+`","typ":"at+jwt"}`, goodClaims(), make([]byte, 256)), token.ErrAlgorithmMismatch},
		{"valid signature by a key not in the set", signJWS(t, jwa.ES256(), attacker, atHdr, goodClaims()), token.ErrSignature},
		{"kid not in the set", signJWS(t, jwa.ES256(), attacker, map[string]any{"typ": "at+jwt", "kid": "attacker"}, goodClaims()), token.ErrUnknownKey},
		{"missing kid", signJWS(t, jwa.ES256(), attacker, map[string]any{"typ": "at+jwt"}, goodClaims()), token.ErrNoKeyID},
		{"jku header", signJWS(t, jwa.ES256(), attacker, map[string]any{"typ": "at+jwt", "kid": kid, "jku": "https://evil.example/jwks.json"}, goodClaims()), token.ErrForbiddenHeader},
		{"x5u header", signJWS(t, jwa.ES256(), attacker, map[string]any{"typ": "at+jwt", "kid": kid, "x5u": "https://evil.example/cert.pem"}, goodClaims()), token.ErrForbiddenHeader},
		{"embedded jwk header", signJWS(t, jwa.ES256(), attacker, map[string]any{"typ": "at+jwt", "kid": kid, "jwk": attackerJWK}, goodClaims()), token.ErrForbiddenHeader},
		{"crit header", handJWS(t, `{"alg":"ES256","kid":"`+kid+`","typ":"at+jwt","crit":["exp"]}`, goodClaims(), make([]byte, 64)), token.ErrForbiddenHeader},
		{"truncated signature", valid[:len(valid)-10], token.ErrSignature},
		{"trailing segment", valid + ".AAAA", token.ErrMalformed},
		{"trailing bytes on the signature", valid + "AAAA", token.ErrSignature},
		{"two segments", valid[:strings.LastIndex(valid, ".")], token.ErrMalformed},
		{"over the size limit", good + strings.Repeat("A", token.DefaultMaxTokenSize), token.ErrTooLarge},
		{"header not JSON", base64.RawURLEncoding.EncodeToString([]byte("{nope")) + ".e30.AAAA", token.ErrMalformed},
		{"empty", "", token.ErrMalformed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := f.verifier.Verify(context.Background(), tc.raw)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got claims %v, error %v; want %v", c, err, tc.want)
			}
		})
	}
	if _, err := f.verifier.Verify(context.Background(), good); err != nil {
		t.Fatalf("control token rejected: %v", err)
	}
}

func TestVerifyLeeway(t *testing.T) {
	f := newFixture(t, "EdDSA")
	tok := f.mint(t, token.Request{TTL: time.Minute})
	f.now = epoch.Add(time.Minute + 20*time.Second)
	if _, err := f.verifier.Verify(context.Background(), tok.Raw); err != nil {
		t.Fatalf("20 s after exp, inside the 30 s leeway: %v", err)
	}
	f.now = epoch.Add(time.Minute + 31*time.Second)
	if _, err := f.verifier.Verify(context.Background(), tok.Raw); !errors.Is(err, token.ErrExpired) {
		t.Fatalf("31 s after exp: got %v, want ErrExpired", err)
	}
}

func TestVerifyAudienceAsString(t *testing.T) {
	f := newFixture(t, "ES256")
	raw, err := f.keys.Sign(mustJSON(t, with(goodClaims(), "aud", testAudience)), token.Type)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.verifier.Verify(context.Background(), string(raw)); err != nil {
		t.Fatalf("aud as a single string: %v", err)
	}
}

type revokeAll struct{ err error }

func (r revokeAll) Check(jti, kind, sub, kid string, iat time.Time) error { return r.err }

type staleErr struct{}

func (staleErr) Error() string { return "mirror last synced 2m ago" }
func (staleErr) Stale() bool   { return true }

func TestVerifyRevocation(t *testing.T) {
	f := newFixture(t, "ES256")
	tok := f.mint(t, token.Request{})
	src, _ := token.NewStaticKeys(f.publicSet())
	for _, tc := range []struct {
		name string
		list revokeAll
		want error
	}{
		{"revoked", revokeAll{errors.New("jti revoked")}, token.ErrRevoked},
		{"stale list", revokeAll{staleErr{}}, token.ErrRevocationStale},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v, err := token.NewVerifier(token.VerifierConfig{Issuer: testIssuer, Audience: testAudience},
				src, token.WithVerifierClock(func() time.Time { return epoch }),
				token.WithRevocationList(tc.list))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := v.Verify(context.Background(), tok.Raw); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
