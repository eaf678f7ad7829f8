package token

import (
	"fmt"
	"sync"

	"github.com/hubjwt/hubjwt/scopes"
)

// WithScopeModel sets the JupyterHub scope table that Access and required
// scopes compile the scope claim with. The default is scopes.Latest without
// custom scopes; a hub that declares custom scopes needs its own model.
func WithScopeModel(m *scopes.Model) VerifierOption {
	return func(v *Verifier) { v.model = m }
}

// WithGroupLookup gives Access the group membership of users, so that a
// `!group=` filter grants the resources of the group's members. Without it a
// group filter grants only the group itself.
func WithGroupLookup(g scopes.GroupLookup) VerifierOption {
	return func(v *Verifier) { v.groups = g }
}

// WithRequiredScopes makes Verify reject, with an error wrapping
// ErrInsufficientScope, a token that does not grant every one of required, as
// Access.AllowsScope decides: `name` needs the name unfiltered and
// `name!KIND=VALUE` needs it on that resource. NewVerifier rejects a required
// scope that is not in the scope model or has a bare filter.
func WithRequiredScopes(required ...string) VerifierOption {
	return func(v *Verifier) { v.required = append(v.required, required...) }
}

// defaultModel is the scope model of verifiers built without WithScopeModel.
var defaultModel = sync.OnceValues(func() (*scopes.Model, error) {
	return scopes.NewModel(scopes.Latest, nil)
})

func (v *Verifier) scopeModel() (*scopes.Model, error) {
	if v.model != nil {
		return v.model, nil
	}
	m, err := defaultModel()
	if err != nil {
		return nil, fmt.Errorf("token: build the default scope model: %w", err)
	}
	return m, nil
}

// checkRequiredConfig validates the required scopes against the scope model.
func (v *Verifier) checkRequiredConfig() error {
	if len(v.required) == 0 {
		return nil
	}
	model, err := v.scopeModel()
	if err != nil {
		return err
	}
	for _, s := range v.required {
		if _, err := model.Parse(s); err != nil {
			return fmt.Errorf("token: required scope: %w", err)
		}
		if _, _, ok := requirementOf(s); !ok {
			return fmt.Errorf("token: required scope %q has a bare filter: "+
				"write name!KIND=VALUE, such as access:servers!server=alice/", s)
		}
	}
	return nil
}

// checkRequired returns an error wrapping ErrInsufficientScope naming the first
// required scope that c does not grant.
func (v *Verifier) checkRequired(c *Claims) error {
	if len(v.required) == 0 {
		return nil
	}
	access, err := v.Access(c)
	if err != nil {
		return err
	}
	for _, s := range v.required {
		if !access.AllowsScope(s) {
			return &ScopeError{Scope: s}
		}
	}
	return nil
}
