package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"log/slog"
	"math"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// Hop is a contiguous layer range [From, To) run by one node.
type Hop struct {
	Peer     peer.ID // empty: this node
	From, To int
}

func (h Hop) String() string {
	who := "local"
	if h.Peer != "" {
		who = shortID(h.Peer.String())
	}
	return fmt.Sprintf("%s[%d,%d)", who, h.From, h.To)
}

// Route is the hops of a pipeline, in layer order.
type Route []Hop

func (r Route) String() string {
	s := make([]string, len(r))
	for i, h := range r {
		s[i] = h.String()
	}
	return strings.Join(s, " → ")
}

// Validate checks that the hops cover layers [0, n) contiguously.
func (r Route) Validate(n int) error {
	if len(r) == 0 {
		return errors.New("route has no hops")
	}
	next := 0
	for i, h := range r {
		if h.From != next || h.To <= h.From {
			return fmt.Errorf("hop %d is %s, want a non-empty range starting at layer %d", i, h, next)
		}
		next = h.To
	}
	if next != n {
		return fmt.Errorf("route ends at layer %d, the model has %d", next, n)
	}
	return nil
}

// HopStats measures one hop of a running pipeline.
type HopStats struct {
	Hop       Hop           `json:"-"`
	Route     string        `json:"hop"`
	Steps     int           `json:"steps"`
	Tokens    int           `json:"tokens"`
	RoundTrip time.Duration `json:"-"` // summed over steps, as seen by the coordinator
	Compute   time.Duration `json:"-"` // summed, as reported by the hop
	// LastMs is the round trip of the last step (the latency the route view shows).
	LastMs float64 `json:"last_ms"`
}

// OverheadMs is the mean time per step spent outside the hop's layers: network, encoding,
// waiting for the hop's pool.
func (h HopStats) OverheadMs() float64 {
	if h.Steps == 0 {
		return 0
	}
	return float64((h.RoundTrip - h.Compute).Microseconds()) / 1000 / float64(h.Steps)
}

// Failover records a hop replaced mid-generation.
type Failover struct {
	Failed, Replacement Hop
	Pos                 int // positions replayed into the replacement
	Err                 string
	Replay              time.Duration
}

// Config sets a pipeline up.
type Config struct {
	Host      host.Host         // nil when every hop is local
	Engine    *inference.Engine // the coordinator's engine: embedding, head, local hops
	Model     string            // SHA-256 of the model file, as peers advertise it
	RequestID string
	Context   int
	Cache     model.CacheType
	Runner    *inference.Runner // pool of local hops; nil: the engine's
	// StepTimeout: a hop that does not answer a step within it is taken as gone (default 30 s).
	StepTimeout time.Duration
	// Replace picks a node for the range of a failed hop, avoiding the excluded peers; nil runs
	// the range on this node.
	Replace      func(ctx context.Context, failed Hop, exclude []peer.ID) (Hop, error)
	MaxFailovers int // per step (default 4)
	Log          *slog.Logger
}

// Pipeline runs a model's layers over a route of nodes for one sequence. It implements
// inference.Layers, so a Session generates through it exactly as on one node. Not safe for
// concurrent use (one sequence).
type Pipeline struct {
	cfg     Config
	d       int
	pos     int
	hops    []*hopState
	exclude []peer.ID

	mu        sync.Mutex // guards stats read by other goroutines
	failovers []Failover
}

type hopState struct {
	hop     Hop
	conn    hopConn
	history []float32 // the inputs of every position held: what a replacement replays
	stats   HopStats
	// past holds the signed claims of the peers this hop had before failovers: their work
	// can still be audited.
	past []Audit
}

// hopConn is one hop's stage, on this node or on a peer.
type hopConn interface {
	// step runs positions pos.. in place; x is unchanged on error.
	step(ctx context.Context, pos int, x []float32) (compute time.Duration, err error)
	truncate(ctx context.Context, pos int) error
	close(ctx context.Context) error
	// claims are the signed claims of the steps kept (none for a local hop).
	claims() []SignedClaim
	// forget drops the claims of positions at and after pos (they were rolled back).
	forget(pos int)
}

// Dial opens every hop of the route. A hop that cannot be opened is replaced at once.
func Dial(ctx context.Context, cfg Config, route Route) (*Pipeline, error) {
	if cfg.Engine == nil {
		return nil, errors.New("pipeline: no engine")
	}
	if err := route.Validate(cfg.Engine.Model.HP.NLayer); err != nil {
		return nil, fmt.Errorf("pipeline: %w", err)
	}
	if cfg.Context <= 0 {
		cfg.Context = 4096
	}
	if cfg.StepTimeout <= 0 {
		cfg.StepTimeout = 30 * time.Second
	}
	if cfg.MaxFailovers <= 0 {
		cfg.MaxFailovers = 4
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	p := &Pipeline{cfg: cfg, d: cfg.Engine.Model.HP.NEmbd}
	for _, h := range route {
		hs := &hopState{hop: h}
		p.hops = append(p.hops, hs)
		c, err := p.open(ctx, h)
		if err != nil {
			if ctx.Err() != nil {
				p.Close(ctx)
				return nil, err
			}
			if err := p.failover(ctx, hs, err); err != nil {
				p.Close(ctx)
				return nil, err
			}
			continue
		}
		hs.conn = c
		hs.stats = HopStats{Hop: h, Route: h.String()}
	}
	return p, nil
}

// Route is the current route (after any failover).
func (p *Pipeline) Route() Route {
	p.mu.Lock()
	defer p.mu.Unlock()
	r := make(Route, len(p.hops))
	for i, h := range p.hops {
		r[i] = h.hop
	}
	return r
}

// Stats returns the measurements of every hop.
func (p *Pipeline) Stats() []HopStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]HopStats, len(p.hops))
	for i, h := range p.hops {
		out[i] = h.stats
	}
	return out
}

// Failovers lists the hops replaced so far.
func (p *Pipeline) Failovers() []Failover {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Failover(nil), p.failovers...)
}

// Context is the number of positions every hop holds.
func (p *Pipeline) Context() int { return p.cfg.Context }

// CacheBytes is not known for remote hops; the pipeline reports none.
func (p *Pipeline) CacheBytes() int64 { return 0 }

// Forward runs the batch through every hop in turn. A hop that fails (vanishes, stalls, sends
// garbage, refuses) is replaced and rebuilt from the inputs it had seen, and the step goes on:
// the result is the same bits as without the failure.
func (p *Pipeline) Forward(ctx context.Context, x []float32) error {
	if len(x) == 0 || len(x)%p.d != 0 {
		return fmt.Errorf("pipeline: hidden state of %d values is not a multiple of %d", len(x), p.d)
	}
	for i, h := range p.hops {
		h.history = append(h.history, x...)
		for attempt := 0; ; attempt++ {
			t0 := time.Now()
			compute, err := h.conn.step(ctx, p.pos, x)
			if err == nil {
				rt := time.Since(t0)
				p.mu.Lock()
				h.stats.Steps++
				h.stats.Tokens += len(x) / p.d
				h.stats.RoundTrip += rt
				h.stats.Compute += compute
				h.stats.LastMs = float64(rt.Microseconds()) / 1000
				p.mu.Unlock()
				break
			}
			if ctx.Err() != nil || attempt >= p.cfg.MaxFailovers {
				p.rollback(i)
				if ctx.Err() != nil {
					return ctx.Err()
				}
				return fmt.Errorf("pipeline: hop %s: %w", h.hop, err)
			}
			if ferr := p.failover(ctx, h, err); ferr != nil {
				p.rollback(i)
				return ferr
			}
		}
	}
	p.pos += len(x) / p.d
	return nil
}

// rollback undoes a step that hops [0, upto] had taken or half taken.
func (p *Pipeline) rollback(upto int) {
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.StepTimeout)
	defer cancel()
	for i := 0; i <= upto && i < len(p.hops); i++ {
		h := p.hops[i]
		h.history = h.history[:p.pos*p.d]
		if h.conn != nil {
			h.conn.forget(p.pos)
		}
		if i < upto && h.conn != nil {
			if err := h.conn.truncate(ctx, p.pos); err != nil {
				p.cfg.Log.Warn("pipeline: truncate failed", "hop", h.hop.String(), "err", err)
			}
		}
	}
}

// failover replaces the hop h after err: a new node for its range, rebuilt by replaying the
// inputs of every position it held.
func (p *Pipeline) failover(ctx context.Context, h *hopState, cause error) error {
	if h.conn != nil {
		p.keepClaims(h)
		_ = h.conn.close(ctx)
		h.conn = nil
	}
	if h.hop.Peer != "" {
		p.exclude = append(p.exclude, h.hop.Peer)
	}
	var last error = cause
	for try := 0; try < p.cfg.MaxFailovers; try++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		next := Hop{From: h.hop.From, To: h.hop.To}
		if p.cfg.Replace != nil {
			var err error
			next, err = p.cfg.Replace(ctx, h.hop, append([]peer.ID(nil), p.exclude...))
			if err != nil {
				return fmt.Errorf("pipeline: hop %s failed (%v) and no replacement: %w", h.hop, cause, err)
			}
			if next.From != h.hop.From || next.To != h.hop.To {
				return fmt.Errorf("pipeline: replacement %s does not cover %s", next, h.hop)
			}
		}
		t0 := time.Now()
		c, err := p.open(ctx, next)
		if err == nil {
			err = p.replay(ctx, c, h.history[:p.pos*p.d])
			if err != nil {
				_ = c.close(ctx)
			}
		}
		if err != nil {
			last = err
			if next.Peer != "" {
				p.exclude = append(p.exclude, next.Peer)
			} else if p.cfg.Replace == nil {
				break
			}
			continue
		}
		p.cfg.Log.Warn("pipeline: hop replaced", "failed", h.hop.String(), "by", next.String(), "replayed", p.pos, "cause", cause)
		p.mu.Lock()
		p.failovers = append(p.failovers, Failover{Failed: h.hop, Replacement: next, Pos: p.pos, Err: cause.Error(), Replay: time.Since(t0)})
		h.hop, h.conn = next, c
		h.stats.Hop, h.stats.Route = next, next.String()
		p.mu.Unlock()
		return nil
	}
	return fmt.Errorf("pipeline: hop %s failed (%v); replacing it failed too: %w", h.hop, cause, last)
}

// replay feeds a new hop the inputs of the positions it must hold, a batch at a time.
func (p *Pipeline) replay(ctx context.Context, c hopConn, hist []float32) error {
	step := inference.MaxBatch * p.d
	buf := make([]float32, 0, step)
	for pos := 0; pos*p.d < len(hist); {
		chunk := hist[pos*p.d : min(pos*p.d+step, len(hist))]
		buf = append(buf[:0], chunk...)
		if _, err := c.step(ctx, pos, buf); err != nil {
			return fmt.Errorf("replay at position %d: %w", pos, err)
		}
		pos += len(chunk) / p.d
	}
	return nil
}

// Truncate rewinds every hop to pos positions. A hop that fails to is replaced on the spot.
func (p *Pipeline) Truncate(pos int) {
	if pos >= p.pos {
		return
	}
	pos = max(pos, 0)
	p.pos = pos
	ctx, cancel := context.WithTimeout(context.Background(), p.cfg.StepTimeout)
	defer cancel()
	for _, h := range p.hops {
		h.history = h.history[:pos*p.d]
		h.conn.forget(pos)
		for i := range h.past {
			h.past[i].Claims = forgetClaims(h.past[i].Claims, pos)
		}
		if err := h.conn.truncate(ctx, pos); err != nil {
			if ferr := p.failover(ctx, h, err); ferr != nil {
				p.cfg.Log.Warn("pipeline: hop lost on truncate", "hop", h.hop.String(), "err", ferr)
			}
		}
	}
}

// Close ends every hop's stage; their claims stay for Audits.
func (p *Pipeline) Close(ctx context.Context) error {
	var errs []error
	for _, h := range p.hops {
		if h.conn != nil {
			p.keepClaims(h)
			if err := h.conn.close(ctx); err != nil {
				errs = append(errs, fmt.Errorf("hop %s: %w", h.hop, err))
			}
			h.conn = nil
		}
	}
	return errors.Join(errs...)
}

// keepClaims moves the claims of h's current peer to its past, before its connection goes.
func (p *Pipeline) keepClaims(h *hopState) {
	if cs := h.conn.claims(); len(cs) > 0 {
		h.past = append(h.past, Audit{Peer: h.hop.Peer, Hop: h.hop, Width: p.d, Claims: cs})
	}
	h.conn.forget(0)
}

// Audits is the signed work of every peer that served a hop of this sequence, with the inputs
// it was sent, for a verifier to re-execute (verify.go). Call it after Close.
func (p *Pipeline) Audits() []Audit {
	var out []Audit
	for _, h := range p.hops {
		for _, a := range h.past {
			end := 0
			for _, c := range a.Claims {
				end = max(end, c.Pos+c.N)
			}
			if end == 0 || end*p.d > len(h.history) {
				continue
			}
			a.Inputs = slices.Clone(h.history[:end*p.d])
			out = append(out, a)
		}
	}
	return out
}

// forgetClaims drops the claims covering positions at and after pos.
func forgetClaims(cs []SignedClaim, pos int) []SignedClaim {
	return slices.DeleteFunc(cs, func(c SignedClaim) bool { return c.Pos+c.N > pos })
}

func (p *Pipeline) open(ctx context.Context, h Hop) (hopConn, error) {
	if h.Peer == "" {
		st, err := p.cfg.Engine.NewStage(p.cfg.Context, h.From, h.To, p.cfg.Cache, p.cfg.Runner)
		if err != nil {
			return nil, err
		}
		return &localConn{st: st}, nil
	}
	if p.cfg.Host == nil {
		return nil, fmt.Errorf("hop %s is remote but the pipeline has no host", h)
	}
	return openRemote(ctx, p.cfg, h, p.d)
}

type localConn struct {
	st  *inference.Stage
	buf []float32
}

func (c *localConn) step(ctx context.Context, pos int, x []float32) (time.Duration, error) {
	if pos != c.st.Pos() {
		return 0, fmt.Errorf("local stage holds %d positions, step at %d", c.st.Pos(), pos)
	}
	c.buf = append(c.buf[:0], x...)
	t0 := time.Now()
	if err := c.st.Forward(ctx, c.buf); err != nil {
		return 0, err
	}
	copy(x, c.buf)
	return time.Since(t0), nil
}

func (c *localConn) truncate(_ context.Context, pos int) error { c.st.Truncate(pos); return nil }
func (c *localConn) close(context.Context) error               { return nil }
func (c *localConn) claims() []SignedClaim                     { return nil }
func (c *localConn) forget(int)                                {}

type remoteConn struct {
	peer    peer.ID
	st      network.Stream
	r       *wire.Reader
	timeout time.Duration
	d       int
	broken  error
	// For the receipt this node signs when it closes the hop: what it sent and got back.
	rec     Record
	in, out hash.Hash
	key     crypto.PrivKey
	// The peer's signed claims of the steps kept, checked on arrival.
	pub    crypto.PubKey
	stage  Claim
	signed []SignedClaim
}

func (c *remoteConn) claims() []SignedClaim { return slices.Clone(c.signed) }
func (c *remoteConn) forget(pos int)        { c.signed = forgetClaims(c.signed, pos) }

func openRemote(ctx context.Context, cfg Config, h Hop, d int) (*remoteConn, error) {
	ctx, cancel := context.WithTimeout(ctx, cfg.StepTimeout)
	defer cancel()
	st, err := cfg.Host.NewStream(ctx, h.Peer, protocol.ID(LayersProtocol))
	if err != nil {
		return nil, fmt.Errorf("open %s to %s: %w", LayersProtocol, shortID(h.Peer.String()), err)
	}
	pub, err := h.Peer.ExtractPublicKey()
	if err != nil {
		_ = st.Reset()
		return nil, fmt.Errorf("peer %s: no public key to check its work with: %w", shortID(h.Peer.String()), err)
	}
	c := &remoteConn{peer: h.Peer, st: st, r: wire.NewReader(st, stepLimit(cfg.Context, d)), timeout: cfg.StepTimeout, d: d, pub: pub,
		stage: Claim{RequestID: cfg.RequestID, Model: cfg.Model, From: h.From, To: h.To, Cache: cfg.Cache.String()},
		in:    sha256.New(), out: sha256.New(), key: cfg.Host.Peerstore().PrivKey(cfg.Host.ID()),
		rec: Record{Kind: "hop", RequestID: cfg.RequestID, Model: cfg.Model, From: h.From, To: h.To,
			Requester: cfg.Host.ID().String(), Worker: h.Peer.String()}}
	var ok layerMsg
	err = c.roundTrip(ctx, layerMsg{Op: opOpen, RequestID: cfg.RequestID, Model: cfg.Model, From: h.From, To: h.To, NCtx: cfg.Context,
		Cache: cfg.Cache.String()}, &ok)
	if err == nil && ok.Op != opOK {
		err = fmt.Errorf("peer %s answered %q to open", shortID(h.Peer.String()), ok.Op)
	}
	if err != nil {
		_ = st.Reset()
		return nil, err
	}
	return c, nil
}

// roundTrip sends m and reads the answer, within the step timeout; an error answer becomes a
// RemoteError, and any failure leaves the stream unusable.
func (c *remoteConn) roundTrip(ctx context.Context, m layerMsg, reply *layerMsg) error {
	if c.broken != nil {
		return c.broken
	}
	deadline := time.Now().Add(c.timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = c.st.SetDeadline(deadline)
	stop := context.AfterFunc(ctx, func() { _ = c.st.Reset() })
	defer stop()
	err := wire.Write(c.st, m)
	if err == nil {
		err = c.r.Read(reply)
	}
	if err == nil && reply.Op == opError {
		err = &RemoteError{Peer: c.peer.String(), Code: reply.Code, Msg: reply.Err}
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		c.broken = err
		_ = c.st.Reset()
	}
	return err
}

func (c *remoteConn) step(ctx context.Context, pos int, x []float32) (time.Duration, error) {
	var reply layerMsg
	sent := encodeHidden(x)
	if err := c.roundTrip(ctx, layerMsg{Op: opStep, Pos: pos, Hidden: sent}, &reply); err != nil {
		return 0, err
	}
	if reply.Op != opHidden || reply.Pos != pos {
		c.broken = fmt.Errorf("peer %s answered %q at position %d to a step at %d", shortID(c.peer.String()), reply.Op, reply.Pos, pos)
		_ = c.st.Reset()
		return 0, c.broken
	}
	tmp := make([]float32, len(x))
	if err := decodeHidden(tmp, reply.Hidden); err != nil {
		c.broken = fmt.Errorf("peer %s: %w", shortID(c.peer.String()), err)
		_ = c.st.Reset()
		return 0, c.broken
	}
	// A NaN or an infinity is no layer's output: take it as garbage from this hop, or the next
	// (honest) hop would be blamed for refusing it.
	for i, v := range tmp {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			c.broken = fmt.Errorf("peer %s answered a hidden state with a non-finite value (%v at %d)", shortID(c.peer.String()), v, i)
			_ = c.st.Reset()
			return 0, c.broken
		}
	}
	// Unsigned work cannot be audited: take it as garbage, like a malformed reply.
	claim := SignedClaim{Claim: makeClaim(c.stage, pos, c.d, sent, reply.Hidden), Sig: reply.Claim}
	if err := checkClaim(c.pub, claim); err != nil {
		c.broken = fmt.Errorf("peer %s: %w", shortID(c.peer.String()), err)
		_ = c.st.Reset()
		return 0, c.broken
	}
	c.signed = append(c.signed, claim)
	copy(x, tmp)
	c.in.Write(sent)
	c.out.Write(reply.Hidden)
	c.rec.GenTokens += len(x) / c.d
	return time.Duration(reply.ComputeMs * float64(time.Millisecond)), nil
}

func (c *remoteConn) truncate(ctx context.Context, pos int) error {
	var reply layerMsg
	if err := c.roundTrip(ctx, layerMsg{Op: opTruncate, Pos: pos}, &reply); err != nil {
		return err
	}
	if reply.Op != opOK || reply.Pos != pos {
		c.broken = fmt.Errorf("peer %s answered %q (position %d) to truncate to %d", shortID(c.peer.String()), reply.Op, reply.Pos, pos)
		_ = c.st.Reset()
		return c.broken
	}
	return nil
}

func (c *remoteConn) close(ctx context.Context) error {
	if c.broken != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	msg := layerMsg{Op: opClose}
	c.rec.InputHash, c.rec.OutputHash = hex.EncodeToString(c.in.Sum(nil)), hex.EncodeToString(c.out.Sum(nil))
	if c.key != nil {
		if r, err := ledger.SignReceipt(c.key, c.rec.payload()); err == nil {
			msg.Receipt = toReceiptMsg(r)
		}
	}
	var reply layerMsg
	err := c.roundTrip(ctx, msg, &reply)
	_ = c.st.Close()
	return err
}
