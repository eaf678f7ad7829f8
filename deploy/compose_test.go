package deploy

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/hubjwt/hubjwt/config"
)

// composeFile is the part of the Compose specification the tests read.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       *composeBuild     `yaml:"build"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	ReadOnly    bool              `yaml:"read_only"`
	CapDrop     []string          `yaml:"cap_drop"`
	DependsOn   map[string]any    `yaml:"depends_on"`
}

type composeBuild struct {
	Context    string `yaml:"context"`
	Dockerfile string `yaml:"dockerfile"`
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	b, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(b, &c); err != nil {
		t.Fatalf("compose.yaml: %v", err)
	}
	return c
}

func TestComposeServices(t *testing.T) {
	c := loadCompose(t)
	got := slices.Sorted(func(yield func(string) bool) {
		for name := range c.Services {
			if !yield(name) {
				return
			}
		}
	})
	if want := []string{"hubjwt", "jupyterhub", "redis"}; !slices.Equal(got, want) {
		t.Errorf("services: got %v, want %v", got, want)
	}
}

func TestComposeRedisAppendOnly(t *testing.T) {
	cmd := loadCompose(t).Services["redis"].Command
	i := slices.Index(cmd, "--appendonly")
	if i < 0 || i+1 >= len(cmd) || cmd[i+1] != "yes" {
		t.Errorf("redis command: got %v, want --appendonly yes", cmd)
	}
	vols := loadCompose(t).Services["redis"].Volumes
	if !slices.ContainsFunc(vols, func(v string) bool { return strings.HasSuffix(v, ":/data") }) {
		t.Errorf("redis volumes: got %v, want a volume on /data for the append-only file", vols)
	}
}

func TestComposePortsLoopbackOnly(t *testing.T) {
	for name, svc := range loadCompose(t).Services {
		for _, p := range svc.Ports {
			t.Run(name+" "+p, func(t *testing.T) {
				if !strings.HasPrefix(p, "127.0.0.1:") || strings.Count(p, ":") != 2 {
					t.Errorf("published port %q: want 127.0.0.1:HOST:CONTAINER", p)
				}
			})
		}
	}
}

func TestComposeHubjwtWiring(t *testing.T) {
	c := loadCompose(t)
	h := c.Services["hubjwt"]
	cases := []struct {
		env     string
		service string
	}{
		{"HUBJWT_REDIS_URL", "redis"},
		{"HUBJWT_JUPYTERHUB_API_URL", "jupyterhub"},
		{"HUBJWT_ISSUER", "hubjwt"},
	}
	for _, tc := range cases {
		t.Run(tc.env, func(t *testing.T) {
			u, err := url.Parse(h.Environment[tc.env])
			if err != nil || u.Hostname() != tc.service {
				t.Errorf("%s=%q: got host %q, want the %s service", tc.env, h.Environment[tc.env],
					u.Hostname(), tc.service)
			}
		})
	}
	for _, env := range []string{"HUBJWT_JUPYTERHUB_API_TOKEN", "HUBJWT_ADMIN_TOKEN",
		"HUBJWT_KEYS_ENCRYPTION_KEY"} {
		if v := h.Environment[env]; !strings.HasPrefix(v, "${") || !strings.Contains(v, ":?") {
			t.Errorf("%s=%q: want a required ${VAR:?message} from deploy/.env", env, v)
		}
	}
	if h.Build == nil {
		t.Fatal("hubjwt: got no build section")
	}
	dockerfile := filepath.Join(h.Build.Context, h.Build.Dockerfile)
	if _, err := os.Stat(dockerfile); err != nil {
		t.Errorf("build: %v, want %s/%s to exist", err, h.Build.Context, h.Build.Dockerfile)
	}
	if !h.ReadOnly || !slices.Contains(h.CapDrop, "ALL") {
		t.Errorf("hubjwt: read_only %v cap_drop %v, want true and [ALL]", h.ReadOnly, h.CapDrop)
	}
	if _, ok := h.DependsOn["redis"]; !ok {
		t.Errorf("hubjwt depends_on: got %v, want redis", h.DependsOn)
	}
}

func TestComposeJupyterHubConfig(t *testing.T) {
	jh := loadCompose(t).Services["jupyterhub"]
	var configFile string
	for _, v := range jh.Volumes {
		if src, _, ok := strings.Cut(v, ":"); ok && strings.HasSuffix(src, ".py") {
			configFile = src
		}
	}
	if configFile == "" {
		t.Fatalf("jupyterhub volumes: got %v, want a mounted jupyterhub_config.py", jh.Volumes)
	}
	b, err := os.ReadFile(configFile)
	if err != nil {
		t.Fatalf("jupyterhub config: %v", err)
	}
	text := string(b)
	for _, want := range []string{`"name": "hubjwt"`, `os.environ["HUBJWT_HUB_TOKEN"]`,
		`"tokens"`, `"services": ["hubjwt"]`, `hub_bind_url = "http://0.0.0.0:8081"`} {
		if !strings.Contains(text, want) {
			t.Errorf("%s: got no %s", configFile, want)
		}
	}
	if jh.Environment["HUBJWT_HUB_TOKEN"] != loadCompose(t).Services["hubjwt"].
		Environment["HUBJWT_JUPYTERHUB_API_TOKEN"] {
		t.Error("hub service token: got different values for JupyterHub and hubjwt, want one")
	}
}

// TestComposeEnvironmentLoads loads hubjwt's compose environment, the
// ${VAR:?} references replaced by stand-ins, so a misspelled HUBJWT_ name or
// an invalid value fails here rather than at `docker compose up`.
func TestComposeEnvironmentLoads(t *testing.T) {
	h := loadCompose(t).Services["hubjwt"]
	env := []string{"HUBJWT_LISTEN=0.0.0.0:8090", "HUBJWT_DATA_DIR=" + t.TempDir()}
	for k, v := range h.Environment {
		if strings.HasPrefix(v, "${") {
			v = "stand-in-for-" + k
		}
		env = append(env, k+"="+v)
	}
	cfg, err := config.Load(config.Options{Environ: env})
	if err != nil {
		t.Fatalf("config.Load of the compose environment: %v", err)
	}
	if cfg.Redis.URL != "redis://redis:6379/0" {
		t.Errorf("redis.url: got %q, want redis://redis:6379/0", cfg.Redis.URL)
	}
	if cfg.Keys.EncryptionKey != "stand-in-for-HUBJWT_KEYS_ENCRYPTION_KEY" {
		t.Errorf("keys.encryption_key: got %q, want it from the environment",
			cfg.Keys.EncryptionKey)
	}
}
