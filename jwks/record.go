package jwks

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
)

// Record is the stored form of a Key. Private holds the private JWK as the
// store's Sealer produced it: JSON in plaintext, or a JWE when keys are
// encrypted at rest.
type Record struct {
	ID          string    `json:"kid"`
	Algorithm   string    `json:"alg"`
	State       State     `json:"state"`
	CreatedAt   time.Time `json:"created_at"`
	ActivatedAt time.Time `json:"activated_at,omitzero"`
	RetiredAt   time.Time `json:"retired_at,omitzero"`
	RemoveAt    time.Time `json:"remove_at,omitzero"`
	Private     string    `json:"private"`
}

// Sealer protects private key material at rest. Seal and Open are inverses;
// Open fails with a clear error when the material was sealed with another key.
type Sealer interface {
	Seal(plaintext []byte) (string, error)
	Open(sealed string) ([]byte, error)
}

// Plaintext is the Sealer that stores private JWKs as JSON, unprotected.
type Plaintext struct{}

// Seal returns plaintext unchanged.
func (Plaintext) Seal(plaintext []byte) (string, error) { return string(plaintext), nil }

// Open returns sealed unchanged, or ErrEncrypted when sealed is a JWE.
func (Plaintext) Open(sealed string) ([]byte, error) { return openPlaintext(sealed) }

// toRecord encodes k for storage with s.
func toRecord(k *Key, s Sealer) (Record, error) {
	raw, err := json.Marshal(k.Private)
	if err != nil {
		return Record{}, fmt.Errorf("jwks: encode key %s: %w", k.ID, err)
	}
	sealed, err := s.Seal(raw)
	if err != nil {
		return Record{}, fmt.Errorf("jwks: seal key %s: %w", k.ID, err)
	}
	return Record{
		ID:          k.ID,
		Algorithm:   k.Algorithm,
		State:       k.State,
		CreatedAt:   k.CreatedAt,
		ActivatedAt: k.ActivatedAt,
		RetiredAt:   k.RetiredAt,
		RemoveAt:    k.RemoveAt,
		Private:     sealed,
	}, nil
}

// fromRecord decodes r with s and checks that the stored kid matches the
// thumbprint of the stored key, so a tampered or mixed-up record is caught.
func fromRecord(r Record, s Sealer) (*Key, error) {
	raw, err := s.Open(r.Private)
	if err != nil {
		return nil, fmt.Errorf("jwks: open key %s: %w", r.ID, err)
	}
	priv, err := jwk.ParseKey(raw)
	if err != nil {
		return nil, fmt.Errorf("jwks: decode key %s: %w", r.ID, err)
	}
	alg, err := ParseAlgorithm(r.Algorithm)
	if err != nil {
		return nil, fmt.Errorf("jwks: key %s: %w", r.ID, err)
	}
	if err := checkKeyType(priv, alg); err != nil {
		return nil, fmt.Errorf("jwks: key %s: %w", r.ID, err)
	}
	k, err := newKey(priv, alg, r.State, r.CreatedAt)
	if err != nil {
		return nil, err
	}
	if k.ID != r.ID {
		return nil, fmt.Errorf("jwks: stored kid %s does not match the key's thumbprint %s", r.ID, k.ID)
	}
	k.ActivatedAt, k.RetiredAt, k.RemoveAt = r.ActivatedAt, r.RetiredAt, r.RemoveAt
	return k, nil
}

// checkKeyType rejects a stored key whose type does not fit its algorithm.
func checkKeyType(k jwk.Key, alg jwa.SignatureAlgorithm) error {
	want := map[string]jwa.KeyType{
		"ES256": jwa.EC(), "EdDSA": jwa.OKP(), "RS256": jwa.RSA(), "PS256": jwa.RSA(),
	}[alg.String()]
	if k.KeyType() != want {
		return fmt.Errorf("key type %s does not fit algorithm %s", k.KeyType(), alg)
	}
	return nil
}
