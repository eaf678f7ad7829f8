package token

import (
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash"
	"time"

	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"
)

// IDTokenType is the JOSE typ header of ID tokens. OpenID Connect Core does
// not fix one; "JWT" (RFC 7519 section 5.1) keeps them apart from access
// tokens, which the Verifier accepts only with typ at+jwt.
const IDTokenType = "JWT"

// IDClaims is the claim set of an ID token (OpenID Connect Core section 2
// and the standard claims of section 5.1).
type IDClaims struct {
	Issuer            string      `json:"iss"`
	Subject           string      `json:"sub"`
	Audience          Audience    `json:"aud"`
	ExpiresAt         NumericDate `json:"exp"`
	IssuedAt          NumericDate `json:"iat"`
	AuthTime          NumericDate `json:"auth_time"`
	Nonce             string      `json:"nonce,omitempty"`
	AccessTokenHash   string      `json:"at_hash,omitempty"`
	AuthorizedParty   string      `json:"azp"`
	ID                string      `json:"jti"`
	Name              string      `json:"name,omitempty"`
	PreferredUsername string      `json:"preferred_username,omitempty"`
	Groups            []string    `json:"groups,omitempty"`
}

// IDRequest describes one ID token to mint.
type IDRequest struct {
	Subject     string    // JupyterHub user name
	ClientID    string    // the relying party: aud and azp
	Nonce       string    // the nonce of the authorization request, if any
	AuthTime    time.Time // when the user authenticated at the hub
	AccessToken string    // the access token issued with it, for at_hash
	Profile     bool      // the profile scope was granted: add name, preferred_username
	Groups      []string  // the groups claim; nil leaves it out
}

// MintID returns a signed ID token with typ JWT. Its lifetime is
// MinterConfig.DefaultTTL, and at_hash is computed with the hash of the
// access token's alg (OpenID Connect Core section 3.1.3.6).
// NOTE: the ID token is signed with the key active now, so at_hash may use
// another hash than its signature only when a rotation switches
// signing.algorithm between the two signatures.
func (m *Minter) MintID(req IDRequest) (string, IDClaims, error) {
	if err := checkName("subject", req.Subject); err != nil {
		return "", IDClaims{}, err
	}
	if err := checkName("client_id", req.ClientID); err != nil {
		return "", IDClaims{}, err
	}
	jti, err := newID()
	if err != nil {
		return "", IDClaims{}, err
	}
	now := m.now()
	claims := IDClaims{
		Issuer: m.cfg.Issuer, Subject: req.Subject, Audience: Audience{req.ClientID},
		IssuedAt: NewNumericDate(now), ExpiresAt: NewNumericDate(now.Add(m.cfg.DefaultTTL)),
		AuthTime: NewNumericDate(req.AuthTime), Nonce: req.Nonce,
		AuthorizedParty: req.ClientID, ID: jti, Groups: req.Groups,
	}
	if req.Profile {
		claims.Name, claims.PreferredUsername = req.Subject, req.Subject
	}
	if req.AccessToken != "" {
		if claims.AccessTokenHash, err = AccessTokenHash(req.AccessToken); err != nil {
			return "", IDClaims{}, err
		}
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", IDClaims{}, fmt.Errorf("token: encode ID token claims: %w", err)
	}
	raw, err := m.signer.Sign(payload, IDTokenType)
	if err != nil {
		return "", IDClaims{}, fmt.Errorf("token: sign ID token: %w", err)
	}
	return string(raw), claims, nil
}

// AccessTokenHash returns the at_hash of a compact JWS access token: the
// base64url left half of its hash, with the hash its alg header names
// (SHA-256 for ES256, RS256 and PS256; SHA-512 for EdDSA with Ed25519, as
// OpenID Connect's EdDSA registration for at_hash specifies).
func AccessTokenHash(accessToken string) (string, error) {
	protected, _, _, err := jwsbb.SplitCompact([]byte(accessToken))
	if err != nil {
		return "", fmt.Errorf("%w: access token for at_hash: %v", ErrMalformed, err)
	}
	alg, err := jwsbb.HeaderGetString(jwsbb.HeaderParseCompact(protected), "alg")
	if err != nil {
		return "", fmt.Errorf("%w: access token has no alg header", ErrMalformed)
	}
	var h hash.Hash
	switch alg {
	case "ES256", "RS256", "PS256":
		h = sha256.New()
	case "EdDSA":
		h = sha512.New()
	default:
		return "", fmt.Errorf("%w: no at_hash for alg %q", ErrAlgorithm, alg)
	}
	h.Write([]byte(accessToken))
	sum := h.Sum(nil)
	return base64.RawURLEncoding.EncodeToString(sum[:len(sum)/2]), nil
}
