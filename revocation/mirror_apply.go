package revocation

import (
	"time"
)

// Update is one batch from a source to its Sink: entries to merge and the store
// generation they come from.
type Update struct {
	Entries []Entry
	// Generation is the store generation. An empty Generation means the source
	// found the generation marker missing, which is a data loss.
	Generation string
	// Full reports that Entries is a whole snapshot rather than changes.
	Full bool
}

// Sink receives what a Source reads. Mirror implements it.
type Sink interface {
	// Apply merges the update into the view and records a sync at the current time.
	Apply(u Update)
	// Synced records that the source is in sync at the current time with no news.
	Synced()
}

var _ Sink = (*Mirror)(nil)

// Apply merges the update's entries into the view and records a sync. When the
// generation differs from the one seen before, the store lost its data, so the
// mirror logs an incident and revokes every token issued before now, on top of
// the entries it already had.
func (m *Mirror) Apply(u Update) {
	now := m.cfg.Now()
	m.mu.Lock()
	m.checkGeneration(u.Generation, now)
	for _, e := range u.Entries {
		m.merge(e)
	}
	m.mu.Unlock()
	m.Synced()
}

// Add merges one entry into the view without recording a sync, so a server can
// apply its own revocation at once after Store.Add succeeds.
func (m *Mirror) Add(e Entry) {
	m.mu.Lock()
	m.merge(e)
	m.mu.Unlock()
}

// Synced records that the source is in sync at the current time.
func (m *Mirror) Synced() {
	now := m.cfg.Now()
	m.lastSync.Store(now.UnixNano())
	if m.stale.CompareAndSwap(true, false) {
		m.cfg.Logger.Info("revocation mirror is in sync again", "last_sync", now)
	}
}

// checkGeneration applies a global cut-off at now when the generation changed or
// went missing. The caller holds m.mu.
func (m *Mirror) checkGeneration(gen string, now time.Time) {
	switch {
	case !m.genKnown:
		m.generation, m.genKnown = gen, true
		m.genLost = gen == ""
		return
	case gen == m.generation:
		return
	case m.genLost && gen != "":
		// The new generation of a loss already handled: adopt it.
		m.generation, m.genLost = gen, false
		return
	}
	m.cfg.Logger.Error("revocation store lost its data: revoking every token issued "+
		"before now", "incident", "revocation_data_loss", "old_generation", m.generation,
		"new_generation", gen, "cut_off", now)
	m.merge(Entry{Kind: KindGlobal, Before: now, CreatedAt: now,
		ExpiresAt: now.Add(m.cfg.MaxTTL), Reason: "revocation store data loss"})
	m.generation = gen
	m.genLost = gen == ""
}

// merge adds e or extends the entry with its ID. The caller holds m.mu.
func (m *Mirror) merge(e Entry) {
	expires := e.ExpiresAt.UnixNano()
	switch e.Kind {
	case KindToken:
		m.tokens[e.JTI] = max(m.tokens[e.JTI], expires)
	case KindSubject:
		key := subjectKey{e.SubjectKind, e.Subject}
		m.subjects[key] = m.subjects[key].extend(e.Before.UnixNano(), expires)
	case KindKey:
		m.keys[e.KID] = max(m.keys[e.KID], expires)
	case KindGlobal:
		m.global = m.global.extend(e.Before.UnixNano(), expires)
	}
}

func (w window) extend(before, expires int64) window {
	return window{before: max(w.before, before), expires: max(w.expires, expires)}
}

// Prune removes the entries that expired at now and returns how many it removed.
// Run calls it every PruneInterval.
func (m *Mirror) Prune(now time.Time) int {
	ns := now.UnixNano()
	m.mu.Lock()
	defer m.mu.Unlock()
	removed := 0
	for jti, expires := range m.tokens {
		if expires <= ns {
			delete(m.tokens, jti)
			removed++
		}
	}
	for key, w := range m.subjects {
		if w.expires <= ns {
			delete(m.subjects, key)
			removed++
		}
	}
	for kid, expires := range m.keys {
		if expires <= ns {
			delete(m.keys, kid)
			removed++
		}
	}
	if m.global.expires != 0 && m.global.expires <= ns {
		m.global = window{}
		removed++
	}
	return removed
}
