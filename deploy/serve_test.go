package deploy

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/internal/servetest"
)

// standInKey is a key encryption secret of the length the chart generates
// (43 characters); hubjwt rejects secrets shorter than 32 bytes.
const standInKey = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFG"

// hubStandIn keeps every process in these tests on loopback: the configs name
// hub hosts that do not exist here, and port 1 has no listener.
const hubStandIn = "HUBJWT_JUPYTERHUB_API_URL=http://127.0.0.1:1/hub/api"

// writeConfig writes text to a temporary hubjwt.yaml and returns its path. A
// non-empty keyPath in text is replaced by a temporary file holding standInKey.
func writeConfig(t *testing.T, text, keyPath string) string {
	t.Helper()
	dir := t.TempDir()
	key := filepath.Join(dir, "encryption-key")
	if err := os.WriteFile(key, []byte(standInKey), 0o600); err != nil {
		t.Fatal(err)
	}
	if keyPath != "" {
		text = strings.ReplaceAll(text, keyPath, key)
	}
	file := filepath.Join(dir, "hubjwt.yaml")
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

// checkReady fails the test unless GET /readyz of p returns 200.
func checkReady(t *testing.T, p *servetest.Process) {
	t.Helper()
	resp, err := http.Get(p.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /readyz: got %d, want 200\n%s", resp.StatusCode, p.Logs())
	}
}

// TestChartConfigServes runs `hubjwt serve --config` on the chart's rendered
// config file. The harness overrides listen, issuer and data_dir with
// loopback values through HUBJWT_* variables, which win over the file.
func TestChartConfigServes(t *testing.T) {
	r := render(t, baseValues(nil))
	file := writeConfig(t, r.configMap.Data["hubjwt.yaml"], "/etc/hubjwt/secrets/encryption-key")
	p := servetest.Start(t, servetest.Options{
		Args: []string{"--config", file},
		Env: []string{hubStandIn, "HUBJWT_ADMIN_TOKEN=chart-admin-token",
			"HUBJWT_JUPYTERHUB_API_TOKEN=chart-hub-token"},
	})
	checkReady(t, p)
}

// TestSystemdConfigServes runs `hubjwt serve` on the example config with the
// unit's Environment lines, as the unit would.
func TestSystemdConfigServes(t *testing.T) {
	b, err := os.ReadFile("examples/hubjwt.yaml")
	if err != nil {
		t.Fatal(err)
	}
	credentials := t.TempDir()
	if err := os.WriteFile(filepath.Join(credentials, "encryption-key"), []byte(standInKey),
		0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{hubStandIn, "HUBJWT_JUPYTERHUB_API_TOKEN=unit-hub-token"}
	for _, e := range parseUnit(t, unitPath)["Service.Environment"] {
		if !strings.HasPrefix(e, "HUBJWT_DATA_DIR=") {
			env = append(env, strings.ReplaceAll(e, "%d", credentials))
		}
	}
	p := servetest.Start(t, servetest.Options{
		Args: []string{"--config", writeConfig(t, string(b), "")}, Env: env,
	})
	checkReady(t, p)
}

// TestComposeEnvironmentServes runs `hubjwt serve` with the compose file's
// environment for the hubjwt service, on a Redis with the append-only file
// that the test starts on loopback in place of the redis service.
func TestComposeEnvironmentServes(t *testing.T) {
	redis := redistest.Start(t, redistest.WithAOF())
	env := []string{hubStandIn}
	for k, v := range loadCompose(t).Services["hubjwt"].Environment {
		switch {
		case k == "HUBJWT_REDIS_URL":
			v = redis.URL()
		case k == "HUBJWT_JUPYTERHUB_API_URL" || k == "HUBJWT_ISSUER":
			continue
		case strings.HasPrefix(v, "${"):
			v = standInKey
		}
		env = append(env, k+"="+v)
	}
	p := servetest.Start(t, servetest.Options{Env: env})
	checkReady(t, p)
	if !p.WaitForLog(`"store":"redis"`) {
		t.Errorf("logs: got no store=redis in JSON, want the Redis backend:\n%s", p.Logs())
	}
	keys, err := redis.Client(t).Keys(context.Background(), "hubjwt:*").Result()
	if err != nil || len(keys) == 0 {
		t.Errorf("redis keys hubjwt:*: got %v (%v), want the key set stored there", keys, err)
	}
}
