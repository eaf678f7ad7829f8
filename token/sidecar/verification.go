package sidecar

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
)

// VerificationConfig configures StartVerification. Issuer, Audience and
// JWKSURL are required.
type VerificationConfig struct {
	Issuer   string
	Audience string // JUPYTERHUB_CLIENT_ID of the guarded server
	JWKSURL  string // the issuer's /.well-known/jwks.json
	// RevocationsURL, when set, is the issuer's signed revocation feed
	// (GET /v1/revocations); tokens are then checked against a mirror of it.
	RevocationsURL string
	// PollInterval is the wait between two feed requests; zero means 5 s.
	PollInterval time.Duration
	// MaxStaleness is how long the mirror answers after its last sync; later
	// every request gets 503. Zero means revocation.DefaultMaxStaleness.
	MaxStaleness time.Duration
	Leeway       time.Duration // zero means token.DefaultLeeway
	Scopes       *scopes.Model // nil means the newest JupyterHub table
	Groups       scopes.GroupLookup
	HTTPClient   *http.Client // nil means a client with a 10 s timeout
	Logger       *slog.Logger // nil means slog.Default()
	Now          func() time.Time
}

// Verification is a verifier with its running collaborators: the remote JWK
// Set and, when configured, the revocation mirror that follows the feed.
type Verification struct {
	Verifier *token.Verifier
	Mirror   *revocation.Mirror // nil without RevocationsURL
	keys     *token.RemoteKeys
	cancel   context.CancelFunc
	maxStale time.Duration
}

// StartVerification fetches the JWK Set (bounded by ctx), starts the
// revocation mirror when configured and returns the Verification. Close stops
// them.
func StartVerification(ctx context.Context, cfg VerificationConfig) (*Verification, error) {
	if cfg.JWKSURL == "" {
		return nil, errors.New("sidecar: the JWKS URL is missing: give the issuer's " +
			"/.well-known/jwks.json")
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	keys, err := token.NewRemoteKeys(ctx, cfg.JWKSURL, token.RemoteOptions{
		HTTPClient: cfg.HTTPClient, Now: cfg.Now})
	if err != nil {
		return nil, fmt.Errorf("sidecar: %w", err)
	}
	v := &Verification{keys: keys, maxStale: cfg.MaxStaleness}
	opts := []token.VerifierOption{}
	if cfg.Now != nil {
		opts = append(opts, token.WithVerifierClock(cfg.Now))
	}
	if cfg.Scopes != nil {
		opts = append(opts, token.WithScopeModel(cfg.Scopes))
	}
	if cfg.Groups != nil {
		opts = append(opts, token.WithGroupLookup(cfg.Groups))
	}
	if cfg.RevocationsURL != "" {
		if err := v.startMirror(cfg); err != nil {
			keys.Close()
			return nil, err
		}
		opts = append(opts, token.WithRevocationList(v.Mirror))
	}
	v.Verifier, err = token.NewVerifier(token.VerifierConfig{Issuer: cfg.Issuer,
		Audience: cfg.Audience, Leeway: cfg.Leeway}, keys, opts...)
	if err != nil {
		v.Close()
		return nil, fmt.Errorf("sidecar: %w", err)
	}
	return v, nil
}

func (v *Verification) startMirror(cfg VerificationConfig) error {
	src, err := revocation.NewFeedSource(revocation.FeedSourceConfig{URL: cfg.RevocationsURL,
		Issuer: cfg.Issuer, Keys: v.keys.Set, PollInterval: cfg.PollInterval,
		HTTPClient: cfg.HTTPClient})
	if err != nil {
		return fmt.Errorf("sidecar: %w", err)
	}
	if v.maxStale == 0 {
		v.maxStale = revocation.DefaultMaxStaleness
	}
	v.Mirror = revocation.NewMirror(revocation.MirrorConfig{Source: src,
		MaxStaleness: v.maxStale, Now: cfg.Now, Logger: cfg.Logger})
	ctx, cancel := context.WithCancel(context.Background())
	v.cancel = cancel
	go func() { _ = v.Mirror.Run(ctx) }()
	return nil
}

// Ready returns an error while the revocation mirror is stale, for the health
// route; without a mirror it returns nil.
func (v *Verification) Ready() error {
	if v.Mirror == nil {
		return nil
	}
	if lag := v.Mirror.Lag(); lag > v.maxStale {
		return fmt.Errorf("revocation feed not synced for %s (limit %s)",
			lag.Round(time.Second), v.maxStale)
	}
	return nil
}

// Close stops the key refresh and the mirror.
func (v *Verification) Close() {
	if v.cancel != nil {
		v.cancel()
	}
	v.keys.Close()
}
