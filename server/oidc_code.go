package server

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/authcode"
	"github.com/hubjwt/hubjwt/token/refresh"
)

// grantAuthorizationCode is the grant of RFC 6749 section 4.1.3.
const grantAuthorizationCode = "authorization_code"

// codeTokenResponse is a token response with an ID token (OpenID Connect
// Core section 3.1.3.3).
type codeTokenResponse struct {
	tokenResponse
	IDToken string `json:"id_token"`
}

func invalidGrant(format string, args ...any) *oauthError {
	return newError(http.StatusBadRequest, codeInvalidGrant, format, args...)
}

// handleAuthorizationCode redeems an authorization code: it checks the code,
// the client, the redirect URI and the PKCE verifier, and returns an access
// token, an ID token and, when offline_access was granted, a refresh token.
// A code presented twice revokes what its first use issued (RFC 6749
// section 4.1.2).
func (s *Server) handleAuthorizationCode(c echo.Context, client oauthClient,
	form url.Values) error {
	if !s.oidc.enabled() {
		return newError(http.StatusBadRequest, codeUnsupportedGrantType,
			"the authorization_code grant needs oidc.hub_url")
	}
	code := form.Get("code")
	if code == "" {
		return badRequest("code is missing: send the code from the authorization response")
	}
	ctx := c.Request().Context()
	now := s.deps.Now()
	var rec codeRecord
	first, err := s.oidc.consumeRecord(ctx, recordCode, code, &rec, now)
	if errors.Is(err, authcode.ErrNotFound) {
		return invalidGrant("the authorization code is invalid or expired")
	}
	if err != nil {
		return err
	}
	if !first {
		s.revokeIssued(c, code, rec)
		return invalidGrant("the authorization code was already used: the tokens issued " +
			"for it are revoked")
	}
	if err := checkCode(rec, client, form, now); err != nil {
		return err
	}
	return s.redeemCode(c, client, code, rec)
}

// checkCode checks a first use of a code against its record.
func checkCode(rec codeRecord, client oauthClient, form url.Values, now time.Time) error {
	if now.Unix() >= rec.Expires {
		return invalidGrant("the authorization code expired: start the sign-in again")
	}
	if rec.ClientID != client.id {
		return invalidGrant("the authorization code was issued to another client")
	}
	if form.Get("redirect_uri") != rec.RedirectURI {
		return invalidGrant("redirect_uri differs from the one of the authorization request")
	}
	verifier := form.Get("code_verifier")
	switch {
	case rec.Challenge == "" && verifier != "":
		return invalidGrant("code_verifier sent, but the authorization request had no " +
			"code_challenge")
	case rec.Challenge == "":
		return nil
	case verifier == "":
		return invalidGrant("code_verifier is missing: send the PKCE verifier")
	case !pkceValue.MatchString(verifier):
		return invalidGrant("code_verifier must be 43 to 128 characters of A-Z a-z 0-9 - . _ ~")
	}
	got := pkceChallenge(verifier)
	if subtle.ConstantTimeCompare([]byte(got), []byte(rec.Challenge)) != 1 {
		return invalidGrant("code_verifier does not match the code_challenge")
	}
	return nil
}

// pkceChallenge is the S256 transformation of RFC 7636 section 4.2.
func pkceChallenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// redeemCode mints the tokens of a checked code and records them in its
// record.
func (s *Server) redeemCode(c echo.Context, client oauthClient, code string,
	rec codeRecord) error {
	hubScopes := slices.Clone(rec.HubScopes)
	if slices.Contains(rec.OIDCScopes, scopeGroups) {
		// userinfo returns groups for tokens that may read them.
		hubScopes = append(hubScopes, "read:users:groups!user="+rec.Subject)
	}
	tok, err := s.deps.Minter.Mint(token.Request{Subject: rec.Subject, Kind: token.KindUser,
		Scopes: hubScopes, ClientID: client.id})
	if err != nil {
		return err
	}
	idReq := token.IDRequest{Subject: rec.Subject, ClientID: client.id, Nonce: rec.Nonce,
		AuthTime: time.Unix(rec.AuthTime, 0), AccessToken: tok.Raw,
		Profile: slices.Contains(rec.OIDCScopes, scopeProfile)}
	if slices.Contains(rec.OIDCScopes, scopeGroups) {
		idReq.Groups = append([]string{}, rec.Groups...)
	}
	idToken, _, err := s.deps.Minter.MintID(idReq)
	if err != nil {
		return err
	}
	resp := codeTokenResponse{IDToken: idToken, tokenResponse: tokenResponse{
		AccessToken: tok.Raw, TokenType: "Bearer",
		ExpiresIn: int64(tok.Claims.ExpiresAt - tok.Claims.IssuedAt),
		Scope:     strings.Join(append(slices.Clone(rec.OIDCScopes), rec.HubScopes...), " "),
	}}
	rec.AccessJTI, rec.AccessExpires = tok.Claims.ID, tok.Claims.ExpiresAt.Time()
	if slices.Contains(rec.OIDCScopes, scopeOfflineAccess) {
		issued, err := s.issueRefresh(c, true, refresh.Grant{Subject: rec.Subject,
			Kind: token.KindUser, ClientID: client.id, Scopes: rec.HubScopes,
			Audience: []string(tok.Claims.Audience)})
		if err != nil {
			return err
		}
		resp.RefreshToken = issued
		if rec.SealedRefresh, err = sealWithCode(code, issued); err != nil {
			return err
		}
	}
	if err := s.oidc.updateRecord(c.Request().Context(), recordCode, code, rec,
		s.deps.Now()); err != nil {
		return err
	}
	s.audit(c, "authorization code redeemed", tok, grantAuthorizationCode)
	s.metrics.tokenMinted(token.KindUser, grantAuthorizationCode)
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	return c.JSON(http.StatusOK, resp)
}

// revokeIssued revokes the access token and the refresh token family that
// the first use of a replayed code issued. Failures are logged: the replay
// itself is already rejected.
// NOTE: a replay that arrives while the first use is still minting finds
// nothing recorded yet, so only the later tokens' normal expiry bounds them.
func (s *Server) revokeIssued(c echo.Context, code string, rec codeRecord) {
	ctx := c.Request().Context()
	s.log.Warn("authorization code replayed: revoking what it issued", "sub", rec.Subject,
		"client_id", rec.ClientID, "jti", rec.AccessJTI, "remote", c.RealIP(),
		"request_id", requestID(c))
	if rec.AccessJTI != "" && s.deps.Revocations != nil {
		if err := s.revokeJTI(ctx, rec.AccessJTI, rec.AccessExpires); err != nil {
			s.log.Error("revoke the access token of a replayed code", "err", err,
				"jti", rec.AccessJTI, "request_id", requestID(c))
		}
	}
	if len(rec.SealedRefresh) > 0 && s.deps.Refresh != nil {
		raw, err := openWithCode(code, rec.SealedRefresh)
		var family string
		if err == nil {
			family, err = refresh.FamilyID(raw)
		}
		if err == nil {
			// By family: the token may have rotated since the code issued it.
			err = s.deps.Refresh.RevokeFamily(ctx, family)
		}
		if err != nil {
			s.log.Error("revoke the refresh token of a replayed code", "err", err,
				"request_id", requestID(c))
		}
	}
}

func (s *Server) revokeJTI(ctx context.Context, jti string, exp time.Time) error {
	policy := revocation.Policy{MaxTTL: s.deps.Config.Token.MaxTTL,
		Leeway: s.deps.Config.Token.Leeway}
	entry, err := policy.Token(jti, exp, s.deps.Now(), "authorization code replayed")
	if err != nil {
		return err
	}
	if err := s.deps.Revocations.Add(ctx, entry); err != nil {
		return err
	}
	if s.deps.Mirror != nil {
		s.deps.Mirror.Add(entry) // introspection and userinfo reject it at once
	}
	s.metrics.revoked(entry.Kind)
	return nil
}
