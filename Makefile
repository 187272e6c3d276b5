# ARIA — build, run and test. `make run` and `make test` work on a fresh Debian 12 / Ubuntu
# machine: they install what they need first.

SHELL      := /bin/bash
GO         ?= go
BIN        := bin/aria
VERSION    ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT     ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null)
# The commit's date, not the build's: two builds of one commit are the same bytes.
COMMIT_DATE ?= $(shell git log -1 --format=%cI 2>/dev/null)
CLI_PKG    := github.com/aria-node/aria/backend/cli
LDFLAGS    := -s -w -X $(CLI_PKG).Version=$(VERSION) -X $(CLI_PKG).Commit=$(COMMIT) -X $(CLI_PKG).Date=$(COMMIT_DATE)
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
	test-arm64 test-purego test-race test-cross test-fuzz test-cli deps-clients test-frontend test-e2e test-window vet fmt-check fuzz clean \
	deps-dist dist test-dist dist-vars lint-workflows

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

## test: everything — vet, formatting, the workflows' lint, unit and conformance tests, a short
## fuzz run, the CLI end to end, the frontend's unit tests, OpenAI clients against a real node, the
## browser end-to-end test and the desktop window under Xvfb. (`make test-dist`, which builds and
## checks the installers, takes several minutes more and runs on its own.)
test: deps-go deps-test fmt-check vet lint-workflows test-cross test-go test-race test-purego test-arm64 test-fuzz test-cli test-frontend test-e2e test-window
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

## ---- installers ----
# Tools run at pinned versions with `go run`, so they never enter go.mod.
NFPM        := GOFLAGS= $(GO) run github.com/goreleaser/nfpm/v2/cmd/nfpm@v2.45.2
GOWINRES    := GOFLAGS= $(GO) run github.com/tc-hib/go-winres@v0.3.3
ACTIONLINT  := GOFLAGS= $(GO) run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
APT_DIST    := nsis p7zip-full desktop-file-utils file
APT_WINE    := wine64 wine xvfb xauth
DIST        := dist
DIST_WORK   := bin/dist
# The packages' version: the tag without its "v" ("v1.2.0-3-gabc1234" gives 1.2.0+3.gabc1234, a
# pre-release "-rc.1" gives ~rc.1, which Debian sorts before the release); 0.0.0+gitDATE.COMMIT
# before the first tag.
ifndef DIST_VERSION
DIST_VERSION := $(shell v=$$(git describe --tags --match 'v[0-9]*' 2>/dev/null) && echo "$$v" | \
	sed -E 's/^v//; s/-([0-9]+)-g([0-9a-f]+)$$/+\1.g\2/; s/-/~/g' || \
	echo "0.0.0+git$$(git log -1 --format=%cd --date=format:%Y%m%d 2>/dev/null).$$(git rev-parse --short HEAD 2>/dev/null)")
endif
# Windows wants four numbers in an executable's version resource.
WIN_VERSION  = $(shell echo '$(DIST_VERSION)' | sed -E 's/^([0-9]+)\.([0-9]+)\.([0-9]+).*/\1.\2.\3.0/')
DEB_ARCH    ?= $(shell dpkg --print-architecture 2>/dev/null || $(GO) env GOARCH)
DEB_MAINTAINER ?= ARIA developers <aria-node@users.noreply.github.com>
DEB          = $(DIST)/aria_$(DIST_VERSION)_$(DEB_ARCH).deb
WIN_SETUP    = $(DIST)/aria-$(DIST_VERSION)-windows-amd64-setup.exe
# Microsoft's Evergreen WebView2 bootstrapper (1.7 MB) ships inside the Wails module this project
# already requires (go.sum pins its hash), so the installer carries it without a download.
WEBVIEW2_SETUP ?= $(shell $(GO) list -m -f '{{.Dir}}' github.com/wailsapp/wails/v2 2>/dev/null)/internal/webview2runtime/MicrosoftEdgeWebview2Setup.exe

## deps-dist: the Debian packages that build and check the installers (makensis, 7z, desktop-file-validate).
deps-dist:
	$(call apt-install,$(APT_DIST))

## dist: the installers, built on this Linux machine, into dist/: the Debian package of the desktop
## build (`make build`) and the Windows installer (the window cross-built without cgo, packed with
## NSIS), with SHA256SUMS. macOS and the AppImage come from .github/workflows/release.yml.
dist: build deps-dist
	rm -rf $(DIST) $(DIST_WORK) && mkdir -p $(DIST) $(DIST_WORK)
	$(GO) run ./build/linux/icongen -src build/appicon.png -hicolor $(DIST_WORK)/hicolor -ico $(DIST_WORK)/aria.ico
	@# Debian/Ubuntu: /usr/bin/aria, the desktop entry and the hicolor icons.
	glibc=$$(objdump -T $(BIN) | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -1) && \
	SOURCE_DATE_EPOCH=$$(git log -1 --format=%ct) GLIBC_MIN=$${glibc#GLIBC_} ARIA_BIN=$(BIN) ICONS=$(DIST_WORK)/hicolor \
		DIST_VERSION='$(DIST_VERSION)' DEB_ARCH=$(DEB_ARCH) DEB_MAINTAINER='$(DEB_MAINTAINER)' \
		$(NFPM) package --config build/linux/nfpm.yaml --packager deb --target $(DEB)
	@# Windows: the icon, manifest and version resource as a .syso beside main.go for the length
	@# of one build (Go links every .syso of the package), then the window without cgo.
	cd $(DIST_WORK) && $(GOWINRES) simply --arch amd64 --out rsrc --manifest gui --icon aria.ico \
		--product-name ARIA --file-description ARIA --original-filename aria.exe --copyright 'ARIA developers' \
		--product-version $(WIN_VERSION) --file-version $(WIN_VERSION)
	mv $(DIST_WORK)/rsrc_windows_amd64.syso rsrc_windows_amd64.syso
	GOOS=windows GOARCH=amd64 CGO_ENABLED=0 $(GO) build -tags desktop,production -trimpath \
		-ldflags '$(LDFLAGS) -H windowsgui' -o $(DIST_WORK)/aria.exe . ; rc=$$?; rm -f rsrc_windows_amd64.syso; exit $$rc
	test -f '$(WEBVIEW2_SETUP)' || { echo "WebView2 bootstrapper not found at $(WEBVIEW2_SETUP)"; exit 1; }
	makensis -V2 -DVERSION='$(DIST_VERSION)' -DVIVERSION=$(WIN_VERSION) -DEXE=$(abspath $(DIST_WORK)/aria.exe) \
		-DICON=$(abspath $(DIST_WORK)/aria.ico) -DWEBVIEW2='$(WEBVIEW2_SETUP)' -DOUTFILE=$(abspath $(WIN_SETUP)) \
		build/windows/installer.nsi
	cd $(DIST) && sha256sum $(notdir $(DEB) $(WIN_SETUP)) > SHA256SUMS
	@ls -l $(DIST)

## test-dist: `make dist`, then what a user would check: the sums verify; the Windows installer is
## a 64-bit PE file under 40 MB holding aria.exe, and under Wine it installs for the user, registers
## its uninstaller, which keeps the user's data unless asked; the .deb installs with apt-get, runs
## and purges without a trace. It installs and purges the package `aria` on this machine (root or
## sudo), and installs Wine (wine64, without recommends) from apt.
test-dist: dist
	@missing=""; for p in $(APT_WINE); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; fi
	cd $(DIST) && sha256sum --check --strict SHA256SUMS
	build/windows/test-installer.sh $(WIN_SETUP) $(DIST_WORK)/aria.exe
	xvfb-run -a build/windows/test-installer-wine.sh $(WIN_SETUP) '$(DIST_VERSION)'
	build/linux/test-deb.sh $(DEB) '$(VERSION)' '$(COMMIT)'

## dist-vars: the build's version and link flags as NAME=value lines, for the release workflow's
## builds outside make (the macOS app): `make -s dist-vars >> "$$GITHUB_ENV"`.
dist-vars:
	@echo 'VERSION=$(VERSION)'
	@echo 'DIST_VERSION=$(DIST_VERSION)'
	@echo 'LDFLAGS=$(LDFLAGS)'

## lint-workflows: actionlint on .github/workflows/ (with shellcheck on their scripts), and
## shellcheck on the packaging scripts.
lint-workflows:
	$(call apt-install,shellcheck)
	$(ACTIONLINT) -no-color
	shellcheck build/linux/*.sh build/linux/appimage/AppRun build/windows/*.sh

clean:
	rm -rf bin dist frontend/dist/assets frontend/dist/index.html
