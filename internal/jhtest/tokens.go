package jhtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"testing"
	"time"
)

// NewUserToken creates an API token for user with the given scopes through
// POST /users/{name}/tokens, using the harness's own service credential, and
// returns the token. The hub rejects scopes the user does not hold. Nil scopes
// give the hub's default, inherit.
func (h *Hub) NewUserToken(t testing.TB, user string, scopes []string) string {
	t.Helper()
	body := map[string]any{"note": "jhtest"}
	if scopes != nil {
		body["scopes"] = scopes
	}
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatalf("jhtest: encode token request: %v", err)
	}

	path := "/users/" + url.PathEscape(user) + "/tokens"
	req, err := http.NewRequest(http.MethodPost, h.APIURL()+path, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("jhtest: %v", err)
	}
	req.Header.Set("Authorization", "token "+h.AdminToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("jhtest: POST %s: %v", path, err)
	}
	defer resp.Body.Close()

	respBody, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		t.Fatalf("jhtest: POST %s: got status %d, want 201: %s", path, resp.StatusCode, respBody)
	}

	var created struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(respBody, &created); err != nil || created.Token == "" {
		t.Fatalf("jhtest: POST %s: response has no token (%v)", path, err)
	}
	return created.Token
}

// String returns a short description of the hub for failure messages.
func (h *Hub) String() string { return fmt.Sprintf("jupyterhub at %s", h.APIURL()) }
