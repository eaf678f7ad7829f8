package main

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/revocation"
	revredisstore "github.com/hubjwt/hubjwt/revocation/redisstore"
	"github.com/hubjwt/hubjwt/scopes"
)

// mirrorPollInterval is how often the server's own mirror polls the embedded
// store. Revocations made through this server reach the mirror at once.
const mirrorPollInterval = time.Second

// startMirror returns the server's own view of the revocation list, fed from
// the Redis stream on a shared store and by polling the embedded store
// otherwise, and runs it until ctx ends.
func startMirror(ctx context.Context, cfg config.Config, store revocation.Store, b keyBackend,
	log *slog.Logger) *revocation.Mirror {
	var source revocation.Source = revocation.NewStoreSource(store, mirrorPollInterval)
	if b.redis != nil {
		source = revredisstore.NewSource(b.redis, revredisstore.SourceOptions{})
	}
	m := revocation.NewMirror(revocation.MirrorConfig{
		Source:       source,
		MaxStaleness: cfg.Revocation.MaxStaleness,
		FailOpen:     cfg.Revocation.FailOpen,
		MaxTTL:       cfg.Token.MaxTTL,
		Logger:       log,
	})
	go func() {
		if err := m.Run(ctx); err != nil && ctx.Err() == nil {
			log.Error("revocation mirror stopped", "err", err)
		}
	}()
	return m
}

// subjectCutoff returns the hook the inherit resolver calls when an owner's
// scopes shrink: it revokes every token of that owner issued until now, since
// those tokens may carry the lost scopes.
func subjectCutoff(store revocation.Store, mirror *revocation.Mirror, policy revocation.Policy,
	log *slog.Logger) func(context.Context, scopes.Owner, []string) {
	return func(ctx context.Context, o scopes.Owner, lost []string) {
		now := time.Now()
		e, err := policy.Subject(string(o.Kind), o.Name, now, now,
			"owner lost scopes: "+strings.Join(lost, " "))
		if err == nil {
			err = store.Add(ctx, e)
		}
		if err != nil {
			log.Error("revoking the tokens of an owner who lost scopes failed", "err", err,
				"sub", o.Name, "kind", string(o.Kind), "lost", lost)
			return
		}
		mirror.Add(e)
		log.Info("tokens revoked: the owner lost scopes", "event", "revocation",
			"revocation_kind", "subject", "sub", o.Name, "kind", string(o.Kind), "lost", lost)
	}
}
