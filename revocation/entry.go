package revocation

import (
	"fmt"
	"time"
)

// Entry is one revocation. Which fields apply depends on Kind:
//   - KindToken: JTI;
//   - KindSubject: SubjectKind, Subject and Before (tokens issued before Before);
//   - KindKey: KID;
//   - KindGlobal: Before.
//
// ExpiresAt is when every token the entry covers has expired, so stores and
// mirrors forget the entry then. Build entries with a Policy.
type Entry struct {
	Kind        Kind      `json:"kind"`
	JTI         string    `json:"jti,omitempty"`
	SubjectKind string    `json:"subject_kind,omitempty"`
	Subject     string    `json:"sub,omitempty"`
	Before      time.Time `json:"before,omitzero"`
	KID         string    `json:"kid,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	ExpiresAt   time.Time `json:"expires_at"`
	Reason      string    `json:"reason,omitempty"`
}

// ID returns the entry's identity, unique per revoked thing: "token:JTI",
// "subject:KIND:NAME", "key:KID" or "global". Stores keep one entry per ID.
func (e Entry) ID() string {
	switch e.Kind {
	case KindToken:
		return "token:" + e.JTI
	case KindSubject:
		return "subject:" + e.SubjectKind + ":" + e.Subject
	case KindKey:
		return "key:" + e.KID
	case KindGlobal:
		return "global"
	}
	return "invalid"
}

// Expired reports whether every token the entry covers has expired at now.
func (e Entry) Expired(now time.Time) bool {
	return !now.Before(e.ExpiresAt)
}

// Covers reports whether e revokes at least what other revokes: the same ID, a
// Before not earlier and an ExpiresAt not earlier.
func (e Entry) Covers(other Entry) bool {
	return e.ID() == other.ID() && !e.Before.Before(other.Before) &&
		!e.ExpiresAt.Before(other.ExpiresAt)
}

// Merge returns the entry that revokes what both e and other revoke, which must
// share an ID: the later Before and ExpiresAt, and the other fields of the newer one.
func (e Entry) Merge(other Entry) Entry {
	merged := other
	if e.CreatedAt.After(other.CreatedAt) {
		merged = e
	}
	merged.Before = latest(e.Before, other.Before)
	merged.ExpiresAt = latest(e.ExpiresAt, other.ExpiresAt)
	return merged
}

func latest(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// Validate checks that the entry is well formed: a known kind with its fields
// set, a known subject kind and an ExpiresAt after CreatedAt. Errors wrap
// ErrInvalidEntry and name the field. Policy.Validate checks times against a clock.
func (e Entry) Validate() error {
	if err := e.validateFields(); err != nil {
		return err
	}
	if e.CreatedAt.IsZero() {
		return invalid("created_at is missing: set it to the time of the revocation")
	}
	if !e.ExpiresAt.After(e.CreatedAt) {
		return invalid("expires_at %s is not after created_at %s: set it to when "+
			"every covered token has expired", e.ExpiresAt.Format(time.RFC3339),
			e.CreatedAt.Format(time.RFC3339))
	}
	return nil
}

func (e Entry) validateFields() error {
	switch e.Kind {
	case KindToken:
		if e.JTI == "" {
			return invalid("jti is missing: give the jti claim of the token to revoke")
		}
	case KindSubject:
		if e.SubjectKind != SubjectUser && e.SubjectKind != SubjectService {
			return invalid("subject kind %q is unknown: use %q or %q", e.SubjectKind,
				SubjectUser, SubjectService)
		}
		if e.Subject == "" {
			return invalid("subject is missing: give the user or service name")
		}
		if e.Before.IsZero() {
			return invalid("before is missing: give the time before which tokens are revoked")
		}
	case KindKey:
		if e.KID == "" {
			return invalid("kid is missing: give the kid of the key to revoke")
		}
	case KindGlobal:
		if e.Before.IsZero() {
			return invalid("before is missing: give the time before which tokens are revoked")
		}
	default:
		return invalid("kind %d is unknown: use token, subject, key or global", uint8(e.Kind))
	}
	return nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalidEntry}, args...)...)
}
