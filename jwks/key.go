package jwks

import (
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// State is a key's place in its lifecycle.
type State string

// Key states. A key is created as next (published, not signing), becomes
// active (the one key that signs), then retired (published until every token it
// signed has expired). A revoked key is withdrawn from the JWK Set at once.
const (
	StateNext    State = "next"
	StateActive  State = "active"
	StateRetired State = "retired"
	StateRevoked State = "revoked"
)

// Key is one signing key with its lifecycle timestamps. The private key never
// leaves the package except through the store's encoding.
type Key struct {
	ID          string    // RFC 7638 SHA-256 thumbprint of the public key
	Algorithm   string    // "ES256", "EdDSA", "RS256" or "PS256"
	State       State     // lifecycle state
	CreatedAt   time.Time // generation time
	ActivatedAt time.Time // when it started signing; zero while next
	RetiredAt   time.Time // when it stopped signing; zero until retired
	RemoveAt    time.Time // when a retired key leaves the JWK Set
	Private     jwk.Key   // private key with kid and alg set
	Public      jwk.Key   // public key with kid, alg and use set
}

// Published reports whether the key belongs in the public JWK Set at now.
func (k *Key) Published(now time.Time) bool {
	switch k.State {
	case StateNext, StateActive:
		return true
	case StateRetired:
		return k.RemoveAt.IsZero() || now.Before(k.RemoveAt)
	default:
		return false
	}
}

// Info is the public description of a key, as `hubjwt keys list` and the
// admin API show it.
type Info struct {
	ID          string     `json:"kid"`
	Algorithm   string     `json:"alg"`
	State       State      `json:"state"`
	CreatedAt   time.Time  `json:"created_at"`
	ActivatedAt *time.Time `json:"activated_at,omitempty"`
	RetiredAt   *time.Time `json:"retired_at,omitempty"`
	RemoveAt    *time.Time `json:"remove_at,omitempty"`
}

// Info returns the public description of k.
func (k *Key) Info() Info {
	return Info{
		ID:          k.ID,
		Algorithm:   k.Algorithm,
		State:       k.State,
		CreatedAt:   k.CreatedAt,
		ActivatedAt: timePtr(k.ActivatedAt),
		RetiredAt:   timePtr(k.RetiredAt),
		RemoveAt:    timePtr(k.RemoveAt),
	}
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
