package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/token/refresh"
)

// keyPrefix starts every key of this store.
const keyPrefix = "hubjwt:refresh:"

// Store is a refresh.Store in Redis. It is safe for concurrent use, also by
// several processes sharing one Redis.
type Store struct {
	client redis.UniversalClient
}

var _ refresh.Store = (*Store)(nil)

// New returns a store that uses client, which the caller closes.
func New(client redis.UniversalClient) *Store {
	return &Store{client: client}
}

func familyKey(id string) string { return keyPrefix + "{" + id + "}" }
func usedKey(id string) string   { return keyPrefix + "{" + id + "}:used" }

// grantFields are the fields of a family that never change, stored as JSON.
type grantFields struct {
	Subject   string    `json:"sub"`
	Kind      string    `json:"kind"`
	Scopes    []string  `json:"scopes"`
	Audience  []string  `json:"audience"`
	CreatedAt time.Time `json:"created_at"`
}

// Create stores a new family.
func (s *Store) Create(ctx context.Context, f refresh.Family) error {
	if err := f.Validate(); err != nil {
		return err
	}
	grant, err := json.Marshal(grantFields{Subject: f.Subject, Kind: f.Kind, Scopes: f.Scopes,
		Audience: f.Audience, CreatedAt: f.CreatedAt})
	if err != nil {
		return fmt.Errorf("refresh redisstore: encode family %s: %w", f.ID, err)
	}
	revoked := "0"
	if f.Revoked {
		revoked = "1"
	}
	args := []any{f.ExpiresAt.UnixMilli(),
		"id", f.ID, "grant", grant, "client", f.ClientID,
		"expires_ms", f.ExpiresAt.UnixMilli(), "current", f.Current,
		"generation", f.Generation, "revoked", revoked}
	res, err := createScript.Run(ctx, s.client, []string{familyKey(f.ID)}, args...).Text()
	if err != nil {
		return fmt.Errorf("refresh redisstore: create family %s: %w", f.ID, err)
	}
	if res == "exists" {
		return fmt.Errorf("%w %s: the id exists", refresh.ErrInvalidFamily, f.ID)
	}
	return nil
}

// Redeem runs the redemption script.
func (s *Store) Redeem(ctx context.Context, r refresh.Redemption) (refresh.Outcome, error) {
	keys := []string{familyKey(r.FamilyID), usedKey(r.FamilyID)}
	res, err := redeemScript.Run(ctx, s.client, keys, r.Hash, r.ClientID, r.Now.UnixMilli(),
		r.Grace.Milliseconds(), r.Next, r.Sealed).Slice()
	if err != nil {
		return refresh.Outcome{}, fmt.Errorf("refresh redisstore: redeem in family %s: %w",
			r.FamilyID, err)
	}
	status, _ := res[0].(string)
	var result refresh.Result
	switch status {
	case "rotated":
		result = refresh.Rotated
	case "retried":
		result = refresh.Retried
	default:
		return refresh.Outcome{}, statusError(status, r)
	}
	f, err := decodeFamily(r.FamilyID, res[1])
	if err != nil {
		return refresh.Outcome{}, err
	}
	return refresh.Outcome{Family: f, Result: result}, nil
}

// statusError returns the error that a failed redemption's status means, in
// the words refresh.Decide uses.
func statusError(status string, r refresh.Redemption) error {
	switch status {
	case "missing", "unknown":
		return fmt.Errorf("%w: family %s issued no such token", refresh.ErrNotFound, r.FamilyID)
	case "expired":
		return fmt.Errorf("%w: family %s", refresh.ErrExpired, r.FamilyID)
	case "revoked":
		return fmt.Errorf("%w: family %s", refresh.ErrRevoked, r.FamilyID)
	case "client":
		return fmt.Errorf("%w: family %s, client %q", refresh.ErrClientMismatch, r.FamilyID,
			r.ClientID)
	case "reused":
		return fmt.Errorf("%w: family %s", refresh.ErrReused, r.FamilyID)
	}
	return fmt.Errorf("refresh redisstore: redeem in family %s: unexpected script status %q",
		r.FamilyID, status)
}

// Revoke marks a family revoked.
func (s *Store) Revoke(ctx context.Context, familyID string) error {
	n, err := revokeScript.Run(ctx, s.client, []string{familyKey(familyID)}).Int()
	if err != nil {
		return fmt.Errorf("refresh redisstore: revoke family %s: %w", familyID, err)
	}
	if n == 0 {
		return fmt.Errorf("%w: family %s", refresh.ErrNotFound, familyID)
	}
	return nil
}

// Get returns a family.
func (s *Store) Get(ctx context.Context, familyID string) (refresh.Family, error) {
	m, err := s.client.HGetAll(ctx, familyKey(familyID)).Result()
	if err != nil {
		return refresh.Family{}, fmt.Errorf("refresh redisstore: get family %s: %w", familyID, err)
	}
	if len(m) == 0 {
		return refresh.Family{}, fmt.Errorf("%w: family %s", refresh.ErrNotFound, familyID)
	}
	return familyFromMap(familyID, m)
}

// Purge returns 0: Redis expires both keys of a family at its end.
func (s *Store) Purge(context.Context, time.Time) (int, error) { return 0, nil }

// decodeFamily reads the flat HGETALL array a script returned.
func decodeFamily(id string, v any) (refresh.Family, error) {
	list, ok := v.([]any)
	if !ok || len(list)%2 != 0 {
		return refresh.Family{}, fmt.Errorf("refresh redisstore: family %s: malformed script "+
			"reply %T", id, v)
	}
	m := make(map[string]string, len(list)/2)
	for i := 0; i < len(list); i += 2 {
		k, _ := list[i].(string)
		val, _ := list[i+1].(string)
		m[k] = val
	}
	return familyFromMap(id, m)
}

func familyFromMap(id string, m map[string]string) (refresh.Family, error) {
	var g grantFields
	if err := json.Unmarshal([]byte(m["grant"]), &g); err != nil {
		return refresh.Family{}, fmt.Errorf("refresh redisstore: decode family %s: %w", id, err)
	}
	f := refresh.Family{
		ID: id, Subject: g.Subject, Kind: g.Kind, ClientID: m["client"],
		Scopes: g.Scopes, Audience: g.Audience, CreatedAt: g.CreatedAt,
		Current: m["current"], Previous: m["previous"], Revoked: m["revoked"] == "1",
	}
	var errs []error
	f.ExpiresAt = millis(m["expires_ms"], &errs)
	if m["rotated_ms"] != "" {
		f.RotatedAt = millis(m["rotated_ms"], &errs)
	}
	if m["successor"] != "" {
		f.Successor = []byte(m["successor"])
	}
	gen, err := strconv.Atoi(m["generation"])
	errs = append(errs, err)
	f.Generation = gen
	if err := errors.Join(errs...); err != nil {
		return refresh.Family{}, fmt.Errorf("refresh redisstore: decode family %s: %w", id, err)
	}
	return f, nil
}

func millis(s string, errs *[]error) time.Time {
	ms, err := strconv.ParseInt(s, 10, 64)
	*errs = append(*errs, err)
	return time.UnixMilli(ms)
}
