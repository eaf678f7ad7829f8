package server

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/jwks"
)

// cors allows any origin to read the public documents; they carry no secrets
// and browser clients such as JupyterLab fetch them directly.
func cors(origin string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "If-None-Match")
			h.Set("Access-Control-Expose-Headers", "ETag, Cache-Control")
			h.Set("Access-Control-Max-Age", "86400")
			return next(c)
		}
	}
}

// handleJWKS serves the public JWK Set from memory with its ETag; a matching
// If-None-Match gets 304.
func (s *Server) handleJWKS(c echo.Context) error {
	doc := s.deps.Keys.Document()
	if doc == nil {
		return &oauthError{Status: http.StatusServiceUnavailable, Code: codeTemporarilyDown,
			Description: "signing keys are not loaded yet", RetryAfter: 1}
	}
	h := c.Response().Header()
	h.Set("Cache-Control", s.jwksCacheControl)
	h.Set("ETag", doc.ETag)
	h.Set("Vary", "Origin")
	if etagMatches(c.Request().Header.Get("If-None-Match"), doc.ETag) {
		s.metrics.jwksRequests.WithLabelValues("304").Inc()
		return c.NoContent(http.StatusNotModified)
	}
	s.metrics.jwksRequests.WithLabelValues("200").Inc()
	return c.Blob(http.StatusOK, "application/jwk-set+json", doc.Body)
}

// etagMatches implements If-None-Match (RFC 9110 section 13.1.2) with weak
// comparison.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for _, candidate := range strings.Split(header, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == etag {
			return true
		}
	}
	return false
}

// metadata is the RFC 8414 authorization server metadata, also served as the
// OpenID Connect discovery document.
type metadata struct {
	Issuer                        string   `json:"issuer"`
	JWKSURI                       string   `json:"jwks_uri"`
	TokenEndpoint                 string   `json:"token_endpoint"`
	IntrospectionEndpoint         string   `json:"introspection_endpoint"`
	RevocationEndpoint            string   `json:"revocation_endpoint"`
	ResponseTypesSupported        []string `json:"response_types_supported"`
	GrantTypesSupported           []string `json:"grant_types_supported"`
	TokenEndpointAuthMethods      []string `json:"token_endpoint_auth_methods_supported"`
	IntrospectionAuthMethods      []string `json:"introspection_endpoint_auth_methods_supported"`
	RevocationAuthMethods         []string `json:"revocation_endpoint_auth_methods_supported"`
	SigningAlgValuesSupported     []string `json:"token_endpoint_auth_signing_alg_values_supported,omitempty"`
	AccessTokenSigningAlgs        []string `json:"access_token_signing_alg_values_supported"`
	IntrospectionSigningAlgs      []string `json:"introspection_signing_alg_values_supported,omitempty"`
	SubjectTypesSupported         []string `json:"subject_types_supported"`
	IDTokenSigningAlgValues       []string `json:"id_token_signing_alg_values_supported"`
	RevocationFeedEndpoint        string   `json:"revocation_feed_endpoint"`
	CodeChallengeMethodsSupported []string `json:"code_challenge_methods_supported,omitempty"`
	// The OpenID Connect fields, set when oidc.hub_url is.
	AuthorizationEndpoint                      string   `json:"authorization_endpoint,omitempty"`
	UserinfoEndpoint                           string   `json:"userinfo_endpoint,omitempty"`
	ScopesSupported                            []string `json:"scopes_supported,omitempty"`
	ClaimsSupported                            []string `json:"claims_supported,omitempty"`
	ResponseModesSupported                     []string `json:"response_modes_supported,omitempty"`
	AuthorizationResponseIssParameterSupported bool     `json:"authorization_response_iss_parameter_supported,omitempty"`
}

func buildMetadata(issuer, alg string) metadata {
	base := strings.TrimRight(issuer, "/")
	algs := append([]string{alg}, without(jwks.Algorithms, alg)...)
	return metadata{
		Issuer:                   issuer,
		JWKSURI:                  base + "/.well-known/jwks.json",
		TokenEndpoint:            base + "/oauth2/token",
		IntrospectionEndpoint:    base + "/oauth2/introspect",
		RevocationEndpoint:       base + "/oauth2/revoke",
		RevocationFeedEndpoint:   base + "/v1/revocations",
		ResponseTypesSupported:   []string{"code"},
		GrantTypesSupported:      []string{"urn:ietf:params:oauth:grant-type:token-exchange", "refresh_token"},
		TokenEndpointAuthMethods: []string{"none", "client_secret_basic"},
		IntrospectionAuthMethods: []string{"bearer"},
		RevocationAuthMethods:    []string{"none", "client_secret_basic", "bearer"},
		AccessTokenSigningAlgs:   algs,
		SubjectTypesSupported:    []string{"public"},
		IDTokenSigningAlgValues:  []string{alg},
	}
}

func without(list []string, drop string) []string {
	out := make([]string, 0, len(list))
	for _, v := range list {
		if v != drop {
			out = append(out, v)
		}
	}
	return out
}

func (s *Server) handleMetadata(c echo.Context) error {
	c.Response().Header().Set("Cache-Control", s.jwksCacheControl)
	return c.JSON(http.StatusOK, s.metadata)
}

func cacheControl(maxAgeSeconds int) string {
	return fmt.Sprintf("public, max-age=%d", maxAgeSeconds)
}
