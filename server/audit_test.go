package server

import (
	"bufio"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/revocation"
)

// auditFixedKeys are the keys every audit record carries.
var auditFixedKeys = []string{"event", "sub", "kind", "scope", "jti", "kid", "caller",
	"remote", "request_id"}

// auditRecords returns the audit records among the JSON log lines in logs.
func auditRecords(t *testing.T, logs string) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(logs))
	for sc.Scan() {
		var rec map[string]any
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("log line %q: %v", sc.Text(), err)
		}
		if rec["msg"] == auditMessage {
			out = append(out, rec)
		}
	}
	return out
}

func checkFixedKeys(t *testing.T, rec map[string]any) {
	t.Helper()
	for _, k := range auditFixedKeys {
		if _, ok := rec[k]; !ok {
			t.Errorf("audit record %v: got no %q key, want every fixed key", rec, k)
		}
	}
}

func TestAuditMintRecord(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	logs := &syncBuffer{}
	s := newObservedServer(t, clock, logs)
	rec := do(t, s, "POST", "/v1/tokens", "application/json",
		`{"subject": "alice", "kind": "user", "scopes": ["read:users!user=alice"]}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("mint: got %d %s, want 200", rec.Code, rec.Body)
	}
	raw := between(rec.Body.String(), `"access_token":"`, `"`)

	records := auditRecords(t, logs.String())
	if len(records) != 1 {
		t.Fatalf("audit records: got %d, want 1:\n%s", len(records), logs)
	}
	got := records[0]
	checkFixedKeys(t, got)
	want := map[string]any{
		"event": auditTokenMinted, "sub": "alice", "kind": "user",
		"scope": "read:users!user=alice", "kid": s.deps.Keys.ActiveKeyID(),
		"caller": "admin", "grant": "admin", "remote": "192.0.2.1",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: got %v, want %v", k, got[k], v)
		}
	}
	if jti, _ := got["jti"].(string); len(jti) < 20 {
		t.Errorf("jti: got %q, want the token's 128-bit id", jti)
	}
	if id, _ := got["request_id"].(string); id == "" {
		t.Errorf("request_id: got empty, want the X-Request-Id of the response")
	}

	if raw == "" {
		t.Fatal("mint response: got no access_token")
	}
	signature := raw[strings.LastIndex(raw, ".")+1:]
	if strings.Contains(logs.String(), raw) || strings.Contains(logs.String(), signature) {
		t.Errorf("log: got the token or its signature, want neither")
	}
}

func TestAuditRotationRecord(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	logs := &syncBuffer{}
	s := newObservedServer(t, clock, logs)
	// The next key must be published for keys.prepublish before it may sign.
	clock.Advance(s.deps.Config.Keys.Prepublish + time.Minute)
	if rec := do(t, s, "POST", "/v1/keys/rotate", "", ""); rec.Code != http.StatusOK {
		t.Fatalf("rotate: got %d %s, want 200", rec.Code, rec.Body)
	}
	records := auditRecords(t, logs.String())
	if len(records) != 1 {
		t.Fatalf("audit records: got %d, want 1:\n%s", len(records), logs)
	}
	checkFixedKeys(t, records[0])
	if got := records[0]["event"]; got != auditKeyRotated {
		t.Errorf("event: got %v, want %q", got, auditKeyRotated)
	}
	if got, want := records[0]["kid"], s.deps.Keys.ActiveKeyID(); got != want {
		t.Errorf("kid: got %v, want the new active key %s", got, want)
	}
}

func TestAuditRevocationRecord(t *testing.T) {
	before := time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)
	cases := []struct {
		name  string
		entry revocation.Entry
		want  map[string]any
	}{
		{"token", revocation.Entry{Kind: revocation.KindToken, JTI: "abc"},
			map[string]any{"jti": "abc", "revocation": "token", "sub": ""}},
		{"subject", revocation.Entry{Kind: revocation.KindSubject, SubjectKind: "service",
			Subject: "bob", Before: before, Reason: "left"},
			map[string]any{"sub": "bob", "kind": "service", "revocation": "subject",
				"before": before.Format(time.RFC3339), "reason": "left"}},
		{"key", revocation.Entry{Kind: revocation.KindKey, KID: "k1"},
			map[string]any{"kid": "k1", "revocation": "key"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
			logs := &syncBuffer{}
			s := newObservedServer(t, clock, logs)
			ctx := s.echo.NewContext(httptest.NewRequest("POST", "/v1/revocations", nil),
				httptest.NewRecorder())
			ctx.Set(callerKey, "admin")
			s.auditRevocation(ctx, c.entry)
			records := auditRecords(t, logs.String())
			if len(records) != 1 {
				t.Fatalf("audit records: got %d, want 1", len(records))
			}
			checkFixedKeys(t, records[0])
			c.want["event"] = auditRevocationAdded
			c.want["caller"] = "admin"
			for k, v := range c.want {
				if got := records[0][k]; got != v {
					t.Errorf("%s: got %v, want %v", k, got, v)
				}
			}
		})
	}
}

func TestAuditTextFormat(t *testing.T) {
	logs := &syncBuffer{}
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	s := newObservedServer(t, clock, &syncBuffer{})
	s.log = slog.New(slog.NewTextHandler(logs, nil))
	ctx := s.echo.NewContext(httptest.NewRequest("POST", "/v1/keys/k1/retire", nil),
		httptest.NewRecorder())
	s.auditKey(ctx, auditKeyRetired, "k1")
	line := logs.String()
	for _, part := range []string{"msg=audit", `event="key retired"`, "kid=k1", "caller=",
		"request_id="} {
		if !strings.Contains(line, part) {
			t.Errorf("text record %q: got no %q", line, part)
		}
	}
}
