package jwks

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// rsaBits is the modulus size of generated RSA keys.
const rsaBits = 2048

// Generate creates a new key for alg in state next. Its kid is the RFC 7638
// SHA-256 thumbprint of the public key, so every replica that loads the key
// computes the same kid.
func Generate(alg string, now time.Time) (*Key, error) {
	sigAlg, err := ParseAlgorithm(alg)
	if err != nil {
		return nil, err
	}
	raw, err := generateRaw(alg)
	if err != nil {
		return nil, fmt.Errorf("jwks: generate %s key: %w", alg, err)
	}
	priv, err := jwk.Import(raw)
	if err != nil {
		return nil, fmt.Errorf("jwks: import %s key: %w", alg, err)
	}
	return newKey(priv, sigAlg, StateNext, now)
}

// newKey derives the public key and the kid from priv and sets kid, alg and
// use on both halves.
func newKey(priv jwk.Key, alg jwa.SignatureAlgorithm, state State, created time.Time) (*Key, error) {
	pub, err := priv.PublicKey()
	if err != nil {
		return nil, fmt.Errorf("jwks: derive public key: %w", err)
	}
	kid, err := Thumbprint(pub)
	if err != nil {
		return nil, err
	}
	for _, k := range []jwk.Key{priv, pub} {
		if err := k.Set(jwk.KeyIDKey, kid); err != nil {
			return nil, fmt.Errorf("jwks: set kid: %w", err)
		}
		if err := k.Set(jwk.AlgorithmKey, alg); err != nil {
			return nil, fmt.Errorf("jwks: set alg: %w", err)
		}
		if err := k.Set(jwk.KeyUsageKey, jwk.ForSignature); err != nil {
			return nil, fmt.Errorf("jwks: set use: %w", err)
		}
	}
	return &Key{
		ID:        kid,
		Algorithm: alg.String(),
		State:     state,
		CreatedAt: created.UTC(),
		Private:   priv,
		Public:    pub,
	}, nil
}

// Thumbprint returns the base64url (unpadded) RFC 7638 SHA-256 thumbprint of key.
func Thumbprint(key jwk.Key) (string, error) {
	sum, err := key.Thumbprint(crypto.SHA256)
	if err != nil {
		return "", fmt.Errorf("jwks: compute thumbprint: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sum), nil
}

func generateRaw(alg string) (any, error) {
	switch alg {
	case "ES256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "EdDSA":
		_, priv, err := ed25519.GenerateKey(rand.Reader)
		return priv, err
	case "RS256", "PS256":
		return rsa.GenerateKey(rand.Reader, rsaBits)
	default:
		return nil, fmt.Errorf("%w %q", ErrUnsupportedAlgorithm, alg)
	}
}
