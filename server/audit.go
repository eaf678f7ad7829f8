package server

import (
	"fmt"
	"log/slog"

	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/token"
)

// auditMessage is the message of every audit record, so one filter on it
// selects the audit log out of the process log.
const auditMessage = "audit"

// Audit event names, the value of the event key.
const (
	auditTokenMinted     = "token minted"
	auditTokenExchanged  = "token exchanged"
	auditTokenRefreshed  = "token refreshed"
	auditRevocationAdded = "revocation added"
	auditKeyRotated      = "key rotated"
	auditKeyRetired      = "key retired"
	auditKeyRevoked      = "key revoked"
)

// auditEvent is one audit record. Every record carries the same keys: event,
// sub, kind, scope, jti, kid, caller, remote and request_id, empty where they
// do not apply, then Extra. It never holds a token or a secret.
type auditEvent struct {
	Event   string // one of the audit... constants
	Subject string // sub claim, or the revoked subject
	Kind    string // "user" or "service"
	Scope   string // space-separated scopes granted
	JTI     string // jti claim of the token issued or revoked
	KID     string // signing key involved
	Extra   []slog.Attr
}

// logAudit writes e at info level with the caller, remote address and request
// id of c. A log.level of warn or error drops audit records with the rest.
func (s *Server) logAudit(c echo.Context, e auditEvent) {
	attrs := make([]slog.Attr, 0, 9+len(e.Extra))
	attrs = append(attrs,
		slog.String("event", e.Event),
		slog.String("sub", e.Subject),
		slog.String("kind", e.Kind),
		slog.String("scope", e.Scope),
		slog.String("jti", e.JTI),
		slog.String("kid", e.KID),
		slog.String("caller", callerName(c)),
		slog.String("remote", c.RealIP()),
		slog.String("request_id", requestID(c)),
	)
	attrs = append(attrs, e.Extra...)
	s.log.LogAttrs(c.Request().Context(), slog.LevelInfo, auditMessage, attrs...)
}

// audit logs one issued token: event is auditTokenMinted, auditTokenExchanged
// or auditTokenRefreshed, and grant is the metrics grant label. The kid is the
// key that signed tok.
func (s *Server) audit(c echo.Context, event string, tok *token.Token, grant string) {
	s.logAudit(c, auditEvent{
		Event: event, Subject: tok.Claims.Subject, Kind: tok.Claims.Kind,
		Scope: tok.Claims.Scope, JTI: tok.Claims.ID, KID: tok.KeyID,
		Extra: []slog.Attr{
			slog.Any("aud", []string(tok.Claims.Audience)),
			slog.String("grant", grant),
			slog.String("client_id", tok.Claims.ClientID),
		},
	})
}

// auditRevocation logs one revocation entry added.
func (s *Server) auditRevocation(c echo.Context, e revocation.Entry) {
	extra := []slog.Attr{slog.String("revocation", e.Kind.String()),
		slog.Time("expires_at", e.ExpiresAt)}
	if !e.Before.IsZero() {
		extra = append(extra, slog.Time("before", e.Before))
	}
	if e.Reason != "" {
		extra = append(extra, slog.String("reason", e.Reason))
	}
	s.logAudit(c, auditEvent{
		Event: auditRevocationAdded, Subject: e.Subject, Kind: e.SubjectKind,
		JTI: e.JTI, KID: e.KID, Extra: extra,
	})
}

// auditKey logs one key lifecycle change made through the admin API: event
// is auditKeyRotated (kid is the new active key), auditKeyRetired or
// auditKeyRevoked (kid is the key changed).
func (s *Server) auditKey(c echo.Context, event, kid string, extra ...slog.Attr) {
	s.logAudit(c, auditEvent{Event: event, KID: kid, Extra: extra})
}

// callerName returns who authenticated the request: "admin", a client id, or
// "" for an anonymous request.
func callerName(c echo.Context) string {
	switch v := c.Get(callerKey).(type) {
	case nil:
		return ""
	case string:
		return v
	case fmt.Stringer:
		return v.String()
	default:
		return fmt.Sprint(v)
	}
}
