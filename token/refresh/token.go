package refresh

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
)

const (
	// familyIDBytes is the size of the random family id at the start of a token.
	familyIDBytes = 16
	// secretBytes is the size of the random part of a token: 256 bits.
	secretBytes = 32
	// tokenLen is the length of an encoded token.
	tokenLen = (familyIDBytes + secretBytes) * 4 / 3
)

var b64 = base64.RawURLEncoding

// newFamilyID returns 128 random bits, base64url-encoded.
func newFamilyID() (string, error) {
	var b [familyIDBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("refresh: read random family id: %w", err)
	}
	return b64.EncodeToString(b[:]), nil
}

// newToken returns a token of family: its id followed by 256 random bits.
func newToken(familyID string) (string, error) {
	id, err := b64.DecodeString(familyID)
	if err != nil || len(id) != familyIDBytes {
		return "", fmt.Errorf("%w: family id %q", ErrInvalidFamily, familyID)
	}
	buf := make([]byte, familyIDBytes+secretBytes)
	copy(buf, id)
	if _, err := rand.Read(buf[familyIDBytes:]); err != nil {
		return "", fmt.Errorf("refresh: read random token: %w", err)
	}
	return b64.EncodeToString(buf), nil
}

// parseToken returns the family id and the hash of raw.
func parseToken(raw string) (familyID, hash string, err error) {
	if len(raw) != tokenLen {
		return "", "", ErrMalformed
	}
	buf, err := b64.DecodeString(raw)
	if err != nil || len(buf) != familyIDBytes+secretBytes {
		return "", "", ErrMalformed
	}
	return b64.EncodeToString(buf[:familyIDBytes]), Hash(raw), nil
}

// Hash returns the SHA-256 of a token, base64url-encoded: the only form in
// which stores keep it.
func Hash(raw string) string {
	sum := sha256.Sum256([]byte(raw))
	return b64.EncodeToString(sum[:])
}

// sealingKey derives the key that seals a token's successor. It is an HMAC
// keyed by the token itself, so only a holder of the token can derive it, and
// the stored Hash does not reveal it.
func sealingKey(raw string) []byte {
	m := hmac.New(sha256.New, []byte(raw))
	m.Write([]byte("hubjwt refresh successor"))
	return m.Sum(nil)
}
