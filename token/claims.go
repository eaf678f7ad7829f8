package token

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Type is the JOSE typ header of hubjwt access tokens (RFC 9068 section 2.1).
const Type = "at+jwt"

// Subject kinds: a JupyterHub user or service. A user and a service of the same
// name are different subjects.
const (
	KindUser    = "user"
	KindService = "service"
)

// Claims is the claim set of a hubjwt access token, RFC 9068 section 2.2 plus
// the JupyterHub-specific kind and the inherit marker.
type Claims struct {
	Issuer    string      `json:"iss"`
	Subject   string      `json:"sub"`
	Audience  Audience    `json:"aud"`
	ExpiresAt NumericDate `json:"exp"`
	IssuedAt  NumericDate `json:"iat"`
	NotBefore NumericDate `json:"nbf"`
	ID        string      `json:"jti"`
	Scope     string      `json:"scope"`
	ClientID  string      `json:"client_id"`
	Kind      string      `json:"kind"`
	// Inherit is true when the scopes came from resolving `inherit` at mint time:
	// they are the owner's scopes at IssuedAt.
	Inherit bool `json:"inherit,omitempty"`
}

// Scopes returns the scope claim split at spaces.
func (c *Claims) Scopes() []string { return strings.Fields(c.Scope) }

// HasScope reports whether the scope claim contains s exactly.
func (c *Claims) HasScope(s string) bool {
	for rest := c.Scope; rest != ""; {
		var cur string
		cur, rest, _ = strings.Cut(rest, " ")
		if cur == s {
			return true
		}
	}
	return false
}

// Audience is the aud claim. It decodes from a string or an array of strings
// (RFC 7519 section 4.1.3) and always encodes as an array.
type Audience []string

// UnmarshalJSON accepts a string or an array of strings.
func (a *Audience) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*a = Audience{s}
		return nil
	}
	var list []string
	if err := json.Unmarshal(b, &list); err != nil {
		return fmt.Errorf("aud must be a string or an array of strings")
	}
	*a = list
	return nil
}

// Contains reports whether aud names s.
func (a Audience) Contains(s string) bool {
	for _, v := range a {
		if v == s {
			return true
		}
	}
	return false
}

// NumericDate is a JWT time: seconds since the Unix epoch (RFC 7519 section 2).
// It decodes from a JSON number, integer or not, and rejects strings and
// values outside years 1970 to 9999.
type NumericDate int64

// maxNumericDate is 9999-12-31T23:59:59Z.
const maxNumericDate = 253402300799

// NewNumericDate returns t truncated to whole seconds.
func NewNumericDate(t time.Time) NumericDate { return NumericDate(t.Unix()) }

// Time returns d as a time.Time in UTC; the zero NumericDate is the zero time.
func (d NumericDate) Time() time.Time {
	if d == 0 {
		return time.Time{}
	}
	return time.Unix(int64(d), 0).UTC()
}

// UnmarshalJSON decodes a JSON number of seconds.
func (d *NumericDate) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("NumericDate must be a JSON number, got %.20q", b)
	}
	if f < 0 || f > maxNumericDate {
		return fmt.Errorf("NumericDate %v is out of range", f)
	}
	*d = NumericDate(int64(f))
	return nil
}
