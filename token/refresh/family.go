package refresh

import (
	"fmt"
	"time"
)

// Family is the state of one chain of refresh tokens, from the grant that
// issued the first token to its absolute expiry. Stores persist it whole.
type Family struct {
	ID       string   `json:"id"`
	Subject  string   `json:"sub"`
	Kind     string   `json:"kind"` // "user" or "service"
	ClientID string   `json:"client_id"`
	Scopes   []string `json:"scopes"`   // the maximum a refresh may grant
	Audience []string `json:"audience"` // aud of the access tokens
	// CreatedAt is when the first token was issued, ExpiresAt the absolute
	// end of every token of the family.
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// Current is the hash of the token that the next redemption rotates.
	Current string `json:"current"`
	// Previous is the hash of the token redeemed last, at RotatedAt, and
	// Successor is Current's token sealed with a key derived from Previous's.
	Previous  string    `json:"previous,omitempty"`
	RotatedAt time.Time `json:"rotated_at,omitzero"`
	Successor []byte    `json:"successor,omitempty"`
	// Generation counts rotations: 0 until the first token is redeemed.
	Generation int  `json:"generation"`
	Revoked    bool `json:"revoked,omitempty"`
}

// Validate reports a family that Store.Create must reject.
func (f *Family) Validate() error {
	switch {
	case f.ID == "":
		return fmt.Errorf("%w: id is empty", ErrInvalidFamily)
	case f.Subject == "" || f.Kind == "" || f.ClientID == "":
		return fmt.Errorf("%w %s: subject, kind and client_id are required", ErrInvalidFamily, f.ID)
	case f.Current == "":
		return fmt.Errorf("%w %s: current token hash is empty", ErrInvalidFamily, f.ID)
	case !f.ExpiresAt.After(f.CreatedAt):
		return fmt.Errorf("%w %s: expires_at %s is not after created_at %s", ErrInvalidFamily,
			f.ID, f.ExpiresAt, f.CreatedAt)
	}
	return nil
}

// Redemption is one presented refresh token and the successor that replaces
// it when it is the family's current token.
type Redemption struct {
	FamilyID string
	Hash     string // Hash of the presented token
	ClientID string // the authenticated client
	Now      time.Time
	// Grace is how long after a rotation the previous token still returns
	// the same successor.
	Grace time.Duration
	// Next is the hash of the new successor, and Sealed the new successor
	// sealed with a key derived from the presented token.
	Next   string
	Sealed []byte
}

// Result is what a redemption did.
type Result int

// Results of Decide.
const (
	// Rotated means the presented token was current: Next is now current.
	Rotated Result = iota + 1
	// Retried means the presented token was the previous one within the
	// grace window: the family is unchanged and Family.Successor holds the
	// successor issued before.
	Retried
)

// Outcome is the family after a successful redemption and what happened.
type Outcome struct {
	Family Family
	Result Result
}

// Decide applies r to f, the family's stored state, in place. used reports
// whether r.Hash was issued by the family earlier and already redeemed. It
// returns the outcome, or an error wrapping one of ErrExpired, ErrRevoked,
// ErrNotFound, ErrClientMismatch or ErrReused. On ErrReused, f is revoked and
// the store must save it; on the other errors f is unchanged. Stores call
// Decide inside one transaction, so that one token never yields two
// independent successors.
func Decide(f *Family, used bool, r Redemption) (Outcome, error) {
	switch {
	case !r.Now.Before(f.ExpiresAt):
		return Outcome{}, fmt.Errorf("%w: family %s ended at %s", ErrExpired, f.ID,
			f.ExpiresAt.UTC().Format(time.RFC3339))
	case f.Revoked:
		return Outcome{}, fmt.Errorf("%w: family %s", ErrRevoked, f.ID)
	case r.Hash != f.Current && !used:
		return Outcome{}, fmt.Errorf("%w: family %s issued no such token", ErrNotFound, f.ID)
	case r.ClientID != f.ClientID:
		return Outcome{}, fmt.Errorf("%w: family %s belongs to client %q, not %q",
			ErrClientMismatch, f.ID, f.ClientID, r.ClientID)
	case r.Hash == f.Current:
		f.Previous, f.Current = f.Current, r.Next
		f.RotatedAt, f.Successor = r.Now, r.Sealed
		f.Generation++
		return Outcome{Family: *f, Result: Rotated}, nil
	case r.Hash == f.Previous && r.Now.Before(f.RotatedAt.Add(r.Grace)):
		return Outcome{Family: *f, Result: Retried}, nil
	}
	f.Revoked = true
	return Outcome{}, fmt.Errorf("%w: family %s, generation %d", ErrReused, f.ID, f.Generation)
}
