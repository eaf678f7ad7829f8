package authcode

import (
	"context"
	"slices"
	"sync"
	"time"
)

// Memory is a Store in process memory. It suits one process; records are
// lost on restart. The zero value is not usable: call NewMemory.
type Memory struct {
	mu      sync.Mutex // guards records
	records map[string]*memoryRecord
}

type memoryRecord struct {
	value   []byte
	expires time.Time
	used    bool
}

var _ Store = (*Memory)(nil)

// NewMemory returns an empty Memory.
func NewMemory() *Memory { return &Memory{records: map[string]*memoryRecord{}} }

// Create stores value under key and drops expired records.
func (m *Memory) Create(_ context.Context, key string, value []byte, expires, now time.Time) error {
	if err := Validate(key, expires, now); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for k, r := range m.records {
		if !r.expires.After(now) {
			delete(m.records, k)
		}
	}
	if _, ok := m.records[key]; ok {
		return ErrExists
	}
	m.records[key] = &memoryRecord{value: slices.Clone(value), expires: expires}
	return nil
}

// Consume marks the record used and returns its value.
func (m *Memory) Consume(_ context.Context, key string, now time.Time) ([]byte, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[key]
	if !ok || !r.expires.After(now) {
		return nil, false, ErrNotFound
	}
	first := !r.used
	r.used = true
	return slices.Clone(r.value), first, nil
}

// Update replaces the value of a live record.
func (m *Memory) Update(_ context.Context, key string, value []byte, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.records[key]
	if !ok || !r.expires.After(now) {
		return ErrNotFound
	}
	r.value = slices.Clone(value)
	return nil
}
