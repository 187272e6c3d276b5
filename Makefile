# ARIA — build, run and test. `make run` and `make test` work on a fresh Debian 12 / Ubuntu
# machine: they install what they need first.

SHELL      := /bin/bash
GO         ?= go
BIN        := bin/aria
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS    := -s -w -X github.com/aria-node/aria/backend/cli.Version=$(VERSION)
FIXTURES   ?= $(abspath inference/fixtures/testdata)
FUZZTIME   ?= 15s
export CGO_ENABLED := 0

# Debian/Ubuntu packages: the desktop window (Wails v2 on WebKitGTK 4.1), and the tests (QEMU for
# the arm64 kernels, Chromium for the browser end-to-end test, Xvfb and ImageMagick for the window
# smoke test).
APT_GUI    := build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev
APT_TEST   := qemu-user chromium xvfb xauth dbus-x11 x11-utils imagemagick curl python3 gnome-keyring desktop-file-utils
GUI_TAGS   := desktop,production,webkit2_41
NPM        ?= npm
# playwright-core drives Debian's /usr/bin/chromium: never let npm fetch a browser.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1

# apt-install installs the missing packages among $(1) (as root, or through sudo).
define apt-install
	@missing=""; for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi
endef

.PHONY: all deps deps-go deps-gui deps-node deps-test frontend build build-headless run test test-go \
	test-arm64 test-purego test-race test-cross test-fuzz test-cli deps-clients test-frontend test-e2e test-window vet fmt-check fuzz clean

all: build

## deps: install the toolchain the build needs (Go ≥ 1.21, which fetches the pinned Go itself).
deps: deps-go deps-gui deps-node

deps-go:
	@if ! command -v $(GO) >/dev/null 2>&1; then \
		echo "Go not found: installing golang-go from apt (it fetches the Go version go.mod names)"; \
		SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq golang-go ca-certificates git; \
	fi
	@v=$$($(GO) env GOVERSION | sed 's/^go//'); \
	case "$$v" in 1.1[0-9]*|1.20*) echo "Go $$v is too old: install Go 1.21 or newer (https://go.dev/dl), then run make again"; exit 1;; esac
	$(GO) mod download

## deps-gui: the C libraries of the desktop window (GTK 3, WebKitGTK 4.1) and a C compiler.
deps-gui:
	$(call apt-install,$(APT_GUI))

## deps-node: Node.js and npm for the frontend (Node 18 or newer).
deps-node:
	@if ! command -v node >/dev/null 2>&1 || ! command -v $(NPM) >/dev/null 2>&1; then \
		echo "Node.js not found: installing nodejs and npm from apt"; SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq nodejs npm; \
	fi

## deps-test: Debian packages the tests need.
deps-test:
	$(call apt-install,$(APT_TEST))

## frontend: the web interface, built into frontend/dist (embedded into the binary).
frontend: deps-node
	cd frontend && $(NPM) ci --no-audit --no-fund --loglevel=error && $(NPM) run build

## build: the single binary bin/aria, with the desktop window (cgo, WebKitGTK).
build: deps-go deps-gui frontend
	CGO_ENABLED=1 $(GO) build -tags $(GUI_TAGS) -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

## build-headless: bin/aria without the window (no cgo): servers, CI, cross-compiling.
build-headless: deps-go
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) .

## generate: re-run the assembly generators (inference/kernels/asmgen/*.py, python3) and write
## the .s files they produce, which are committed; TestGeneratedAsm checks they are up to date.
.PHONY: generate
generate:
	@for g in inference/kernels/asmgen/*.py; do echo "python3 $$g"; python3 $$g || exit 1; done

## run: open the app (on a machine without a display it runs the node headless and prints its address).
run: build
	./$(BIN)

## test: everything — vet, formatting, unit and conformance tests, a short fuzz run, the CLI end to
## end, the frontend's unit tests, OpenAI clients against a real node, the browser end-to-end test
## and the desktop window under Xvfb.
test: deps-go deps-test fmt-check vet test-cross test-go test-race test-purego test-arm64 test-fuzz test-cli test-frontend test-e2e test-window
	@echo "make test: all checks passed"

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

## deps-clients: the OpenAI npm client the API tests drive (backend/api/testdata/openai-client).
deps-clients: deps-node
	cd backend/api/testdata/openai-client && $(NPM) ci --no-audit --no-fund --loglevel=error

test-go: build deps-clients
	ARIA_BIN=$(abspath $(BIN)) ARIA_FIXTURES=$(FIXTURES) $(GO) test -count=1 -timeout 15m ./...
	@# The flood test compares the node's latency with and without a flood: alone on the machine.
	ARIA_BIN=$(abspath $(BIN)) ARIA_TEST_ALONE=1 $(GO) test -count=1 -timeout 5m -run '^TestServeProcessUnderFlood$$' ./backend/node/

## test-race: the node's packages, where peers, streams and the ledger run concurrently, and the
## engine's sessions under the race detector (which needs cgo and a C compiler). The tests that
## start aria processes run in test-go only: the detector sees into this process, not theirs.
test-race: deps-gui
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 10m ./backend/... ./inference/

## test-cross: the headless node builds for Windows and macOS too (the desktop shell needs their
## toolchains, which CI workflows on those systems provide).
test-cross:
	GOOS=windows GOARCH=amd64 $(GO) build -o /dev/null .
	GOOS=darwin GOARCH=arm64 $(GO) build -o /dev/null .

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
	$(GO) test -run '^$$' -fuzz '^FuzzRead$$' -fuzztime $(FUZZTIME) ./backend/wire/
	$(GO) test -run '^$$' -fuzz '^FuzzDecodeCaps$$' -fuzztime $(FUZZTIME) ./backend/p2p/
	$(GO) test -run '^$$' -fuzz '^FuzzVerifyReceipt$$' -fuzztime $(FUZZTIME) ./backend/ledger/

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

## test-frontend: the interface's unit tests (Vitest).
test-frontend: frontend
	cd frontend && $(NPM) test

## test-e2e: the interface in headless Chromium against a real node serving a synthetic model;
## saves docs/screenshot-chat.png.
test-e2e: build deps-test
	cd frontend && ARIA_BIN=$(abspath $(BIN)) $(NPM) run e2e

## test-window: the desktop binary on a virtual display, with the test as the desktop's tray (a
## StatusNotifier watcher on a private session bus): the window shows the page, the tray's menu
## and the API agree on the contribution policy, a second launch shows the first window.
test-window: build deps-test
	GO=$(GO) ARIA_BIN=$(abspath $(BIN)) ./.ci/window-smoke

clean:
	rm -rf bin frontend/dist/assets frontend/dist/index.html
