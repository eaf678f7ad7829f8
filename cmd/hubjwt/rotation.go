package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/redis/go-redis/v9"
	bolt "go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/jwks/boltstore"
	jwksredis "github.com/hubjwt/hubjwt/jwks/redisstore"
	"github.com/hubjwt/hubjwt/revocation"
	revboltstore "github.com/hubjwt/hubjwt/revocation/boltstore"
	revredisstore "github.com/hubjwt/hubjwt/revocation/redisstore"
)

// keyReloadInterval is how often a replica on a shared store reloads the key
// set even without a change notification, in case one was lost.
const keyReloadInterval = 5 * time.Second

// errPlaintextKeys explains why serve stops on Redis without an encryption key.
var errPlaintextKeys = errors.New("keys.encryption_key is empty and the key store is Redis, " +
	"where every client that can read the server could read the private signing keys: " +
	"set keys.encryption_key (or HUBJWT_KEYS_ENCRYPTION_KEY, or keys.encryption_key_file) " +
	"to a random secret such as the output of `openssl rand -base64 32`, " +
	"or set keys.allow_plaintext to true to accept the risk")

// keyBackend is the key store serve and the keys commands use, with what
// comes with it.
type keyBackend struct {
	store  jwks.Store
	redis  redis.UniversalClient // nil for the embedded store
	sealer jwks.Sealer
}

// newSealer returns the JWE sealer of keys.encryption_key, or Plaintext when
// it is empty, which Redis mode accepts only with keys.allow_plaintext.
func newSealer(cfg config.Config) (jwks.Sealer, error) {
	if cfg.Keys.EncryptionKey == "" {
		if cfg.Redis.Enabled() && !cfg.Keys.AllowPlaintext {
			return nil, errPlaintextKeys
		}
		return jwks.Plaintext{}, nil
	}
	s, err := jwks.NewJWESealer([]byte(cfg.Keys.EncryptionKey))
	if err != nil {
		return nil, fmt.Errorf("keys.encryption_key: %w", err)
	}
	return s, nil
}

// openKeyBackend returns the Redis key store when redis.* is set and the
// embedded store in db otherwise.
func openKeyBackend(cfg config.Config, db *bolt.DB) (keyBackend, error) {
	sealer, err := newSealer(cfg)
	if err != nil {
		return keyBackend{}, err
	}
	if !cfg.Redis.Enabled() {
		store, err := boltstore.New(db)
		if err != nil {
			return keyBackend{}, err
		}
		return keyBackend{store: store, sealer: sealer}, nil
	}
	client, err := revredisstore.NewClient(cfg.Redis.URL, cfg.Redis.Addrs, cfg.Redis.MasterName,
		cfg.Redis.Password)
	if err != nil {
		return keyBackend{}, err
	}
	return keyBackend{store: jwksredis.New(client, jwksredis.Options{}), redis: client,
		sealer: sealer}, nil
}

// openKeys loads the key set from the backend, creating the first keys on an
// empty store. A store written with another encryption key fails here and is
// left as it is.
func openKeys(ctx context.Context, cfg config.Config, b keyBackend, log *slog.Logger) (
	*jwks.Manager, error) {
	m, err := jwks.NewManager(b.store, jwks.Config{
		Algorithm: cfg.Signing.Algorithm,
		Retention: cfg.Token.MaxTTL + cfg.Token.Leeway,
	}, jwks.WithLogger(log), jwks.WithSealer(b.sealer))
	if err != nil {
		return nil, err
	}
	if err := m.Load(ctx); err != nil {
		return nil, err
	}
	return m, nil
}

// startKeyRotation runs the rotation scheduler and, on a shared store, the
// reload on change notifications, until ctx ends.
func startKeyRotation(ctx context.Context, cfg config.Config, m *jwks.Manager, b keyBackend,
	log *slog.Logger) {
	sched := jwks.NewScheduler(m, jwks.Schedule{
		RotationPeriod: cfg.Keys.RotationPeriod,
		Prepublish:     cfg.Keys.Prepublish,
	}, log)
	go sched.Run(ctx)
	if n, ok := b.store.(jwks.Notifier); ok {
		go m.Follow(ctx, min(keyReloadInterval, max(cfg.JWKS.MaxAge/2, time.Second)),
			n.Changes(ctx))
	}
}

// openRevocationStore returns the revocation store of the same backend as the
// key store.
func openRevocationStore(cfg config.Config, db *bolt.DB, b keyBackend,
	log *slog.Logger) (revocation.Store, error) {
	if b.redis != nil {
		return revredisstore.New(b.redis, revredisstore.Options{
			Policy: revocationPolicy(cfg), Logger: log,
		})
	}
	return revboltstore.New(db, revboltstore.Options{})
}

func revocationPolicy(cfg config.Config) revocation.Policy {
	return revocation.Policy{MaxTTL: cfg.Token.MaxTTL, Leeway: cfg.Token.Leeway}
}

// keyRevoker is a server.KeyRevoker over a revocation store.
type keyRevoker struct {
	store  revocation.Store
	policy revocation.Policy
}

// RevokeKey adds a key revocation lasting until until.
func (r keyRevoker) RevokeKey(ctx context.Context, kid string, until time.Time) error {
	e, err := r.policy.Key(kid, until, time.Now(), "key revoked")
	if err != nil {
		return err
	}
	return r.store.Add(ctx, e)
}
