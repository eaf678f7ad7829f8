package jwks

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"
)

// Config holds the operator settings of a Manager.
type Config struct {
	// Algorithm signs new keys: ES256 (default), EdDSA, RS256 or PS256.
	Algorithm string
	// Retention is how long a retired key stays in the JWK Set: at least the
	// maximum token lifetime plus the verifiers' clock leeway.
	Retention time.Duration
}

// Manager keeps the current key set in memory, publishes its JWK Set document
// and signs with the active key. It is safe for concurrent use: readers see an
// immutable snapshot that lifecycle changes replace atomically.
type Manager struct {
	store  Store
	sealer Sealer
	cfg    Config
	now    func() time.Time
	log    *slog.Logger

	mu  sync.Mutex // serializes lifecycle changes; readers never take it
	cur atomic.Pointer[keySet]
}

// keySet is one immutable view of the keys.
type keySet struct {
	keys    []*Key
	active  *Key
	signer  any // the active private key as a crypto key, exported once
	alg     jwa.SignatureAlgorithm
	doc     *Document
	version uint64
}

// Option configures a Manager.
type Option func(*Manager)

// WithClock sets the time source; tests move it instead of sleeping.
func WithClock(now func() time.Time) Option { return func(m *Manager) { m.now = now } }

// WithLogger sets the logger for lifecycle events.
func WithLogger(l *slog.Logger) Option { return func(m *Manager) { m.log = l } }

// WithSealer sets how private keys are protected at rest (default Plaintext).
func WithSealer(s Sealer) Option { return func(m *Manager) { m.sealer = s } }

// NewManager returns a Manager over store. Call Load before using it.
func NewManager(store Store, cfg Config, opts ...Option) (*Manager, error) {
	if cfg.Algorithm == "" {
		cfg.Algorithm = "ES256"
	}
	if _, err := ParseAlgorithm(cfg.Algorithm); err != nil {
		return nil, err
	}
	m := &Manager{store: store, sealer: Plaintext{}, cfg: cfg, now: time.Now,
		log: slog.New(slog.DiscardHandler)}
	for _, o := range opts {
		o(m)
	}
	return m, nil
}

// Load reads the key set from the store. An empty store gets a first key set,
// one active and one next key; when another process creates it at the same
// moment, Load uses theirs.
func (m *Manager) Load(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	for attempt := 0; attempt < 3; attempt++ {
		snap, err := m.store.Load(ctx)
		if err != nil {
			return fmt.Errorf("jwks: load key set: %w", err)
		}
		if len(snap.Records) > 0 {
			return m.install(snap)
		}
		keys, err := bootstrap(m.cfg.Algorithm, m.now())
		if err != nil {
			return err
		}
		err = m.save(ctx, snap.Version, 0, keys)
		if errors.Is(err, ErrConflict) {
			continue
		}
		if err != nil {
			return err
		}
		for _, k := range keys {
			m.log.Info("key created", "kid", k.ID, "alg", k.Algorithm, "state", k.State,
				"reason", "first start")
		}
		return nil
	}
	return fmt.Errorf("jwks: create first key set: %w", ErrConflict)
}

// Reload re-reads the store and installs its key set if it changed.
func (m *Manager) Reload(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.reloadLocked(ctx)
}

// save writes keys at version prev, fenced by fence unless it is 0, and
// installs them.
func (m *Manager) save(ctx context.Context, prev, fence uint64, keys []*Key) error {
	records := make([]Record, 0, len(keys))
	for _, k := range keys {
		r, err := toRecord(k, m.sealer)
		if err != nil {
			return err
		}
		records = append(records, r)
	}
	var version uint64
	var err error
	if locker, ok := m.store.(Locker); ok && fence != 0 {
		version, err = locker.SaveFenced(ctx, prev, fence, records)
	} else {
		version, err = m.store.Save(ctx, prev, records)
	}
	if err != nil {
		return fmt.Errorf("jwks: save key set: %w", err)
	}
	return m.installKeys(keys, version)
}

// install decodes a snapshot and makes it current.
func (m *Manager) install(snap Snapshot) error {
	keys := make([]*Key, 0, len(snap.Records))
	for _, r := range snap.Records {
		k, err := fromRecord(r, m.sealer)
		if err != nil {
			return err
		}
		keys = append(keys, k)
	}
	return m.installKeys(keys, snap.Version)
}

func (m *Manager) installKeys(keys []*Key, version uint64) error {
	if err := checkSet(keys); err != nil {
		return err
	}
	doc, err := buildDocument(keys, m.now())
	if err != nil {
		return err
	}
	ks := &keySet{keys: keys, doc: doc, version: version}
	for _, k := range keys {
		if k.State == StateActive {
			ks.active = k
		}
	}
	ks.alg, _ = ParseAlgorithm(ks.active.Algorithm)
	if err := jwk.Export(ks.active.Private, &ks.signer); err != nil {
		return fmt.Errorf("jwks: export signing key %s: %w", ks.active.ID, err)
	}
	m.cur.Store(ks)
	return nil
}

// Document returns the current public JWK Set document.
func (m *Manager) Document() *Document {
	if cur := m.cur.Load(); cur != nil {
		return cur.doc
	}
	return nil
}

// Keys returns a description of every stored key, active first.
func (m *Manager) Keys() []Info {
	cur := m.cur.Load()
	if cur == nil {
		return nil
	}
	out := make([]Info, 0, len(cur.keys))
	for _, k := range cur.keys {
		out = append(out, k.Info())
	}
	return out
}

// ActiveKeyID returns the kid of the signing key, or "" before Load.
func (m *Manager) ActiveKeyID() string {
	if cur := m.cur.Load(); cur != nil {
		return cur.active.ID
	}
	return ""
}

// Sign returns payload as a JWS in compact serialization, signed with the
// active key, with protected headers alg, kid and typ.
func (m *Manager) Sign(payload []byte, typ string) ([]byte, error) {
	cur := m.cur.Load()
	if cur == nil {
		return nil, ErrNoActiveKey
	}
	hdr := jws.NewHeaders()
	if err := hdr.Set(jws.KeyIDKey, cur.active.ID); err != nil {
		return nil, fmt.Errorf("jwks: set kid header: %w", err)
	}
	if err := hdr.Set(jws.TypeKey, typ); err != nil {
		return nil, fmt.Errorf("jwks: set typ header: %w", err)
	}
	out, err := jws.Sign(payload, jws.WithKey(cur.alg, cur.signer,
		jws.WithProtectedHeaders(hdr)))
	if err != nil {
		return nil, fmt.Errorf("jwks: sign with key %s: %w", cur.active.ID, err)
	}
	return out, nil
}
