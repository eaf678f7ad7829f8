package revocation

import (
	"fmt"
	"time"
)

// DefaultMaxSkew is how far in the future a Before time may lie when Policy.MaxSkew
// is zero, to allow for clocks that differ slightly between hosts.
const DefaultMaxSkew = 5 * time.Second

// Policy builds and validates entries, deriving each entry's forget time from the
// longest token lifetime. The zero value is not usable: MaxTTL must be set.
// A Policy is safe for concurrent use.
type Policy struct {
	// MaxTTL is the longest lifetime of any token the issuer mints (token.max_ttl).
	MaxTTL time.Duration
	// Leeway is the clock leeway verifiers allow on exp and nbf.
	Leeway time.Duration
	// MaxSkew is how far in the future Before may lie; zero means DefaultMaxSkew.
	MaxSkew time.Duration
}

// Token returns an entry revoking the token with this jti. exp is the token's
// expiry; when it is zero, the entry lasts until now + MaxTTL.
func (p Policy) Token(jti string, exp, now time.Time, reason string) (Entry, error) {
	expires := exp.Add(p.Leeway)
	if exp.IsZero() || exp.After(now.Add(p.MaxTTL)) {
		expires = now.Add(p.MaxTTL + p.Leeway)
	}
	if !expires.After(now) {
		// The token has already expired. Keep the entry briefly anyway, so the
		// revocation request still ends in a stored entry.
		expires = now.Add(p.Leeway + time.Second)
	}
	e := Entry{Kind: KindToken, JTI: jti, CreatedAt: now, ExpiresAt: expires, Reason: reason}
	return e, p.Validate(e, now)
}

// Subject returns an entry revoking every token of the subject (kind "user" or
// "service", and name) issued before before; a zero before means now. The entry
// lasts until before + MaxTTL.
func (p Policy) Subject(kind, name string, before, now time.Time, reason string) (Entry, error) {
	if before.IsZero() {
		before = now
	}
	e := Entry{Kind: KindSubject, SubjectKind: kind, Subject: name, Before: before,
		CreatedAt: now, ExpiresAt: before.Add(p.MaxTTL + p.Leeway), Reason: reason}
	return e, p.Validate(e, now)
}

// Key returns an entry revoking every token signed by the key kid. leavesJWKS is
// when the key would have left the JWKS anyway; when it is zero, the entry lasts
// until now + MaxTTL + Leeway.
func (p Policy) Key(kid string, leavesJWKS, now time.Time, reason string) (Entry, error) {
	expires := leavesJWKS
	if expires.IsZero() {
		expires = now.Add(p.MaxTTL + p.Leeway)
	}
	e := Entry{Kind: KindKey, KID: kid, CreatedAt: now, ExpiresAt: expires, Reason: reason}
	return e, p.Validate(e, now)
}

// Global returns an entry revoking every token issued before before, lasting until
// before + MaxTTL. Stores write one when they detect that their data was lost.
func (p Policy) Global(before, now time.Time, reason string) (Entry, error) {
	if before.IsZero() {
		before = now
	}
	e := Entry{Kind: KindGlobal, Before: before, CreatedAt: now,
		ExpiresAt: before.Add(p.MaxTTL + p.Leeway), Reason: reason}
	return e, p.Validate(e, now)
}

// Validate checks the entry with Entry.Validate, then that Before is not more than
// MaxSkew in the future and that it is still live at now.
func (p Policy) Validate(e Entry, now time.Time) error {
	if p.MaxTTL <= 0 {
		return fmt.Errorf("revocation: policy max TTL %s is not positive: "+
			"set it to token.max_ttl", p.MaxTTL)
	}
	if err := e.Validate(); err != nil {
		return err
	}
	skew := p.MaxSkew
	if skew == 0 {
		skew = DefaultMaxSkew
	}
	if e.Before.After(now.Add(skew)) {
		return invalid("before %s is in the future: give a time up to now",
			e.Before.Format(time.RFC3339))
	}
	if e.Expired(now) {
		return invalid("expires_at %s has passed: every covered token has expired, "+
			"so there is nothing to revoke", e.ExpiresAt.Format(time.RFC3339))
	}
	return nil
}
