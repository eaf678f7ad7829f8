package refresh

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// MemoryStore is a Store in process memory, for tests and single-process
// experiments; it loses everything on exit. It is safe for concurrent use.
type MemoryStore struct {
	mu       sync.Mutex // guards families and used
	families map[string]Family
	used     map[string]map[string]struct{} // family id -> redeemed hashes
}

var _ Store = (*MemoryStore)(nil)

// NewMemoryStore returns an empty MemoryStore.
func NewMemoryStore() *MemoryStore {
	return &MemoryStore{families: map[string]Family{}, used: map[string]map[string]struct{}{}}
}

// Create stores f.
func (m *MemoryStore) Create(_ context.Context, f Family) error {
	if err := f.Validate(); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.families[f.ID]; ok {
		return fmt.Errorf("%w %s: the id exists", ErrInvalidFamily, f.ID)
	}
	m.families[f.ID] = cloneFamily(f)
	m.used[f.ID] = map[string]struct{}{}
	return nil
}

// Redeem applies Decide under the store's lock.
func (m *MemoryStore) Redeem(_ context.Context, r Redemption) (Outcome, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.families[r.FamilyID]
	if !ok {
		return Outcome{}, fmt.Errorf("%w: family %s", ErrNotFound, r.FamilyID)
	}
	_, used := m.used[r.FamilyID][r.Hash]
	out, err := Decide(&f, used, r)
	m.families[r.FamilyID] = f
	if err != nil {
		return Outcome{}, err
	}
	if out.Result == Rotated {
		m.used[r.FamilyID][r.Hash] = struct{}{}
	}
	return Outcome{Family: cloneFamily(out.Family), Result: out.Result}, nil
}

// Revoke marks a family revoked.
func (m *MemoryStore) Revoke(_ context.Context, familyID string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.families[familyID]
	if !ok {
		return fmt.Errorf("%w: family %s", ErrNotFound, familyID)
	}
	f.Revoked = true
	m.families[familyID] = f
	return nil
}

// Get returns a copy of a family.
func (m *MemoryStore) Get(_ context.Context, familyID string) (Family, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.families[familyID]
	if !ok {
		return Family{}, fmt.Errorf("%w: family %s", ErrNotFound, familyID)
	}
	return cloneFamily(f), nil
}

// Purge deletes families that ended before now.
func (m *MemoryStore) Purge(_ context.Context, now time.Time) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for id, f := range m.families {
		if !now.Before(f.ExpiresAt) {
			delete(m.families, id)
			delete(m.used, id)
			n++
		}
	}
	return n, nil
}

func cloneFamily(f Family) Family {
	f.Scopes = slices.Clone(f.Scopes)
	f.Audience = slices.Clone(f.Audience)
	f.Successor = slices.Clone(f.Successor)
	return f
}
