package e2e

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hubjwt/hubjwt/internal/servetest"
)

// auditEvents returns the audit records in JSON process output, by event.
func auditEvents(t *testing.T, logs string) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var rec map[string]any
		if json.Unmarshal(sc.Bytes(), &rec) != nil || rec["msg"] != "audit" {
			continue
		}
		event, _ := rec["event"].(string)
		out[event] = rec
	}
	return out
}

func TestAuditLogJSON(t *testing.T) {
	p := servetest.Start(t, servetest.Options{Env: []string{"HUBJWT_LOG_FORMAT=json"}})
	tok := mint(t, p, map[string]any{"subject": "alice", "kind": "user",
		"scopes": []string{"read:users!user=alice"}})
	status, _, body := call(t, "POST", p.URL+"/v1/revocations", "application/json",
		"Bearer "+p.AdminToken(), `{"token": "`+tok.AccessToken+`"}`)
	if status != http.StatusOK {
		t.Fatalf("revoke: got %d %s, want 200", status, body)
	}
	// force: the next key was published a moment ago, not keys.prepublish ago.
	status, _, body = call(t, "POST", p.URL+"/v1/keys/rotate?force=true", "",
		"Bearer "+p.AdminToken(), "")
	if status != http.StatusOK {
		t.Fatalf("rotate: got %d %s, want 200", status, body)
	}
	if !p.WaitForLog(`"event":"token minted"`, `"event":"revocation added"`,
		`"event":"key rotated"`) {
		t.Fatalf("logs: got not every audit record:\n%s", p.Logs())
	}
	events := auditEvents(t, p.Logs())

	cases := []struct {
		event string
		want  map[string]any
	}{
		{"token minted", map[string]any{"sub": "alice", "kind": "user",
			"scope": tok.Scope, "caller": "admin", "grant": "admin"}},
		{"revocation added", map[string]any{"revocation": "token", "caller": "admin"}},
		{"key rotated", map[string]any{"caller": "admin", "remote": "127.0.0.1"}},
	}
	for _, c := range cases {
		t.Run(c.event, func(t *testing.T) {
			rec, ok := events[c.event]
			if !ok {
				t.Fatalf("got no %q audit record in:\n%s", c.event, p.Logs())
			}
			for _, k := range []string{"event", "sub", "kind", "scope", "jti", "kid", "caller",
				"remote", "request_id"} {
				if _, ok := rec[k]; !ok {
					t.Errorf("key %q: got none, want every fixed key", k)
				}
			}
			for k, v := range c.want {
				if rec[k] != v {
					t.Errorf("%s: got %v, want %v", k, rec[k], v)
				}
			}
		})
	}
	if minted, revoked := events["token minted"], events["revocation added"]; minted != nil &&
		revoked != nil && minted["jti"] != revoked["jti"] {
		t.Errorf("revoked jti %v: want the minted token's %v", revoked["jti"], minted["jti"])
	}
	signature := tok.AccessToken[strings.LastIndex(tok.AccessToken, ".")+1:]
	if strings.Contains(p.Logs(), signature) {
		t.Error("logs: got the token's signature, want no token in the log")
	}
}
