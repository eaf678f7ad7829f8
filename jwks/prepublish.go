package jwks

import (
	"errors"
	"fmt"
	"time"
)

// ErrNotPrepublished is returned by CheckPrepublished when the next key has
// been in the JWK Set for less than the prepublication time, so verifiers
// holding a cached set may not know it yet.
var ErrNotPrepublished = errors.New("jwks: the next key is not published long enough")

// CheckPrepublished reports whether rotating now would activate a next key
// that has been published for less than prepublish. Without a next key a
// rotation creates one and activates it at once, which is never safe for
// cached verifiers either.
func CheckPrepublished(keys []Info, prepublish time.Duration, now time.Time) error {
	for _, k := range keys {
		if k.State != StateNext {
			continue
		}
		if age := now.Sub(k.CreatedAt); age < prepublish {
			return fmt.Errorf("%w: key %s was published %s ago, less than keys.prepublish (%s), "+
				"so verifiers that cached the JWK Set may reject its tokens: wait %s, or force "+
				"the rotation", ErrNotPrepublished, k.ID, age.Round(time.Second), prepublish,
				(prepublish - age).Round(time.Second))
		}
		return nil
	}
	return fmt.Errorf("%w: there is no next key, so a new key would sign at once: force the "+
		"rotation, or wait for the scheduler to create one", ErrNotPrepublished)
}
