// Package route decides where a request runs — on this node, as a whole on a peer (with
// failover that continues the user's stream exactly), or pipelined over peers — and writes every
// request, and every piece of work done for peers, to the ledger.
package route

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/metrics"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/sample"
)

// Routes: where a request's layers run.
const (
	Local    = "local"    // on this node
	Remote   = "remote"   // the whole request on a contributing peer that holds the model
	Pipeline = "pipeline" // the layers split over this node and contributing peers
)

// ErrBadRoute is returned for a route name other than the three above.
var ErrBadRoute = errors.New("route: want local, remote or pipeline")

// Engine runs requests on this node: the scheduler.
type Engine interface {
	Generate(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error)
	GenerateWith(ctx context.Context, id string, req inference.Request, mk scheduler.LayersFunc, onToken func(inference.Token) error) (inference.Result, error)
	Model() (scheduler.ModelInfo, bool)
	Context() int
	// Replay checks tokens a peer claims to have drawn (inference.Engine.Replay): the index of
	// the first wrong one and the token drawn instead, or -1.
	Replay(ctx context.Context, prompt, out []int32, sp sample.Params, cache model.CacheType) (int, int32, error)
}

// Peers reaches the contributing peers.
type Peers interface {
	// Holders are the contributing peers holding layers [from, to) of the model (to < 0: to the
	// last layer; from < 0: any part), except the excluded ones.
	Holders(sha string, from, to int, exclude []peer.ID) []p2p.PeerInfo
	// FindHolders looks for holders beyond the connected peers (the DHT).
	FindHolders(ctx context.Context, sha string)
	// Generate runs a whole request on peer p.
	Generate(ctx context.Context, p peer.ID, sha, id string, req inference.Request, onToken func(inference.Token) error) (pipeline.RemoteResult, error)
	// Dial opens a pipeline over the route.
	Dial(ctx context.Context, cfg pipeline.Config, r pipeline.Route) (Pipelined, error)
}

// Pipelined is an open pipeline: the layers of one sequence, spread over nodes.
type Pipelined interface {
	inference.Layers
	Route() pipeline.Route
	Stats() []pipeline.HopStats
	Failovers() []pipeline.Failover
	Close(ctx context.Context) error
	// Audits is the peers' signed work, after Close (backend/pipeline/verify.go).
	Audits() []pipeline.Audit
}

// Ledger keeps the record of work.
type Ledger interface {
	Append(ctx context.Context, e ledger.Entry) (ledger.Entry, error)
	// AddEvidence keeps proof that a peer returned wrong work.
	AddEvidence(ctx context.Context, e ledger.Evidence) (ledger.Evidence, error)
}

// Config wires a Router.
type Config struct {
	Self   peer.ID
	Engine Engine
	Peers  Peers // nil: this node is off the network, every request runs here
	Ledger Ledger
	// Publish sends the "route" and "ledger" events (nil: none).
	Publish func(typ string, data any)
	// RouteEvery is how often, at most, a running pipeline's "route" event is published as
	// tokens flow (0: DefaultRouteEvery); a failover publishes at once.
	RouteEvery time.Duration
	// ModelSHA is the SHA-256 of the loaded model, waiting while it is computed.
	ModelSHA func(ctx context.Context) (string, error)
	// Meter has the metered energy of finished local requests (nil: estimated).
	Meter *metrics.Meter
	// MsPerLayer is this node's measured time per layer per token (0: unknown).
	MsPerLayer func() float64
	Cache      model.CacheType // of the coordinator's local hops
	Route      string          // the starting route ("": local)
	// AuditShare is the share of pipelined routes' layer time spent re-executing peers' hops
	// to catch wrong work (0: DefaultAuditShare; negative: none unless a request asks).
	AuditShare float64
	// Liars are peers caught before (the ledger's evidence): no route uses them.
	Liars []peer.ID
	Log   *slog.Logger
}

// Router runs requests by the route the user chose. It is safe for concurrent use.
type Router struct {
	cfg Config

	mu      sync.Mutex
	route   string
	lastTPS float64      // decode speed of the last local request
	last    events.Route // the last "route" event: of the pipelined request running now, or of the last one
	hasLast bool

	audits *auditor
}

// New makes a router.
func New(cfg Config) (*Router, error) {
	if cfg.Route == "" {
		cfg.Route = Local
	}
	if !Valid(cfg.Route) {
		return nil, fmt.Errorf("%w (got %q)", ErrBadRoute, cfg.Route)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Publish == nil {
		cfg.Publish = func(string, any) {}
	}
	if cfg.AuditShare == 0 {
		cfg.AuditShare = DefaultAuditShare
	}
	return &Router{cfg: cfg, route: cfg.Route, audits: newAuditor(cfg.AuditShare, cfg.Liars)}, nil
}

// Valid reports whether name is a route.
func Valid(name string) bool { return name == Local || name == Remote || name == Pipeline }

// Route is where requests run now.
func (r *Router) Route() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.route
}

// SetRoute changes where the next requests run.
func (r *Router) SetRoute(name string) error {
	if !Valid(name) {
		return fmt.Errorf("%w (got %q)", ErrBadRoute, name)
	}
	r.mu.Lock()
	r.route = name
	r.mu.Unlock()
	return nil
}

// LastTokensPerSec is the decode speed of the last request run here (0: none yet).
func (r *Router) LastTokensPerSec() float64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastTPS
}

// Last is the last "route" event published: the route of the pipelined request running now,
// or of the last one, with the same measurements (false before any).
func (r *Router) Last() (events.Route, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last, r.hasLast
}

type localKey struct{}

// WithLocal makes the request run under ctx on this node whatever the route: its prompt holds
// what must not leave the node (memories).
func WithLocal(ctx context.Context) context.Context { return context.WithValue(ctx, localKey{}, true) }

func localOnly(ctx context.Context) bool { v, _ := ctx.Value(localKey{}).(bool); return v }

// Generate runs a request by the current route and writes it to the ledger.
func (r *Router) Generate(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
	start := time.Now()
	e := ledger.Entry{RequestID: id, Kind: ledger.Local, Requester: r.cfg.Self, Worker: r.cfg.Self, StartedAt: start.UnixMilli()}
	info, _ := r.cfg.Engine.Model()
	var res inference.Result
	var err error
	route := r.Route()
	if localOnly(ctx) {
		route = Local
	}
	switch route {
	case Remote:
		res, err = r.remote(ctx, id, req, onToken, &e)
	case Pipeline:
		res, err = r.pipelined(ctx, id, req, onToken)
	default:
		res, err = r.cfg.Engine.Generate(ctx, id, req, onToken)
	}
	// Only a request whose layers all ran here measures this node's speed (it is advertised).
	here := e.Kind == ledger.Local && (route != Pipeline || r.cfg.Peers == nil)
	if here && err == nil && res.GeneratePerSec > 0 {
		r.mu.Lock()
		r.lastTPS = res.GeneratePerSec
		r.mu.Unlock()
	}
	if len(res.Tokens) == 0 && err != nil {
		return res, err
	}
	r.record(ctx, e, info, req, res, start)
	return res, err
}

// record writes a request this node asked for to the ledger.
func (r *Router) record(ctx context.Context, e ledger.Entry, info scheduler.ModelInfo, req inference.Request, res inference.Result, start time.Time) {
	ctx = context.WithoutCancel(ctx)
	if r.cfg.ModelSHA != nil {
		sctx, cancel := context.WithTimeout(ctx, time.Second)
		e.ModelSHA256, _ = r.cfg.ModelSHA(sctx)
		cancel()
	}
	e.LayerTo = int64(info.NLayer)
	e.PromptTokens, e.GenTokens = int64(res.PromptTokens), int64(len(res.Tokens))
	e.DurationMs = time.Since(start).Milliseconds()
	e.InputHash = pipeline.RequestHash(req)
	e.OutputHash = pipeline.TextHash(res.Text)
	e.EnergyLabel = string(metrics.Estimated)
	if r.cfg.Meter != nil && e.Kind != ledger.Remote {
		if rep, ok := r.cfg.Meter.Report(e.RequestID); ok {
			e.EnergyMJ, e.EnergyLabel = int64(rep.EnergyMJ), string(rep.EnergyKind)
		}
	}
	if _, err := r.cfg.Ledger.Append(ctx, e); err != nil {
		r.cfg.Log.Error("ledger write failed", "id", e.RequestID, "err", err)
		return
	}
	r.cfg.Publish(events.TypeLedger, events.Ledger{RequestID: e.RequestID, Kind: string(e.Kind)})
}

// remote runs the whole request on a contributing peer holding the model. A peer that fails is
// replaced by the next one, then by this node; one that fails after streaming tokens is
// replaced by a node that runs the request again from the start with the same seed and passes
// on only the tokens the user has not seen, so the text is the one the first peer would have
// given.
func (r *Router) remote(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error, e *ledger.Entry) (inference.Result, error) {
	if r.cfg.Peers == nil {
		return r.cfg.Engine.Generate(ctx, id, req, onToken)
	}
	sha, err := r.cfg.ModelSHA(ctx)
	if err != nil {
		return inference.Result{}, err
	}
	req = withSeed(req)
	r.cfg.Peers.FindHolders(ctx, sha)
	var c continuation
	for _, p := range r.cfg.Peers.Holders(sha, 0, -1, r.exclude(nil)) {
		pass, seen := c.pass(onToken)
		rr, err := r.cfg.Peers.Generate(ctx, p.ID, sha, id, req, pass)
		if err == nil {
			err = c.short(*seen)
		}
		if err != nil && ctx.Err() == nil && c.userErr == nil && !c.diverged {
			r.cfg.Log.Warn("peer failed the request; the next node takes it", "peer", p.ID.String(),
				"tokens_sent", len(c.sent), "err", err)
			continue
		}
		e.Kind, e.Worker = ledger.Remote, p.ID
		if err == nil && rr.Claim != nil {
			r.auditWhole(ctx, id, sha, p.ID, rr)
		}
		// The final flush of an unfinished character (ID -1) is text, not a generated token.
		toks := slices.DeleteFunc(slices.Clone(rr.Tokens), func(t int32) bool { return t < 0 })
		return inference.Result{Text: rr.Text, Tokens: toks, PromptTokens: rr.PromptTokens, FinishReason: rr.FinishReason,
			PromptPerSec: rr.PromptPerSec, GeneratePerSec: rr.GenPerSec, GenerateTime: rr.Duration}, err
	}
	if len(c.sent) > 0 {
		r.cfg.Log.Info("continuing a remote request here", "id", id, "tokens_sent", len(c.sent))
	}
	pass, seen := c.pass(onToken)
	res, err := r.cfg.Engine.Generate(ctx, id, req, pass)
	if err == nil {
		err = c.short(*seen)
	}
	return res, err
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

// short is an error when a run that ended well passed fewer tokens than the user already has
// (a replacement with a smaller context, say): its text would not be the text streamed.
func (c *continuation) short(seen int) error {
	if seen < len(c.sent) {
		return fmt.Errorf("a replacement node ended after %d tokens, before the %d the user already has", seen, len(c.sent))
	}
	return nil
}

// pass is the token callback of one run; seen counts the tokens that run has passed.
func (c *continuation) pass(onToken func(inference.Token) error) (func(inference.Token) error, *int) {
	seen := 0
	return func(t inference.Token) error {
		if t.ID < 0 && seen < len(c.sent) {
			return nil // a short run's final flush, among tokens the user has: not a token
		}
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
	}, &seen
}

// pipelined runs the layers over this node and the contributing peers holding the model; the
// engine here embeds, applies the head and samples.
func (r *Router) pipelined(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
	if r.cfg.Peers == nil {
		return r.cfg.Engine.Generate(ctx, id, req, onToken) // not on the network: all layers here
	}
	sha, err := r.cfg.ModelSHA(ctx)
	if err != nil {
		return inference.Result{}, err
	}
	peers := r.cfg.Peers
	peers.FindHolders(ctx, sha)
	var prog *progress
	mk := func(ctx context.Context, eng *inference.Engine) (inference.Layers, func(), error) {
		here := 0.0
		if r.cfg.MsPerLayer != nil {
			here = r.cfg.MsPerLayer()
		}
		cands := []pipeline.Candidate{{MsPerLayer: here}}
		for _, h := range peers.Holders(sha, 0, -1, r.exclude(nil)) {
			cands = append(cands, pipeline.Candidate{Peer: h.ID, MsPerLayer: h.Caps.MsPerLayer})
		}
		for _, h := range peers.Holders(sha, -1, 0, r.exclude(nil)) {
			if m, _ := h.HasModel(sha); m.From != 0 || m.To != m.Layers {
				cands = append(cands, pipeline.Candidate{Peer: h.ID, MsPerLayer: h.Caps.MsPerLayer, From: m.From, To: m.To})
			}
		}
		plan, err := pipeline.Plan(eng.Model.HP.NLayer, 0, cands)
		if err != nil {
			return nil, nil, err
		}
		p, err := peers.Dial(ctx, pipeline.Config{Engine: eng, Model: sha, RequestID: id,
			Context: r.cfg.Engine.Context(), Cache: r.cfg.Cache, Log: r.cfg.Log,
			Replace: func(_ context.Context, failed pipeline.Hop, exclude []peer.ID) (pipeline.Hop, error) {
				for _, h := range peers.Holders(sha, failed.From, failed.To, r.exclude(exclude)) {
					return pipeline.Hop{Peer: h.ID, From: failed.From, To: failed.To}, nil
				}
				return pipeline.Hop{From: failed.From, To: failed.To}, nil // this node takes the range back
			}}, plan)
		if err != nil {
			return nil, nil, err
		}
		prog = newProgress(r, id, p)
		return p, func() {
			stats := p.Stats()
			prog.end() // after any failover
			_ = p.Close(context.WithoutCancel(ctx))
			// After the fact, on this node's engine, still within the request's turn.
			r.audit(context.WithoutCancel(ctx), id, sha, eng, routeLayerTime(stats), p.Audits())
		}, nil
	}
	// The scheduler calls mk, then onToken for each token, on the generation's goroutine.
	tokens := func(t inference.Token) error {
		if prog != nil {
			prog.token()
		}
		if onToken != nil {
			return onToken(t)
		}
		return nil
	}
	return r.cfg.Engine.GenerateWith(ctx, id, req, mk, tokens)
}
