package token

import (
	"context"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// Set returns the JWK Set that r holds now, as fetched. It has the signature of
// revocation.FeedSourceConfig.Keys, so a revocation feed and the verifier
// follow one cached copy of the issuer's keys through rotation.
func (r *RemoteKeys) Set(ctx context.Context) (jwk.Set, error) {
	idx, err := r.index(ctx)
	if err != nil {
		return nil, err
	}
	return idx.set, nil
}
