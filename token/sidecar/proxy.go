package sidecar

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"strings"

	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/httpauth"
)

// Proxy is an http.Handler that guards one single-user server. It is safe for
// concurrent use.
type Proxy struct {
	cfg     Config
	auth    *httpauth.Authenticator
	reverse *httputil.ReverseProxy
	health  map[string]bool
	log     *slog.Logger
}

// New checks cfg and returns a Proxy.
func New(cfg Config) (*Proxy, error) {
	if err := checkConfig(&cfg); err != nil {
		return nil, err
	}
	cfg.Auth.Authorizer = httpauth.RequireServerAccess(cfg.Access)
	auth, err := httpauth.New(cfg.Auth)
	if err != nil {
		return nil, err
	}
	p := &Proxy{cfg: cfg, auth: auth, log: cfg.Logger, health: map[string]bool{HealthPath: true}}
	if cfg.Prefix != "" {
		p.health[strings.TrimSuffix(cfg.Prefix, "/")+HealthPath] = true
	}
	p.reverse = &httputil.ReverseProxy{
		Rewrite:      p.rewrite,
		Transport:    cfg.Transport,
		ErrorHandler: p.upstreamError,
		ErrorLog:     slog.NewLogLogger(cfg.Logger.Handler(), slog.LevelWarn),
	}
	return p, nil
}

func checkConfig(cfg *Config) error {
	switch {
	case cfg.Upstream == nil || cfg.Upstream.Host == "":
		return errors.New("sidecar: the upstream URL is missing: give the single-user " +
			"server's address, such as http://127.0.0.1:8888")
	case cfg.Upstream.Scheme != "http" && cfg.Upstream.Scheme != "https":
		return errors.New("sidecar: the upstream URL " + cfg.Upstream.String() +
			" is not http or https")
	case cfg.Access.User == "":
		return errors.New("sidecar: the server's user is missing: set JUPYTERHUB_USER " +
			"or the user name")
	case cfg.Auth.Authorizer != nil:
		return errors.New("sidecar: Auth.Authorizer must be nil: the proxy checks " +
			"access to its server itself")
	}
	if cfg.UserHeader == "" {
		cfg.UserHeader = DefaultUserHeader
	}
	if cfg.ServiceHeader == "" {
		cfg.ServiceHeader = DefaultServiceHeader
	}
	if headerKey(cfg.UserHeader) == headerKey(cfg.ServiceHeader) {
		return errors.New("sidecar: the user and service headers must differ")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return nil
}

// ServeHTTP answers the health route, rejects requests without a token that
// opens the server, and proxies the rest, WebSocket upgrades included.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if p.health[r.URL.Path] && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		p.serveHealth(w)
		return
	}
	r2, fail := p.auth.Authenticate(r)
	if fail != nil {
		fail.Write(w)
		return
	}
	p.reverse.ServeHTTP(w, r2)
}

// rewrite builds the upstream request: the upstream URL with the inbound Host
// kept (Jupyter Server compares a WebSocket's Origin with it), X-Forwarded-For,
// -Host and -Proto set afresh, every incoming copy of the identity headers
// removed, and the verified identity added.
func (p *Proxy) rewrite(pr *httputil.ProxyRequest) {
	pr.SetURL(p.cfg.Upstream)
	pr.Out.Host = pr.In.Host
	pr.SetXForwarded()
	stripHeaders(pr.Out.Header, p.cfg.UserHeader, p.cfg.ServiceHeader)
	if !p.cfg.KeepAuthorization {
		pr.Out.Header.Del("Authorization")
	}
	claims, ok := token.ClaimsFromContext(pr.In.Context())
	if !ok {
		return // unreachable: ServeHTTP proxies only authenticated requests
	}
	if claims.Kind == token.KindService {
		pr.Out.Header.Set(p.cfg.ServiceHeader, claims.Subject)
	} else {
		pr.Out.Header.Set(p.cfg.UserHeader, claims.Subject)
	}
}

func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	p.log.Warn("upstream request failed", "err", err, "path", r.URL.Path,
		"upstream", p.cfg.Upstream.Redacted())
	writeJSON(w, http.StatusBadGateway, map[string]string{"error": "bad_gateway",
		"error_description": "the single-user server did not answer: it may be starting"})
}

func (p *Proxy) serveHealth(w http.ResponseWriter) {
	if p.cfg.Ready != nil {
		if err := p.cfg.Ready(); err != nil {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{
				"status": "unavailable", "error": err.Error()})
			return
		}
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
