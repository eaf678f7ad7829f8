package server

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hubjwt/hubjwt/token/authcode"
)

// Kinds of authcode keys.
const (
	recordLogin = "login"
	recordCode  = "code"
)

// pendingLogin is the state of one authorization request while the user
// logs in at the hub. It is stored under the state hubjwt sends to the hub,
// and Binding is also in a cookie of the browser that started it, so a
// callback from another browser, or a second one, is rejected.
type pendingLogin struct {
	Binding     string   `json:"binding"`
	ClientID    string   `json:"client_id"`
	RedirectURI string   `json:"redirect_uri"`
	State       string   `json:"state,omitempty"`
	Nonce       string   `json:"nonce,omitempty"`
	Challenge   string   `json:"code_challenge,omitempty"`
	Scopes      []string `json:"scopes"`
	HubVerifier string   `json:"hub_verifier,omitempty"` // PKCE verifier towards the hub
}

// codeRecord is an authorization code hubjwt issued: what it is bound to,
// what it grants and, once redeemed, what it issued.
type codeRecord struct {
	ClientID    string   `json:"client_id"`
	RedirectURI string   `json:"redirect_uri"`
	Challenge   string   `json:"code_challenge,omitempty"`
	Nonce       string   `json:"nonce,omitempty"`
	Subject     string   `json:"sub"`
	Groups      []string `json:"groups,omitempty"`
	OIDCScopes  []string `json:"oidc_scopes"`
	HubScopes   []string `json:"hub_scopes"`
	AuthTime    int64    `json:"auth_time"`
	Expires     int64    `json:"exp"`
	// Set when the code is redeemed, so that a second use revokes them.
	AccessJTI     string    `json:"access_jti,omitempty"`
	AccessExpires time.Time `json:"access_exp,omitzero"`
	// SealedRefresh is the refresh token encrypted with a key derived from
	// the code, which only a holder of the code can rebuild.
	SealedRefresh []byte `json:"sealed_refresh,omitempty"`
}

// saveRecord stores v as JSON under the key of secret.
func (p *oidcProvider) saveRecord(ctx context.Context, kind, secret string, v any,
	expires, now time.Time) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("server: encode %s record: %w", kind, err)
	}
	return p.records.Create(ctx, authcode.Key(kind, secret), data, expires, now)
}

// consumeRecord marks the record of secret used and decodes it into v. first
// is false when it was used before.
func (p *oidcProvider) consumeRecord(ctx context.Context, kind, secret string, v any,
	now time.Time) (first bool, err error) {
	data, first, err := p.records.Consume(ctx, authcode.Key(kind, secret), now)
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return false, fmt.Errorf("server: decode %s record: %w", kind, err)
	}
	return first, nil
}

// updateRecord replaces the record of secret.
func (p *oidcProvider) updateRecord(ctx context.Context, kind, secret string, v any,
	now time.Time) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("server: encode %s record: %w", kind, err)
	}
	return p.records.Update(ctx, authcode.Key(kind, secret), data, now)
}

// randomSecret returns 256 random bits, base64url-encoded.
func randomSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("server: read random bytes: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// sealWithCode encrypts plaintext with AES-256-GCM under a key derived from
// the authorization code.
func sealWithCode(code, plaintext string) ([]byte, error) {
	gcm, err := codeCipher(code)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, fmt.Errorf("server: read random nonce: %w", err)
	}
	return gcm.Seal(nonce, nonce, []byte(plaintext), nil), nil
}

// openWithCode decrypts what sealWithCode encrypted.
func openWithCode(code string, sealed []byte) (string, error) {
	gcm, err := codeCipher(code)
	if err != nil {
		return "", err
	}
	if len(sealed) < gcm.NonceSize() {
		return "", errors.New("server: sealed refresh token is truncated")
	}
	plain, err := gcm.Open(nil, sealed[:gcm.NonceSize()], sealed[gcm.NonceSize():], nil)
	if err != nil {
		return "", fmt.Errorf("server: open sealed refresh token: %w", err)
	}
	return string(plain), nil
}

func codeCipher(code string) (cipher.AEAD, error) {
	key := sha256.Sum256([]byte("hubjwt authorization code seal\x00" + code))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("server: code cipher: %w", err)
	}
	return cipher.NewGCM(block)
}
