package config

import (
	"os"
	"strings"
)

// envLayer is the set of values taken from HUBJWT_* environment variables.
type envLayer struct {
	values   map[string]any // dotted key to string
	sources  map[string]string
	fallback map[string]string // JUPYTERHUB_* values for jupyterhub.* defaults
	errs     []error
}

// hubFallbacks maps keys to the variable the hub sets for a managed service.
var hubFallbacks = map[string]string{
	"jupyterhub.api_url":   "JUPYTERHUB_API_URL",
	"jupyterhub.api_token": "JUPYTERHUB_API_TOKEN",
}

// readEnviron scans environ (os.Environ when nil) for HUBJWT_* variables and
// the JUPYTERHUB_* fallbacks. A HUBJWT_* variable that names no key is an error.
func readEnviron(environ []string) *envLayer {
	if environ == nil {
		environ = os.Environ()
	}
	byName := map[string]field{}
	names := make([]string, 0, len(fields))
	for _, f := range fields {
		byName[EnvName(f.key)] = f
		names = append(names, EnvName(f.key))
	}
	layer := &envLayer{values: map[string]any{}, sources: map[string]string{},
		fallback: map[string]string{}}
	for _, entry := range environ {
		name, value, _ := strings.Cut(entry, "=")
		for key, hubName := range hubFallbacks {
			if name == hubName {
				layer.fallback[key] = value
			}
		}
		if !strings.HasPrefix(name, envPrefix) {
			continue
		}
		f, ok := byName[name]
		switch {
		case !ok:
			layer.errs = append(layer.errs, unknown(name, "environment",
				suggestKey(name, names, "unset it; docs/configuration.md lists every variable")))
		case f.kind == kindFileOnly:
			layer.errs = append(layer.errs, &FieldError{Key: f.key, Source: name,
				Problem: "set in the environment, but this key is a list of mappings",
				Fix:     "unset " + name + " and set " + f.key + " in the config file",
				Err:     ErrInvalidValue})
		default:
			layer.values[f.key] = value
			layer.sources[f.key] = name
		}
	}
	return layer
}
