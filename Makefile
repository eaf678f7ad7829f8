# hubjwt: run `make help` for the targets.

GO          ?= go
BIN         := bin/hubjwt
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS     := -s -w -X main.version=$(VERSION)
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT   := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
# Packages whose benchmarks `make bench` runs.
BENCH_PKGS  := ./token/ ./scopes/ ./revocation/...
BENCH_COUNT ?= 8

.DEFAULT_GOAL := help
.PHONY: help build run test test-deps bench bench-http lint clean

help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

build: ## Build bin/hubjwt
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/hubjwt

run: build ## Build and serve on 127.0.0.1:8090 with data in ./data
	./$(BIN) serve

test-deps: ## Install what the tests run against (redis-server, JupyterHub, PyJWT)
	@bash scripts/test-deps.sh

test: test-deps ## go vet, then every test with the race detector
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 12m ./...

bench: ## Benchmarks with their floors, BENCH_COUNT runs each, summarized by benchstat
	$(GO) test -run '^$$' -bench . -benchmem -count $(BENCH_COUNT) $(BENCH_PKGS) | tee bench.out
	$(GO) run $(BENCHSTAT) bench.out

bench-http: ## JWKS requests per second against nginx serving the same bytes (wrk)
	@bash scripts/bench-http.sh

lint: ## gofmt check, go vet and staticcheck
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

clean: ## Remove build outputs and benchmark files (never ./data)
	rm -rf bin bench.out
