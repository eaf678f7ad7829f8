package server

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/refresh"
)

// revokeRequest is the body of POST /v1/revocations: exactly one of JTI,
// Subject, KID or Token.
type revokeRequest struct {
	JTI     string     `json:"jti"`
	Exp     *int64     `json:"exp"`
	Subject string     `json:"subject"`
	Kind    string     `json:"kind"`
	Before  *time.Time `json:"before"`
	KID     string     `json:"kid"`
	Token   string     `json:"token"`
	Reason  string     `json:"reason"`
}

// maxUnixSeconds is 9999-12-31T23:59:59Z, the largest exp accepted.
const maxUnixSeconds = 253402300799

// revocationsEnabled reports whether a revocation store is configured.
func (s *Server) revocationsEnabled() bool { return s.deps.Revocations != nil }

// storeRevocation adds e durably and applies it to the server's own mirror at
// once, so introspection applies it without waiting for the next sync.
func (s *Server) storeRevocation(c echo.Context, e revocation.Entry) error {
	if err := s.deps.Revocations.Add(c.Request().Context(), e); err != nil {
		s.metrics.storeError("revocations", "write")
		return err
	}
	if s.deps.Mirror != nil {
		s.deps.Mirror.Add(e)
	}
	s.auditRevocation(c, e)
	s.metrics.revoked(e.Kind)
	return nil
}

// handleAdminRevoke revokes by jti, subject, kid or a whole token.
func (s *Server) handleAdminRevoke(c echo.Context) error {
	if !s.revocationsEnabled() {
		return errNoRevocationStore
	}
	var req revokeRequest
	if err := decodeJSON(c, &req); err != nil {
		return err
	}
	e, err := s.entryFor(c, req)
	if err != nil {
		return err
	}
	if err := s.storeRevocation(c, e); err != nil {
		return err
	}
	return c.JSON(http.StatusOK, e)
}

func (s *Server) entryFor(c echo.Context, req revokeRequest) (revocation.Entry, error) {
	given := 0
	for _, v := range []string{req.JTI, req.Subject, req.KID, req.Token} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		return revocation.Entry{}, badRequest("give exactly one of jti, subject, kid or token")
	}
	now := s.deps.Now()
	policy := s.revocationPolicy()
	reason := req.Reason
	if reason == "" {
		reason = "admin API"
	}
	switch {
	case req.JTI != "":
		var exp time.Time
		if req.Exp != nil {
			if *req.Exp <= 0 || *req.Exp > maxUnixSeconds {
				return revocation.Entry{}, badRequest("exp %d is not a time in seconds since "+
					"1970 before the year 10000: give the token's exp", *req.Exp)
			}
			exp = time.Unix(*req.Exp, 0)
		}
		return policy.Token(req.JTI, exp, now, reason)
	case req.Subject != "":
		kind := req.Kind
		if kind == "" {
			kind = token.KindUser
		}
		var before time.Time
		if req.Before != nil {
			before = *req.Before
		}
		return policy.Subject(kind, req.Subject, before, now, reason)
	case req.KID != "":
		if err := s.checkKeyRevocable(req.KID); err != nil {
			return revocation.Entry{}, err
		}
		return policy.Key(req.KID, time.Time{}, now, reason)
	}
	claims, err := s.signedClaims(c, req.Token)
	if err != nil {
		return revocation.Entry{}, badRequest("token is not a valid token of this issuer: %v", err)
	}
	return policy.Token(claims.ID, claims.ExpiresAt.Time(), now, reason)
}

func (s *Server) revocationPolicy() revocation.Policy {
	return revocation.Policy{MaxTTL: s.deps.Config.Token.MaxTTL, Leeway: s.deps.Config.Token.Leeway}
}

// signedClaims returns the claims of a token this issuer signed, ignoring
// expiry and revocation: a token that is still correctly signed may be revoked
// even when it has just expired.
func (s *Server) signedClaims(c echo.Context, raw string) (*token.Claims, error) {
	return s.revokeVerifier.Verify(c.Request().Context(), raw)
}

// handleRevoke is RFC 7009 token revocation. The admin may revoke any token; a
// caller without credentials proves it holds the token by presenting it, and
// may revoke it. An unknown, malformed or expired token still gets 200, as RFC
// 7009 section 2.2 requires; only a store failure gets an error (503).
func (s *Server) handleRevoke(c echo.Context) error {
	form, err := decodeForm(c)
	if err != nil {
		return err
	}
	raw := form.Get("token")
	if raw == "" {
		return badRequest("token is missing: send token=<token> in the form body")
	}

	switch hint := form.Get("token_type_hint"); hint {
	case "", "access_token", "refresh_token":
	default:
		return newError(http.StatusBadRequest, codeUnsupportedTokenType,
			"token_type_hint %q is not supported: use access_token or refresh_token", hint)
	}
	// The admin may revoke any token. A client that identifies itself (a
	// client_id, or HTTP Basic for a confidential client) may revoke only its
	// own refresh tokens. A caller that does neither proves possession of the
	// token by presenting it.
	clientID := ""
	if cred, ok := bearerToken(c.Request()); ok {
		if !s.admin.matches(cred) {
			return &oauthError{Status: http.StatusUnauthorized, Code: codeInvalidClient,
				Description: "the bearer credential is not the admin token",
				Challenge:   `Bearer realm="hubjwt", error="invalid_token"`}
		}
		c.Set(callerKey, "admin")
	} else if c.Request().Header.Get(echo.HeaderAuthorization) != "" || form.Get("client_id") != "" {
		client, err := s.clients.authenticate(c.Request(), form)
		if err != nil {
			return err
		}
		clientID = client.id
		c.Set(callerKey, "client "+client.id)
	} else {
		c.Set(callerKey, "token holder")
	}

	if s.deps.Refresh != nil && !strings.Contains(raw, ".") {
		err := s.deps.Refresh.RevokeRefreshFor(c.Request().Context(), raw, clientID)
		if errors.Is(err, refresh.ErrClientMismatch) {
			return newError(http.StatusBadRequest, codeUnauthorizedClient,
				"client %s may revoke only refresh tokens issued to it", clientID)
		}
		if err != nil {
			return err
		}
		return c.NoContent(http.StatusOK)
	}
	if !s.revocationsEnabled() {
		return errNoRevocationStore
	}

	claims, err := s.signedClaims(c, raw)
	if err != nil {
		s.log.Debug("revoke: not a token of this issuer", "err", err, "request_id", requestID(c))
		return c.NoContent(http.StatusOK)
	}
	e, err := s.revocationPolicy().Token(claims.ID, claims.ExpiresAt.Time(), s.deps.Now(),
		"RFC 7009 revocation by the "+c.Get(callerKey).(string))
	if err != nil {
		return err
	}
	if err := s.storeRevocation(c, e); err != nil {
		return err
	}
	return c.NoContent(http.StatusOK)
}

// feedCacheControl keeps shared caches from serving a stale revocation feed.
const feedCacheControl = "no-cache"

// handleFeed serves the signed revocation feed: every live entry, or with
// ?since=CURSOR the changes after it. A cursor that is too old gets the whole
// list with full set to true.
func (s *Server) handleFeed(c echo.Context) error {
	if !s.revocationsEnabled() {
		return errNoRevocationStore
	}
	ctx := c.Request().Context()
	since := c.QueryParam("since")
	if len(since) > 200 {
		return badRequest("since is longer than 200 characters: pass the cursor of a feed")
	}

	feed := revocation.Feed{Issuer: s.deps.Config.Issuer, IssuedAt: s.deps.Now(), Since: since}
	if since != "" {
		changes, err := s.deps.Revocations.Changes(ctx, since, 10_000)
		switch {
		case errors.Is(err, revocation.ErrCursorExpired):
			since = ""
		case errors.Is(err, revocation.ErrInvalidCursor):
			return badRequest("since %.40q is not a cursor of this feed: pass the cursor of "+
				"a feed, or leave since out for the whole list", since)
		case err != nil:
			return err
		default:
			feed.Cursor, feed.Generation, feed.Entries = changes.Cursor, changes.Generation,
				changes.Entries
		}
	}
	if since == "" {
		snap, err := s.deps.Revocations.List(ctx)
		if err != nil {
			return err
		}
		feed = revocation.Feed{Issuer: s.deps.Config.Issuer, IssuedAt: s.deps.Now(), Full: true,
			Cursor: snap.Cursor, Generation: snap.Generation, Entries: snap.Entries}
	}

	etag := feedETag(feed)
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("Cache-Control", feedCacheControl)
	h.Set("Access-Control-Allow-Origin", "*")
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	body, err := revocation.EncodeFeed(feed, s.deps.Keys.Sign)
	if err != nil {
		return err
	}
	return c.Blob(http.StatusOK, "application/jwt", body)
}

// feedETag identifies a feed by what it contains, not by when it was signed,
// so an unchanged list gets 304.
func feedETag(f revocation.Feed) string {
	sum := sha256.Sum256([]byte(f.Generation + "\x00" + f.Since + "\x00" + f.Cursor +
		"\x00" + boolString(f.Full)))
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

func boolString(b bool) string {
	if b {
		return "full"
	}
	return "changes"
}

var errNoRevocationStore = newError(http.StatusServiceUnavailable, codeTemporarilyDown,
	"no revocation store is configured")

// checkKeyRevocable rejects a key revocation of the active or next key: the
// key would go on signing tokens that are revoked when issued and valid again
// once the entry expires. Revoking such a key goes through the keys route,
// which withdraws it from the JWK Set as well.
func (s *Server) checkKeyRevocable(kid string) error {
	for _, k := range s.deps.Keys.Keys() {
		if k.ID == kid && (k.State == jwks.StateActive || k.State == jwks.StateNext) {
			return badRequest("key %s is %s: revoke it with POST /v1/keys/%s/revoke "+
				"(hubjwt keys revoke), which also withdraws it from the JWK Set", kid, k.State, kid)
		}
	}
	return nil
}
