package token

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/lestrrat-go/jwx/v3/jws/jwsbb"
)

// Signer signs a payload as a compact JWS with the given typ header, with the
// active key's alg and kid. jwks.Manager implements it.
type Signer interface {
	Sign(payload []byte, typ string) ([]byte, error)
}

// MinterConfig holds the operator settings for minting.
type MinterConfig struct {
	Issuer          string        // iss of every token; the issuer URL of the metadata
	DefaultTTL      time.Duration // lifetime when a request gives none
	MaxTTL          time.Duration // maximum lifetime a request may set
	DefaultAudience []string      // aud when a request gives none
}

// Minter creates signed access tokens. It is safe for concurrent use.
type Minter struct {
	cfg    MinterConfig
	signer Signer
	now    func() time.Time
}

// NewMinter returns a Minter signing with signer; now may be nil for time.Now.
func NewMinter(cfg MinterConfig, signer Signer, now func() time.Time) *Minter {
	if now == nil {
		now = time.Now
	}
	return &Minter{cfg: cfg, signer: signer, now: now}
}

// Request describes one token to mint. Scopes are final: the caller has
// already resolved `inherit` and intersected them with the owner's scopes.
type Request struct {
	Subject  string        // JupyterHub user or service name
	Kind     string        // KindUser (default) or KindService
	Scopes   []string      // granted scopes
	Audience []string      // default MinterConfig.DefaultAudience
	TTL      time.Duration // default MinterConfig.DefaultTTL; at most MaxTTL
	ClientID string        // the OAuth client the token is for
	Inherit  bool          // the scopes are a resolved `inherit`
}

// Token is a minted access token.
type Token struct {
	Raw    string // the compact JWS
	Claims Claims
	KeyID  string // kid of the key that signed it
}

// keyIDOf returns the kid header of a compact JWS, or "".
func keyIDOf(compact []byte) string {
	protected, _, _, err := jwsbb.SplitCompact(compact)
	if err != nil {
		return ""
	}
	kid, _ := jwsbb.HeaderGetString(jwsbb.HeaderParseCompact(protected), "kid")
	return kid
}

// maxSubjectLen bounds subject names; JupyterHub's own limit is 255 characters.
const maxSubjectLen = 255

// Limits that keep every minted token within DefaultMaxTokenSize, so the
// issuer never mints a token its verifiers reject as too large.
const (
	maxAudiences = 16
	// maxPayload leaves room for the header and the signature (an RSA-2048
	// signature is 342 characters) within DefaultMaxTokenSize once the claims
	// are base64url-encoded.
	maxPayload = (DefaultMaxTokenSize - 1024) * 3 / 4
)

// Mint validates req and returns a signed token.
func (m *Minter) Mint(req Request) (*Token, error) {
	claims, err := m.claims(req)
	if err != nil {
		return nil, err
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return nil, fmt.Errorf("token: encode claims: %w", err)
	}
	if len(payload) > maxPayload {
		return nil, fmt.Errorf("%w: the claims take %d bytes, limit %d: request fewer scopes "+
			"or audiences", ErrInvalidRequest, len(payload), maxPayload)
	}
	raw, err := m.signer.Sign(payload, Type)
	if err != nil {
		return nil, fmt.Errorf("token: sign: %w", err)
	}
	return &Token{Raw: string(raw), Claims: claims, KeyID: keyIDOf(raw)}, nil
}

func (m *Minter) claims(req Request) (Claims, error) {
	if err := checkName("subject", req.Subject); err != nil {
		return Claims{}, err
	}
	kind := req.Kind
	if kind == "" {
		kind = KindUser
	}
	if kind != KindUser && kind != KindService {
		return Claims{}, fmt.Errorf("%w: kind %q: use %q or %q", ErrInvalidRequest, kind,
			KindUser, KindService)
	}
	ttl := req.TTL
	if ttl == 0 {
		ttl = m.cfg.DefaultTTL
	}
	if ttl < time.Second {
		return Claims{}, fmt.Errorf("%w: lifetime %s: use at least 1s", ErrInvalidRequest, ttl)
	}
	if ttl > m.cfg.MaxTTL {
		return Claims{}, fmt.Errorf("%w: %s is longer than %s", ErrTTLTooLong, ttl, m.cfg.MaxTTL)
	}
	aud := req.Audience
	if len(aud) == 0 {
		aud = m.cfg.DefaultAudience
	}
	if len(aud) > maxAudiences {
		return Claims{}, fmt.Errorf("%w: %d audiences, limit %d", ErrInvalidRequest, len(aud),
			maxAudiences)
	}
	for _, a := range aud {
		if err := checkName("audience", a); err != nil {
			return Claims{}, err
		}
	}
	if req.ClientID != "" {
		if err := checkName("client_id", req.ClientID); err != nil {
			return Claims{}, err
		}
	}
	for _, s := range req.Scopes {
		if s == "" || strings.IndexFunc(s, unicode.IsSpace) >= 0 {
			return Claims{}, fmt.Errorf("%w: scope %q must be non-empty and contain no spaces",
				ErrInvalidRequest, s)
		}
	}
	jti, err := newID()
	if err != nil {
		return Claims{}, err
	}
	now := m.now()
	return Claims{
		Issuer:    m.cfg.Issuer,
		Subject:   req.Subject,
		Audience:  append(Audience(nil), aud...),
		IssuedAt:  NewNumericDate(now),
		NotBefore: NewNumericDate(now),
		ExpiresAt: NewNumericDate(now.Add(ttl)),
		ID:        jti,
		Scope:     joinScopes(req.Scopes),
		ClientID:  req.ClientID,
		Kind:      kind,
		Inherit:   req.Inherit,
	}, nil
}

// ValidateSubject returns an error wrapping ErrInvalidRequest when name cannot
// be a token subject: empty, longer than 255 bytes, or with spaces or control
// characters.
func ValidateSubject(name string) error { return checkName("subject", name) }

// checkName rejects empty and overlong values of field, invalid UTF-8, and
// characters that display differently from what they compare as: spaces,
// control and format characters (such as bidi overrides and zero-width
// spaces).
func checkName(field, v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%w: %s is missing", ErrInvalidRequest, field)
	case len(v) > maxSubjectLen:
		return fmt.Errorf("%w: %s is longer than %d bytes", ErrInvalidRequest, field, maxSubjectLen)
	case !utf8.ValidString(v):
		return fmt.Errorf("%w: %s %q is not valid UTF-8", ErrInvalidRequest, field, v)
	case strings.IndexFunc(v, invisible) >= 0:
		return fmt.Errorf("%w: %s %q contains spaces, control or format characters",
			ErrInvalidRequest, field, v)
	}
	return nil
}

func invisible(r rune) bool {
	return unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) ||
		unicode.Is(unicode.Zl, r) || unicode.Is(unicode.Zp, r)
}

// joinScopes returns scopes sorted, deduplicated and space-separated.
func joinScopes(scopes []string) string {
	s := append([]string(nil), scopes...)
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return strings.Join(out, " ")
}

// newID returns 128 random bits, base64url-encoded without padding.
func newID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("token: read random jti: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b[:]), nil
}
