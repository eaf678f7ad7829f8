package deploy

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/internal/servetest"
)

const unitPath = "systemd/hubjwt.service"

// unitFile maps "Section.Key" to every value given, in order.
type unitFile map[string][]string

func parseUnit(t *testing.T, path string) unitFile {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	u := unitFile{}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok {
				t.Fatalf("%s: line %q: want Key=Value", path, line)
			}
			u[section+"."+k] = append(u[section+"."+k], v)
		}
	}
	return u
}

// last returns the value in force for key: the last one given.
func (u unitFile) last(key string) (string, bool) {
	v := u[key]
	if len(v) == 0 {
		return "", false
	}
	return v[len(v)-1], true
}

func TestSystemdUnitHardening(t *testing.T) {
	u := parseUnit(t, unitPath)
	want := map[string]string{
		"ProtectSystem":           "strict",
		"StateDirectory":          "hubjwt",
		"NoNewPrivileges":         "yes",
		"PrivateTmp":              "yes",
		"ProtectHome":             "yes",
		"CapabilityBoundingSet":   "",
		"LockPersonality":         "yes",
		"MemoryDenyWriteExecute":  "yes",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
	}
	for key, value := range want {
		t.Run(key, func(t *testing.T) {
			got, ok := u.last("Service." + key)
			if !ok || got != value {
				t.Errorf("got %q (set %v), want %q", got, ok, value)
			}
		})
	}
	t.Run("user", func(t *testing.T) {
		dynamic, _ := u.last("Service.DynamicUser")
		user, _ := u.last("Service.User")
		if dynamic != "yes" && user != "hubjwt" {
			t.Errorf("DynamicUser %q User %q: want DynamicUser=yes or User=hubjwt", dynamic, user)
		}
	})
	t.Run("SystemCallFilter", func(t *testing.T) {
		if !slices.Contains(u["Service.SystemCallFilter"], "@system-service") {
			t.Errorf("got %v, want @system-service", u["Service.SystemCallFilter"])
		}
	})
	t.Run("data dir", func(t *testing.T) {
		if !slices.Contains(u["Service.Environment"], "HUBJWT_DATA_DIR=/var/lib/hubjwt") {
			t.Errorf("Environment: got %v, want HUBJWT_DATA_DIR=/var/lib/hubjwt, the StateDirectory",
				u["Service.Environment"])
		}
	})
	t.Run("ExecStart", func(t *testing.T) {
		got, _ := u.last("Service.ExecStart")
		if !strings.HasPrefix(got, "/usr/local/bin/hubjwt serve ") {
			t.Errorf("got %q, want /usr/local/bin/hubjwt serve ...", got)
		}
	})
}

// systemdAnalyze returns the systemd-analyze path, failing with the install
// hint when it is missing.
func systemdAnalyze(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Fatal("systemd-analyze not found: install it with `apt-get install -y systemd` " +
			"(make test runs scripts/test-deps.sh, which does)")
	}
	return path
}

// unitCopy writes the unit to a temporary directory with ExecStart pointing at
// binary, because systemd-analyze verify checks that the program exists.
func unitCopy(t *testing.T, binary string, edit func(string) string) string {
	t.Helper()
	b, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Replace(string(b), "ExecStart=/usr/local/bin/hubjwt ", "ExecStart="+binary+" ", 1)
	if edit != nil {
		text = edit(text)
	}
	path := filepath.Join(t.TempDir(), "hubjwt.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// verifyFindings runs systemd-analyze verify on unit and returns the lines
// that concern it. verify exits 0 on unknown keys and bad values and only
// prints them, so every such line counts as a finding.
func verifyFindings(t *testing.T, unit string) []string {
	t.Helper()
	out, err := exec.Command(systemdAnalyze(t), "verify", unit).CombinedOutput()
	var findings []string
	for _, line := range strings.Split(string(out), "\n") {
		if strings.Contains(line, filepath.Base(unit)) {
			findings = append(findings, line)
		}
	}
	if err != nil && len(findings) == 0 {
		findings = append(findings, "systemd-analyze verify: "+err.Error()+": "+string(out))
	}
	return findings
}

func TestSystemdUnitVerifies(t *testing.T) {
	binary := servetest.Binary(t)
	cases := []struct {
		name string
		edit func(string) string
		ok   bool
	}{
		{"unit as shipped", nil, true},
		{"misspelled key is caught", func(s string) string {
			return strings.Replace(s, "ProtectSystem=", "ProtectSytem=", 1)
		}, false},
		{"missing program is caught", func(s string) string {
			return strings.Replace(s, binary, "/nonexistent/hubjwt", 1)
		}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			findings := verifyFindings(t, unitCopy(t, binary, tc.edit))
			if tc.ok && len(findings) > 0 {
				t.Errorf("systemd-analyze verify: got\n%s\nwant no findings",
					strings.Join(findings, "\n"))
			}
			if !tc.ok && len(findings) == 0 {
				t.Error("systemd-analyze verify: got no findings, want the broken copy reported")
			}
		})
	}
}

// maxExposure is the highest overall exposure `systemd-analyze security`
// may give the unit, on its scale of 0 (locked down) to 10 (unprotected). The
// unit as written scores 1.4 with systemd 252.
const maxExposure = 2.0

func TestSystemdUnitExposure(t *testing.T) {
	// The offline security check reads the unit only, so the program need not exist.
	out, err := exec.Command(systemdAnalyze(t), "security", "--offline=yes", unitPath).
		CombinedOutput()
	if err != nil {
		t.Fatalf("systemd-analyze security: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Overall exposure level for \S+: ([0-9.]+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("systemd-analyze security: got no overall exposure level in\n%s", out)
	}
	score, err := strconv.ParseFloat(string(m[1]), 64)
	if err != nil {
		t.Fatal(err)
	}
	if score > maxExposure {
		t.Errorf("exposure: got %.1f, want at most %.1f", score, maxExposure)
	}
}

// TestSystemdExampleConfigLoads loads deploy/examples/hubjwt.yaml with the
// unit's Environment lines, as the service would. A temporary directory
// stands for the credential directory %d.
func TestSystemdExampleConfigLoads(t *testing.T) {
	u := parseUnit(t, unitPath)
	credentials := t.TempDir()
	key := filepath.Join(credentials, "encryption-key")
	if err := os.WriteFile(key, []byte("example-encryption-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// The hub API token comes from the EnvironmentFile /etc/hubjwt/hubjwt.env.
	env := []string{"HUBJWT_JUPYTERHUB_API_TOKEN=stand-in-hub-token"}
	for _, e := range u["Service.Environment"] {
		env = append(env, strings.ReplaceAll(e, "%d", credentials))
	}
	cfg, err := config.Load(config.Options{File: "examples/hubjwt.yaml", Environ: env})
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	if cfg.DataDir != "/var/lib/hubjwt" {
		t.Errorf("data_dir: got %q, want /var/lib/hubjwt", cfg.DataDir)
	}
	if cfg.Keys.EncryptionKey != "example-encryption-key" {
		t.Errorf("keys.encryption_key: got %q, want the credential file's content",
			cfg.Keys.EncryptionKey)
	}
}

func TestRedisExampleConfigLoads(t *testing.T) {
	dir := t.TempDir()
	b, err := os.ReadFile("examples/hubjwt-redis.yaml")
	if err != nil {
		t.Fatal(err)
	}
	key := filepath.Join(dir, "encryption-key")
	if err := os.WriteFile(key, []byte("example-encryption-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "/etc/hubjwt/secrets/encryption-key", key)
	file := filepath.Join(dir, "hubjwt.yaml")
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(config.Options{File: file, Environ: []string{}})
	if err != nil {
		t.Fatalf("config.Load: %v", err)
	}
	if cfg.Redis.MasterName != "hubjwt" || len(cfg.Redis.Addrs) != 3 {
		t.Errorf("redis: got master %q addrs %v, want hubjwt and three Sentinels",
			cfg.Redis.MasterName, cfg.Redis.Addrs)
	}
}
