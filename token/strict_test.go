package token_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/token"
)

// rawClaims returns a good claim set as JSON text with extra members appended.
func rawClaims(extra string) []byte {
	return []byte(fmt.Sprintf(`{"iss":%q,"sub":"alice","aud":[%q],"exp":%d,"iat":%d,`+
		`"jti":"AAAAAAAAAAAAAAAAAAAAAA","kind":"user"%s}`, testIssuer, testAudience,
		epoch.Add(5*time.Minute).Unix(), epoch.Unix(), extra))
}

func TestVerifyRejectsAmbiguousTokens(t *testing.T) {
	f := newFixture(t, "ES256")
	kid := f.keys.ActiveKeyID()
	sign := func(payload []byte) string {
		out, err := f.keys.Sign(payload, token.Type)
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	good := sign(rawClaims(""))
	if _, err := f.verifier.Verify(context.Background(), good); err != nil {
		t.Fatalf("control token: %v", err)
	}
	dot := strings.LastIndexByte(good, '.')
	sig, _ := base64.RawURLEncoding.DecodeString(good[dot+1:])
	flipped := []byte(good)
	last := len(flipped) - 1
	// A 64-byte signature is 86 characters; the last carries 2 unused bits.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	flipped[last] = alphabet[strings.IndexByte(alphabet, flipped[last])^1]
	hdr := func(json string) string {
		return base64.RawURLEncoding.EncodeToString([]byte(json)) + good[strings.IndexByte(good, '.'):]
	}
	cases := []struct {
		name string
		raw  string
	}{
		{"padded signature", good + "=="},
		{"standard base64 signature", good[:dot+1] + base64.StdEncoding.EncodeToString(sig)},
		{"newline inside", good[:dot] + "\n" + good[dot:]},
		{"unused bits set", string(flipped)},
		{"duplicate alg header", hdr(`{"alg":"ES256","alg":"none","kid":"` + kid + `","typ":"at+jwt"}`)},
		{"duplicate typ header", hdr(`{"alg":"ES256","kid":"` + kid + `","typ":"at+jwt","typ":"JWT"}`)},
		{"case variant header", hdr(`{"alg":"ES256","kid":"` + kid + `","typ":"at+jwt","Kid":"x"}`)},
		{"duplicate claim", sign(rawClaims(`,"sub":"admin"`))},
		{"case variant iss", sign(rawClaims(`,"ISS":"https://evil.example"`))},
		{"case variant sub", sign(rawClaims(`,"Sub":"admin"`))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := f.verifier.Verify(context.Background(), tc.raw)
			if !errors.Is(err, token.ErrMalformed) {
				t.Fatalf("got claims %v, error %v; want ErrMalformed", c, err)
			}
		})
	}
}

func TestVerifyNoLeeway(t *testing.T) {
	f := newFixture(t, "EdDSA")
	tok := f.mint(t, token.Request{TTL: time.Minute})
	src, err := token.NewStaticKeys(f.publicSet())
	if err != nil {
		t.Fatal(err)
	}
	now := epoch.Add(time.Minute + time.Second)
	v, err := token.NewVerifier(token.VerifierConfig{Issuer: testIssuer, Audience: testAudience,
		Leeway: token.NoLeeway}, src, token.WithVerifierClock(func() time.Time { return now }))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := v.Verify(context.Background(), tok.Raw); !errors.Is(err, token.ErrExpired) {
		t.Fatalf("1 s after exp with NoLeeway: got %v, want ErrExpired", err)
	}
	if _, err := token.NewVerifier(token.VerifierConfig{Issuer: testIssuer, Audience: testAudience,
		Leeway: -5 * time.Minute}, src); err == nil {
		t.Error("a negative leeway was accepted")
	}
}
