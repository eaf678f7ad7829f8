package inherit

import (
	"errors"
	"fmt"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/scopes"
)

// hubError wraps an error of the hub client for owner o with the matching
// sentinel of this package. need names the permission whose absence a 401
// or 403 points to.
func hubError(o scopes.Owner, err error, need string) error {
	switch {
	case errors.Is(err, hubapi.ErrUnavailable):
		return fmt.Errorf("inherit: resolve %s: %w: %w", o, ErrUnavailable, err)
	case errors.Is(err, hubapi.ErrNotFound):
		return fmt.Errorf("inherit: resolve %s: %w: %w", o, ErrNotFound, err)
	case errors.Is(err, hubapi.ErrForbidden), errors.Is(err, hubapi.ErrInvalidToken):
		return fmt.Errorf("inherit: resolve %s: %w: grant the hubjwt service %s: %w",
			o, ErrPermission, need, err)
	}
	return fmt.Errorf("inherit: resolve %s: %w", o, err)
}
