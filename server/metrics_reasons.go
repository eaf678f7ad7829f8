package server

import (
	"errors"

	"github.com/hubjwt/hubjwt/token"
)

// Values of the result label of hubjwt_token_verifications_total.
const (
	resultActive   = "active"
	resultRejected = "rejected"
)

// reasonOther is the rejection reason of an error that wraps no known sentinel.
const reasonOther = "other"

// rejectionReasonTable maps each token verification sentinel to the reason label
// it is counted under. Related sentinels share a label to keep the series few.
var rejectionReasonTable = []struct {
	err    error
	reason string
}{
	{token.ErrTooLarge, "too_large"},
	{token.ErrMalformed, "malformed"},
	{token.ErrForbiddenHeader, "malformed"},
	{token.ErrWrongType, "malformed"},
	{token.ErrNoKeyID, "malformed"},
	{token.ErrMissingClaim, "malformed"},
	{token.ErrAlgorithm, "algorithm"},
	{token.ErrAlgorithmMismatch, "algorithm"},
	{token.ErrUnknownKey, "unknown_key"},
	{token.ErrSignature, "signature"},
	{token.ErrIssuer, "issuer"},
	{token.ErrAudience, "audience"},
	{token.ErrExpired, "expired"},
	{token.ErrNotYetValid, "not_yet_valid"},
	{token.ErrIssuedInFuture, "not_yet_valid"},
	{token.ErrLifetime, "lifetime"},
	{token.ErrRevoked, "revoked"},
	{token.ErrRevocationStale, "revocation_stale"},
	{token.ErrKeySource, "key_source"},
}

// rejectionReason returns the reason label for a verification error.
func rejectionReason(err error) string {
	for _, r := range rejectionReasonTable {
		if errors.Is(err, r.err) {
			return r.reason
		}
	}
	return reasonOther
}

// rejectionReasons returns every reason label once, reasonOther last.
func rejectionReasons() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rejectionReasonTable {
		if !seen[r.reason] {
			seen[r.reason] = true
			out = append(out, r.reason)
		}
	}
	return append(out, reasonOther)
}
