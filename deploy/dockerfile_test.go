package deploy

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction with its continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, USER, ...
	args string
}

// stage is one FROM and the instructions after it.
type stage struct {
	from         string // image reference as written, with ${ARG} expanded
	name         string // AS name, or ""
	instructions []instruction
}

// parseDockerfile splits path into instructions and stages. It expands ARG
// defaults declared before the first FROM in FROM lines, as docker does.
func parseDockerfile(t *testing.T, path string) (globalArgs map[string]string, stages []stage) {
	t.Helper()
	globalArgs = map[string]string{}
	for _, line := range dockerfileLines(t, path) {
		cmd, args, _ := strings.Cut(line, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args)}
		switch {
		case in.cmd == "FROM":
			expanded := os.Expand(in.args, func(k string) string { return globalArgs[k] })
			fields := strings.Fields(expanded)
			s := stage{from: fields[0]}
			if len(fields) == 3 && strings.EqualFold(fields[1], "AS") {
				s.name = fields[2]
			}
			stages = append(stages, s)
		case len(stages) == 0 && in.cmd == "ARG":
			k, v, _ := strings.Cut(in.args, "=")
			globalArgs[k] = v
		case len(stages) == 0:
			t.Fatalf("%s: got %s before the first FROM, want only ARG there", path, in.cmd)
		default:
			last := &stages[len(stages)-1]
			last.instructions = append(last.instructions, in)
		}
	}
	return globalArgs, stages
}

// dockerfileLines returns the instructions of path, one a line, with comments
// and blank lines dropped and continuation lines joined.
func dockerfileLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var lines []string
	var cur strings.Builder
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" && cur.Len() == 0 || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutSuffix(line, "\\"); ok {
			cur.WriteString(rest + " ")
			continue
		}
		cur.WriteString(line)
		lines = append(lines, cur.String())
		cur.Reset()
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines
}

// goModVersion returns the go directive of the module's go.mod.
func goModVersion(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)$`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod: got no go directive")
	}
	return string(m[1])
}

func TestDockerfile(t *testing.T) {
	args, stages := parseDockerfile(t, "Dockerfile")
	if len(stages) < 2 {
		t.Fatalf("stages: got %d, want a build stage and a runtime stage", len(stages))
	}
	build, final := stages[0], stages[len(stages)-1]

	t.Run("build stage Go version matches go.mod", func(t *testing.T) {
		want := goModVersion(t)
		if got := args["GO_VERSION"]; got != want {
			t.Errorf("ARG GO_VERSION: got %q, want %q from go.mod", got, want)
		}
		if !strings.HasPrefix(build.from, "golang:"+want) {
			t.Errorf("build FROM: got %q, want golang:%s", build.from, want)
		}
	})
	t.Run("static build", func(t *testing.T) {
		var found bool
		for _, in := range build.instructions {
			if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
				found = true
				if !strings.Contains(in.args, "CGO_ENABLED=0") {
					t.Errorf("go build: got %q, want CGO_ENABLED=0", in.args)
				}
				if !strings.Contains(in.args, "./cmd/hubjwt") {
					t.Errorf("go build: got %q, want ./cmd/hubjwt", in.args)
				}
			}
		}
		if !found {
			t.Error("build stage: got no RUN go build")
		}
	})
	t.Run("final stage base", func(t *testing.T) {
		if final.from != "scratch" && !strings.Contains(final.from, "distroless/static") {
			t.Errorf("final FROM: got %q, want scratch or distroless/static", final.from)
		}
	})
	t.Run("final stage user", func(t *testing.T) {
		user := ""
		for _, in := range final.instructions {
			if in.cmd == "USER" {
				user = in.args
			}
		}
		if !regexp.MustCompile(`^[1-9][0-9]*(:[1-9][0-9]*)?$`).MatchString(user) {
			t.Errorf("USER: got %q, want a numeric non-root uid[:gid]", user)
		}
	})
	t.Run("copies from build stage", func(t *testing.T) {
		var found bool
		for _, in := range final.instructions {
			if in.cmd == "COPY" && strings.Contains(in.args, "--from="+build.name) &&
				strings.Contains(in.args, "/usr/local/bin/hubjwt") {
				found = true
			}
		}
		if !found {
			t.Errorf("final stage: got no COPY --from=%s of the binary", build.name)
		}
	})
	t.Run("no healthcheck", func(t *testing.T) {
		for _, s := range stages {
			for _, in := range s.instructions {
				if in.cmd == "HEALTHCHECK" {
					t.Errorf("got HEALTHCHECK %s, want none: Kubernetes probes /healthz", in.args)
				}
			}
		}
	})
	t.Run("entrypoint serves", func(t *testing.T) {
		var entry, cmd string
		for _, in := range final.instructions {
			switch in.cmd {
			case "ENTRYPOINT":
				entry = in.args
			case "CMD":
				cmd = in.args
			}
		}
		if entry != `["/usr/local/bin/hubjwt"]` || cmd != `["serve"]` {
			t.Errorf("ENTRYPOINT %s CMD %s: want [\"/usr/local/bin/hubjwt\"] [\"serve\"]",
				entry, cmd)
		}
	})
}
