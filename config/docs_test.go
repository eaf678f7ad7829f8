package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDocsMentionEveryKey keeps docs/configuration.md complete: every key,
// its environment variable and its flag must appear in it.
func TestDocsMentionEveryKey(t *testing.T) {
	data, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatalf("read docs: %v", err)
	}
	doc := string(data)
	for _, f := range fields {
		t.Run(f.key, func(t *testing.T) {
			if !strings.Contains(doc, "`"+f.key+"`") {
				t.Errorf("docs/configuration.md: got no `%s`, want the key documented", f.key)
			}
			if f.kind == kindFileOnly {
				return
			}
			if env := EnvName(f.key); !strings.Contains(doc, env) {
				t.Errorf("docs/configuration.md: got no %s, want the variable of %s", env, f.key)
			}
			if flag := "--" + FlagName(f.key); !strings.Contains(doc, flag) {
				t.Errorf("docs/configuration.md: got no %s, want the flag of %s", flag, f.key)
			}
		})
	}
}

// TestDocsExampleLoads loads the example file of docs/configuration.md, with
// its key file path pointed at a temporary file.
func TestDocsExampleLoads(t *testing.T) {
	data, err := os.ReadFile("../docs/configuration.md")
	if err != nil {
		t.Fatalf("read docs: %v", err)
	}
	_, rest, found := strings.Cut(string(data), "## Example\n\n```yaml\n")
	if !found {
		t.Fatal("docs/configuration.md: got no ```yaml block under ## Example, want one")
	}
	example, _, _ := strings.Cut(rest, "```")

	const keyPath = "/etc/hubjwt/encryption-key"
	if !strings.Contains(example, keyPath) {
		t.Fatalf("example: got no %s, want the encryption key file", keyPath)
	}
	keyFile := filepath.Join(t.TempDir(), "encryption-key")
	if err := os.WriteFile(keyFile, []byte("example-key\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	example = strings.ReplaceAll(example, keyPath, keyFile)

	c, err := loadYAML(t, example, "HUBJWT_JUPYTERHUB_API_TOKEN=example-token")
	if err != nil {
		t.Fatalf("load example: %v", err)
	}
	if c.Keys.EncryptionKey != "example-key" {
		t.Errorf("encryption key: got %q, want example-key", c.Keys.EncryptionKey)
	}
	if got := len(c.Clients); got != 2 {
		t.Errorf("clients: got %d, want 2", got)
	}
}
