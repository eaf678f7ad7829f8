package server

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/token/authcode"
)

// OpenID Connect scopes (OpenID Connect Core sections 3.1.2.1 and 5.4).
// groups is hubjwt's: the user's JupyterHub groups in the ID token.
// offline_access (scopeOfflineAccess) requests a refresh token.
const (
	scopeOpenID  = "openid"
	scopeProfile = "profile"
	scopeGroups  = "groups"
)

// oidcScopes are the scopes that name OpenID Connect claims rather than
// JupyterHub permissions; they never enter an access token's scope claim.
var oidcScopes = []string{scopeOpenID, scopeProfile, scopeGroups, scopeOfflineAccess}

// oidcClaims are the claims ID tokens and userinfo responses may contain.
var oidcClaims = []string{"iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "at_hash",
	"azp", "name", "preferred_username", "groups"}

// oidcProvider holds the authorization code flow's settings and state.
type oidcProvider struct {
	cfg          config.OIDC
	hubAPI       string              // the hub's REST API base, for its token endpoint
	redirectURIs map[string][]string // client id to registered redirect URIs
	records      authcode.Store
	hubHTTP      *http.Client
}

// initOIDC builds the provider; without oidc.hub_url the authorization
// endpoint returns an error page and the authorization_code grant is
// unsupported.
func (s *Server) initOIDC() {
	cfg := s.deps.Config
	p := &oidcProvider{cfg: cfg.OIDC, hubAPI: strings.TrimRight(cfg.JupyterHub.APIURL, "/"),
		redirectURIs: map[string][]string{}, records: s.deps.AuthCodes,
		hubHTTP: &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			}}}
	if p.records == nil {
		p.records = authcode.NewMemory()
	}
	for _, c := range cfg.Clients {
		p.redirectURIs[c.ID] = c.RedirectURIs
	}
	s.oidc = p
	if cfg.OIDC.Enabled() {
		s.metadata.addOIDC(cfg.Issuer)
	}
}

// addOIDC adds the OpenID Connect discovery fields (OpenID Connect
// Discovery section 3) and the authorization_code grant.
func (m *metadata) addOIDC(issuer string) {
	base := strings.TrimRight(issuer, "/")
	m.AuthorizationEndpoint = base + "/oauth2/authorize"
	m.UserinfoEndpoint = base + "/oauth2/userinfo"
	m.GrantTypesSupported = append(slices.Clone(m.GrantTypesSupported), grantAuthorizationCode)
	m.CodeChallengeMethodsSupported = []string{pkceS256}
	m.ScopesSupported = oidcScopes
	m.ClaimsSupported = oidcClaims
	m.ResponseModesSupported = []string{"query"}
	m.AuthorizationResponseIssParameterSupported = true
}

// enabled reports whether the authorization code flow is configured.
func (p *oidcProvider) enabled() bool { return p.cfg.Enabled() }

// registeredRedirect reports whether uri is one of the client's redirect
// URIs, compared as exact strings (RFC 6749 section 3.1.2.3, OAuth 2.0
// Security BCP section 4.1.3).
func (p *oidcProvider) registeredRedirect(clientID, uri string) bool {
	return slices.Contains(p.redirectURIs[clientID], uri)
}
