package token

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/valyala/fastjson"
)

// claimNames and headerNames are the members whose spelling matters: a member
// that differs from one of them only in letter case is rejected, because
// encoding/json would match it case-insensitively while other JOSE libraries
// would not, and the two would read different claims from one token.
var (
	claimNames = []string{"iss", "sub", "aud", "exp", "iat", "nbf", "jti", "scope",
		"client_id", "kind", "inherit"}
	headerNames = []string{"alg", "kid", "typ", "cty", "jku", "jwk", "x5u", "x5c", "crit", "b64", "zip"}
)

// checkMembers reports an error when the JSON object in b has a member twice
// or a member that differs from a name in known only in case (RFC 7519
// section 4 lets a parser reject duplicates; hubjwt does, so that every
// component reads the same claims). fastjson keeps repeated members and
// unescapes names, so "\u0061lg" counts as a second "alg".
func checkMembers(b []byte, known []string) error {
	p := memberParsers.Get()
	defer memberParsers.Put(p)
	v, err := p.ParseBytes(b)
	if err != nil {
		return err
	}
	o, err := v.Object()
	if err != nil {
		return errors.New("not a JSON object")
	}
	var seenArr [24][]byte
	seen := seenArr[:0]
	var problem error
	o.Visit(func(key []byte, _ *fastjson.Value) {
		if problem != nil {
			return
		}
		for _, s := range seen {
			if bytes.Equal(s, key) {
				problem = fmt.Errorf("member %.40q appears twice", key)
				return
			}
		}
		seen = append(seen, key)
		for _, k := range known {
			if len(k) == len(key) && string(key) != k && strings.EqualFold(string(key), k) {
				problem = fmt.Errorf("member %.40q differs from %q only in case", key, k)
				return
			}
		}
	})
	return problem
}

// memberParsers reuses fastjson parsers across checkMembers calls.
var memberParsers fastjson.ParserPool

// checkEncoding rejects a compact JWS whose parts are not canonical unpadded
// base64url (RFC 7515 section 2): other alphabets, padding, whitespace, or
// trailing bits that a lenient decoder would ignore. One token then has one
// spelling, which keeps caches and revocation lists keyed by it honest.
func checkEncoding(compact string) error {
	start := 0
	for i := 0; i <= len(compact); i++ {
		if i < len(compact) && compact[i] != '.' {
			c := compact[i]
			if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
				c == '-' || c == '_') {
				return fmt.Errorf("byte %d (%q) is not base64url", i, c)
			}
			continue
		}
		if !canonicalTail(compact[start:i]) {
			return fmt.Errorf("part at byte %d is not canonical base64url", start)
		}
		start = i + 1
	}
	return nil
}

// canonicalTail reports whether the unused low bits of part's last character
// are zero and its length is possible for unpadded base64.
func canonicalTail(part string) bool {
	if len(part) == 0 {
		return true
	}
	v := base64Value(part[len(part)-1])
	switch len(part) % 4 {
	case 1:
		return false
	case 2:
		return v&0x0f == 0
	case 3:
		return v&0x03 == 0
	}
	return true
}

func base64Value(c byte) byte {
	switch {
	case c >= 'A' && c <= 'Z':
		return c - 'A'
	case c >= 'a' && c <= 'z':
		return c - 'a' + 26
	case c >= '0' && c <= '9':
		return c - '0' + 52
	case c == '-':
		return 62
	}
	return 63
}
