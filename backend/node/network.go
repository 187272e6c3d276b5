package node

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/shirou/gopsutil/v3/mem"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/metrics"
	"github.com/aria-node/aria/backend/models"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/policy"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
)

// Routes: where a request's layers run.
const (
	RouteLocal    = "local"    // on this node
	RouteRemote   = "remote"   // the whole request on a contributing peer that holds the model
	RoutePipeline = "pipeline" // the layers split over this node and contributing peers
)

// network is the node's peer-to-peer side: identity, ledger, policy, the libp2p peer and the
// pipeline server.
type network struct {
	key        crypto.PrivKey
	id         peer.ID
	ledger     *ledger.Ledger
	policy     *policy.Enforcer
	policyPath string
	p2p        *p2p.Node // nil when the node does not join the network
	srv        *pipeline.Server
	runners    []*inference.Runner // peers' layer work: the last is current, older ones may still run stages

	mu       sync.Mutex
	route    string
	sha      map[string]string // model path → SHA-256 (computed once)
	hashing  map[string]bool
	lastTPS  float64 // last local decode speed
	msLayer  float64 // measured at load: ms per layer per token
	provided string
	lastHops []pipeline.HopStats
	lastPath string // route of the last pipelined request
}

func (n *Node) startNetwork(ctx context.Context) error {
	cfg := n.cfg
	key, err := p2p.LoadOrCreateIdentity(cfg.DataDir)
	if err != nil {
		return err
	}
	id, _ := peer.IDFromPrivateKey(key)
	nw := &network{key: key, id: id, sha: map[string]string{}, hashing: map[string]bool{},
		policyPath: cfg.DataDir + "/policy.json", route: cfg.Route}
	switch nw.route {
	case "":
		nw.route = RouteLocal
	case RouteLocal, RouteRemote, RoutePipeline:
	default:
		return fmt.Errorf("route %q: want local, remote or pipeline", cfg.Route)
	}
	pol, err := policy.Load(nw.policyPath)
	if err != nil {
		return err
	}
	if nw.policy, err = policy.New(pol, policy.Options{Cores: runtime.NumCPU(), Power: policy.SystemPower()}); err != nil {
		return err
	}
	if nw.ledger, err = ledger.Open(ctx, cfg.DataDir+"/ledger.db", key); err != nil {
		return err
	}
	n.net = nw
	if info, ok := n.sched.Model(); ok {
		n.modelSHA(info.Path) // start hashing now: peers ask for it in the capabilities
		go n.probeSpeed()
	}
	if !cfg.P2P {
		return nil
	}
	pn, err := p2p.New(ctx, p2p.Config{Key: key, Listen: cfg.P2PListen, Bootstrap: cfg.Bootstrap, MDNS: !cfg.NoMDNS,
		DHT: true, DHTServer: cfg.DHTServer, NoPortMap: cfg.NoPortMap, Version: cfg.Version, Log: cfg.Log,
		CapsInterval: cfg.CapsInterval, DiscoveryInterval: cfg.CapsInterval})
	if err != nil {
		nw.ledger.Close()
		return err
	}
	nw.p2p = pn
	pn.SetCapabilities(n.capabilities)
	pn.OnChange(func() { n.bus.Publish("peers", pn.Peers()) })
	nw.runners = []*inference.Runner{inference.NewRunner(nw.policy.Threads())}
	nw.srv = &pipeline.Server{Host: pn.Host(), Stages: stages{n}, Prepare: n.sched.Prepare, Generate: n.sched.Generate, Runner: n.peerRunner,
		Gate: nw.policy, Recorder: ledgerRecorder{n}, MaxContext: max(cfg.Context, 4096), Log: cfg.Log}
	nw.srv.Start()
	cfg.Log.Info("peer started", "peer", pn.ID().String(), "addrs", strings.Join(pn.Addrs(), " "))
	return nil
}

func (n *Node) stopNetwork() {
	nw := n.net
	if nw == nil {
		return
	}
	if nw.srv != nil {
		nw.srv.Stop()
	}
	if nw.p2p != nil {
		_ = nw.p2p.Close()
	}
	for _, r := range nw.runners {
		r.Close()
	}
	_ = nw.ledger.Close()
}

// peerRunner is the pool for peers' layer work, sized by the policy's CPU share; a new one is
// made when the share changes (stages already open keep theirs).
func (n *Node) peerRunner() *inference.Runner {
	nw := n.net
	nw.mu.Lock()
	defer nw.mu.Unlock()
	cur := nw.runners[len(nw.runners)-1]
	if t := nw.policy.Threads(); t != cur.Threads() {
		cur = inference.NewRunner(t)
		nw.runners = append(nw.runners, cur)
	}
	return cur
}

// PeerID is the node's name on the network.
func (n *Node) PeerID() peer.ID { return n.net.id }

// P2P is the node's libp2p peer (nil when it does not join the network).
func (n *Node) P2P() *p2p.Node { return n.net.p2p }

// Ledger is the node's ledger.
func (n *Node) Ledger() *ledger.Ledger { return n.net.ledger }

// Policy is the node's contribution policy.
func (n *Node) Policy() *policy.Enforcer { return n.net.policy }

// SetContributing switches work for peers on or off and saves the choice (the tray's toggle).
func (n *Node) SetContributing(on bool) error {
	p := n.net.policy.Policy()
	p.Contribute = on
	return n.setPolicy(p)
}

func (n *Node) setPolicy(p policy.Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	if err := p.Save(n.net.policyPath); err != nil {
		return err
	}
	if err := n.net.policy.Update(p); err != nil {
		return err
	}
	n.bus.Publish("policy", PolicyState{Policy: p, Status: n.net.policy.Status()})
	if n.net.p2p != nil {
		n.net.p2p.Refresh()
	}
	return nil
}

// Route is where requests run now.
func (n *Node) Route() string {
	n.net.mu.Lock()
	defer n.net.mu.Unlock()
	return n.net.route
}

// modelSHA returns the SHA-256 of a model file, "" while it is being computed in the
// background (a 1 GB file takes a second or two).
func (n *Node) modelSHA(path string) string {
	nw := n.net
	nw.mu.Lock()
	defer nw.mu.Unlock()
	if s, ok := nw.sha[path]; ok {
		return s
	}
	if s, ok := models.ReadSum(path); ok {
		nw.sha[path] = s
		return s
	}
	if !nw.hashing[path] {
		nw.hashing[path] = true
		go func() {
			s, err := models.SumFile(path)
			if dir, aerr := filepath.Abs(n.cfg.ModelsDir()); err == nil && aerr == nil && filepath.Dir(path) == dir {
				// Beside the file, as downloads and imports leave it: the next start reads it
				// instead of hashing the file again.
				_ = models.WriteSum(path, s)
			}
			nw.mu.Lock()
			delete(nw.hashing, path)
			if err == nil {
				nw.sha[path] = s
			}
			nw.mu.Unlock()
			if err == nil {
				n.provide(s)
			}
		}()
	}
	return ""
}

// loadedSHA is the SHA-256 of the loaded model, waiting for it if needed.
func (n *Node) loadedSHA(ctx context.Context) (string, error) {
	info, ok := n.sched.Model()
	if !ok {
		return "", scheduler.ErrNoModel
	}
	for {
		if s := n.modelSHA(info.Path); s != "" {
			return s, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (n *Node) provide(sha string) {
	nw := n.net
	if nw.p2p == nil {
		return
	}
	nw.mu.Lock()
	if nw.provided == sha {
		nw.mu.Unlock()
		return
	}
	nw.provided = sha
	nw.mu.Unlock()
	go func() {
		ctx, cancel := context.WithTimeout(n.bg, time.Minute)
		defer cancel()
		if err := nw.p2p.Provide(ctx, sha); err != nil {
			n.cfg.Log.Debug("model not announced in the DHT", "err", err)
		}
	}()
}

// probeSpeed times a few decode steps of the loaded layers, so that the node advertises its
// speed per layer before it has run a request (route planning shares layers by it).
func (n *Node) probeSpeed() {
	info, ok := n.sched.Model()
	if !ok {
		return
	}
	st, err := n.sched.OpenStage(16, info.From, info.To, nil)
	if err != nil {
		return
	}
	defer st.Close()
	x := make([]float32, info.Width)
	const steps = 9
	var took []time.Duration
	for i := 0; i < steps; i++ {
		for j := range x { // any finite input: the kernels' speed does not depend on it
			x[j] = float32(math.Sin(float64(i*len(x)+j))) * 0.1
		}
		t0 := time.Now()
		if err := st.Forward(n.bg, x); err != nil {
			return
		}
		if i > 0 { // the first step warms caches
			took = append(took, time.Since(t0))
		}
	}
	// The median: a step that waited for the scheduler or the collector says nothing of speed.
	slices.Sort(took)
	ms := float64(took[len(took)/2].Nanoseconds()) / 1e6 / float64(info.To-info.From)
	n.net.mu.Lock()
	n.net.msLayer = ms
	n.net.mu.Unlock()
}

// stages gives peers leased stages of the loaded model when it is the model they ask for.
type stages struct{ n *Node }

func (s stages) Holds(sha string) error {
	info, ok := s.n.sched.Model()
	if !ok {
		return scheduler.ErrNoModel
	}
	if have := s.n.modelSHA(info.Path); have != sha {
		return fmt.Errorf("model %.12s is not loaded here", sha)
	}
	return nil
}

func (s stages) OpenStage(sha string, nCtx, from, to int, r *inference.Runner) (pipeline.Stage, error) {
	if err := s.Holds(sha); err != nil {
		return nil, err
	}
	st, err := s.n.sched.OpenStage(nCtx, from, to, r)
	if err != nil {
		return nil, err
	}
	return leasedStage{st}, nil
}

// leasedStage tells the pipeline server when the model went away under a stage.
type leasedStage struct{ *scheduler.Stage }

func (l leasedStage) Forward(ctx context.Context, x []float32) error {
	err := l.Stage.Forward(ctx, x)
	if errors.Is(err, scheduler.ErrUnloaded) {
		return fmt.Errorf("%w: %w", pipeline.ErrStageGone, err)
	}
	return err
}

// capabilities is what this node advertises.
func (n *Node) capabilities() p2p.Capabilities {
	c := p2p.Capabilities{Version: n.cfg.Version, Kernels: scheduler.KernelsName(), Threads: n.net.policy.Threads(),
		Contributing: n.net.policy.Status().Contributing, QueueLength: n.sched.Queued()}
	if vm, err := mem.VirtualMemory(); err == nil {
		c.FreeMemory = vm.Available
	}
	n.net.mu.Lock()
	c.TokensPerSec = n.net.lastTPS
	n.net.mu.Unlock()
	if info, ok := n.sched.Model(); ok {
		{
			if sha := n.modelSHA(info.Path); sha != "" {
				layers := info.Layers
				st, _ := os.Stat(info.Path)
				var size int64
				if st != nil {
					size = st.Size()
				}
				c.Models = []p2p.ModelCap{{SHA256: sha, Name: info.ID, Layers: layers, From: info.From, To: info.To, Bytes: size}}
				// Layers only: a whole-token speed counts embedding, head and sampling too, and
				// would not compare with the partial nodes' figures.
				n.net.mu.Lock()
				c.MsPerLayer = n.net.msLayer
				n.net.mu.Unlock()
			}
		}
	}
	return c
}

// holders are the contributing peers that hold layers [from, to) of the model (to < 0: up to the
// last layer; from < 0: any part of it).
func (n *Node) holders(sha string, from, to int, exclude []peer.ID) []p2p.PeerInfo {
	if n.net.p2p == nil {
		return nil
	}
	var out []p2p.PeerInfo
	for _, p := range n.net.p2p.Peers() {
		m, ok := p.HasModel(sha)
		if !ok || !p.Caps.Contributing {
			continue
		}
		hi := to
		if hi < 0 {
			hi = m.Layers
		}
		if from >= 0 && (m.From > from || m.To < hi) {
			continue
		}
		skip := false
		for _, x := range exclude {
			skip = skip || x == p.ID
		}
		if !skip {
			out = append(out, p)
		}
	}
	return out
}

// findHolders looks the model up in the DHT when no connected peer holds it, connects to the
// providers and waits briefly for their capabilities.
func (n *Node) findHolders(ctx context.Context, sha string) {
	pn := n.net.p2p
	if pn == nil || len(n.holders(sha, -1, 0, nil)) > 0 {
		return
	}
	fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	found, err := pn.FindProviders(fctx, sha, 8)
	if err != nil || len(found) == 0 {
		return
	}
	for _, ai := range found {
		_ = pn.Host().Connect(fctx, ai) // a connection fetches the peer's capabilities
	}
	for fctx.Err() == nil && len(n.holders(sha, -1, 0, nil)) == 0 {
		time.Sleep(50 * time.Millisecond)
	}
}

// router is the API's backend: the scheduler, with requests sent to peers by the route the user
// chose, and every request written to the ledger.
type router struct {
	*scheduler.Scheduler
	n *Node
}

func (r router) Generate(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
	n := r.n
	start := time.Now()
	e := ledger.Entry{RequestID: id, Kind: ledger.Local, Requester: n.net.id, Worker: n.net.id, StartedAt: start.UnixMilli()}
	info, _ := n.sched.Model()
	var res inference.Result
	var err error
	switch route := n.Route(); route {
	case RouteRemote:
		res, e, err = r.remote(ctx, id, req, onToken, e)
	case RoutePipeline:
		res, err = r.pipelined(ctx, id, req, onToken, &e)
	default:
		res, err = r.Scheduler.Generate(ctx, id, req, onToken)
	}
	if e.Kind == ledger.Local && err == nil && res.GeneratePerSec > 0 {
		n.net.mu.Lock()
		n.net.lastTPS = res.GeneratePerSec
		n.net.mu.Unlock()
	}
	if len(res.Tokens) == 0 && err != nil {
		return res, err
	}
	e.ModelSHA256 = n.modelSHA(info.Path)
	if e.LayerTo == 0 {
		e.LayerTo = int64(info.Layers)
	}
	e.PromptTokens, e.GenTokens = int64(res.PromptTokens), int64(len(res.Tokens))
	e.DurationMs = time.Since(start).Milliseconds()
	e.InputHash = hashRequest(req)
	e.OutputHash = hashString(res.Text)
	if rep, ok := n.meter.Report(id); ok && e.Kind != ledger.Remote {
		e.EnergyMJ, e.EnergyLabel = int64(rep.EnergyMJ), string(rep.EnergyKind)
	} else {
		e.EnergyLabel = string(metrics.Estimated)
	}
	if _, lerr := n.net.ledger.Append(context.WithoutCancel(ctx), e); lerr != nil {
		n.cfg.Log.Error("ledger write failed", "id", id, "err", lerr)
	} else {
		n.bus.Publish("ledger", events.Ledger{RequestID: id, Kind: string(e.Kind)})
	}
	return res, err
}

// remote runs the whole request on the fastest contributing peer holding the model. A peer
// that fails is replaced by the next one, then by this node; one that fails after streaming
// tokens is replaced by a node that runs the request again from the start with the same seed and
// passes on only the tokens the user has not seen, so the text is the one the first peer would
// have given.
func (r router) remote(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error, e ledger.Entry) (inference.Result, ledger.Entry, error) {
	n := r.n
	if n.net.p2p == nil {
		res, err := r.Scheduler.Generate(ctx, id, req, onToken)
		return res, e, err
	}
	sha, err := n.loadedSHA(ctx)
	if err != nil {
		return inference.Result{}, e, err
	}
	req = withSeed(req)
	n.findHolders(ctx, sha)
	var c continuation
	for _, p := range n.holders(sha, 0, -1, nil) {
		rr, err := pipeline.Generate(ctx, n.net.p2p.Host(), p.ID, sha, id, req, c.pass(onToken))
		if err != nil && ctx.Err() == nil && c.userErr == nil && !c.diverged {
			n.cfg.Log.Warn("peer failed the request; the next node takes it", "peer", p.ID.String(),
				"tokens_sent", len(c.sent), "err", err)
			continue
		}
		e.Kind, e.Worker = ledger.Remote, p.ID
		res := inference.Result{Text: rr.Text, Tokens: rr.Tokens, PromptTokens: rr.PromptTokens, FinishReason: rr.FinishReason,
			PromptPerSec: rr.PromptPerSec, GeneratePerSec: rr.GenPerSec, GenerateTime: rr.Duration}
		return res, e, err
	}
	if len(c.sent) > 0 {
		n.cfg.Log.Info("continuing a remote request here", "id", id, "tokens_sent", len(c.sent))
	}
	res, err := r.Scheduler.Generate(ctx, id, req, c.pass(onToken))
	return res, e, err
}

// withSeed fixes the seed of a sampled request, so that another node can run it again and draw
// the same tokens.
func withSeed(req inference.Request) inference.Request {
	if req.Sampling.Temperature > 0 && req.Sampling.Seed == 0 {
		req.Sampling.Seed = rand.Uint64() | 1
	}
	return req
}

// continuation passes tokens to the user across the nodes that run one request in turn: each
// run starts from the beginning, and only the tokens beyond those already passed on go through.
type continuation struct {
	sent     []inference.Token
	userErr  error // the user's callback failed: stop, do not retry
	diverged bool  // a replay drew other tokens than the user has: it cannot continue
}

func (c *continuation) pass(onToken func(inference.Token) error) func(inference.Token) error {
	seen := 0
	return func(t inference.Token) error {
		seen++
		if seen <= len(c.sent) {
			if c.sent[seen-1] != t {
				c.diverged = true
				return fmt.Errorf("a replacement node drew token %d differently (%d, not %d): the generation cannot continue",
					seen, t.ID, c.sent[seen-1].ID)
			}
			return nil
		}
		c.sent = append(c.sent, t)
		if onToken != nil {
			if err := onToken(t); err != nil {
				c.userErr = err
				return err
			}
		}
		return nil
	}
}

// pipelined runs the layers over this node and the contributing peers holding the model.
func (r router) pipelined(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error, e *ledger.Entry) (inference.Result, error) {
	n := r.n
	if n.net.p2p == nil {
		return r.Scheduler.Generate(ctx, id, req, onToken) // not on the network: all layers here
	}
	sha, err := n.loadedSHA(ctx)
	if err != nil {
		return inference.Result{}, err
	}
	n.findHolders(ctx, sha)
	var p *pipeline.Pipeline
	mk := func(ctx context.Context, eng *inference.Engine) (inference.Layers, func(), error) {
		hp := eng.Model.HP
		n.net.mu.Lock()
		cands := []pipeline.Candidate{{MsPerLayer: n.net.msLayer}}
		n.net.mu.Unlock()
		for _, h := range n.holders(sha, 0, -1, nil) {
			cands = append(cands, pipeline.Candidate{Peer: h.ID, MsPerLayer: h.Caps.MsPerLayer})
		}
		for _, h := range n.holders(sha, -1, 0, nil) {
			if m, _ := h.HasModel(sha); m.From != 0 || m.To != m.Layers {
				cands = append(cands, pipeline.Candidate{Peer: h.ID, MsPerLayer: h.Caps.MsPerLayer, From: m.From, To: m.To})
			}
		}
		route, err := pipeline.Plan(hp.NLayer, 0, cands)
		if err != nil {
			return nil, nil, err
		}
		p, err = pipeline.Dial(ctx, pipeline.Config{Host: n.net.p2p.Host(), Engine: eng, Model: sha, RequestID: id,
			Context: n.sched.Context(), Cache: n.cfg.Cache, Log: n.cfg.Log,
			Replace: func(_ context.Context, failed pipeline.Hop, exclude []peer.ID) (pipeline.Hop, error) {
				for _, h := range n.holders(sha, failed.From, failed.To, exclude) {
					return pipeline.Hop{Peer: h.ID, From: failed.From, To: failed.To}, nil
				}
				return pipeline.Hop{From: failed.From, To: failed.To}, nil // this node takes the range back
			}}, route)
		if err != nil {
			return nil, nil, err
		}
		n.bus.Publish("route", events.Route{RequestID: id, Route: p.Route().String()})
		return p, func() {
			stats := p.Stats()
			n.net.mu.Lock()
			n.net.lastHops, n.net.lastPath = stats, p.Route().String()
			n.net.mu.Unlock()
			n.bus.Publish("route", events.Route{RequestID: id, Route: p.Route().String()}.Ended(hopEvents(stats), len(p.Failovers())))
			_ = p.Close(context.WithoutCancel(ctx))
		}, nil
	}
	return n.sched.GenerateWith(ctx, id, req, mk, onToken)
}

func hashString(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func hashRequest(req inference.Request) string {
	b, _ := json.Marshal(struct {
		P string
		M any
		T []int32
	}{req.Prompt, req.Messages, req.Tokens})
	return hashString(string(b))
}

// ledgerRecorder writes peers' work (hops and served requests) to the ledger, with an energy
// estimate from the time and threads it took.
type ledgerRecorder struct{ n *Node }

func (l ledgerRecorder) Record(ctx context.Context, r pipeline.Record) {
	n := l.n
	req, _ := peer.Decode(r.Requester)
	wrk, _ := peer.Decode(r.Worker)
	threads := n.net.policy.Threads()
	mj := r.Duration.Seconds() * float64(threads) * metrics.DefaultWattsPerCore() * 1000
	e := ledger.Entry{RequestID: r.RequestID, Kind: ledger.Kind(r.Kind), ModelSHA256: r.Model, LayerFrom: int64(r.From),
		LayerTo: int64(r.To), PromptTokens: int64(r.PromptTokens), GenTokens: int64(r.GenTokens), StartedAt: r.Started.UnixMilli(),
		DurationMs: r.Duration.Milliseconds(), EnergyMJ: int64(mj), EnergyLabel: string(metrics.Estimated), Requester: req, Worker: wrk,
		InputHash: r.InputHash, OutputHash: r.OutputHash, Receipt: r.Receipt}
	if _, err := n.net.ledger.Append(ctx, e); err != nil {
		n.cfg.Log.Error("ledger write failed", "request", r.RequestID, "err", err)
		return
	}
	n.bus.Publish("ledger", events.Ledger{RequestID: r.RequestID, Kind: r.Kind})
}
