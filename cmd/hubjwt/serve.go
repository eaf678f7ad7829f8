package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	bolt "go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/internal/boltdb"
	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/server"
	"github.com/hubjwt/hubjwt/token"
)

func newServeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the token service",
		Long: "Run the token service. Every configuration key has a flag here; flags win\n" +
			"over HUBJWT_* environment variables, which win over the --config file.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := loadConfig(cmd, cmd.Flags())
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return serve(ctx, cfg, newLogger(cfg.Log, cmd.ErrOrStderr()))
		},
	}
	config.BindFlags(cmd.Flags())
	return cmd
}

// newLogger builds the process logger from log.level and log.format.
func newLogger(c config.Log, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// serve runs the service until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	log.Info("starting", "version", version, "listen", cfg.Listen, "issuer", cfg.Issuer,
		"data_dir", cfg.DataDir, "store", storeName(cfg))
	if err := checkBeforeState(ctx, cfg, log); err != nil {
		return err
	}
	db, err := boltdb.Open(cfg.DataDir, time.Second)
	if err != nil {
		return err
	}
	defer db.Close()
	keyStore, err := openKeyBackend(cfg, db)
	if err != nil {
		return err
	}
	keys, err := openKeys(ctx, cfg, keyStore, log)
	if err != nil {
		return err
	}
	startKeyRotation(ctx, cfg, keys, keyStore, log)
	revocations, err := openRevocationStore(cfg, db, keyStore, log)
	if err != nil {
		return err
	}
	admin, err := adminToken(cfg, log)
	if err != nil {
		return err
	}
	mirror := startMirror(ctx, cfg, revocations, keyStore, log)
	granter, err := newGranter(cfg, grantOptions{redis: keyStore.redis,
		onShrink: subjectCutoff(revocations, mirror, revocationPolicy(cfg), log)})
	if err != nil {
		return err
	}
	exchange, err := newExchangeDeps(ctx, cfg, db, log)
	if err != nil {
		return err
	}
	defer exchange.close()
	authCodes, err := openAuthCodes(keyStore, db)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Deps{
		Config:      cfg,
		Keys:        keys,
		Minter:      newMinter(cfg, keys),
		Granter:     granter,
		AdminToken:  admin,
		KeyRevoker:  keyRevoker{store: revocations, policy: revocationPolicy(cfg)},
		Revocations: revocations,
		Mirror:      mirror,
		Logger:      log,
		Ready:       []server.ReadyCheck{{Name: "store", Check: boltReady(db)}},
		Hub:         exchange.hub,
		Scopes:      exchange.scopes,
		Refresh:     exchange.refresh,
		AuthCodes:   authCodes,
	})
	if err != nil {
		return err
	}
	return run(ctx, cfg, srv.Handler(), log)
}

func storeName(cfg config.Config) string {
	if cfg.Redis.Enabled() {
		return "redis"
	}
	return "embedded"
}

func newMinter(cfg config.Config, keys *jwks.Manager) *token.Minter {
	return token.NewMinter(token.MinterConfig{
		Issuer:          cfg.Issuer,
		DefaultTTL:      cfg.Token.DefaultTTL,
		MaxTTL:          cfg.Token.MaxTTL,
		DefaultAudience: []string{cfg.Token.DefaultAudience},
	}, keys, nil)
}

func boltReady(db *bolt.DB) func(context.Context) error {
	return func(context.Context) error {
		return db.View(func(*bolt.Tx) error { return nil })
	}
}

// adminTokenFile is the file in data_dir that holds a generated admin token.
const adminTokenFile = "admin-token"

// adminToken returns admin.token, or the token in <data_dir>/admin-token,
// generating that file (mode 0600) on first start. It logs the path, never
// the value.
func adminToken(cfg config.Config, log *slog.Logger) (string, error) {
	if cfg.Admin.Token != "" {
		return cfg.Admin.Token, nil
	}
	path := filepath.Join(cfg.DataDir, adminTokenFile)
	if b, err := os.ReadFile(path); err == nil {
		if tok := strings.TrimSpace(string(b)); tok != "" {
			log.Info("admin token read from file", "path", path)
			return tok, nil
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", fmt.Errorf("read admin token %s: %w", path, err)
	}
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("generate admin token: %w", err)
	}
	tok := base64.RawURLEncoding.EncodeToString(b[:])
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", fmt.Errorf("write admin token %s: %w", path, err)
	}
	if _, err := f.WriteString(tok + "\n"); err != nil {
		f.Close()
		return "", fmt.Errorf("write admin token %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("write admin token %s: %w", path, err)
	}
	log.Info("admin token generated", "path", path)
	return tok, nil
}

// run serves h on cfg.Listen until ctx ends, then drains requests for at most
// http.shutdown_timeout.
func run(ctx context.Context, cfg config.Config, h http.Handler, log *slog.Logger) error {
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (set listen to a free host:port)", cfg.Listen, err)
	}
	hs := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       cfg.HTTP.ReadTimeout,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	log.Info("listening", "addr", ln.Addr().String(), "issuer", cfg.Issuer)
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down", "timeout", cfg.HTTP.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), cfg.HTTP.ShutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

// checkBeforeState checks what can fail without touching data_dir, so a bad
// setting never leaves a half-created store behind, and warns about settings
// that work but are probably not meant.
func checkBeforeState(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if _, err := newSealer(cfg); err != nil {
		return err
	}
	if _, err := newGranter(cfg, grantOptions{}); err != nil {
		return err
	}
	if cfg.Keys.EncryptionKey == "" {
		log.Warn("private signing keys are stored unencrypted in data_dir: set " +
			"keys.encryption_key to encrypt them at rest")
	}
	if defaults := config.Default(); cfg.Issuer == defaults.Issuer && cfg.Listen != defaults.Listen {
		log.Warn("listen changed but issuer is still the default: tokens and metadata name "+
			"http://127.0.0.1:8090; set issuer to the URL verifiers reach this server at",
			"listen", cfg.Listen, "issuer", cfg.Issuer)
	}
	if cfg.JupyterHub.APIURL != "" && cfg.JupyterHub.APIToken != "" {
		checkHubToken(ctx, cfg, log)
	}
	return nil
}

// checkHubToken logs an error when the hub rejects jupyterhub.api_token. The
// hub may simply be down at start, so nothing fails here.
func checkHubToken(ctx context.Context, cfg config.Config, log *slog.Logger) {
	client, err := hubapi.New(cfg.JupyterHub.APIURL, cfg.JupyterHub.APIToken,
		&http.Client{Timeout: 5 * time.Second})
	if err != nil {
		return
	}
	id, err := client.WhoAmI(ctx, cfg.JupyterHub.APIToken)
	switch {
	case errors.Is(err, hubapi.ErrInvalidToken):
		log.Error("the hub rejects jupyterhub.api_token: exchange, refresh and inherit "+
			"resolution will fail until it is the hubjwt service's token", "api_url",
			cfg.JupyterHub.APIURL)
	case err != nil:
		log.Warn("the hub could not be reached at start", "err", err, "api_url",
			cfg.JupyterHub.APIURL)
	default:
		log.Info("hub reached", "api_url", cfg.JupyterHub.APIURL, "kind", id.Kind, "name", id.Name)
	}
}
