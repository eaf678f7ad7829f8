package token

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lestrrat-go/jwx/v3/jws"
	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/scopes"
)

// Defaults of VerifierConfig.
const (
	DefaultLeeway       = 30 * time.Second
	DefaultMaxTokenSize = 8 << 10
)

// NoLeeway, as VerifierConfig.Leeway, checks exp, nbf and iat against the
// clock with no allowance for skew. The zero Leeway means DefaultLeeway.
const NoLeeway time.Duration = -1

// ExactLeeway returns d as a VerifierConfig.Leeway in which zero means no
// leeway, as configuration files and flags read it.
func ExactLeeway(d time.Duration) time.Duration {
	if d == 0 {
		return NoLeeway
	}
	return d
}

// RevocationList tells whether a token is revoked. revocation.Mirror
// implements it; Check returns nil for a live token, an error for a revoked
// one, and an error wrapping a staleness sentinel when the list is too old to
// trust.
type RevocationList interface {
	Check(jti, subjectKind, subject, kid string, issuedAt time.Time) error
}

// VerifierConfig holds what a service pins about the tokens it accepts.
type VerifierConfig struct {
	Issuer       string        // required: the exact iss value
	Audience     string        // required: this service's own identifier
	Leeway       time.Duration // clock skew for exp, nbf and iat; 0 means 30s, NoLeeway none
	MaxTokenSize int           // bytes; default 8 KiB
	// MaxLifetime, when set, rejects tokens whose exp-iat is longer.
	MaxLifetime time.Duration
	// AnyAudience skips the aud check. Only the issuer's own introspection
	// endpoint sets it, because it answers for tokens of every audience.
	AnyAudience bool
}

// Verifier checks hubjwt access tokens offline. It is safe for concurrent use.
//
// It follows RFC 8725 and RFC 9068 section 4: the algorithm comes from the key
// (each key verifies with one algorithm), never from the token; typ must be
// at+jwt; jku, x5u, x5c, jwk and crit headers are rejected; iss and aud are
// compared exactly; exp, nbf and iat are checked with a leeway.
type Verifier struct {
	cfg     VerifierConfig
	keys    KeySource
	revoked RevocationList
	now     func() time.Time
	// model, groups and required serve Access and WithRequiredScopes.
	model    *scopes.Model
	groups   scopes.GroupLookup
	required []string
}

// VerifierOption configures a Verifier.
type VerifierOption func(*Verifier)

// WithRevocationList makes Verify reject tokens that list reports revoked.
func WithRevocationList(list RevocationList) VerifierOption {
	return func(v *Verifier) { v.revoked = list }
}

// WithVerifierClock sets the clock; tests move it instead of sleeping.
func WithVerifierClock(now func() time.Time) VerifierOption {
	return func(v *Verifier) { v.now = now }
}

// NewVerifier returns a Verifier for tokens signed by keys.
func NewVerifier(cfg VerifierConfig, keys KeySource, opts ...VerifierOption) (*Verifier, error) {
	if cfg.Issuer == "" {
		return nil, errors.New("token: verifier issuer is missing: set the issuer URL")
	}
	if cfg.Audience == "" && !cfg.AnyAudience {
		return nil, errors.New("token: verifier audience is missing: set this service's audience")
	}
	if keys == nil {
		return nil, errors.New("token: verifier key source is missing")
	}
	switch {
	case cfg.Leeway == 0:
		cfg.Leeway = DefaultLeeway
	case cfg.Leeway == NoLeeway:
		cfg.Leeway = 0
	case cfg.Leeway < 0:
		return nil, fmt.Errorf("token: verifier leeway %s is negative: use a positive "+
			"duration, or NoLeeway for none", cfg.Leeway)
	}
	if cfg.MaxTokenSize == 0 {
		cfg.MaxTokenSize = DefaultMaxTokenSize
	}
	v := &Verifier{cfg: cfg, keys: keys, now: time.Now}
	for _, o := range opts {
		o(v)
	}
	if err := v.checkRequiredConfig(); err != nil {
		return nil, err
	}
	return v, nil
}

// forbiddenHeaders name keys or behaviour a token must not choose for itself.
var forbiddenHeaders = []string{"jku", "x5u", "x5c", "jwk", "crit", "b64", "zip"}

// Verify checks raw and returns its claims, or an error wrapping the sentinel
// of the first check that failed.
func (v *Verifier) Verify(ctx context.Context, raw string) (*Claims, error) {
	if len(raw) > v.cfg.MaxTokenSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, len(raw), v.cfg.MaxTokenSize)
	}
	compact := []byte(raw)
	if bytes.Count(compact, []byte{'.'}) != 2 {
		return nil, fmt.Errorf("%w: want three dot-separated parts", ErrMalformed)
	}
	if err := checkEncoding(raw); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	protected, _, _, err := jwsbb.SplitCompact(compact)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	header, err := base64.RawURLEncoding.DecodeString(string(protected))
	if err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if err := checkMembers(header, headerNames); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	key, err := v.selectKey(ctx, jwsbb.HeaderParse(header))
	if err != nil {
		return nil, err
	}
	payload, err := jws.VerifyCompactFast(key.Key, compact, key.Algorithm)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSignature, err)
	}
	if err := checkMembers(payload, claimNames); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	claims := new(Claims)
	if err := json.Unmarshal(payload, claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	if err := v.checkClaims(claims); err != nil {
		return nil, err
	}
	if v.revoked != nil {
		err := v.revoked.Check(claims.ID, claims.Kind, claims.Subject, key.ID,
			claims.IssuedAt.Time())
		if err != nil {
			return nil, revocationError(err)
		}
	}
	if err := v.checkRequired(claims); err != nil {
		return nil, err
	}
	return claims, nil
}

// selectKey checks the protected header and returns the key it names. The
// header only names the key; the algorithm is the key's.
func (v *Verifier) selectKey(ctx context.Context, hdr jwsbb.Header) (VerificationKey, error) {
	typ, err := jwsbb.HeaderGetString(hdr, "typ")
	if err != nil && !errors.Is(err, jwsbb.ErrFieldNotFound()) {
		return VerificationKey{}, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	for _, name := range forbiddenHeaders {
		if jwsbb.HeaderHas(hdr, name) {
			return VerificationKey{}, fmt.Errorf("%w: %q", ErrForbiddenHeader, name)
		}
	}
	if !strings.EqualFold(typ, Type) && !strings.EqualFold(typ, "application/"+Type) {
		return VerificationKey{}, fmt.Errorf("%w: typ %q, want %q", ErrWrongType, typ, Type)
	}
	alg, _ := jwsbb.HeaderGetString(hdr, "alg")
	if !allowedAlgorithms[alg] {
		return VerificationKey{}, fmt.Errorf("%w: %q", ErrAlgorithm, alg)
	}
	kid, _ := jwsbb.HeaderGetString(hdr, "kid")
	if kid == "" {
		return VerificationKey{}, ErrNoKeyID
	}
	key, err := v.keys.Key(ctx, kid)
	if err != nil {
		if errors.Is(err, ErrUnknownKey) {
			return VerificationKey{}, fmt.Errorf("%w: kid %.64q", ErrUnknownKey, kid)
		}
		return VerificationKey{}, err
	}
	if alg != key.Algorithm.String() {
		return VerificationKey{}, fmt.Errorf("%w: header %q, key %s", ErrAlgorithmMismatch, alg,
			key.Algorithm)
	}
	return key, nil
}

func (v *Verifier) checkClaims(c *Claims) error {
	now := v.now()
	leeway := v.cfg.Leeway
	switch {
	case c.Issuer != v.cfg.Issuer:
		return fmt.Errorf("%w: got %.200q, want %q", ErrIssuer, c.Issuer, v.cfg.Issuer)
	case !v.cfg.AnyAudience && !c.Audience.Contains(v.cfg.Audience):
		return fmt.Errorf("%w: %q is not in aud", ErrAudience, v.cfg.Audience)
	case c.ExpiresAt == 0:
		return fmt.Errorf("%w: exp", ErrMissingClaim)
	case c.Subject == "":
		return fmt.Errorf("%w: sub", ErrMissingClaim)
	case c.ID == "":
		return fmt.Errorf("%w: jti", ErrMissingClaim)
	case c.IssuedAt == 0:
		return fmt.Errorf("%w: iat", ErrMissingClaim)
	case !now.Before(c.ExpiresAt.Time().Add(leeway)):
		return fmt.Errorf("%w: expired at %s", ErrExpired, c.ExpiresAt.Time().Format(time.RFC3339))
	case c.NotBefore != 0 && now.Add(leeway).Before(c.NotBefore.Time()):
		return fmt.Errorf("%w: not before %s", ErrNotYetValid, c.NotBefore.Time().Format(time.RFC3339))
	case now.Add(leeway).Before(c.IssuedAt.Time()):
		return fmt.Errorf("%w: iat %s", ErrIssuedInFuture, c.IssuedAt.Time().Format(time.RFC3339))
	case v.cfg.MaxLifetime > 0 && c.ExpiresAt.Time().Sub(c.IssuedAt.Time()) > v.cfg.MaxLifetime:
		return fmt.Errorf("%w: %s", ErrLifetime, c.ExpiresAt.Time().Sub(c.IssuedAt.Time()))
	}
	return nil
}

// staleness is implemented by revocation errors that mean "cannot tell";
// revocation.Mirror returns revocation.ErrStale instead.
type staleness interface{ Stale() bool }

func revocationError(err error) error {
	var s staleness
	if errors.Is(err, revocation.ErrStale) || errors.As(err, &s) && s.Stale() {
		return fmt.Errorf("%w: %v", ErrRevocationStale, err)
	}
	return fmt.Errorf("%w: %v", ErrRevoked, err)
}
