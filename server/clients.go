package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/config"
)

// oauthClient is one registered client of the token endpoint.
type oauthClient struct {
	id           string
	confidential bool
	secretDigest [sha256.Size]byte // SHA-256 of the secret, for confidential clients
	origins      []string
}

// clientRegistry authenticates the clients of the token endpoint (RFC 6749
// section 2.3) and lists the browser origins allowed by CORS. It is read-only
// after construction and so safe for concurrent use.
type clientRegistry struct {
	byID    map[string]oauthClient
	origins map[string]bool
}

// newClientRegistry reads the secret file of every confidential client. An
// empty list means the one public client config.DefaultClientID.
func newClientRegistry(list []config.Client) (*clientRegistry, error) {
	if len(list) == 0 {
		list = []config.Client{{ID: config.DefaultClientID, Type: config.ClientPublic}}
	}
	r := &clientRegistry{byID: map[string]oauthClient{}, origins: map[string]bool{}}
	for _, c := range list {
		oc := oauthClient{id: c.ID, confidential: c.Type == config.ClientConfidential,
			origins: c.Origins}
		if oc.confidential {
			secret, err := os.ReadFile(c.SecretFile)
			if err != nil {
				return nil, fmt.Errorf("server: read the secret of client %q: %w (check secret_file)",
					c.ID, err)
			}
			trimmed := strings.TrimSpace(string(secret))
			if trimmed == "" {
				return nil, fmt.Errorf("server: secret_file %s of client %q is empty: "+
					"write the client secret into it", c.SecretFile, c.ID)
			}
			oc.secretDigest = sha256.Sum256([]byte(trimmed))
		}
		r.byID[c.ID] = oc
		for _, o := range c.Origins {
			r.origins[o] = true
		}
	}
	return r, nil
}

// basicChallenge is the WWW-Authenticate value of invalid_client responses.
const basicChallenge = `Basic realm="hubjwt", charset="UTF-8"`

// invalidClient is the 401 invalid_client error of RFC 6749 section 5.2.
func invalidClient(format string, args ...any) *oauthError {
	e := newError(http.StatusUnauthorized, codeInvalidClient, format, args...)
	e.Challenge = basicChallenge
	return e
}

// authenticate returns the client of a token request: a confidential client
// from client_secret_basic, or a public client named by the client_id form
// parameter. Secrets are compared in constant time, as SHA-256 digests so
// that their length does not leak either.
func (r *clientRegistry) authenticate(req *http.Request, form url.Values) (oauthClient, error) {
	if form.Has("client_secret") {
		return oauthClient{}, invalidClient("client_secret in the body is not supported: " +
			"send the client credentials with HTTP Basic authentication (client_secret_basic)")
	}
	if auth := req.Header.Get(echo.HeaderAuthorization); auth != "" {
		return r.authenticateBasic(auth, form.Get("client_id"))
	}
	id := form.Get("client_id")
	if id == "" {
		return oauthClient{}, badRequest("client_id is missing: name a registered public client, " +
			"such as " + config.DefaultClientID + ", or authenticate with HTTP Basic")
	}
	c, ok := r.byID[id]
	if !ok {
		return oauthClient{}, invalidClient("client %q is not registered: add it to clients", id)
	}
	if c.confidential {
		return oauthClient{}, invalidClient("client %q is confidential: authenticate with "+
			"HTTP Basic (client_secret_basic)", id)
	}
	return c, nil
}

func (r *clientRegistry) authenticateBasic(header, formID string) (oauthClient, error) {
	scheme, encoded, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Basic") {
		return oauthClient{}, invalidClient("Authorization scheme %q is not accepted here: "+
			"use Basic with the client id and secret", scheme)
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(encoded))
	if err != nil {
		return oauthClient{}, invalidClient("Basic credentials are not valid base64")
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return oauthClient{}, invalidClient("Basic credentials lack the colon between id and secret")
	}
	// RFC 6749 section 2.3.1 form-encodes the id and secret before Basic.
	id, err1 := url.QueryUnescape(user)
	secret, err2 := url.QueryUnescape(pass)
	if err1 != nil || err2 != nil {
		return oauthClient{}, invalidClient("Basic credentials are not form-encoded correctly")
	}
	if formID != "" && formID != id {
		return oauthClient{}, badRequest("client_id %q differs from the Basic credentials", formID)
	}
	c, ok := r.byID[id]
	if !ok {
		return oauthClient{}, invalidClient("client %q is not registered: add it to clients", id)
	}
	if !c.confidential {
		// Some libraries send a public client's id as Basic with an empty secret.
		if secret == "" {
			return c, nil
		}
		return oauthClient{}, invalidClient("client %q is public: send client_id without a secret",
			id)
	}
	digest := sha256.Sum256([]byte(secret))
	if subtle.ConstantTimeCompare(digest[:], c.secretDigest[:]) != 1 {
		return oauthClient{}, invalidClient("client authentication failed for client %q", id)
	}
	return c, nil
}

// tokenCORS adds CORS headers to token endpoint responses for the origins
// that registered clients list, and responds to preflight requests. Other origins
// get no CORS headers, so browsers block them.
func (r *clientRegistry) tokenCORS(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Add("Vary", "Origin")
		if origin := c.Request().Header.Get("Origin"); r.origins[origin] {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
			h.Set("Access-Control-Max-Age", "600")
		}
		if c.Request().Method == http.MethodOptions {
			return c.NoContent(http.StatusNoContent)
		}
		return next(c)
	}
}
