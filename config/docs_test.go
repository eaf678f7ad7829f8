package config

import (
	"os"
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
