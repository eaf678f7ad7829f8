package refresh

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
)

// seal encrypts successor with AES-256-GCM under a key derived from the
// presented token, so that a retry with that token within the grace window
// can return the same successor while the store holds only ciphertext.
func seal(presented, successor string) ([]byte, error) {
	aead, err := newAEAD(presented)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("refresh: read random nonce: %w", err)
	}
	return aead.Seal(nonce, nonce, []byte(successor), nil), nil
}

// unseal decrypts what seal returned for the same presented token.
func unseal(presented string, sealed []byte) (string, error) {
	aead, err := newAEAD(presented)
	if err != nil {
		return "", err
	}
	if len(sealed) < aead.NonceSize() {
		return "", fmt.Errorf("refresh: sealed successor is %d bytes: %w", len(sealed), ErrNotFound)
	}
	nonce, box := sealed[:aead.NonceSize()], sealed[aead.NonceSize():]
	plain, err := aead.Open(nil, nonce, box, nil)
	if err != nil {
		return "", fmt.Errorf("refresh: open sealed successor: %w", ErrNotFound)
	}
	return string(plain), nil
}

func newAEAD(presented string) (cipher.AEAD, error) {
	block, err := aes.NewCipher(sealingKey(presented))
	if err != nil {
		return nil, fmt.Errorf("refresh: sealing cipher: %w", err)
	}
	return cipher.NewGCM(block)
}
