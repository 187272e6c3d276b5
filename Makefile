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

APT_TEST   := qemu-user
.PHONY: all deps deps-go deps-test build run test test-go test-arm64 test-purego test-fuzz test-cli vet fmt-check fuzz clean

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

## deps-test: Debian packages the tests need (qemu-user runs the arm64 kernels on amd64).
deps-test:
	@missing=""; for p in $(APT_TEST); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

## build: the single binary bin/aria (no cgo).
build: deps-go
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

## run: start the app (for now: the terminal chat with the offline demo model).
run: build
	./$(BIN)

## test: everything — vet, formatting, unit and conformance tests, a short fuzz run, CLI end to end.
test: deps-go deps-test fmt-check vet test-go test-purego test-arm64 test-fuzz test-cli
	@echo "make test: all checks passed"

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

test-go:
	ARIA_FIXTURES=$(FIXTURES) $(GO) test -count=1 -timeout 15m ./...

## test-arm64: the NEON kernels, bit-exact against the portable ones, under QEMU — with the
## dot-product extension (default CPU) and without it (Cortex-A53).
test-arm64: deps-test
	GOARCH=arm64 $(GO) vet ./inference/...
	GOARCH=arm64 $(GO) test -count=1 -exec qemu-aarch64 ./inference/kernels/
	QEMU_CPU=cortex-a53 GOARCH=arm64 $(GO) test -count=1 -exec qemu-aarch64 -run 'T2|Tier|F16|Rows' ./inference/kernels/

## test-purego: the build without any assembly.
test-purego:
	$(GO) vet -tags purego ./...
	$(GO) test -count=1 -tags purego ./inference/kernels/ ./inference/model/

test-fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME) ./inference/gguf/
	$(GO) test -run '^$$' -fuzz '^FuzzEncodeDecode$$' -fuzztime $(FUZZTIME) ./inference/tokenizer/

## test-cli: the built binary against every published fixture, as a user would run it.
test-cli: build
	@set -e; tiers=$$(./$(BIN) info --cpu --json | sed -n '/"available"/,/]/p' | grep -o '"[a-z0-9]*"' | tr -d '"' | grep -v available); \
	for tier in $$tiers; do for ref in $(FIXTURES)/*.ref.json; do \
		model=$(FIXTURES)/$$(basename $$ref .ref.json).gguf; \
		echo "ARIA_KERNELS=$$tier aria conform --check $$(basename $$model)"; \
		ARIA_KERNELS=$$tier ./$(BIN) conform --model $$model --prompts $$ref --check -o /dev/null; \
	done; done
	@tmp=$$(mktemp -d); trap 'rm -rf $$tmp' EXIT; \
	./$(BIN) synth --shape tiny --type i2_s --arch bitnet-b1.58 --out $$tmp/m.gguf && \
	./$(BIN) info $$tmp/m.gguf >/dev/null && \
	./$(BIN) generate $$tmp/m.gguf -p "Hello" -n 8 --seed 3 --chat >/dev/null

## fuzz: longer fuzzing runs (FUZZTIME=10m make fuzz).
fuzz: FUZZTIME = 5m
fuzz: test-fuzz

clean:
	rm -rf bin
