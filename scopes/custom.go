package scopes

import (
	"fmt"
	"regexp"
)

// Custom is a custom scope, as JupyterHub's `custom_scopes` setting defines it
// (JupyterHub 3.0 and later). Subscopes name other custom scopes declared together.
type Custom struct {
	Name        string
	Description string
	Subscopes   []string
}

// customName is the name rule JupyterHub 3.0 applies to custom scopes.
var customName = regexp.MustCompile(`^custom:[a-z0-9][a-z0-9_\-\*:]+[a-z0-9_\*]$`)

// checkCustom validates custom scope definitions against each other.
func checkCustom(custom []Custom) error {
	declared := make(map[string]bool, len(custom))
	for _, c := range custom {
		if !customName.MatchString(c.Name) {
			return fmt.Errorf("scopes: %w %q: the name must match %s",
				ErrCustomScope, c.Name, customName)
		}
		if declared[c.Name] {
			return fmt.Errorf("scopes: %w %q: declared twice", ErrCustomScope, c.Name)
		}
		if c.Description == "" {
			return fmt.Errorf("scopes: %w %q: a description is required", ErrCustomScope, c.Name)
		}
		declared[c.Name] = true
	}
	for _, c := range custom {
		for _, sub := range c.Subscopes {
			if !declared[sub] {
				return fmt.Errorf("scopes: %w %q: subscope %q is not a custom scope "+
					"declared with it", ErrCustomScope, c.Name, sub)
			}
		}
	}
	return nil
}
