package cli

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/node"
	"github.com/aria-node/aria/backend/route"
	"github.com/aria-node/aria/inference/model"
)

// serveFlags are the node's command-line settings, shared by `serve` and the desktop app.
type serveFlags struct {
	model, addr, apiKey, dataDir, cache string
	threads, ctx, queue                 int
	watts, audit                        float64
	listen, bootstrap, allowedHosts     []string
	noP2P, noMDNS, dhtServer            bool
	capsInterval                        time.Duration
	route, contribute, layers           string
	memoryEmbedder, memoryEncryption    string
	updateFeed                          string
}

// UpdateFeedEnv names a release feed for the update check instead of the built-in one (tests
// serve their own; the feed must still be signed with the built-in key).
const UpdateFeedEnv = "ARIA_UPDATE_FEED"

// NodeConfig is the node configuration the desktop app starts with (defaults, environment, and
// the saved settings: the API listens where they say).
func NodeConfig(stdio IO) (node.Config, error) {
	return (&serveFlags{cache: "f16", memoryEmbedder: node.EmbedLexical, audit: route.DefaultAuditShare}).config(stdio)
}

func (f *serveFlags) config(stdio IO) (node.Config, error) {
	dir := f.dataDir
	if dir == "" {
		d, err := DataDir()
		if err != nil {
			return node.Config{}, fmt.Errorf("data directory: %w", err)
		}
		dir = d
	}
	cache, err := model.ParseCacheType(f.cache)
	if err != nil {
		return node.Config{}, err
	}
	if f.apiKey != "" {
		if err := api.CheckKey(f.apiKey); err != nil {
			return node.Config{}, usageError{fmt.Errorf("--api-key: %w", err)}
		}
	}
	var lr [2]int
	if f.layers != "" {
		if _, err := fmt.Sscanf(f.layers, "%d:%d", &lr[0], &lr[1]); err != nil || lr[0] < 0 || lr[1] <= lr[0] {
			return node.Config{}, usageError{fmt.Errorf("--layers %q: want FROM:TO with 0 ≤ FROM < TO", f.layers)}
		}
	}
	if f.memoryEmbedder != node.EmbedLexical && f.memoryEmbedder != node.EmbedModel {
		return node.Config{}, usageError{fmt.Errorf("--memory-embedder %q: want lexical or model", f.memoryEmbedder)}
	}
	seal, err := memory.ParseSealMode(f.memoryEncryption)
	if err != nil {
		return node.Config{}, usageError{fmt.Errorf("--memory-encryption: %w", err)}
	}
	if seal == memory.SealPassphrase && os.Getenv(PassphraseEnv) == "" {
		return node.Config{}, usageError{fmt.Errorf("--memory-encryption passphrase: set $%s", PassphraseEnv)}
	}
	if f.audit < 0 || f.audit > 1 {
		return node.Config{}, usageError{fmt.Errorf("--audit %v: want a share between 0 and 1", f.audit)}
	}
	if f.audit == 0 {
		f.audit = -1 // none: the node's 0 means the default
	}
	clock, err := testClock()
	if err != nil {
		return node.Config{}, err
	}
	feed := f.updateFeed
	if feed == "" {
		feed = os.Getenv(UpdateFeedEnv)
	}
	return node.Config{DataDir: dir, Model: f.model, Addr: f.addr, APIKey: f.apiKey, AllowedHosts: f.allowedHosts, Threads: f.threads,
		Context: f.ctx, Queue: f.queue, Cache: cache, WattsPerCore: f.watts, Frontend: stdio.Frontend, Version: Version,
		Log: slog.New(slog.NewTextHandler(stdio.Err, nil)),
		P2P: !f.noP2P, P2PListen: f.listen, Bootstrap: f.bootstrap, NoMDNS: f.noMDNS, DHTServer: f.dhtServer, Route: f.route, AuditShare: f.audit,
		CapsInterval: f.capsInterval, LayerRange: lr, Clock: clock, MemoryEmbedder: f.memoryEmbedder,
		MemorySeal: seal, MemoryPassphrase: os.Getenv(PassphraseEnv), UpdateFeed: feed}, nil
}

// testClock is the memory's clock from $ARIA_TEST_NOW (an RFC 3339 time the clock starts at and
// runs on from), for tests of time-triggered intentions across runs; nil when unset.
func testClock() (func() time.Time, error) {
	s := os.Getenv("ARIA_TEST_NOW")
	if s == "" {
		return nil, nil
	}
	base, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, fmt.Errorf("ARIA_TEST_NOW=%q: want an RFC 3339 time: %w", s, err)
	}
	start := time.Now()
	return func() time.Time { return base.Add(time.Since(start)) }, nil
}

func serveCmd(stdio IO) *cobra.Command {
	f := &serveFlags{}
	c := &cobra.Command{
		Use:   "serve [--model FILE] [--addr HOST:PORT]",
		Short: "Run the node headless: OpenAI-compatible API and the app in a browser",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !cmd.Flags().Changed("addr") {
				f.addr = "" // the saved settings' address (127.0.0.1:8741 unless changed)
			}
			cfg, err := f.config(stdio)
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			n, err := node.Start(ctx, cfg)
			if err != nil {
				return err
			}
			switch f.contribute {
			case "":
			case "on", "off":
				if err := n.SetContributing(f.contribute == "on"); err != nil {
					n.Close()
					return err
				}
			default:
				n.Close()
				return usageError{fmt.Errorf("--contribute %q: want on or off", f.contribute)}
			}
			fmt.Fprintf(stdio.Out, "ARIA node listening on %s\n", n.URL())
			fmt.Fprintf(stdio.Out, "peer ID %s\n", n.PeerID())
			if p := n.P2P(); p != nil {
				for _, a := range p.Addrs() {
					fmt.Fprintf(stdio.Out, "p2p address %s\n", a)
				}
			}
			st := n.Policy().Status()
			fmt.Fprintf(stdio.Err, "contributing to the network: %v %s\n", st.Contributing, st.Reason)
			if n.SettingsState().Server.AuthRequired {
				fmt.Fprintf(stdio.Out, "API key (send as Authorization: Bearer KEY): %s\n", n.APIKey())
			}
			if info, ok := n.Scheduler().Model(); ok {
				fmt.Fprintf(stdio.Err, "model %s loaded (%d threads, %s kernels)\n", info.ID, info.Threads, info.Kernels)
			} else {
				fmt.Fprintln(stdio.Err, "no model loaded: pass --model FILE, or load one from the app")
			}
			select {
			case <-ctx.Done():
			case <-waitC(n):
			}
			fmt.Fprintln(stdio.Err, "shutting down")
			sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			return n.Shutdown(sctx)
		},
	}
	fl := c.Flags()
	fl.StringVarP(&f.model, "model", "m", "", "model file (GGUF) to load at start")
	fl.StringVar(&f.addr, "addr", node.DefaultAddr, "listen address, instead of the settings' (port 0 picks a free one; off loopback an API key is required)")
	fl.StringArrayVar(&f.allowedHosts, "allowed-host", nil, "a host name, besides 127.0.0.1, localhost and [::1], that the loopback API answers to (repeatable)")
	fl.StringVar(&f.apiKey, "api-key", "", "API key required off loopback (default: generated and stored in the data directory)")
	fl.StringVar(&f.dataDir, "data-dir", "", "data directory (default: the per-user one, or $ARIA_DATA_DIR)")
	fl.IntVarP(&f.threads, "threads", "t", 0, "worker threads (0: physical cores)")
	fl.IntVarP(&f.ctx, "ctx", "c", 4096, "context window in tokens")
	fl.IntVar(&f.queue, "queue", 16, "requests that may wait for the engine (beyond: 429)")
	fl.StringVar(&f.cache, "cache-type", "f16", "KV cache type: f16 or f32")
	fl.StringArrayVar(&f.listen, "p2p-listen", nil, "libp2p listen multiaddr, repeatable (default: TCP and QUIC, every interface, any port)")
	fl.StringArrayVar(&f.bootstrap, "bootstrap", nil, "bootstrap peer multiaddr ending in /p2p/ID, repeatable")
	fl.BoolVar(&f.noP2P, "no-p2p", false, "do not join the network")
	fl.BoolVar(&f.noMDNS, "no-mdns", false, "no LAN discovery")
	fl.BoolVar(&f.dhtServer, "dht-server", false, "answer DHT queries even before this node is known to be reachable (bootstrap nodes)")
	fl.StringVar(&f.route, "route", "local", "where requests run: local, remote (on a peer) or pipeline (layers split over peers)")
	fl.StringVar(&f.memoryEmbedder, "memory-embedder", node.EmbedLexical, "vectors of memories: lexical (hashed words, the default) or model (the loaded model's hidden states, made again after each model change)")
	fl.StringVar(&f.memoryEncryption, "memory-encryption", "off", "encrypt memory.db at rest: off, keychain (a key kept in the OS keychain) or passphrase (from $"+PassphraseEnv+"); once encrypted it stays so")
	fl.Float64Var(&f.audit, "audit", route.DefaultAuditShare, "share of pipelined requests' layer time spent re-executing peers' work to catch wrong results (0: none)")
	fl.DurationVar(&f.capsInterval, "caps-interval", 0, "how often peers' capabilities are refreshed (default 30s)")
	_ = fl.MarkHidden("caps-interval") // for tests
	fl.StringVar(&f.updateFeed, "update-feed", "", "release feed of the update check (default: the project's; $"+UpdateFeedEnv+")")
	_ = fl.MarkHidden("update-feed") // for tests
	fl.StringVar(&f.layers, "layers", "", "load only layers FROM:TO of the model and serve them as a hop of other nodes' pipelines (for a model too large for one machine)")
	fl.StringVar(&f.contribute, "contribute", "", "on or off: switch work for peers (saved in the data directory's policy)")
	fl.Float64Var(&f.watts, "watts-per-core", 0, "power per busy core for the energy estimate where no energy counter is readable (0: 10 W on x86, 3 W on arm64)")
	return c
}

func waitC(n *node.Node) <-chan struct{} {
	c := make(chan struct{})
	go func() { _ = n.Wait(); close(c) }()
	return c
}
