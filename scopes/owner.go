package scopes

import (
	"fmt"
	"strings"
)

// OwnerKind is the kind of a token's owner.
type OwnerKind string

// The owner kinds.
const (
	OwnerUser    OwnerKind = "user"
	OwnerService OwnerKind = "service"
)

// Owner is the user or service a token belongs to. The zero Owner means no owner:
// expansion then drops `self` and every bare filter.
type Owner struct {
	Kind OwnerKind
	Name string
}

// User returns the Owner for the user name.
func User(name string) Owner { return Owner{Kind: OwnerUser, Name: name} }

// Service returns the Owner for the service name.
func Service(name string) Owner { return Owner{Kind: OwnerService, Name: name} }

// String returns "user=NAME" or "service=NAME", the form ParseOwner reads, and ""
// for the zero Owner.
func (o Owner) String() string {
	if o == (Owner{}) {
		return ""
	}
	return string(o.Kind) + "=" + o.Name
}

// ParseOwner parses "user=NAME" or "service=NAME".
func ParseOwner(s string) (Owner, error) {
	kind, name, ok := strings.Cut(s, "=")
	if !ok {
		return Owner{}, fmt.Errorf("scopes: %w %q: write user=NAME or service=NAME", ErrOwner, s)
	}
	o := Owner{Kind: OwnerKind(kind), Name: name}
	if err := o.validate(); err != nil {
		return Owner{}, err
	}
	return o, nil
}

func (o Owner) validate() error {
	if o == (Owner{}) {
		return nil
	}
	if o.Kind != OwnerUser && o.Kind != OwnerService {
		return fmt.Errorf("scopes: %w %q: the kind is user or service", ErrOwner, o.String())
	}
	if o.Name == "" || badCharacters(o.Name) != "" {
		return fmt.Errorf("scopes: %w %q: the name must be non-empty, "+
			"without whitespace or control characters", ErrOwner, o.String())
	}
	return nil
}
