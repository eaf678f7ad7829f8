package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/internal/boltdb"
)

// adminClient calls the admin API of a running `hubjwt serve`.
type adminClient struct {
	base  string
	token string
	http  *http.Client
}

// addAdminFlags adds --url and --admin-token to a command that may call the
// admin API.
func addAdminFlags(cmd *cobra.Command) {
	cmd.Flags().String("url", "", "base `URL` of a running hubjwt serve (default from listen)")
	cmd.Flags().String("admin-token", "", "admin bearer token (default admin.token, "+
		"then <data_dir>/admin-token)")
}

// newAdminClient builds a client from --url, --admin-token and the config.
func newAdminClient(cmd *cobra.Command, cfg config.Config) (*adminClient, error) {
	base, _ := cmd.Flags().GetString("url")
	if base == "" {
		base = "http://" + cfg.Listen
	}
	tok, _ := cmd.Flags().GetString("admin-token")
	if tok == "" {
		tok = cfg.Admin.Token
	}
	if tok == "" {
		path := filepath.Join(cfg.DataDir, adminTokenFile)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("no admin token: set admin.token, HUBJWT_ADMIN_TOKEN or "+
				"--admin-token (reading %s failed: %v)", path, err)
		}
		tok = strings.TrimSpace(string(b))
	}
	return &adminClient{base: strings.TrimRight(base, "/"), token: tok,
		http: &http.Client{Timeout: 30 * time.Second}}, nil
}

// do sends a JSON request and decodes a JSON response into out. A non-2xx
// response becomes an error carrying the server's error_description.
func (a *adminClient) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return fmt.Errorf("invalid --url %q: %w", a.base, err)
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := a.http.Do(req)
	if err != nil {
		return fmt.Errorf("call the admin API at %s: %w (is hubjwt serve running? set --url)",
			a.base, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("read the admin API response: %w", err)
	}
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(raw, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s %s%s: %d %s: %s", method, a.base, path, resp.StatusCode, e.Error,
				e.Description)
		}
		return fmt.Errorf("%s %s%s: HTTP %d", method, a.base, path, resp.StatusCode)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("decode the admin API response: %w", err)
	}
	return nil
}

// errUseAdminAPI means the command must go through the admin API of a running
// server: --url was given, or a server holds the embedded store.
var errUseAdminAPI = errors.New("use the admin API")

// openStore opens the key and revocation stores directly, or returns
// errUseAdminAPI. It never creates an embedded store: a missing one is an
// error, so a command run in the wrong directory does not mint with new keys
// that no server publishes.
func openStore(cmd *cobra.Command, cfg config.Config) (localKeys, func(), error) {
	if cmd.Flags().Changed("url") {
		return localKeys{}, nil, errUseAdminAPI
	}
	if !cfg.Redis.Enabled() {
		path := filepath.Join(cfg.DataDir, boltdb.FileName)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			return localKeys{}, nil, fmt.Errorf("no key store at %s: run hubjwt serve with this "+
				"data_dir first, set data_dir (HUBJWT_DATA_DIR) to the server's, or pass --url", path)
		}
	}
	l, closeStore, err := openLocalKeys(cmd.Context(), cfg)
	if errors.Is(err, boltdb.ErrLocked) {
		return localKeys{}, nil, errUseAdminAPI
	}
	return l, closeStore, err
}
