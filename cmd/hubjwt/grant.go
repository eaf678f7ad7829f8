package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/scopes/inherit"
	"github.com/hubjwt/hubjwt/token"
)

// scopeModel builds the scope table chosen by scopes.jupyterhub_version with
// the configured custom scopes.
func scopeModel(cfg config.Config) (*scopes.Model, error) {
	v, err := scopes.ParseVersion(cfg.Scopes.JupyterHubVersion)
	if err != nil {
		return nil, fmt.Errorf("scopes.jupyterhub_version: %w", err)
	}
	custom := make([]scopes.Custom, 0, len(cfg.Scopes.Custom))
	for _, c := range cfg.Scopes.Custom {
		custom = append(custom, scopes.Custom{Name: c.Name, Description: c.Description,
			Subscopes: c.Subscopes})
	}
	m, err := scopes.NewModel(v, custom)
	if err != nil {
		return nil, fmt.Errorf("scopes.custom: %w", err)
	}
	return m, nil
}

// grantOptions are the collaborators of newGranter that serve supplies.
type grantOptions struct {
	redis    redis.UniversalClient                                        // shares inherit results; may be nil
	onShrink func(ctx context.Context, owner scopes.Owner, lost []string) // may be nil
}

// newGranter builds the Granter for the configured inherit.source. The static
// source resolves owners from roles.file alone. The hub-token and hub-roles
// sources ask the hub at jupyterhub.api_url and cache the results for
// inherit.cache_ttl.
func newGranter(cfg config.Config, opts grantOptions) (*token.Granter, error) {
	model, err := scopeModel(cfg)
	if err != nil {
		return nil, err
	}
	book, err := scopes.LoadRoles(cfg.Roles.File, model)
	if err != nil {
		return nil, fmt.Errorf("roles.file: %w", err)
	}
	static := scopes.NewStaticResolver(model, book)
	if cfg.Inherit.Source == config.InheritStatic {
		return &token.Granter{Model: model, Resolver: static}, nil
	}
	client, err := hubapi.New(cfg.JupyterHub.APIURL, cfg.JupyterHub.APIToken,
		&http.Client{Timeout: 10 * time.Second})
	if err != nil {
		return nil, fmt.Errorf("jupyterhub.api_url: %w", err)
	}
	var source scopes.Resolver
	switch cfg.Inherit.Source {
	case config.InheritHubToken:
		source = inherit.NewHubToken(client, inherit.HubTokenOptions{Services: static})
	case config.InheritHubRoles:
		source = inherit.NewHubRoles(client, book, model, inherit.HubRolesOptions{})
	default:
		return nil, fmt.Errorf("inherit.source %q is not valid: use static, hub-token or hub-roles",
			cfg.Inherit.Source)
	}
	ttl := cfg.Inherit.CacheTTL
	if ttl == 0 {
		// inherit.cache_ttl 0 disables the cache, which inherit.Options spells
		// as a negative TTL (its zero means the default).
		ttl = -1
	}
	cached := inherit.NewCached(source, inherit.Options{TTL: ttl, Redis: opts.redis,
		OnShrink: opts.onShrink})
	return &token.Granter{Model: model, Resolver: cached, Groups: book}, nil
}
