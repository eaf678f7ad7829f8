package revocation

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// FeedType is the JWS typ header of a revocation feed. It differs from the
// access token's at+jwt, so a feed can never pass as a token or the reverse.
const FeedType = "revocation-feed+jwt"

// MaxFeedSize is the largest feed, in bytes, that VerifyFeed and the feed source accept.
const MaxFeedSize = 64 << 20

// Feed is the payload of the signed revocation feed served at GET /v1/revocations.
type Feed struct {
	// Issuer is the iss of the service that signed the feed.
	Issuer string
	// IssuedAt is when the feed was built, at one-second precision on the wire.
	IssuedAt time.Time
	// Cursor is where the next request continues (its ?since= value).
	Cursor string
	// Generation is the store generation; a change means the store lost its data.
	Generation string
	// Full reports a whole snapshot; false means the changes after Since.
	Full bool
	// Since is the request's cursor when Full is false.
	Since string
	// Entries are the live entries (Full) or the changes after Since.
	Entries []Entry
}

type feedPayload struct {
	Issuer     string  `json:"iss"`
	IssuedAt   int64   `json:"iat"`
	Cursor     string  `json:"cursor"`
	Generation string  `json:"generation"`
	Full       bool    `json:"full"`
	Since      string  `json:"since,omitempty"`
	Entries    []Entry `json:"entries"`
}

// EncodeFeed encodes the feed's payload as JSON and signs it with sign, passing
// FeedType as the typ header. sign is the issuer's signer with its active key;
// it returns the JWS compact serialization.
func EncodeFeed(f Feed, sign func(payload []byte, typ string) ([]byte, error)) ([]byte, error) {
	payload, err := MarshalFeed(f)
	if err != nil {
		return nil, err
	}
	compact, err := sign(payload, FeedType)
	if err != nil {
		return nil, fmt.Errorf("revocation: sign feed: %w", err)
	}
	return compact, nil
}

// MarshalFeed returns the feed's JSON payload. Entries nil is encoded as [].
func MarshalFeed(f Feed) ([]byte, error) {
	p := feedPayload{Issuer: f.Issuer, IssuedAt: f.IssuedAt.Unix(), Cursor: f.Cursor,
		Generation: f.Generation, Full: f.Full, Since: f.Since, Entries: f.Entries}
	if p.Entries == nil {
		p.Entries = []Entry{}
	}
	b, err := json.Marshal(p)
	if err != nil {
		return nil, fmt.Errorf("revocation: encode feed: %w", err)
	}
	return b, nil
}

// UnmarshalFeed decodes and checks a feed's JSON payload: iss and iat present and
// every entry valid. It does not check any signature.
func UnmarshalFeed(payload []byte) (Feed, error) {
	var p feedPayload
	dec := json.NewDecoder(bytes.NewReader(payload))
	if err := dec.Decode(&p); err != nil {
		return Feed{}, fmt.Errorf("%w: payload is not feed JSON: %w", ErrInvalidFeed, err)
	}
	if dec.More() {
		return Feed{}, fmt.Errorf("%w: payload has data after the JSON object", ErrInvalidFeed)
	}
	if p.Issuer == "" {
		return Feed{}, fmt.Errorf("%w: iss is missing", ErrInvalidFeed)
	}
	if p.IssuedAt <= 0 {
		return Feed{}, fmt.Errorf("%w: iat %d is missing or not positive", ErrInvalidFeed,
			p.IssuedAt)
	}
	for i, e := range p.Entries {
		if err := e.Validate(); err != nil {
			return Feed{}, fmt.Errorf("%w: entry %d: %w", ErrInvalidFeed, i, err)
		}
	}
	return Feed{Issuer: p.Issuer, IssuedAt: time.Unix(p.IssuedAt, 0), Cursor: p.Cursor,
		Generation: p.Generation, Full: p.Full, Since: p.Since, Entries: p.Entries}, nil
}

// VerifyFeed verifies a feed in JWS compact serialization against keys and
// returns its payload. It requires the typ header FeedType, a kid found in keys,
// a signature valid under the algorithm of that JWK (its alg member, never the
// header's alg) and iss equal to issuer. Errors wrap ErrInvalidFeed.
func VerifyFeed(compact []byte, keys jwk.Set, issuer string) (Feed, error) {
	if len(compact) > MaxFeedSize {
		return Feed{}, fmt.Errorf("%w: %d bytes exceed the limit of %d", ErrInvalidFeed,
			len(compact), MaxFeedSize)
	}
	key, alg, err := feedKey(compact, keys)
	if err != nil {
		return Feed{}, err
	}
	payload, err := jws.Verify(compact, jws.WithKey(alg, key), jws.WithCompact())
	if err != nil {
		return Feed{}, fmt.Errorf("%w: signature: %w", ErrInvalidFeed, err)
	}
	f, err := UnmarshalFeed(payload)
	if err != nil {
		return Feed{}, err
	}
	if f.Issuer != issuer {
		return Feed{}, fmt.Errorf("%w: iss %q is not the expected issuer %q",
			ErrInvalidFeed, f.Issuer, issuer)
	}
	return f, nil
}

// feedKey checks the protected header and returns the JWK named by its kid with
// the algorithm that JWK declares.
func feedKey(compact []byte, keys jwk.Set) (jwk.Key, jwa.SignatureAlgorithm, error) {
	var none jwa.SignatureAlgorithm
	msg, err := jws.Parse(compact, jws.WithCompact())
	if err != nil {
		return nil, none, fmt.Errorf("%w: not a JWS compact serialization: %w",
			ErrInvalidFeed, err)
	}
	sigs := msg.Signatures()
	if len(sigs) != 1 {
		return nil, none, fmt.Errorf("%w: %d signatures, want 1", ErrInvalidFeed, len(sigs))
	}

	headers := sigs[0].ProtectedHeaders()
	if typ, _ := headers.Type(); typ != FeedType {
		return nil, none, fmt.Errorf("%w: typ %q is not %q", ErrInvalidFeed, typ, FeedType)
	}
	kid, _ := headers.KeyID()
	if kid == "" {
		return nil, none, fmt.Errorf("%w: kid header is missing", ErrInvalidFeed)
	}
	if keys == nil {
		return nil, none, errors.New("revocation: verify feed: key set is nil")
	}

	key, ok := keys.LookupKeyID(kid)
	if !ok {
		return nil, none, fmt.Errorf("%w: kid %q not found in the JWK Set", ErrInvalidFeed, kid)
	}
	keyAlg, ok := key.Algorithm()
	if !ok {
		return nil, none, fmt.Errorf("%w: JWK %q has no alg member", ErrInvalidFeed, kid)
	}
	alg, ok := jwa.LookupSignatureAlgorithm(keyAlg.String())
	if !ok || alg == jwa.NoSignature() {
		return nil, none, fmt.Errorf("%w: JWK %q alg %q is not a signature algorithm",
			ErrInvalidFeed, kid, keyAlg.String())
	}
	return key, alg, nil
}
