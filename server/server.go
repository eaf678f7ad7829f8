package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/authcode"
	"github.com/hubjwt/hubjwt/token/refresh"
)

// Granter decides which scopes a token for an owner may carry: it resolves
// `inherit` and drops what the owner does not hold. A nil Granter grants the
// requested scopes unchanged.
type Granter interface {
	Grant(ctx context.Context, kind, subject string, requested []string) (token.Grant, error)
}

// ReadyCheck reports whether a dependency, such as a store, is reachable.
type ReadyCheck struct {
	Name  string
	Check func(ctx context.Context) error
}

// Deps are the collaborators of the HTTP application.
type Deps struct {
	Config     config.Config
	Keys       *jwks.Manager
	Minter     *token.Minter
	Granter    Granter
	AdminToken string
	// KeyRevoker enters revoked keys in the revocation list; nil makes
	// POST /v1/keys/{kid}/revoke return 503.
	KeyRevoker KeyRevoker
	Ready      []ReadyCheck
	Logger     *slog.Logger
	Now        func() time.Time
	// Hub identifies JupyterHub API tokens for the token exchange, and
	// Scopes intersects their scopes; either nil disables the exchange.
	Hub    HubIdentifier
	Scopes *scopes.Model
	// Refresh issues and rotates refresh tokens; nil disables them.
	Refresh *refresh.Service
	// Revocations stores revocations; nil makes the revocation routes return
	// 503. Mirror is the server's own view of it, which introspection checks.
	Revocations revocation.Store
	Mirror      *revocation.Mirror
	// AuthCodes stores the authorization codes and pending logins of the
	// OpenID Connect flow; nil keeps them in memory, for one process only.
	AuthCodes authcode.Store
}

// Server is the configured echo application.
type Server struct {
	deps       Deps
	echo       *echo.Echo
	log        *slog.Logger
	introspect *token.Verifier
	// revokeVerifier checks signature and issuer of tokens presented for
	// revocation, without consulting the revocation list.
	revokeVerifier *token.Verifier
	metrics        *metrics
	admin          adminAuth

	clients       *clientRegistry // token endpoint clients
	hubIdentities *identityCache  // nil without Deps.Hub
	oidc          *oidcProvider

	metadata         metadata
	jwksCacheControl string
}

// New builds the application and its routes.
func New(d Deps) (*Server, error) {
	if d.Keys == nil || d.Minter == nil {
		return nil, errors.New("server: Keys and Minter are required")
	}
	if d.AdminToken == "" {
		return nil, errors.New("server: the admin token is empty: set admin.token or let serve generate one")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	s := &Server{
		deps: d, log: d.Logger, metrics: newMetrics(), admin: newAdminAuth(d.AdminToken),
		metadata:         buildMetadata(d.Config.Issuer, d.Config.Signing.Algorithm),
		jwksCacheControl: cacheControl(int(d.Config.JWKS.MaxAge / time.Second)),
	}
	s.metrics.watchKeys(d.Keys, d.Config.Keys.RotationPeriod, d.Now)
	if d.Mirror != nil {
		s.metrics.watchMirror(d.Mirror)
	}
	keys := &managerKeys{m: d.Keys}
	vcfg := token.VerifierConfig{
		Issuer: d.Config.Issuer, AnyAudience: true, Leeway: token.ExactLeeway(d.Config.Token.Leeway),
		MaxLifetime: d.Config.Token.MaxTTL,
	}
	opts := []token.VerifierOption{token.WithVerifierClock(d.Now)}
	rv, err := token.NewVerifier(vcfg, keys, opts...)
	if err != nil {
		return nil, fmt.Errorf("server: revocation verifier: %w", err)
	}
	s.revokeVerifier = rv
	if d.Mirror != nil {
		opts = append(opts, token.WithRevocationList(d.Mirror))
	}
	v, err := token.NewVerifier(vcfg, keys, opts...)
	if err != nil {
		return nil, fmt.Errorf("server: introspection verifier: %w", err)
	}
	s.introspect = v
	if err := s.initTokenEndpoint(); err != nil {
		return nil, err
	}
	s.initOIDC()
	s.echo = s.build()
	return s, nil
}

// Handler returns the application as an http.Handler.
func (s *Server) Handler() http.Handler { return s.echo }

func (s *Server) build() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = errorHandler(s.log)
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{
		Generator: newRequestID,
	}))
	e.Use(s.accessLog)
	e.Use(s.metrics.middleware)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		DisablePrintStack: true,
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			s.log.Error("handler panicked", "err", err, "route", c.Path(),
				"request_id", requestID(c), "stack", string(stack))
			return err
		},
	}))
	e.Use(middleware.BodyLimitWithConfig(middleware.BodyLimitConfig{
		Limit: fmt.Sprintf("%dB", s.deps.Config.HTTP.MaxBodyBytes),
	}))

	// Route middleware rather than a group's: an echo group with middleware
	// routes every other method and path under its prefix to a 404, not a 405.
	anyOrigin := cors("*")
	preflight := func(c echo.Context) error { return c.NoContent(http.StatusNoContent) }
	for path, h := range map[string]echo.HandlerFunc{
		"/.well-known/jwks.json":                  s.handleJWKS,
		"/.well-known/openid-configuration":       s.handleMetadata,
		"/.well-known/oauth-authorization-server": s.handleMetadata,
	} {
		e.GET(path, h, anyOrigin)
		e.HEAD(path, h, anyOrigin)
		e.OPTIONS(path, preflight, anyOrigin)
	}

	e.POST("/oauth2/introspect", s.handleIntrospect, s.requireAdmin)
	e.Match([]string{http.MethodPost, http.MethodOptions}, "/oauth2/token", s.handleToken,
		s.clients.tokenCORS)
	e.POST("/v1/tokens", s.handleMint, s.requireAdmin)
	e.GET("/oauth2/authorize", s.handleAuthorize)
	e.GET("/oauth2/callback", s.handleCallback)
	e.Match([]string{http.MethodGet, http.MethodPost}, "/oauth2/userinfo", s.handleUserinfo)
	e.POST("/oauth2/revoke", s.handleRevoke)
	e.POST("/v1/revocations", s.handleAdminRevoke, s.requireAdmin)
	e.GET("/v1/revocations", s.handleFeed)
	e.GET("/v1/keys", s.handleKeysList, s.requireAdmin)
	e.POST("/v1/keys/rotate", s.handleKeysRotate, s.requireAdmin)
	e.POST("/v1/keys/:kid/retire", s.handleKeysRetire, s.requireAdmin)
	e.POST("/v1/keys/:kid/revoke", s.handleKeysRevoke, s.requireAdmin)

	e.GET("/healthz", s.handleHealth)
	e.GET("/readyz", s.handleReady)
	e.GET("/metrics", s.metrics.handler())
	return e
}

// signingKeys returns the keys of set that have signed or sign tokens: the
// published set minus next keys, which sign nothing yet, so the issuer rejects
// a token signed by a key that was never active.
func signingKeys(set jwk.Set, infos []jwks.Info) jwk.Set {
	next := map[string]bool{}
	for _, k := range infos {
		if k.State == jwks.StateNext {
			next[k.ID] = true
		}
	}
	out := jwk.NewSet()
	for i := 0; i < set.Len(); i++ {
		k, _ := set.Key(i)
		if kid, _ := k.KeyID(); !next[kid] {
			_ = out.AddKey(k)
		}
	}
	return out
}

// managerKeys is a token.KeySource over the keys the manager publishes now.
// It indexes each new JWK Set document once.
type managerKeys struct {
	m     *jwks.Manager
	index atomic.Pointer[indexedDocument]
}

type indexedDocument struct {
	doc  *jwks.Document
	keys *token.StaticKeys
}

func (k *managerKeys) Key(ctx context.Context, kid string) (token.VerificationKey, error) {
	doc := k.m.Document()
	if doc == nil {
		return token.VerificationKey{}, token.ErrKeySource
	}
	idx := k.index.Load()
	if idx == nil || idx.doc != doc {
		src, err := token.NewStaticKeys(signingKeys(doc.Set, k.m.Keys()))
		if err != nil {
			return token.VerificationKey{}, err
		}
		idx = &indexedDocument{doc: doc, keys: src}
		k.index.Store(idx)
	}
	return idx.keys.Key(ctx, kid)
}
