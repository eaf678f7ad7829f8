package revocation_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/hubjwt/hubjwt/revocation"
)

func sampleFeed(t testing.TB) revocation.Feed {
	now := time.Unix(1796000000, 0).UTC()
	return revocation.Feed{
		Issuer: issuer, IssuedAt: now, Cursor: "1796000000000-1", Generation: "gen-1",
		Full: true, Entries: []revocation.Entry{
			must(t)(policy.Token("jti-1", now.Add(time.Minute), now, "lost laptop")),
			must(t)(policy.Subject("service", "svc", now, now, "")),
		},
	}
}

func TestFeedRoundTrip(t *testing.T) {
	key := newSigningKey(t, "kid-1")
	want := sampleFeed(t)
	compact, err := revocation.EncodeFeed(want, key.sign)
	if err != nil {
		t.Fatalf("EncodeFeed: %v", err)
	}
	got, err := revocation.VerifyFeed(compact, key.public, issuer)
	if err != nil {
		t.Fatalf("VerifyFeed: %v", err)
	}
	if got.Issuer != want.Issuer || !got.IssuedAt.Equal(want.IssuedAt) ||
		got.Cursor != want.Cursor || got.Generation != want.Generation || got.Full != want.Full {
		t.Fatalf("VerifyFeed: got %+v, want %+v", got, want)
	}
	if len(got.Entries) != len(want.Entries) {
		t.Fatalf("entries: got %d, want %d", len(got.Entries), len(want.Entries))
	}
	for i := range want.Entries {
		if got.Entries[i] != want.Entries[i] {
			t.Errorf("entry %d: got %+v, want %+v", i, got.Entries[i], want.Entries[i])
		}
	}
}

// replaceSegment returns compact with segment i (0 header, 1 payload) replaced.
func replaceSegment(t *testing.T, compact []byte, i int, value string) []byte {
	t.Helper()
	parts := bytes.Split(compact, []byte("."))
	if len(parts) != 3 {
		t.Fatalf("compact JWS: got %d segments, want 3", len(parts))
	}
	parts[i] = []byte(base64.RawURLEncoding.EncodeToString([]byte(value)))
	return bytes.Join(parts, []byte("."))
}

func TestVerifyFeedRejects(t *testing.T) {
	key := newSigningKey(t, "kid-1")
	impostor := newSigningKey(t, "kid-1") // same kid, another private key
	feed := sampleFeed(t)
	good, err := revocation.EncodeFeed(feed, key.sign)
	if err != nil {
		t.Fatal(err)
	}
	encode := func(f revocation.Feed, sign func([]byte, string) ([]byte, error)) []byte {
		b, err := revocation.EncodeFeed(f, sign)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	asToken := func(payload []byte, _ string) ([]byte, error) { return key.sign(payload, "at+jwt") }
	otherIssuer := feed
	otherIssuer.Issuer = "http://127.0.0.1:9999"
	unknownKid := newSigningKey(t, "kid-unknown")

	// An HS256 feed, as in an algorithm confusion attack: the JWK's ES256 must win.
	hsHeader := `{"alg":"HS256","typ":"` + revocation.FeedType + `","kid":"kid-1"}`
	payload, _ := revocation.MarshalFeed(feed)
	signingInput := base64.RawURLEncoding.EncodeToString([]byte(hsHeader)) + "." +
		base64.RawURLEncoding.EncodeToString(payload)
	mac := hmac.New(sha256.New, []byte("secret"))
	mac.Write([]byte(signingInput))
	hs256 := []byte(signingInput + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil)))

	noneAlg := []byte(base64.RawURLEncoding.EncodeToString([]byte(
		`{"alg":"none","typ":"`+revocation.FeedType+`","kid":"kid-1"}`)) + "." +
		base64.RawURLEncoding.EncodeToString(payload) + ".")

	tests := []struct {
		name    string
		compact []byte
		want    string
	}{
		{"bad signature", encode(feed, impostor.sign), "signature"},
		{"tampered payload", replaceSegment(t, good, 1, `{"iss":"`+issuer+`","iat":1,"entries":[]}`),
			"signature"},
		{"wrong typ", encode(feed, asToken), "typ"},
		{"wrong issuer", encode(otherIssuer, key.sign), "iss"},
		{"unknown kid", encode(feed, unknownKid.sign), "not found"},
		{"HS256 alg confusion", hs256, "signature"},
		{"alg none", noneAlg, ""},
		{"not a JWS", []byte("not-a-jws"), "JWS"},
		{"empty", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := revocation.VerifyFeed(tt.compact, key.public, issuer)
			if !errors.Is(err, revocation.ErrInvalidFeed) {
				t.Fatalf("VerifyFeed: got %v, want ErrInvalidFeed", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("VerifyFeed error: got %q, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestVerifyFeedKeyWithoutAlg(t *testing.T) {
	key := newSigningKey(t, "kid-1")
	compact, err := revocation.EncodeFeed(sampleFeed(t), key.sign)
	if err != nil {
		t.Fatal(err)
	}
	public, _ := key.public.Key(0)
	stripped, err := public.Clone()
	if err != nil {
		t.Fatal(err)
	}
	if err := stripped.Remove(jwk.AlgorithmKey); err != nil {
		t.Fatal(err)
	}
	set := jwk.NewSet()
	if err := set.AddKey(stripped); err != nil {
		t.Fatal(err)
	}
	_, err = revocation.VerifyFeed(compact, set, issuer)
	if !errors.Is(err, revocation.ErrInvalidFeed) || !strings.Contains(err.Error(), "alg") {
		t.Fatalf("VerifyFeed with a JWK without alg: got %v, want ErrInvalidFeed naming alg", err)
	}
}

func TestUnmarshalFeedRejects(t *testing.T) {
	tests := []struct {
		name    string
		payload string
	}{
		{"not JSON", "{"},
		{"missing iss", `{"iat":1796000000,"entries":[]}`},
		{"missing iat", `{"iss":"x","entries":[]}`},
		{"invalid entry", `{"iss":"x","iat":1796000000,"entries":[{"kind":"token"}]}`},
		{"unknown kind", `{"iss":"x","iat":1796000000,"entries":[{"kind":"group"}]}`},
		{"trailing data", `{"iss":"x","iat":1796000000,"entries":[]} {}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := revocation.UnmarshalFeed([]byte(tt.payload)); !errors.Is(err,
				revocation.ErrInvalidFeed) {
				t.Fatalf("UnmarshalFeed(%s): got %v, want ErrInvalidFeed", tt.payload, err)
			}
		})
	}
}

func FuzzUnmarshalFeed(f *testing.F) {
	seed, err := revocation.MarshalFeed(sampleFeed(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"iss":"x","iat":1,"entries":[{"kind":"global","before":"2026-01-01T00:00:00Z",` +
		`"created_at":"2026-01-01T00:00:00Z","expires_at":"2026-01-01T01:00:00Z"}]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		feed, err := revocation.UnmarshalFeed(payload)
		if err != nil {
			return
		}
		again, err := revocation.MarshalFeed(feed)
		if err != nil {
			t.Fatalf("MarshalFeed of a decoded feed: %v", err)
		}
		round, err := revocation.UnmarshalFeed(again)
		if err != nil {
			t.Fatalf("UnmarshalFeed of re-encoded feed %s: %v", again, err)
		}
		if round.Issuer != feed.Issuer || !round.IssuedAt.Equal(feed.IssuedAt) ||
			round.Cursor != feed.Cursor || len(round.Entries) != len(feed.Entries) {
			t.Fatalf("round trip: got %+v, want %+v", round, feed)
		}
		for i := range feed.Entries {
			a, b := round.Entries[i], feed.Entries[i]
			if a.ID() != b.ID() || !a.Before.Equal(b.Before) || !a.ExpiresAt.Equal(b.ExpiresAt) {
				t.Fatalf("round trip entry %d: got %+v, want %+v", i, a, b)
			}
		}
	})
}

func FuzzVerifyFeed(f *testing.F) {
	key := newSigningKey(f, "kid-1")
	good, err := revocation.EncodeFeed(sampleFeed(f), key.sign)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte("a.b.c"))
	f.Add([]byte("..."))
	f.Fuzz(func(t *testing.T, compact []byte) {
		feed, err := revocation.VerifyFeed(compact, key.public, issuer)
		if err != nil {
			if !errors.Is(err, revocation.ErrInvalidFeed) {
				t.Fatalf("VerifyFeed error does not wrap ErrInvalidFeed: %v", err)
			}
			return
		}
		if feed.Issuer != issuer {
			t.Fatalf("VerifyFeed accepted iss %q", feed.Issuer)
		}
	})
}
