// Package node builds the node's services from one Config, starts them in order and stops them
// in reverse: the scheduler (engine), the HTTP API and the app's endpoints.
package node

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/metrics"
	"github.com/aria-node/aria/backend/models"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// Config is everything a node needs; the CLI and the desktop app fill it.
type Config struct {
	DataDir string // identity, models, keys
	Model   string // model file to load at start ("" : the newest local model, if any)
	Addr    string // HTTP listen address; default 127.0.0.1:8741
	APIKey  string // required off loopback; generated and stored when empty
	// AllowedHosts are host names, besides loopback's, that a loopback API answers to (a name
	// the user gave 127.0.0.1 in /etc/hosts, say).
	AllowedHosts []string
	Threads      int
	Context      int
	Queue        int
	Cache        model.CacheType
	Frontend     fs.FS // the built web interface, served at / (nil: none)
	// WattsPerCore sets the energy estimate's power per busy core (0: the default model); it is
	// used only where no energy counter can be read.
	WattsPerCore float64
	PowercapRoot string // default /sys/class/powercap
	HubURL       string // Hugging Face (default https://huggingface.co; tests use a local server)
	Version      string
	Log          *slog.Logger

	// The network. The identity, the ledger and the policy exist in every node; the libp2p peer
	// starts only with P2P.
	// Layers loads only this layer range ([from, to)): the node serves that hop of other nodes'
	// pipelines and answers no request itself.
	Layers    [2]int
	P2P       bool
	P2PListen []string // multiaddrs (default: TCP and QUIC on every interface)
	Bootstrap []string // multiaddrs ending in /p2p/ID
	NoMDNS    bool
	DHTServer bool // answer DHT queries even when not known to be reachable (bootstrap nodes)
	NoPortMap bool
	Route     string // local (default), remote or pipeline
	// CapsInterval is how often peers' capabilities are refreshed (default 30 s; tests shorter).
	CapsInterval time.Duration
}

// DefaultAddr is the API's default address: loopback only.
const DefaultAddr = "127.0.0.1:8741"

// Node is a running node.
type Node struct {
	cfg    Config
	sched  *scheduler.Scheduler
	bus    *events.Bus
	meter  *metrics.Meter
	stop   context.CancelFunc
	bg     context.Context // lives until Shutdown: downloads, the metrics sampler
	models *models.Manager
	dl     *downloads
	srv    *http.Server
	ln     net.Listener
	url    string
	key    string
	once   sync.Once
	served chan error
	net    *network
}

// ModelsDir is where model files live.
func (c *Config) ModelsDir() string { return filepath.Join(c.DataDir, "models") }

// Start builds and starts the node's services. The API listens when Start returns.
func Start(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Addr == "" {
		cfg.Addr = DefaultAddr
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.DataDir == "" {
		return nil, errors.New("node: no data directory")
	}
	if err := os.MkdirAll(cfg.ModelsDir(), 0o755); err != nil {
		return nil, fmt.Errorf("node: data directory: %w", err)
	}
	n := &Node{cfg: cfg, served: make(chan error, 1)}
	loopback := api.IsLoopback(cfg.Addr)
	n.key = cfg.APIKey
	if !loopback && n.key == "" {
		k, err := loadOrCreateKey(filepath.Join(cfg.DataDir, "api-key"))
		if err != nil {
			return nil, err
		}
		n.key = k
	}
	n.bus = events.NewBus(0)
	n.meter = metrics.NewMeter(metrics.Detect(cfg.PowercapRoot, cfg.WattsPerCore), n.bus.Publish)
	n.sched = scheduler.New(scheduler.Config{Threads: cfg.Threads, Context: cfg.Context, Queue: cfg.Queue, Cache: cfg.Cache, Layers: cfg.Layers},
		observer{n.meter, n.bus})
	bg, stop := context.WithCancel(context.Background())
	n.bg, n.stop = bg, stop
	go n.meter.Run(bg, time.Second)
	mm, err := models.New(cfg.ModelsDir())
	if err != nil {
		stop()
		return nil, fmt.Errorf("node: %w", err)
	}
	if cfg.HubURL != "" {
		mm.BaseURL = cfg.HubURL
	}
	n.models = mm
	n.dl = &downloads{cancel: map[string]context.CancelFunc{}, last: map[string]models.Progress{}, publish: n.bus.Publish}
	if cfg.Model != "" {
		if _, err := n.sched.Load(ctx, cfg.Model); err != nil {
			stop()
			n.sched.Close()
			return nil, fmt.Errorf("node: %w", err)
		}
	} else if p := newestModel(mm.List()); p != "" {
		// The app reopens with the model used last (the newest file) instead of an empty chat.
		if _, err := n.sched.Load(ctx, p); err != nil {
			cfg.Log.Warn("could not load the newest local model", "path", p, "err", err)
		}
	}
	if err := n.startNetwork(ctx); err != nil {
		stop()
		n.sched.Close()
		return nil, fmt.Errorf("node: %w", err)
	}
	h := api.New(api.Options{
		Sched: router{n.sched, n}, Models: n.localModels, APIKey: n.key, RequireAuth: !loopback,
		Loopback: loopback, AllowedHosts: cfg.AllowedHosts,
		Static: cfg.Frontend, Version: cfg.Version,
		Mounts: n.appMounts(),
		Extra:  n.extra,
		Status: n.status,
	})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		stop()
		n.stopNetwork()
		n.sched.Close()
		return nil, fmt.Errorf("node: listen on %s: %w", cfg.Addr, err)
	}
	n.ln = ln
	n.url = "http://" + ln.Addr().String()
	n.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { n.served <- n.srv.Serve(ln) }()
	cfg.Log.Info("node started", "url", n.url, "auth", !loopback)
	return n, nil
}

// URL is the API's base URL.
func (n *Node) URL() string { return n.url }

// APIKey is the key clients send off loopback ("" on loopback).
func (n *Node) APIKey() string { return n.key }

// Scheduler gives access to the engine's queue.
func (n *Node) Scheduler() *scheduler.Scheduler { return n.sched }

// Wait blocks until the server stops.
func (n *Node) Wait() error {
	err := <-n.served
	n.served <- err
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting requests, lets running ones finish until ctx ends, then stops the
// engine.
func (n *Node) Shutdown(ctx context.Context) error {
	var err error
	n.once.Do(func() {
		n.bus.Close() // ends the event streams, which would hold Shutdown
		err = n.srv.Shutdown(ctx)
		n.stopNetwork()
		n.sched.Close()
		n.stop()
	})
	return err
}

// Bus is the node's event bus.
func (n *Node) Bus() *events.Bus { return n.bus }

// observer feeds the meter and publishes every token on the bus.
type observer struct {
	*metrics.Meter
	bus *events.Bus
}

func (o observer) Token(id string, t inference.Token) {
	o.Meter.Token(id, t)
	if t.Text != "" {
		o.bus.Publish("token", events.Token{ID: id, Text: t.Text})
	}
}

// extra is the "aria" object of an API response: the meter's figures for the request.
func (n *Node) extra(id string) *api.Energy {
	r, ok := n.meter.Report(id)
	if !ok {
		return nil
	}
	return &api.Energy{MJPerToken: r.MJPerToken, EnergyMJ: r.EnergyMJ, EnergyKind: r.EnergyKind, EnergyDetail: r.EnergyDetail}
}

// status is the node's part of GET /api/status.
func (n *Node) status() api.NodeStatus {
	src := n.meter.Source()
	return api.NodeStatus{Address: n.url, EnergyKind: src.Kind(), EnergyDetail: src.Describe()}
}

// Close stops the node at once.
func (n *Node) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return n.Shutdown(ctx)
}

// localModels lists the models directory for the OpenAI layer.
func (n *Node) localModels() []api.LocalModel {
	var out []api.LocalModel
	for _, l := range n.models.List() {
		out = append(out, api.LocalModel{ID: l.Name, Path: l.Path})
	}
	return out
}

// loadOrCreateKey reads the stored API key, or creates one (0600).
func loadOrCreateKey(path string) (string, error) {
	if b, err := os.ReadFile(path); err == nil && len(strings.TrimSpace(string(b))) >= 16 {
		return strings.TrimSpace(string(b)), nil
	}
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	k := "aria-" + hex.EncodeToString(b[:])
	if err := os.WriteFile(path, []byte(k+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("store the API key: %w", err)
	}
	return k, nil
}

// newestModel is the most recently written local model file, or "".
func newestModel(ls []models.Local) string {
	var best string
	var bestT time.Time
	for _, l := range ls {
		if st, err := os.Stat(l.Path); err == nil && st.ModTime().After(bestT) {
			best, bestT = l.Path, st.ModTime()
		}
	}
	return best
}
