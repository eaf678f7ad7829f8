package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token/httpauth"
	"github.com/hubjwt/hubjwt/token/sidecar"
)

// proxyOptions are the flags of `hubjwt proxy`. Empty ones fall back to the
// JupyterHub spawner environment.
type proxyOptions struct {
	listen, upstream, issuer, jwksURL, revocations, audience  string
	user, serverName, prefix, userHeader, queryToken, version string
	accessScopes, groups                                      []string
	tokenScheme, keepAuthorization, jsonLogs                  bool
	leeway, maxStaleness                                      time.Duration
}

func newProxyCmd() *cobra.Command {
	var o proxyOptions
	cmd := &cobra.Command{
		Use:   "proxy --upstream URL --issuer ISS",
		Short: "Guard a single-user server: a reverse proxy that requires a token for it",
		Long: "Run a reverse proxy in front of one JupyterHub single-user server. A request\n" +
			"passes only with a hubjwt access token that opens this server; the verified user\n" +
			"name goes to the upstream in --user-header. The server's user, name, prefix,\n" +
			"audience and access scopes default to the spawner environment: JUPYTERHUB_USER,\n" +
			"JUPYTERHUB_SERVER_NAME, JUPYTERHUB_SERVICE_PREFIX, JUPYTERHUB_CLIENT_ID and\n" +
			"JUPYTERHUB_OAUTH_ACCESS_SCOPES. The issuer defaults to HUBJWT_ISSUER.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cmd.Flags().Changed("config") {
				return errors.New("hubjwt proxy reads no config file: set it with its flags " +
					"or the JUPYTERHUB_* environment a spawner provides (see hubjwt proxy --help)")
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runProxy(ctx, o, os.Getenv, newProxyLogger(o.jsonLogs))
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.listen, "listen", "127.0.0.1:8890", "`ADDRESS` to listen on")
	f.StringVar(&o.upstream, "upstream", "", "single-user server `URL`, such as "+
		"http://127.0.0.1:8888 (required)")
	f.StringVar(&o.issuer, "issuer", "", "expected iss (default $HUBJWT_ISSUER)")
	f.StringVar(&o.jwksURL, "jwks-url", "", "JWK Set `URL` (default ISSUER/.well-known/jwks.json)")
	f.StringVar(&o.revocations, "revocations", "", "signed revocation feed `URL`, such as "+
		"ISSUER/v1/revocations; empty checks no revocations")
	f.DurationVar(&o.maxStaleness, "revocations-max-staleness", 0, "how long the "+
		"revocation mirror answers after its last sync before requests get 503 (default 60s)")
	f.StringVar(&o.audience, "audience", "", "expected aud (default $JUPYTERHUB_CLIENT_ID)")
	f.StringVar(&o.user, "user", "", "the server's user (default $JUPYTERHUB_USER)")
	f.StringVar(&o.serverName, "server-name", "", "the server's name, empty for the "+
		"default server (default $JUPYTERHUB_SERVER_NAME)")
	f.StringVar(&o.prefix, "prefix", "", "the server's URL prefix, where the health route "+
		"is also served (default $JUPYTERHUB_SERVICE_PREFIX)")
	f.StringSliceVar(&o.accessScopes, "access-scopes", nil, "scopes that open the server "+
		"(default $JUPYTERHUB_OAUTH_ACCESS_SCOPES, else access:servers!server=USER/NAME "+
		"and access:servers!user=USER)")
	f.StringSliceVar(&o.groups, "groups", nil, "group membership USER=G1,G2 for "+
		"!group= filters, repeatable; without it a group filter opens nothing")
	f.StringVar(&o.userHeader, "user-header", sidecar.DefaultUserHeader,
		"header that carries the verified user name to the upstream")
	f.BoolVar(&o.tokenScheme, "token-scheme", true,
		"also accept the JupyterHub form Authorization: token TOKEN")
	f.StringVar(&o.queryToken, "query-token", "never", "when to accept ?token=: never, "+
		"websocket or always (JupyterHub 3.0 servers accept it always)")
	f.BoolVar(&o.keepAuthorization, "keep-authorization", false,
		"forward the Authorization header to the upstream")
	f.DurationVar(&o.leeway, "leeway", 0, "clock skew allowed for exp, nbf and iat (default 30s)")
	f.StringVar(&o.version, "jupyterhub-version", string(scopes.Latest),
		"JupyterHub scope table: 3.0 or latest")
	f.BoolVar(&o.jsonLogs, "log-json", false, "write logs as JSON")
	return cmd
}

func newProxyLogger(jsonLogs bool) *slog.Logger {
	if jsonLogs {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// runProxy resolves the settings, starts the verification and serves until
// ctx ends, then shuts down gracefully.
func runProxy(ctx context.Context, o proxyOptions, getenv func(string) string,
	log *slog.Logger) error {
	spawner, err := sidecar.SpawnerFromEnv(getenv)
	if err != nil {
		return err
	}
	o = o.withSpawner(spawner, getenv)
	if err := o.check(); err != nil {
		return err
	}
	verification, err := startProxyVerification(ctx, o, log)
	if err != nil {
		return err
	}
	defer verification.Close()
	handler, err := newProxyHandler(o, verification, log)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", o.listen, err)
	}
	log.Info("proxy started", "listen", ln.Addr().String(), "upstream", o.upstream,
		"user", o.user, "server", o.serverName, "audience", o.audience)
	return serveUntilDone(ctx, ln, handler, log)
}

// withSpawner fills empty options from the spawner environment.
func (o proxyOptions) withSpawner(s sidecar.Spawner, getenv func(string) string) proxyOptions {
	o.user = orEnv(o.user, s.User)
	o.serverName = orEnv(o.serverName, s.ServerName)
	o.prefix = orEnv(o.prefix, s.Prefix)
	o.audience = orEnv(o.audience, s.ClientID)
	o.issuer = orEnv(o.issuer, getenv("HUBJWT_ISSUER"))
	if len(o.accessScopes) == 0 {
		o.accessScopes = s.AccessScopes
	}
	if o.jwksURL == "" && o.issuer != "" {
		o.jwksURL = strings.TrimSuffix(o.issuer, "/") + "/.well-known/jwks.json"
	}
	return o
}

func orEnv(flag, env string) string {
	if flag != "" {
		return flag
	}
	return env
}

func (o proxyOptions) check() error {
	missing := []struct{ value, what string }{
		{o.upstream, "--upstream is missing: give the single-user server's URL"},
		{o.issuer, "--issuer is missing: give the hubjwt issuer URL or set HUBJWT_ISSUER"},
		{o.audience, "--audience is missing: give the server's OAuth client id or set " +
			"JUPYTERHUB_CLIENT_ID"},
		{o.user, "--user is missing: give the server's user or set JUPYTERHUB_USER"},
	}
	for _, m := range missing {
		if m.value == "" {
			return errors.New(m.what)
		}
	}
	return nil
}

func startProxyVerification(ctx context.Context, o proxyOptions,
	log *slog.Logger) (*sidecar.Verification, error) {
	version, err := scopes.ParseVersion(o.version)
	if err != nil {
		return nil, err
	}
	model, err := scopes.NewModel(version, nil)
	if err != nil {
		return nil, err
	}
	groups, err := parseGroupsFlag(o.groups)
	if err != nil {
		return nil, err
	}
	fetchCtx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	cfg := sidecar.VerificationConfig{Issuer: o.issuer, Audience: o.audience,
		JWKSURL: o.jwksURL, RevocationsURL: o.revocations, MaxStaleness: o.maxStaleness,
		Leeway: o.leeway, Scopes: model, Logger: log}
	if len(groups) > 0 {
		cfg.Groups = groups
	}
	return sidecar.StartVerification(fetchCtx, cfg)
}

func newProxyHandler(o proxyOptions, v *sidecar.Verification,
	log *slog.Logger) (http.Handler, error) {
	upstream, err := url.Parse(o.upstream)
	if err != nil {
		return nil, fmt.Errorf("--upstream %q is not a URL: %w", o.upstream, err)
	}
	policy, ok := httpauth.ParseQueryTokenPolicy(o.queryToken)
	if !ok {
		return nil, fmt.Errorf("--query-token %q is invalid: use never, websocket or always",
			o.queryToken)
	}
	return sidecar.New(sidecar.Config{
		Upstream: upstream,
		Access: scopes.ServerAccess{User: o.user, Server: o.serverName,
			AccessScopes: o.accessScopes},
		Auth: httpauth.Options{Verifier: v.Verifier, Realm: "hubjwt",
			TokenScheme: o.tokenScheme, QueryToken: policy, Logger: log},
		Prefix:            o.prefix,
		UserHeader:        o.userHeader,
		KeepAuthorization: o.keepAuthorization,
		Ready:             v.Ready,
		Logger:            log,
	})
}

// serveUntilDone serves on ln until ctx ends, then gives open requests 10 s.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler,
	log *slog.Logger) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("proxy: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdownCtx)
	log.Info("proxy stopped")
	return err
}
