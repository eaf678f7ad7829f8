package token

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"fmt"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// VerificationKey is one public key and the single algorithm it verifies.
type VerificationKey struct {
	ID        string
	Algorithm jwa.SignatureAlgorithm
	Key       any // *ecdsa.PublicKey, ed25519.PublicKey or *rsa.PublicKey
}

// KeySource finds the verification key for a kid. Implementations are safe for
// concurrent use. An unknown kid returns an error wrapping ErrUnknownKey.
type KeySource interface {
	Key(ctx context.Context, kid string) (VerificationKey, error)
}

// allowedAlgorithms are the only algorithms a Verifier accepts, whatever a
// key or header names.
var allowedAlgorithms = map[string]bool{"ES256": true, "EdDSA": true, "RS256": true, "PS256": true}

// indexKeys converts a JWK Set into verification keys by kid. Keys without a
// kid or alg, with an algorithm outside the allowed set, with use other than
// sig, private members, or RSA moduli under 2048 bits are skipped, so one bad
// key never disables the good ones (RFC 7517 section 5). The returned list
// says why each skipped key was skipped.
func indexKeys(set jwk.Set) (map[string]VerificationKey, []string) {
	out := make(map[string]VerificationKey, set.Len())
	count := make(map[string]int, set.Len())
	var skipped []string
	for i := 0; i < set.Len(); i++ {
		k, _ := set.Key(i)
		if kid, ok := k.KeyID(); ok {
			count[kid]++
		}
		vk, err := verificationKey(k, i)
		if err != nil {
			skipped = append(skipped, err.Error())
			continue
		}
		out[vk.ID] = vk
	}
	for kid, n := range count {
		if n > 1 {
			skipped = append(skipped, fmt.Sprintf("kid %.64q appears %d times; every copy is ignored",
				kid, n))
			delete(out, kid)
		}
	}
	return out, skipped
}

func verificationKey(k jwk.Key, index int) (VerificationKey, error) {
	kid, ok := k.KeyID()
	if !ok || kid == "" {
		return VerificationKey{}, fmt.Errorf("key %d has no kid", index)
	}
	alg, ok := k.Algorithm()
	if !ok || !allowedAlgorithms[alg.String()] {
		return VerificationKey{}, fmt.Errorf("key %q: alg missing or not allowed", kid)
	}
	if use, ok := k.KeyUsage(); ok && use != jwk.ForSignature.String() {
		return VerificationKey{}, fmt.Errorf("key %q: use %q is not sig", kid, use)
	}
	if isPrivate(k) {
		return VerificationKey{}, fmt.Errorf("key %q: a published key must not be private", kid)
	}
	sigAlg, _ := jwa.LookupSignatureAlgorithm(alg.String())
	var raw any
	if err := jwk.Export(k, &raw); err != nil {
		return VerificationKey{}, fmt.Errorf("key %q: %v", kid, err)
	}
	if !keyFits(sigAlg, raw) {
		return VerificationKey{}, fmt.Errorf("key %q: key type does not fit alg %s", kid, sigAlg)
	}
	return VerificationKey{ID: kid, Algorithm: sigAlg, Key: raw}, nil
}

func isPrivate(k jwk.Key) bool {
	for _, name := range []string{"d", "p", "q", "k"} {
		if k.Has(name) {
			return true
		}
	}
	return false
}

// StaticKeys is a KeySource over a fixed JWK Set, such as a local file.
type StaticKeys struct {
	keys map[string]VerificationKey
}

// NewStaticKeys indexes set. It fails when no key in set is usable.
func NewStaticKeys(set jwk.Set) (*StaticKeys, error) {
	keys, skipped := indexKeys(set)
	if len(keys) == 0 {
		return nil, fmt.Errorf("%w: the key set has no usable signing key (%v)", ErrKeySource,
			skipped)
	}
	return &StaticKeys{keys: keys}, nil
}

// Key returns the key with kid.
func (s *StaticKeys) Key(_ context.Context, kid string) (VerificationKey, error) {
	if k, ok := s.keys[kid]; ok {
		return k, nil
	}
	return VerificationKey{}, ErrUnknownKey
}

// minRSABits is the smallest RSA modulus accepted for RS256 and PS256.
const minRSABits = 2048

func keyFits(alg jwa.SignatureAlgorithm, raw any) bool {
	switch alg.String() {
	case "RS256", "PS256":
		k, ok := raw.(*rsa.PublicKey)
		return ok && k.N.BitLen() >= minRSABits
	case "ES256":
		k, ok := raw.(*ecdsa.PublicKey)
		return ok && k.Curve == elliptic.P256()
	case "EdDSA":
		k, ok := raw.(ed25519.PublicKey)
		return ok && len(k) == ed25519.PublicKeySize
	default:
		return false
	}
}

// maxSetKeys bounds the keys read from one JWK Set document.
const maxSetKeys = 100

// ParseSet parses a JWK Set document, skipping members that are not valid
// keys (an unknown kty, say) so that one bad key never disables the good ones
// (RFC 7517 section 5). It returns the set and why each member was skipped.
func ParseSet(b []byte) (jwk.Set, []string, error) {
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		return nil, nil, fmt.Errorf("%w: not a JWK Set: %v", ErrKeySource, err)
	}
	if doc.Keys == nil {
		return nil, nil, fmt.Errorf("%w: not a JWK Set: the keys member is missing", ErrKeySource)
	}
	if len(doc.Keys) > maxSetKeys {
		return nil, nil, fmt.Errorf("%w: the JWK Set has %d keys, limit %d", ErrKeySource,
			len(doc.Keys), maxSetKeys)
	}
	set := jwk.NewSet()
	var skipped []string
	for i, raw := range doc.Keys {
		k, err := jwk.ParseKey(raw)
		if err == nil {
			err = set.AddKey(k)
		}
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("key %d: %v", i, err))
		}
	}
	return set, skipped, nil
}
