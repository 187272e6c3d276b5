# ARIA — build, run and test. `make run` and `make test` work on a fresh Debian 12 / Ubuntu
# machine: they install what they need first.

SHELL      := /bin/bash
GO         ?= go
BIN        := bin/aria
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS    := -s -w -X github.com/aria-node/aria/backend/cli.Version=$(VERSION)
FIXTURES   ?= $(abspath ../shared/fixtures)
FUZZTIME   ?= 15s
export CGO_ENABLED := 0

.PHONY: all deps deps-go build run test test-go test-fuzz test-cli vet fmt-check fuzz clean

all: build

## deps: install the toolchain the build needs (Go ≥ 1.21, which fetches the pinned Go itself).
deps: deps-go

deps-go:
	@if ! command -v $(GO) >/dev/null 2>&1; then \
		echo "Go not found: installing golang-go from apt (it fetches the Go version go.mod names)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq golang-go ca-certificates git; \
	fi
	@v=$$($(GO) env GOVERSION | sed 's/^go//'); \
	case "$$v" in 1.1[0-9]*|1.20*) echo "Go $$v is too old: install Go 1.21 or newer (https://go.dev/dl), then run make again"; exit 1;; esac
	$(GO) mod download

## build: the single binary bin/aria (no cgo).
build: deps-go
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

## run: start the app (for now: the terminal chat with the offline demo model).
run: build
	./$(BIN)

## test: everything — vet, formatting, unit and conformance tests, a short fuzz run, CLI end to end.
test: deps-go fmt-check vet test-go test-fuzz test-cli
	@echo "make test: all checks passed"

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test-go:
	ARIA_FIXTURES=$(FIXTURES) $(GO) test -count=1 -timeout 15m ./...

test-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./inference/gguf/
	$(GO) test -run '^$$' -fuzz '^FuzzEncodeDecode$$' -fuzztime $(FUZZTIME) ./inference/tokenizer/

## test-cli: the built binary against every published fixture, as a user would run it.
test-cli: build
	@set -e; for ref in $(FIXTURES)/*.ref.json; do \
		model=$(FIXTURES)/$$(basename $$ref .ref.json).gguf; \
		echo "aria conform --check $$(basename $$model)"; \
		./$(BIN) conform --model $$model --prompts $$ref --check -o /dev/null; \
	done
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	./$(BIN) synth --shape tiny --type i2_s --arch bitnet-b1.58 --out $$tmp/m.gguf && \
	./$(BIN) info $$tmp/m.gguf >/dev/null && \
	./$(BIN) generate $$tmp/m.gguf -p "Hello" -n 8 --seed 3 --chat >/dev/null

## fuzz: longer fuzzing runs (FUZZTIME=10m make fuzz).
fuzz: FUZZTIME = 5m
fuzz: test-fuzz

clean:
	rm -rf bin
