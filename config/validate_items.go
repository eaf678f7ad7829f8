package config

import (
	"fmt"
	"regexp"
)

// checkClients validates each registered client.
func checkClients(clients []Client) []error {
	var errs []error
	firstIndex := map[string]int{}
	for i, c := range clients {
		prefix := fmt.Sprintf("clients[%d]", i)
		if c.ID == "" {
			errs = append(errs, invalid(prefix+".id", "", "missing client id", "set id"))
		} else if j, dup := firstIndex[c.ID]; dup {
			errs = append(errs, invalid(prefix+".id", c.ID,
				fmt.Sprintf("duplicate client id, also used by clients[%d]", j),
				"give each client its own id"))
		} else {
			firstIndex[c.ID] = i
		}
		errs = append(errs, checkClientType(prefix, c)...)
		for j, origin := range c.Origins {
			if err := checkOrigin(fmt.Sprintf("%s.origins[%d]", prefix, j), origin); err != nil {
				errs = append(errs, err)
			}
		}
		for j, uri := range c.RedirectURIs {
			key := fmt.Sprintf("%s.redirect_uris[%d]", prefix, j)
			if err := checkRedirectURI(key, uri); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errs
}

// checkClientType requires public or confidential, and a secret_file exactly
// for confidential clients (RFC 6749 section 2.1).
func checkClientType(prefix string, c Client) []error {
	switch c.Type {
	case ClientPublic:
		if c.SecretFile != "" {
			return []error{invalid(prefix+".secret_file", c.SecretFile,
				"set on a public client, which cannot keep a secret",
				"remove secret_file or make the client confidential")}
		}
	case ClientConfidential:
		if c.SecretFile == "" {
			return []error{invalid(prefix+".secret_file", "",
				"missing on a confidential client",
				"set secret_file to a file holding the client secret")}
		}
	default:
		return []error{invalid(prefix+".type", c.Type, "unsupported client type",
			"use public or confidential")}
	}
	return nil
}

// customScopeName is the pattern JupyterHub's define_custom_scopes enforces:
// custom: followed by lowercase letters, digits and -_:*, starting with a
// letter or digit and not ending with - or :.
var customScopeName = regexp.MustCompile(`^custom:[a-z0-9][a-z0-9_\-*:]+[a-z0-9_*]$`)

// checkCustomScopes applies JupyterHub's custom scope rules: a valid name, a
// description, no duplicates, and subscopes that are custom scopes defined
// in the same list.
func checkCustomScopes(custom []CustomScope) []error {
	var errs []error
	defined := map[string]int{}
	for i, s := range custom {
		if j, dup := defined[s.Name]; dup && s.Name != "" {
			errs = append(errs, invalid(fmt.Sprintf("scopes.custom[%d].name", i), s.Name,
				fmt.Sprintf("duplicate scope, also defined by scopes.custom[%d]", j),
				"define each custom scope once"))
			continue
		}
		defined[s.Name] = i
	}
	for i, s := range custom {
		prefix := fmt.Sprintf("scopes.custom[%d]", i)
		if !customScopeName.MatchString(s.Name) {
			errs = append(errs, invalid(prefix+".name", s.Name, "invalid custom scope name",
				"start with custom: and use lowercase letters, digits and -_:*, "+
					"such as custom:myapp:read"))
		}
		if s.Description == "" {
			errs = append(errs, invalid(prefix+".description", "", "missing",
				"describe what the scope grants; users see it when they authorize"))
		}
		for j, sub := range s.Subscopes {
			if _, ok := defined[sub]; !ok {
				errs = append(errs, invalid(fmt.Sprintf("%s.subscopes[%d]", prefix, j), sub,
					"not a custom scope defined in scopes.custom",
					"define it in scopes.custom; custom scopes may only imply custom scopes"))
			}
		}
	}
	return errs
}

// formatInt writes n in decimal.
func formatInt(n int64) string { return fmt.Sprint(n) }
