package refresh

import (
	"context"
	"time"
)

// Store persists refresh token families. Implementations must be safe for
// concurrent use, by several processes where the backend is shared, and must
// run each Redeem as one atomic step.
type Store interface {
	// Create stores a new family whose Current token is unused. It rejects
	// an invalid family with ErrInvalidFamily.
	Create(ctx context.Context, f Family) error
	// Redeem applies Decide to the family named by r.FamilyID atomically
	// and records r.Hash as used on rotation. A missing family gives
	// ErrNotFound.
	Redeem(ctx context.Context, r Redemption) (Outcome, error)
	// Revoke marks a family revoked. A missing family gives ErrNotFound.
	Revoke(ctx context.Context, familyID string) error
	// Get returns a family's stored state, for inspection.
	Get(ctx context.Context, familyID string) (Family, error)
	// Purge deletes families that ended before now and returns how many it
	// deleted. Stores whose backend expires keys by itself may return 0.
	Purge(ctx context.Context, now time.Time) (int, error)
}
