package refresh

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Config holds the operator settings of refresh tokens.
type Config struct {
	// MaxLifetime is the absolute lifetime of a family, from its first token.
	MaxLifetime time.Duration
	// ReuseGrace is how long after a rotation the previous token returns the
	// same successor instead of revoking the family. Zero disables it.
	ReuseGrace time.Duration
}

// Grant describes the family a new refresh token starts.
type Grant struct {
	Subject  string
	Kind     string
	ClientID string
	Scopes   []string
	Audience []string
}

// Issued is a refresh token and the state of its family.
type Issued struct {
	Token  string // the opaque refresh token; never log it
	Family Family
	Result Result // for Redeem: Rotated or Retried
}

// Service issues and redeems refresh tokens in a Store. It is safe for
// concurrent use when the Store is.
type Service struct {
	store Store
	cfg   Config
	now   func() time.Time
}

// NewService returns a Service over store; now may be nil for time.Now.
func NewService(store Store, cfg Config, now func() time.Time) (*Service, error) {
	if cfg.MaxLifetime <= 0 {
		return nil, fmt.Errorf("refresh: max lifetime %s is not positive: set refresh.max_lifetime",
			cfg.MaxLifetime)
	}
	if cfg.ReuseGrace < 0 {
		return nil, fmt.Errorf("refresh: reuse grace %s is negative: set refresh.reuse_grace",
			cfg.ReuseGrace)
	}
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, cfg: cfg, now: now}, nil
}

// Issue starts a family for g and returns its first token.
func (s *Service) Issue(ctx context.Context, g Grant) (Issued, error) {
	id, err := newFamilyID()
	if err != nil {
		return Issued{}, err
	}
	raw, err := newToken(id)
	if err != nil {
		return Issued{}, err
	}
	now := s.now()
	f := Family{
		ID: id, Subject: g.Subject, Kind: g.Kind, ClientID: g.ClientID,
		Scopes: slices.Clone(g.Scopes), Audience: slices.Clone(g.Audience),
		CreatedAt: now, ExpiresAt: now.Add(s.cfg.MaxLifetime), Current: Hash(raw),
	}
	if err := s.store.Create(ctx, f); err != nil {
		return Issued{}, err
	}
	return Issued{Token: raw, Family: f}, nil
}

// Redeem rotates raw for clientID and returns its successor. Within the
// grace window the previous token returns the successor issued before, with
// Result Retried. Errors wrap ErrMalformed, ErrNotFound, ErrExpired,
// ErrRevoked, ErrClientMismatch or ErrReused, or a store failure.
func (s *Service) Redeem(ctx context.Context, raw, clientID string) (Issued, error) {
	familyID, hash, err := parseToken(raw)
	if err != nil {
		return Issued{}, err
	}
	successor, err := newToken(familyID)
	if err != nil {
		return Issued{}, err
	}
	sealed, err := seal(raw, successor)
	if err != nil {
		return Issued{}, err
	}
	out, err := s.store.Redeem(ctx, Redemption{
		FamilyID: familyID, Hash: hash, ClientID: clientID, Now: s.now(),
		Grace: s.cfg.ReuseGrace, Next: Hash(successor), Sealed: sealed,
	})
	if err != nil {
		return Issued{}, err
	}
	if out.Result == Retried {
		successor, err = unseal(raw, out.Family.Successor)
		if err != nil {
			return Issued{}, err
		}
	}
	return Issued{Token: successor, Family: out.Family, Result: out.Result}, nil
}

// RevokeToken revokes the family of raw, as RFC 7009 revocation of a
// refresh token does, when raw is the family's current or previous token. Any
// other token, such as one made up from a family id seen in a log, revokes
// nothing and returns ErrNotFound.
func (s *Service) RevokeToken(ctx context.Context, raw string) error {
	familyID, hash, err := parseToken(raw)
	if err != nil {
		return err
	}
	f, err := s.store.Get(ctx, familyID)
	if err != nil {
		return err
	}
	if !sameHash(hash, f.Current) && !sameHash(hash, f.Previous) {
		return fmt.Errorf("%w: token is not a live token of family %s", ErrNotFound, familyID)
	}
	return s.store.Revoke(ctx, familyID)
}

// RevokeFamily revokes the family with id, for a server that learned its
// owner was revoked.
func (s *Service) RevokeFamily(ctx context.Context, id string) error {
	return s.store.Revoke(ctx, id)
}

// sameHash compares two token hashes in constant time; an empty stored hash
// never matches.
func sameHash(presented, stored string) bool {
	return stored != "" && subtle.ConstantTimeCompare([]byte(presented), []byte(stored)) == 1
}

// Purge deletes ended families from the store.
func (s *Service) Purge(ctx context.Context) (int, error) {
	return s.store.Purge(ctx, s.now())
}

// Inspect returns the family of raw when raw is its current or previous
// token and the family is live, without changing it. The result may be out
// of date by the time Redeem runs, so Inspect serves only to read the
// family's fixed fields (subject, kind, scopes) before redeeming. Any other
// token is redeemed for clientID at once, so it gets Redeem's error, and a
// reused one revokes its family as in Redeem.
func (s *Service) Inspect(ctx context.Context, raw, clientID string) (Family, error) {
	familyID, hash, err := parseToken(raw)
	if err != nil {
		return Family{}, err
	}
	f, err := s.store.Get(ctx, familyID)
	if err != nil {
		return Family{}, err
	}
	if f.Revoked {
		return Family{}, fmt.Errorf("%w: family %s", ErrRevoked, familyID)
	}
	if !s.now().Before(f.ExpiresAt) {
		return Family{}, fmt.Errorf("%w: family %s", ErrExpired, familyID)
	}
	if hash != f.Current && hash != f.Previous {
		// Redeem decides reuse and revocation atomically.
		if _, err := s.Redeem(ctx, raw, clientID); err != nil {
			return Family{}, err
		}
		return Family{}, fmt.Errorf("%w: family %s", ErrNotFound, familyID)
	}
	return f, nil
}

// FamilyID returns the family id inside a refresh token, for logs.
func FamilyID(raw string) (string, error) {
	id, _, err := parseToken(raw)
	return id, err
}

// RevokeRefresh revokes the family of raw for RFC 7009 revocation, where an
// unknown or malformed token is not an error (section 2.2).
func (s *Service) RevokeRefresh(ctx context.Context, raw string) error {
	return s.RevokeRefreshFor(ctx, raw, "")
}

// RevokeRefreshFor is RevokeRefresh for a client that identified itself: a
// token issued to another client revokes nothing and returns
// ErrClientMismatch (RFC 7009 section 2.1). An empty clientID skips that
// check, for the admin and for callers that prove only possession.
func (s *Service) RevokeRefreshFor(ctx context.Context, raw, clientID string) error {
	familyID, hash, err := parseToken(raw)
	if err != nil {
		return nil
	}
	f, err := s.store.Get(ctx, familyID)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !sameHash(hash, f.Current) && !sameHash(hash, f.Previous) {
		return nil
	}
	if clientID != "" && f.ClientID != clientID {
		return fmt.Errorf("%w: the token was issued to another client", ErrClientMismatch)
	}
	return s.store.Revoke(ctx, familyID)
}
