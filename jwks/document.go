package jwks

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// Document is a serialized public JWK Set with its ETag. It is built once per
// key change and shared read-only by every request.
type Document struct {
	Body []byte  // the JWK Set, RFC 7517 section 5
	ETag string  // strong entity tag of Body, quoted
	Set  jwk.Set // the same public keys, parsed
}

// stateOrder sorts published keys: active first, then next, then retired.
var stateOrder = map[State]int{StateActive: 0, StateNext: 1, StateRetired: 2}

// buildDocument serializes the keys published at now. Member names are sorted,
// so every replica holding the same keys serves byte-identical documents.
func buildDocument(keys []*Key, now time.Time) (*Document, error) {
	pub := make([]*Key, 0, len(keys))
	for _, k := range keys {
		if k.Published(now) {
			pub = append(pub, k)
		}
	}
	sort.SliceStable(pub, func(i, j int) bool {
		if a, b := stateOrder[pub[i].State], stateOrder[pub[j].State]; a != b {
			return a < b
		}
		if !pub[i].CreatedAt.Equal(pub[j].CreatedAt) {
			return pub[i].CreatedAt.After(pub[j].CreatedAt)
		}
		return pub[i].ID < pub[j].ID
	})
	set := jwk.NewSet()
	members := make([]map[string]json.RawMessage, 0, len(pub))
	for _, k := range pub {
		raw, err := json.Marshal(k.Public)
		if err != nil {
			return nil, fmt.Errorf("jwks: encode public key %s: %w", k.ID, err)
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return nil, fmt.Errorf("jwks: re-read public key %s: %w", k.ID, err)
		}
		members = append(members, m)
		if err := set.AddKey(k.Public); err != nil {
			return nil, fmt.Errorf("jwks: add key %s to set: %w", k.ID, err)
		}
	}
	body, err := json.Marshal(struct {
		Keys []map[string]json.RawMessage `json:"keys"`
	}{members})
	if err != nil {
		return nil, fmt.Errorf("jwks: encode key set: %w", err)
	}
	sum := sha256.Sum256(body)
	return &Document{
		Body: body,
		ETag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`,
		Set:  set,
	}, nil
}
