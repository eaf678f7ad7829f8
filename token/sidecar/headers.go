package sidecar

import (
	"net/http"
	"strings"
)

// headerKey folds a header name the way lenient upstreams compare names: case
// insensitive, with '_' equal to '-'. Some servers (WSGI and CGI gateways among
// them) map both X-Forwarded-User and X_Forwarded_User to one variable.
func headerKey(name string) string {
	return strings.ReplaceAll(strings.ToLower(name), "_", "-")
}

// stripHeaders deletes every header of h whose name folds to one of names,
// whatever its case or underscores.
func stripHeaders(h http.Header, names ...string) {
	keys := make([]string, len(names))
	for i, n := range names {
		keys[i] = headerKey(n)
	}
	for name := range h {
		folded := headerKey(name)
		for _, k := range keys {
			if folded == k {
				delete(h, name)
				break
			}
		}
	}
}
