package revocation

import (
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultMaxStaleness is how long after its last sync a Mirror still trusts its
// view, when MirrorConfig.MaxStaleness is zero.
const DefaultMaxStaleness = 60 * time.Second

// MirrorConfig configures a Mirror. Only Source is required.
type MirrorConfig struct {
	// Source feeds the mirror; Run drives it.
	Source Source
	// MaxStaleness is how long after the last sync Check still trusts the view.
	// Later it returns ErrStale unless FailOpen is set. Zero means 60 s.
	MaxStaleness time.Duration
	// FailOpen makes a stale mirror check against its last view instead of
	// returning ErrStale. Revocations made while it is stale are then missed.
	FailOpen bool
	// MaxTTL is the longest token lifetime; it sets how long the global cut-off
	// that the mirror applies on a store data loss lasts. Zero means one hour.
	MaxTTL time.Duration
	// RetryInterval is the wait before Run calls the source again after a failure.
	// Zero means one second.
	RetryInterval time.Duration
	// PruneInterval is how often Run removes expired entries. Zero means 5 minutes.
	PruneInterval time.Duration
	// Now returns the current time; nil means time.Now.
	Now Clock
	// Logger receives sync failures, staleness transitions and data-loss
	// incidents; nil means slog.Default().
	Logger *slog.Logger
}

// Mirror is an in-memory view of the revocation list that a verifier queries on
// every request. A source started by Run keeps it up to date. Its methods are safe
// for concurrent use. Entries are only added or extended, never dropped before
// they expire, so a source that lost data cannot make a revoked token valid again.
type Mirror struct {
	cfg MirrorConfig

	mu       sync.RWMutex // guards tokens, subjects, keys, global, generation, genLost
	tokens   map[string]int64
	subjects map[subjectKey]window
	keys     map[string]int64
	global   window
	// generation is the store generation last seen; genLost is set after the
	// source reported a missing generation and until a new one arrives.
	generation string
	genKnown   bool
	genLost    bool

	lastSync atomic.Int64 // Unix nanoseconds of the last sync, 0 before the first
	stale    atomic.Bool  // whether the last Check found the mirror stale

	// coarseNow is the time in Unix nanoseconds, refreshed every coarseTick while
	// Run runs with the real clock, so Check need not call time.Now (about 50 ns on
	// some virtual machines). It is 0 otherwise, and Check calls cfg.Now.
	coarseNow atomic.Int64
	realClock bool
}

// coarseTick is how often Run refreshes the coarse clock, so staleness is
// detected up to this much late.
const coarseTick = 50 * time.Millisecond

// subjectKey identifies a subject; a struct key needs no string concatenation.
type subjectKey struct{ kind, name string }

// window is a cut-off: tokens issued before before are revoked, and the cut-off
// is forgotten at expires. Both are Unix nanoseconds.
type window struct{ before, expires int64 }

// NewMirror returns an empty mirror. It reports ErrStale from Check until its
// source first syncs, unless FailOpen is set.
func NewMirror(cfg MirrorConfig) *Mirror {
	if cfg.MaxStaleness == 0 {
		cfg.MaxStaleness = DefaultMaxStaleness
	}
	if cfg.MaxTTL == 0 {
		cfg.MaxTTL = time.Hour
	}
	if cfg.RetryInterval == 0 {
		cfg.RetryInterval = time.Second
	}
	if cfg.PruneInterval == 0 {
		cfg.PruneInterval = 5 * time.Minute
	}
	realClock := cfg.Now == nil
	if realClock {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Mirror{
		cfg:       cfg,
		realClock: realClock,
		tokens:    make(map[string]int64),
		subjects:  make(map[subjectKey]window),
		keys:      make(map[string]int64),
	}
}

// Check reports whether a token is revoked: it returns ErrTokenRevoked,
// ErrSubjectRevoked, ErrKeyRevoked or ErrAllRevoked when an entry covers it,
// ErrStale when no entry does but the mirror has not synced within MaxStaleness
// (and FailOpen is unset), and nil otherwise. Empty jti, subject or kid arguments
// skip that lookup. Check allocates nothing.
func (m *Mirror) Check(jti, subjectKind, subject, kid string, issuedAt time.Time) error {
	iat := issuedAt.UnixNano()
	if err := m.lookup(jti, subjectKind, subject, kid, iat); err != nil {
		return err
	}
	now := m.coarseNow.Load()
	if now == 0 {
		now = m.cfg.Now().UnixNano()
	}
	if now-m.lastSync.Load() <= int64(m.cfg.MaxStaleness) {
		return nil
	}
	if m.stale.CompareAndSwap(false, true) {
		m.cfg.Logger.Warn("revocation mirror is stale", "last_sync", m.LastSync(),
			"max_staleness", m.cfg.MaxStaleness, "fail_open", m.cfg.FailOpen)
	}
	if m.cfg.FailOpen {
		return nil
	}
	return ErrStale
}

func (m *Mirror) lookup(jti, subjectKind, subject, kid string, iat int64) error {
	m.mu.RLock()
	err := m.lookupLocked(jti, subjectKind, subject, kid, iat)
	m.mu.RUnlock()
	return err
}

// lookupLocked checks the most specific entries first. The caller holds m.mu.
func (m *Mirror) lookupLocked(jti, subjectKind, subject, kid string, iat int64) error {
	if jti != "" {
		if _, ok := m.tokens[jti]; ok {
			return ErrTokenRevoked
		}
	}
	if subject != "" && len(m.subjects) > 0 {
		if w, ok := m.subjects[subjectKey{subjectKind, subject}]; ok && iat < w.before {
			return ErrSubjectRevoked
		}
	}
	if kid != "" && len(m.keys) > 0 {
		if _, ok := m.keys[kid]; ok {
			return ErrKeyRevoked
		}
	}
	if iat < m.global.before {
		return ErrAllRevoked
	}
	return nil
}

// LastSync returns when the source last synced, or the zero time before the first sync.
func (m *Mirror) LastSync() time.Time {
	ns := m.lastSync.Load()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns)
}

// Lag returns how long ago the source last synced, for metrics. Before the first
// sync it returns the time since the Unix epoch, which is larger than any limit.
func (m *Mirror) Lag() time.Duration {
	return m.cfg.Now().Sub(m.LastSync())
}

// Len returns the number of entries in the view, the global cut-off included.
func (m *Mirror) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	n := len(m.tokens) + len(m.subjects) + len(m.keys)
	if m.global.expires != 0 {
		n++
	}
	return n
}

// Generation returns the store generation last seen by the mirror.
func (m *Mirror) Generation() string {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.generation
}
