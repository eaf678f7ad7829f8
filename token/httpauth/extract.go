package httpauth

import (
	"net/http"
	"net/url"
	"strings"
)

// credential is the access token a request carries and where it came from.
type credential struct {
	raw       string
	fromQuery bool
}

// extract returns the request's token, or a Failure: 401 without an error code
// when the request carries none, 400 invalid_request when it is malformed or
// uses more than one method (RFC 6750 section 2).
func (a *Authenticator) extract(r *http.Request) (credential, *Failure) {
	header, fail := a.headerToken(r)
	if fail != nil {
		return credential{}, fail
	}
	query, fail := a.queryToken(r)
	if fail != nil {
		return credential{}, fail
	}
	switch {
	case header != "" && query != "":
		return credential{}, a.invalidRequest("the request carries a token in both the " +
			"Authorization header and the query: send it once")
	case header != "":
		return credential{raw: header}, nil
	case query != "":
		return credential{raw: query, fromQuery: true}, nil
	}
	return credential{}, a.missing()
}

// headerToken returns the token of a Bearer (or, when enabled, JupyterHub
// `token`) Authorization header. Other schemes carry no token for this
// middleware, so they count as no token.
func (a *Authenticator) headerToken(r *http.Request) (string, *Failure) {
	values := r.Header.Values("Authorization")
	if len(values) == 0 {
		return "", nil
	}
	if len(values) > 1 {
		return "", a.invalidRequest("the request has more than one Authorization header")
	}
	scheme, cred, _ := strings.Cut(strings.TrimSpace(values[0]), " ")
	accepted := strings.EqualFold(scheme, "Bearer") ||
		a.opts.TokenScheme && strings.EqualFold(scheme, "token")
	if !accepted {
		return "", nil
	}
	cred = strings.TrimSpace(cred)
	if cred == "" {
		return "", a.invalidRequest("the Authorization header has no token after " + scheme)
	}
	return cred, nil
}

// queryToken returns the `token` query parameter when the policy accepts it on
// this request.
func (a *Authenticator) queryToken(r *http.Request) (string, *Failure) {
	switch a.opts.QueryToken {
	case QueryTokenAlways:
	case QueryTokenWebSocket:
		if !isWebSocket(r) {
			return "", nil
		}
	default:
		return "", nil
	}
	values := queryValues(r.URL.RawQuery, "token")
	switch {
	case len(values) > 1:
		return "", a.invalidRequest("the query has more than one token parameter")
	case len(values) == 1 && values[0] == "":
		return "", a.invalidRequest("the token query parameter is empty")
	case len(values) == 1:
		return values[0], nil
	}
	return "", nil
}

// queryValues returns the decoded values of key in a raw query.
func queryValues(rawQuery, key string) []string {
	var out []string
	for _, pair := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err != nil || name != key {
			continue
		}
		value, err := url.QueryUnescape(v)
		if err != nil {
			value = v
		}
		out = append(out, value)
	}
	return out
}

// withoutQueryParam returns rawQuery without any key parameter, keeping the
// order and encoding of the others.
func withoutQueryParam(rawQuery, key string) string {
	if rawQuery == "" {
		return ""
	}
	pairs := strings.Split(rawQuery, "&")
	kept := pairs[:0]
	for _, pair := range pairs {
		k, _, _ := strings.Cut(pair, "=")
		if name, err := url.QueryUnescape(k); err == nil && name == key {
			continue
		}
		kept = append(kept, pair)
	}
	return strings.Join(kept, "&")
}
