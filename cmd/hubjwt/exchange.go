package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/internal/hubapi"
	revredis "github.com/hubjwt/hubjwt/revocation/redisstore"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/server"
	"github.com/hubjwt/hubjwt/token/refresh"
	"github.com/hubjwt/hubjwt/token/refresh/boltstore"
	"github.com/hubjwt/hubjwt/token/refresh/redisstore"
)

// refreshPurgeInterval is how often serve deletes ended refresh token
// families from the embedded store. Redis expires them by itself.
const refreshPurgeInterval = time.Hour

// exchangeDeps are the collaborators of POST /oauth2/token.
type exchangeDeps struct {
	hub     server.HubIdentifier // nil without jupyterhub.api_url
	scopes  *scopes.Model
	refresh *refresh.Service
	close   func()
}

// newExchangeDeps builds the hub client, the scope model and the refresh
// token service on the embedded store or, with redis.* set, on Redis. With
// the embedded store it purges ended families every hour until ctx ends.
func newExchangeDeps(ctx context.Context, cfg config.Config, db *bolt.DB,
	log *slog.Logger) (exchangeDeps, error) {
	d := exchangeDeps{close: func() {}}
	model, err := scopeModel(cfg)
	if err != nil {
		return d, err
	}
	d.scopes = model
	if cfg.JupyterHub.APIURL != "" {
		client, err := hubapi.New(cfg.JupyterHub.APIURL, cfg.JupyterHub.APIToken,
			&http.Client{Timeout: 10 * time.Second})
		if err != nil {
			return d, fmt.Errorf("jupyterhub.api_url: %w", err)
		}
		d.hub = client
	}
	store, err := openRefreshStore(ctx, cfg, db, log, &d)
	if err != nil {
		return d, err
	}
	d.refresh, err = refresh.NewService(store, refresh.Config{
		MaxLifetime: cfg.Refresh.MaxLifetime, ReuseGrace: cfg.Refresh.ReuseGrace,
	}, nil)
	return d, err
}

func openRefreshStore(ctx context.Context, cfg config.Config, db *bolt.DB, log *slog.Logger,
	d *exchangeDeps) (refresh.Store, error) {
	if cfg.Redis.Enabled() {
		client, err := revredis.NewClient(cfg.Redis.URL, cfg.Redis.Addrs, cfg.Redis.MasterName,
			cfg.Redis.Password)
		if err != nil {
			return nil, err
		}
		d.close = func() { _ = client.Close() }
		return redisstore.New(client), nil
	}
	store, err := boltstore.New(db)
	if err != nil {
		return nil, err
	}
	go purgeRefresh(ctx, store, log)
	return store, nil
}

// purgeRefresh deletes ended refresh token families every
// refreshPurgeInterval until ctx ends.
func purgeRefresh(ctx context.Context, store refresh.Store, log *slog.Logger) {
	tick := time.NewTicker(refreshPurgeInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		n, err := store.Purge(ctx, time.Now())
		if err != nil {
			log.Error("purge of ended refresh token families failed", "err", err)
			continue
		}
		if n > 0 {
			log.Info("ended refresh token families purged", "count", n)
		}
	}
}
