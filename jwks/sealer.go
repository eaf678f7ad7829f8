package jwks

import (
	"bytes"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwe"
)

// MinEncryptionKeyBytes is the shortest keys.encryption_key accepted. The
// value is used as HKDF input keying material, not stretched like a password,
// so it must be a random secret (RFC 8725 section 3.5), such as 32 random
// bytes in base64.
const MinEncryptionKeyBytes = 32

// sealInfo is the HKDF-SHA256 info string of the key-wrapping key. Changing it
// makes every stored key unreadable.
const sealInfo = "hubjwt jwks private keys at rest A256GCMKW v1"

// JWESealer is the Sealer that stores each private JWK as a compact JWE
// (RFC 7516). The content is encrypted with A256GCM under a random key. That
// key is wrapped with A256GCMKW under a key derived from the configured secret
// with HKDF-SHA256 (RFC 5869). The JWE's kid is a hash of the derived key, so
// a store written with another secret fails with ErrWrongEncryptionKey. It is
// safe for concurrent use.
type JWESealer struct {
	key []byte
	kid string
}

var _ Sealer = (*JWESealer)(nil)

// NewJWESealer derives the key-wrapping key from secret, which must be at
// least MinEncryptionKeyBytes long.
func NewJWESealer(secret []byte) (*JWESealer, error) {
	if len(secret) < MinEncryptionKeyBytes {
		return nil, fmt.Errorf("%w: %d bytes, want at least %d: generate one with "+
			"`openssl rand -base64 32`", ErrWeakEncryptionKey, len(secret), MinEncryptionKeyBytes)
	}
	key, err := hkdf.Key(sha256.New, secret, nil, sealInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("jwks: derive encryption key: %w", err)
	}
	sum := sha256.Sum256(key)
	return &JWESealer{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:9])}, nil
}

// KeyID returns the public name of the derived key, as stored in each JWE.
func (s *JWESealer) KeyID() string { return s.kid }

// Seal encrypts plaintext into a compact JWE.
func (s *JWESealer) Seal(plaintext []byte) (string, error) {
	hdr := jwe.NewHeaders()
	if err := hdr.Set(jwe.KeyIDKey, s.kid); err != nil {
		return "", fmt.Errorf("jwks: set JWE kid: %w", err)
	}
	if err := hdr.Set(jwe.ContentTypeKey, "jwk+json"); err != nil {
		return "", fmt.Errorf("jwks: set JWE cty: %w", err)
	}
	out, err := jwe.Encrypt(plaintext, jwe.WithKey(jwa.A256GCMKW(), s.key),
		jwe.WithContentEncryption(jwa.A256GCM()), jwe.WithProtectedHeaders(hdr))
	if err != nil {
		return "", fmt.Errorf("jwks: encrypt private key: %w", err)
	}
	return string(out), nil
}

// Open decrypts a JWE made by Seal with the same secret.
func (s *JWESealer) Open(sealed string) ([]byte, error) {
	if !isJWE(sealed) {
		return nil, fmt.Errorf("%w while keys.encryption_key is set: unset it to read this "+
			"store, or restore an encrypted backup", ErrNotEncrypted)
	}
	msg, err := jwe.ParseString(sealed)
	if err != nil {
		return nil, fmt.Errorf("jwks: parse encrypted private key: %w", err)
	}
	if kid, _ := msg.ProtectedHeaders().KeyID(); kid != s.kid {
		return nil, fmt.Errorf("%w: stored key id %q, configured key id %q: set "+
			"keys.encryption_key to the secret that wrote this store", ErrWrongEncryptionKey,
			kid, s.kid)
	}
	out, err := jwe.Decrypt([]byte(sealed), jwe.WithKey(jwa.A256GCMKW(), s.key))
	if err != nil {
		return nil, fmt.Errorf("%w: decryption failed: %v", ErrWrongEncryptionKey, err)
	}
	return out, nil
}

// isJWE reports whether sealed looks like a compact JWE: five base64url
// parts, unlike the JSON object Plaintext stores.
func isJWE(sealed string) bool {
	return strings.Count(sealed, ".") == 4 && !strings.HasPrefix(strings.TrimSpace(sealed), "{")
}

// openPlaintext is Plaintext.Open, which rejects a JWE with a clear error.
func openPlaintext(sealed string) ([]byte, error) {
	if isJWE(sealed) {
		return nil, fmt.Errorf("%w: set keys.encryption_key (or HUBJWT_KEYS_ENCRYPTION_KEY, "+
			"or keys.encryption_key_file) to the secret that wrote this store", ErrEncrypted)
	}
	return bytes.Clone([]byte(sealed)), nil
}
