// Package node wires a node from one Config: it builds the parts (scheduler, models, identity,
// policy, ledger, libp2p peer, pipeline server, router, advertisement, HTTP API) and runs each
// long-lived one as a service under one supervisor, which restarts a failed service with
// back-off and stops them all with one cancel.
package node

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/thejerf/suture/v4"

	"github.com/aria-node/aria/backend/advert"
	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/keychain"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/prospect"
	"github.com/aria-node/aria/backend/metrics"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/policy"
	"github.com/aria-node/aria/backend/route"
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
	LayerRange [2]int
	P2P        bool
	P2PListen  []string // multiaddrs (default: TCP and QUIC on every interface)
	Bootstrap  []string // multiaddrs ending in /p2p/ID
	NoMDNS     bool
	DHTServer  bool // answer DHT queries even when not known to be reachable (bootstrap nodes)
	NoPortMap  bool
	Route      string // local (default), remote or pipeline
	// AuditShare is the share of pipelined routes' layer time spent re-executing peers' hops to
	// catch wrong work (0: route.DefaultAuditShare; negative: only when a request asks).
	AuditShare float64
	// Clock is the memory's time: when intentions fire (nil: the system clock; tests set it).
	Clock func() time.Time
	// MemoryEmbedder is EmbedLexical ("" too) or EmbedModel.
	MemoryEmbedder string
	// MemorySeal encrypts a plain memory.db at start (memory.SealOff: leave it as it is). A
	// sealed one opens with MemoryPassphrase or the key in the OS keychain, whichever its
	// record names.
	MemorySeal       memory.SealMode
	MemoryPassphrase string
	// CapsInterval is how often peers' capabilities are refreshed (default 30 s; tests shorter).
	CapsInterval time.Duration
	// Models is the models folder ("": the settings' models_dir, else DataDir/models).
	Models string
	// Executable is what starts at login ("": this executable).
	Executable string
	// UpdateFeed is the release feed of the update check ("": update.DefaultFeed); UpdateKey the
	// key it must be signed with (nil: the built-in one; tests give their own).
	UpdateFeed string
	UpdateKey  ed25519.PublicKey
}

// ErrListen: the API's address could not be listened on (taken, or not this machine's).
var ErrListen = errors.New("cannot listen")

// DefaultAddr is the API's default address, the default settings' (loopback only).
const DefaultAddr = "127.0.0.1:8741"

// Node is a running node.
type Node struct {
	cfg    Config
	bus    *events.Bus
	meter  *metrics.Meter
	sched  *scheduler.Scheduler
	models *library.Manager
	id     peer.ID
	policy *policy.Enforcer
	ledger *ledger.Ledger
	mind   *mind // memory: memory.db, intentions, chat turns
	emb    embeddings
	rem    reembedState // the memory's re-embedding after a model change (reembed.go)
	ad     *advert.Advert
	p2p    *p2p.Node // nil when the node does not join the network
	router *route.Router
	srv    *pipeline.Server // nil off the network
	http   *api.Server
	url    string
	set    prefs              // the app's settings and the API key (settings.go)
	stop   context.CancelFunc // the supervisor's
	done   chan struct{}      // closed when the supervisor has stopped every service
	err    error              // the supervisor's, once done
	once   sync.Once
}

// Start builds the node, starts its services and returns when the API listens. On error
// everything started is stopped again.
func Start(ctx context.Context, cfg Config) (n *Node, err error) {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.DataDir == "" {
		return nil, errors.New("node: no data directory")
	}
	// The directory holds the node's private key, ledger and API key: its owner's only.
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: data directory: %w", err)
	}
	if err := os.Chmod(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("node: data directory: %w", err)
	}
	n = &Node{cfg: cfg, bus: events.NewBus(0)}
	var undo []func()
	defer func() {
		if err != nil {
			for i := len(undo) - 1; i >= 0; i-- {
				undo[i]()
			}
			n, err = nil, fmt.Errorf("node: %w", err)
		}
	}()
	if err = n.openSettings(); err != nil { // the address and the models folder, unless cfg gives them
		return n, err
	}
	cfg = n.cfg
	if n.models, err = library.New(cfg.ModelsDir()); err != nil {
		return n, err
	}
	if cfg.HubURL != "" {
		n.models.BaseURL = cfg.HubURL
	}
	loopback := api.IsLoopback(cfg.Addr)
	if cfg.APIKey != "" {
		if err = api.CheckKey(cfg.APIKey); err != nil {
			return n, err
		}
	}
	if err = n.openKey(loopback); err != nil {
		return n, err
	}
	n.meter = metrics.NewMeter(metrics.Detect(cfg.PowercapRoot, cfg.WattsPerCore), n.bus.Publish)
	n.sched = scheduler.New(scheduler.Config{Threads: cfg.Threads, Context: cfg.Context, Queue: cfg.Queue, Cache: cfg.Cache, LayerRange: cfg.LayerRange},
		n.meter)
	undo = append(undo, n.sched.Close)
	if p := cfg.Model; p != "" {
		if _, err = n.sched.Load(ctx, p); err != nil {
			return n, err
		}
		// A file outside the models directory is listed too: the app's model picker and
		// Models page show the loaded model, and it can be loaded again by name.
		if err = n.models.AddPath(p); err != nil {
			return n, err
		}
	} else if p = n.models.Newest(); p != "" {
		if _, lerr := n.sched.Load(ctx, p); lerr != nil {
			cfg.Log.Warn("could not load the newest local model", "path", p, "err", lerr)
		}
	}

	key, err := p2p.LoadOrCreateIdentity(cfg.DataDir)
	if err != nil {
		return n, err
	}
	n.id, _ = peer.IDFromPrivateKey(key)
	pol, err := policy.Load(n.policyPath())
	if err != nil {
		return n, err
	}
	metered := &policy.NetworkManager{Log: cfg.Log, OnChange: n.publishPolicy}
	if n.policy, err = policy.New(pol, policy.Options{Cores: runtime.NumCPU(), Power: policy.SystemPower(), Network: metered}); err != nil {
		return n, err
	}
	if n.ledger, err = ledger.Open(ctx, filepath.Join(cfg.DataDir, "ledger.db"), key); err != nil {
		return n, err
	}
	undo = append(undo, func() { _ = n.ledger.Close() })
	clock := cfg.Clock
	if clock == nil {
		clock = time.Now
	}
	mo := memory.Options{Clock: clock, Seal: cfg.MemorySeal, Passphrase: cfg.MemoryPassphrase, Keychain: keychain.OS{}}
	if n.mind, err = openMemory(ctx, cfg.DataDir, n.sched, mo, cfg.Log); err != nil {
		return n, err
	}
	undo = append(undo, func() { _ = n.mind.store.Close() })
	if cfg.P2P {
		if n.p2p, err = p2p.New(ctx, p2p.Config{Key: key, Listen: cfg.P2PListen, Bootstrap: cfg.Bootstrap, MDNS: !cfg.NoMDNS,
			DHT: true, DHTServer: cfg.DHTServer, NoPortMap: cfg.NoPortMap, Version: cfg.Version, Log: cfg.Log,
			CapsInterval: cfg.CapsInterval, DiscoveryInterval: cfg.CapsInterval, Services: []p2p.Service{pipeline.Service}}); err != nil {
			return n, err
		}
		undo = append(undo, func() { _ = n.p2p.Close() })
	}
	ad := advert.New(advert.Config{Sched: n.sched, P2P: n.p2p, ModelsDir: cfg.ModelsDir(), Version: cfg.Version, Log: cfg.Log,
		Threads: n.policy.Threads, Contributing: func() bool { return n.policy.Status().Contributing },
		TokensPerSec: func() float64 { return n.router.LastTokensPerSec() }})
	n.ad = ad
	ev, err := n.ledger.EvidenceList(ctx)
	if err != nil {
		return n, err
	}
	rc := route.Config{Self: n.id, Engine: n.sched, Ledger: n.ledger, Publish: n.bus.Publish, ModelSHA: ad.LoadedSHA,
		Meter: n.meter, MsPerLayer: ad.MsPerLayer, Cache: cfg.Cache, Route: cfg.Route, Log: cfg.Log, AuditShare: cfg.AuditShare}
	for _, e := range ev {
		rc.Liars = append(rc.Liars, e.Peer) // caught before: they stay out of every route
	}
	if n.p2p != nil {
		rc.Peers = route.Net{P2P: n.p2p}
	}
	if n.router, err = route.New(rc); err != nil {
		return n, err
	}
	ln, err := net.Listen("tcp", n.cfg.Addr)
	if err != nil {
		return n, fmt.Errorf("%w on %s: %w", ErrListen, n.cfg.Addr, err)
	}
	undo = append(undo, func() { _ = ln.Close() })
	n.url = "http://" + ln.Addr().String()
	dl := library.NewDownloads(n.models, func(p library.Progress) { n.bus.Publish(events.TypeDownload, p) }, cfg.Log)
	app := &api.App{Bus: n.bus, Sched: n.sched, Models: n.models, Downloads: dl, Router: n.router, Self: n.id, P2P: n.p2p,
		Policy: n.policy, SetPolicy: n.setPolicy, Ledger: n.ledger}
	mounts := app.Mounts()
	for p, h := range (&api.Memories{Store: n.mind.store, Reembed: n.rem.get}).Mounts() {
		mounts[p] = h
	}
	for p, h := range (&api.Intentions{Book: n.mind.book, Clock: clock}).Mounts() {
		mounts[p] = h
	}
	conversations := &api.Conversations{Store: n.mind.convo, Publish: n.bus.Publish}
	for p, h := range conversations.Mounts() {
		mounts[p] = h
	}
	for p, h := range (&api.Settings{Backend: n}).Mounts() {
		mounts[p] = h
	}
	mounts["POST /v1/embeddings"] = &n.emb
	h := api.New(api.Options{Backend: backend{n.sched, n.router}, Models: n.localModels, Keys: n.set.keys, RequireAuth: !loopback,
		Loopback: loopback, AllowedHosts: cfg.AllowedHosts, Static: cfg.Frontend, Version: cfg.Version,
		Mounts: mounts, Meter: n.meter, Address: n.url, Memory: n.mind, Conversations: conversations, Log: cfg.Log})
	n.http = api.NewServer(h, ln)

	sup := suture.New("node", suture.Spec{EventHook: func(e suture.Event) { cfg.Log.Warn("service", "event", e.String()) }})
	svc := func(name string, serve func(context.Context) error) { sup.Add(service{name, serve}) }
	sup.Add(n.http)
	svc("scheduler", func(ctx context.Context) error { <-ctx.Done(); n.sched.Close(); return nil })
	svc("meter", func(ctx context.Context) error { n.meter.Run(ctx, time.Second); return nil })
	svc("downloads", dl.Serve)
	svc("advert", ad.Serve)
	svc("memory events", n.memoryEvents)
	svc("memory consolidation", n.memoryConsolidation)
	n.newUpdateChecker()
	svc("update", n.set.upd.Serve) // idle until the user turns the update check on
	if runtime.GOOS == "linux" {
		svc("metered", metered.Serve) // NetworkManager is Linux's; elsewhere the network is never metered
	}
	if n.p2p != nil {
		n.p2p.SetCapabilities(ad.Capabilities)
		known := newPeerSet()
		n.p2p.OnChange(func() {
			peers := n.p2p.Peers()
			n.bus.Publish(events.TypePeers, peers)
			if known.joined(peers) {
				if err := n.mind.chat.Event(context.Background(), prospect.EventPeerJoined); err != nil {
					cfg.Log.Warn("memory: peer-joined intentions", "err", err)
				}
			}
		})
		srv := &pipeline.Server{Host: n.p2p.Host(), Stages: stages{n.sched, ad}, Prepare: n.sched.Prepare, Generate: n.sched.GeneratePeer, Cache: cfg.Cache,
			Threads: n.policy.Threads, Gate: n.policy, Recorder: route.Recorder{Ledger: n.ledger, Threads: n.policy.Threads,
				Publish: n.bus.Publish, Log: cfg.Log}, MaxContext: max(cfg.Context, 4096), Log: cfg.Log}
		n.srv = srv
		srv.Start() // before Start returns: peers are served, and policy changes reach its streams
		svc("pipeline", func(ctx context.Context) error { <-ctx.Done(); srv.Stop(); return nil })
		svc("p2p", func(ctx context.Context) error { <-ctx.Done(); return n.p2p.Close() })
		cfg.Log.Info("peer started", "peer", n.p2p.ID().String(), "addrs", strings.Join(n.p2p.Addrs(), " "))
	}
	sctx, stop := context.WithCancel(context.Background())
	n.stop, n.done = stop, make(chan struct{})
	errc := sup.ServeBackground(sctx)
	go func() { n.err = <-errc; close(n.done) }()
	// Intentions waiting for the app to start are brought up by the first memory chat.
	if err := n.mind.chat.Event(ctx, prospect.EventAppStart); err != nil {
		cfg.Log.Warn("memory: app-start intentions", "err", err)
	}
	cfg.Log.Info("node started", "url", n.url, "auth", !loopback)
	return n, nil
}

// service is a named long-lived part run by the supervisor.
type service struct {
	name  string
	serve func(context.Context) error
}

func (s service) Serve(ctx context.Context) error { return s.serve(ctx) }
func (s service) String() string                  { return s.name }

// ModelsDir is where model files live.
func (c *Config) ModelsDir() string {
	if c.Models != "" {
		return c.Models
	}
	return filepath.Join(c.DataDir, "models")
}

func (n *Node) policyPath() string { return filepath.Join(n.cfg.DataDir, "policy.json") }

// URL is the API's base URL.
func (n *Node) URL() string { return n.url }

// APIKey is the key clients send off loopback ("" on loopback until one is made); it changes
// when the settings page regenerates it.
func (n *Node) APIKey() string { return n.set.keys.Get() }

// Scheduler gives access to the engine's queue.
func (n *Node) Scheduler() *scheduler.Scheduler { return n.sched }

// PeerID is the node's name on the network.
func (n *Node) PeerID() peer.ID { return n.id }

// P2P is the node's libp2p peer (nil when it does not join the network).
func (n *Node) P2P() *p2p.Node { return n.p2p }

// Policy is the node's contribution policy.
func (n *Node) Policy() *policy.Enforcer { return n.policy }

// Route is where requests run now.
func (n *Node) Route() string { return n.router.Route() }

// Wait blocks until the node has stopped.
func (n *Node) Wait() error {
	<-n.done
	if errors.Is(n.err, context.Canceled) {
		return nil
	}
	return n.err
}

// Shutdown stops accepting requests, lets running ones finish until ctx ends, then stops every
// service and waits for them.
func (n *Node) Shutdown(ctx context.Context) error {
	var err error
	n.once.Do(func() {
		n.bus.Close() // ends the event streams, which would hold Shutdown
		err = n.http.Shutdown(ctx)
		n.stop()
		<-n.done
		err = errors.Join(err, n.ledger.Close(), n.mind.store.Close())
	})
	return err
}

// Close stops the node at once.
func (n *Node) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return n.Shutdown(ctx)
}

// SetContributing switches work for peers on or off and saves the choice (the tray's toggle).
func (n *Node) SetContributing(on bool) error {
	p := n.policy.Policy()
	p.Contribute = on
	return n.setPolicy(p)
}

// SetPausedUntil pauses work for peers until t (the zero time resumes it) and saves the choice
// (the tray's timed pauses).
func (n *Node) SetPausedUntil(t time.Time) error {
	p := n.policy.Policy()
	p.PausedUntil = t
	return n.setPolicy(p)
}

// Events is the node's event bus, the one GET /api/events streams (the tray follows it too).
func (n *Node) Events() *events.Bus { return n.bus }

func (n *Node) setPolicy(p policy.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := p.Save(n.policyPath()); err != nil {
		return err
	}
	if err := n.policy.Update(p); err != nil {
		return err
	}
	if n.srv != nil {
		n.srv.Revoke() // streams admitted under the old policy stop if it no longer allows them
	}
	n.publishPolicy()
	return nil
}

// publishPolicy tells the pages, the tray and the peers the policy and whether it lets peers
// work now (after a change of the policy, or of the network's metered state).
func (n *Node) publishPolicy() {
	n.bus.Publish(events.TypePolicy, api.PolicyState{Policy: n.policy.Policy(), Status: n.policy.Status()})
	if n.p2p != nil {
		n.p2p.Refresh()
	}
}

// localModels lists the models directory for the OpenAI layer.
func (n *Node) localModels() []api.LocalModel {
	var out []api.LocalModel
	for _, l := range n.models.List() {
		out = append(out, api.LocalModel{ID: l.Name, Path: l.Path})
	}
	return out
}

// backend is the API's backend: the scheduler, with requests run by the router.
type backend struct {
	*scheduler.Scheduler
	r *route.Router
}

func (b backend) Generate(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
	return b.r.Generate(ctx, id, req, onToken)
}
