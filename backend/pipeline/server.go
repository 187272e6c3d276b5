package pipeline

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// Server answers peers' layer-range and whole-request work on a libp2p host.
type Server struct {
	Host host.Host
	// Stages opens leased layer ranges of the loaded model (the node's scheduler owns it).
	Stages Stages
	// Prepare renders and tokenizes a peer's whole request under the node's limits, before it
	// queues (its tokens are claimed with the work, so it is needed with Generate); Generate
	// runs it (the node's scheduler). Generate nil: the protocol is off.
	Prepare  func(ctx context.Context, req inference.Request) (inference.Request, error)
	Generate func(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error)
	// Cache is the KV cache type of Generate's sessions, stated in the claim of each request
	// served so that an auditor replays it with the same one.
	Cache model.CacheType
	// Threads sizes the worker pool of peers' layer work, asked at each new stage so that it
	// follows the policy (a new pool is made when it changes; open stages keep theirs); nil:
	// the engine's pool.
	Threads  func() int
	Gate     Gate     // nil: everything is admitted
	Recorder Recorder // nil: nothing is recorded
	// MaxContext bounds the positions a peer may ask a stage to hold (default 4096).
	MaxContext int
	// Idle is how long a peer may stay silent before its stage is dropped (default 2 min).
	Idle time.Duration
	// PeerStreams bounds the streams one peer may hold open at once (default 8): a stream
	// beyond it is reset at once, before anything is read or answered.
	PeerStreams int
	Log         *slog.Logger

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	streams map[network.Stream]struct{}
	open    map[peer.ID]int     // streams open per peer
	pools   []*inference.Runner // peers' work; the last is current
}

// Stages gives peers the layers of the model this node holds.
type Stages interface {
	// Holds reports an error when the model with this SHA-256 is not loaded here.
	Holds(model string) error
	// OpenStage leases layers [from, to) of that model for one sequence of nCtx positions with
	// a KV cache of the given type, its steps run on r (nil: the engine's pool).
	OpenStage(model string, nCtx, from, to int, cache model.CacheType, r *inference.Runner) (Stage, error)
}

// Stage is one leased layer range: its steps fail with inference.ErrUnloaded once the model is
// unloaded.
type Stage interface {
	Forward(ctx context.Context, x []float32) error
	Truncate(pos int)
	Pos() int
	Context() int
	Width() int // the hidden state's width
	// Done is closed when the model is being unloaded (nil: never): the stage must be closed.
	Done() <-chan struct{}
	Close()
}

// Start registers the protocol handlers.
func (s *Server) Start() {
	if s.MaxContext <= 0 {
		s.MaxContext = 4096
	}
	if s.Idle <= 0 {
		s.Idle = 2 * time.Minute
	}
	if s.PeerStreams <= 0 {
		s.PeerStreams = DefaultPeerStreams
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.mu.Lock()
	s.streams = map[network.Stream]struct{}{}
	s.open = map[peer.ID]int{}
	s.mu.Unlock()
	s.Host.SetStreamHandler(protocol.ID(LayersProtocol), s.track(s.handleLayers))
	if s.Generate != nil && s.Prepare != nil {
		s.Host.SetStreamHandler(protocol.ID(GenerateProtocol), s.track(s.handleGenerate))
	}
}

// Stop removes the handlers, cuts the open streams, cancels running work and waits for it.
func (s *Server) Stop() {
	s.Host.RemoveStreamHandler(protocol.ID(LayersProtocol))
	s.Host.RemoveStreamHandler(protocol.ID(GenerateProtocol))
	if s.cancel != nil {
		s.cancel()
	}
	s.mu.Lock()
	for st := range s.streams {
		_ = st.Reset()
	}
	s.streams = nil
	s.mu.Unlock()
	s.wg.Wait()
	s.mu.Lock()
	for _, p := range s.pools {
		p.Close()
	}
	s.pools = nil
	s.mu.Unlock()
}

// Revoke cuts the open streams of the peers the gate no longer allows (all of them when the gate
// cannot say, being no Checker), ending their work at once: the node calls it when its policy
// changes. New streams are still admitted by the gate.
func (s *Server) Revoke() {
	if s.Gate == nil {
		return
	}
	s.mu.Lock()
	open := make([]network.Stream, 0, len(s.streams))
	for st := range s.streams {
		open = append(open, st)
	}
	s.mu.Unlock()
	c, _ := s.Gate.(Checker)
	for _, st := range open {
		if c == nil || c.Allowed(st.Conn().RemotePeer().String()) != nil {
			_ = st.Reset()
		}
	}
}

// allowed says whether the peer may go on working now (nil when the gate cannot say).
func (s *Server) allowed(peer string) error {
	if c, ok := s.Gate.(Checker); ok {
		return c.Allowed(peer)
	}
	return nil
}

// runner is the current pool of peers' work (nil: the engine's).
func (s *Server) runner() *inference.Runner {
	if s.Threads == nil {
		return nil
	}
	t := s.Threads()
	s.mu.Lock()
	defer s.mu.Unlock()
	if n := len(s.pools); n > 0 && s.pools[n-1].Threads() == t {
		return s.pools[n-1]
	}
	r := inference.NewRunner(t)
	s.pools = append(s.pools, r)
	return r
}

// DefaultPeerStreams is how many streams one peer may hold open at once by default.
const DefaultPeerStreams = 8

// track registers a stream for Stop and Revoke, and resets it at once, unanswered and unread,
// when its peer already holds PeerStreams open, or the resource manager's budget of the service
// for that peer is spent (backend/pipeline/resources.go): a flood costs us no more than the
// stream.
func (s *Server) track(h func(network.Stream)) network.StreamHandler {
	return func(st network.Stream) {
		if err := st.Scope().SetService(ServiceName); err != nil {
			_ = st.ResetWithError(network.StreamResourceLimitExceeded)
			return
		}
		p := st.Conn().RemotePeer()
		s.mu.Lock()
		if s.streams == nil || s.open[p] >= s.PeerStreams {
			s.mu.Unlock()
			_ = st.Reset()
			return
		}
		s.streams[st] = struct{}{}
		s.open[p]++
		s.wg.Add(1)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			delete(s.streams, st)
			if s.open[p]--; s.open[p] <= 0 {
				delete(s.open, p)
			}
			s.mu.Unlock()
			s.wg.Done()
		}()
		h(st)
	}
}

// Frame limits of the serving side. Nothing is read before the peer is admitted, and then only
// what the admitted work can need: an opening carries no hidden state; a step at most a batch.
const (
	// openingLimit bounds a layers stream's first message, and the small messages after it.
	openingLimit = 64 << 10
	// requestLimit bounds a generate request: its prompt (or messages) plus room for the rest.
	requestLimit = maxPromptBytes + openingLimit
)

// streamPositionsPerContext bounds the positions one layers stream may process in all, steps
// after truncations included, as a multiple of the context it opened: a coordinator's sequence
// fills the context once, and only rollbacks re-step a few positions.
const streamPositionsPerContext = 4

// rateLimitedWrite bounds the time a rate-limited peer's refusal may take to write: a peer that
// does not read it loses it.
const rateLimitedWrite = time.Second

// stepLimit bounds the frames of an open stage: a batch of at most inference.MaxBatch positions
// (the most a coordinator sends in one step, prompt or replay) and never more than the stage
// holds, of width float32 values each, plus room for the message's other fields.
func stepLimit(nCtx, width int) int {
	return min(inference.MaxBatch, nCtx)*width*4 + openingLimit
}

// opening admits the peer's work under the policy, before anything it sent is read, reserves
// the frame bytes read may read in the resource manager, then reads the stream's first message
// (read returns its kind), which must be want. A stream that ends first is reset; a refusal, a
// wrong or oversized message is answered through fail. A peer over its rate gets a short
// CodeRateLimited frame, written with a short deadline, and its stream is closed unread (write
// is how such a frame is sent). When ok, release must be called when the work ends.
func (s *Server) opening(st network.Stream, peer string, frame int, read func() (string, error), want string, fail func(code, msg string), write func(code, msg string) error) (release func(), ok bool) {
	admitted := func() {}
	if s.Gate != nil {
		var err error
		if admitted, err = s.Gate.Admit(s.ctx, peer); err != nil {
			if rl, ok := errors.AsType[RateLimited](err); ok {
				_ = st.SetWriteDeadline(time.Now().Add(rateLimitedWrite))
				_ = write(CodeRateLimited, "retry after "+rl.RateLimited().Round(time.Millisecond).String())
				_ = st.Close()
				return nil, false
			}
			fail(CodeRefused, err.Error())
			return nil, false
		}
	}
	// High priority leaves the peer's last fifth of memory to the receive windows of its
	// streams, whose reservation, failing, would end its connection.
	if err := st.Scope().ReserveMemory(frame, network.ReservationPriorityHigh); err != nil {
		admitted()
		fail(CodeRefused, fmt.Sprintf("no memory for a frame of %d bytes: %v", frame, err))
		return nil, false
	}
	release = func() {
		st.Scope().ReleaseMemory(frame)
		admitted()
	}
	_ = st.SetReadDeadline(time.Now().Add(s.Idle))
	op, err := read()
	if err != nil {
		release()
		if errors.Is(err, wire.ErrTooLarge) {
			fail(CodeTooLarge, err.Error())
			return nil, false
		}
		s.Log.Debug("no first message", "peer", shortID(peer), "err", err)
		_ = st.Reset()
		return nil, false
	}
	if op != want {
		release()
		fail(CodeBadRequest, fmt.Sprintf("first message is %q, want %q", op, want))
		return nil, false
	}
	return release, true
}

func (s *Server) handleLayers(st network.Stream) {
	defer st.Close()
	peer := st.Conn().RemotePeer().String()
	log := s.Log.With("peer", shortID(peer), "protocol", LayersProtocol)
	// One buffer under the stream: the readers of the opening and of the steps share it (a
	// bufio.Reader is reused by bufio.NewReader), so nothing read ahead is lost between them.
	write := func(code, msg string) error { return wire.Write(st, layerMsg{Op: opError, Code: code, Err: msg}) }
	fail := func(code, msg string) {
		_ = st.SetWriteDeadline(time.Now().Add(10 * time.Second))
		_ = write(code, msg)
	}
	// The readers are made once the peer is admitted: a refusal allocates nothing.
	var br *bufio.Reader
	var r *wire.Reader
	var open layerMsg
	release, ok := s.opening(st, peer, openingLimit, func() (string, error) {
		br = bufio.NewReader(st)
		r = wire.NewReader(br, openingLimit)
		err := r.Read(&open)
		return open.Op, err
	}, opOpen, fail, write)
	if !ok {
		return
	}
	defer release()
	if open.NCtx <= 0 || open.NCtx > s.MaxContext {
		fail(CodeBadRequest, fmt.Sprintf("context of %d positions is outside 1..%d", open.NCtx, s.MaxContext))
		return
	}
	if err := s.Stages.Holds(open.Model); err != nil {
		fail(CodeNoModel, err.Error())
		return
	}
	cache, err := model.ParseCacheType(open.Cache)
	if err != nil {
		fail(CodeBadRequest, err.Error())
		return
	}
	key := s.Host.Peerstore().PrivKey(s.Host.ID())
	if key == nil {
		fail(CodeInternal, "this node has no key to sign its work with")
		return
	}
	claim := Claim{RequestID: open.RequestID, Model: open.Model, From: open.From, To: open.To, Cache: cache.String()}
	runner := s.runner()
	stage, err := s.Stages.OpenStage(open.Model, open.NCtx, open.From, open.To, cache, runner)
	if err != nil {
		fail(CodeBadRequest, err.Error())
		return
	}
	defer stage.Close()
	// The steps' frames are larger than the opening's: the difference is reserved too.
	if more := stepLimit(open.NCtx, stage.Width()) - openingLimit; more > 0 {
		if err := st.Scope().ReserveMemory(more, network.ReservationPriorityHigh); err != nil {
			fail(CodeRefused, fmt.Sprintf("no memory for steps of %d bytes: %v", more+openingLimit, err))
			return
		}
		defer st.Scope().ReleaseMemory(more)
	}
	// A model being unloaded waits for its stages: an idle peer's stream must not hold it, so
	// the read side is closed, the loop below ends, and the peer is told why.
	ended := make(chan struct{})
	defer close(ended)
	go func() {
		select {
		case <-stage.Done():
			_ = st.CloseRead()
		case <-ended:
		}
	}()
	if err := wire.Write(st, layerMsg{Op: opOK, Kernels: kernelsName()}); err != nil {
		return
	}
	d := stage.Width()
	r = wire.NewReader(br, stepLimit(open.NCtx, d))
	rec := Record{Kind: "hop", RequestID: open.RequestID, Model: open.Model, From: open.From, To: open.To,
		Started: time.Now(), Requester: peer, Worker: s.Host.ID().String()}
	in, out := sha256.New(), sha256.New()
	defer func() {
		rec.InputHash, rec.OutputHash = hex.EncodeToString(in.Sum(nil)), hex.EncodeToString(out.Sum(nil))
		s.record(rec)
	}()
	var x []float32
	processed, maxProcessed := 0, streamPositionsPerContext*open.NCtx
	for {
		_ = st.SetReadDeadline(time.Now().Add(s.Idle))
		var m layerMsg
		if err := r.Read(&m); err != nil {
			select {
			case <-stage.Done():
				fail(CodeNoModel, inference.ErrUnloaded.Error())
				return
			default:
			}
			if errors.Is(err, wire.ErrTooLarge) {
				fail(CodeTooLarge, err.Error())
				return
			}
			if !errors.Is(err, io.EOF) {
				log.Debug("layers stream ended", "err", err)
			}
			return
		}
		switch m.Op {
		case opStep:
			if err := s.allowed(peer); err != nil {
				fail(CodeRefused, err.Error())
				return
			}
			if m.Pos != stage.Pos() {
				fail(CodeBadRequest, fmt.Sprintf("step at position %d, the stage holds %d", m.Pos, stage.Pos()))
				continue
			}
			if len(m.Hidden) == 0 || len(m.Hidden)%(4*d) != 0 {
				fail(CodeBadRequest, fmt.Sprintf("hidden state of %d bytes is not a whole number of %d-wide float32 vectors", len(m.Hidden), d))
				continue
			}
			if k := len(m.Hidden) / (4 * d); stage.Pos()+k > stage.Context() {
				fail(CodeBadRequest, fmt.Sprintf("%d positions held + %d new exceed the context of %d", stage.Pos(), k, stage.Context()))
				continue
			}
			if k := len(m.Hidden) / (4 * d); processed+k > maxProcessed {
				fail(CodeRefused, fmt.Sprintf("%d positions processed + %d new exceed the %d a stream of %d may process", processed, k, maxProcessed, open.NCtx))
				return
			}
			processed += len(m.Hidden) / (4 * d)
			x = x[:0]
			x = append(x, make([]float32, len(m.Hidden)/4)...)
			_ = decodeHidden(x, m.Hidden)
			in.Write(m.Hidden)
			t0 := time.Now()
			if err := stage.Forward(s.ctx, x); err != nil {
				if errors.Is(err, inference.ErrUnloaded) || s.ctx.Err() != nil {
					// The model went away under the stage: end the stream, which lets it go.
					fail(CodeNoModel, err.Error())
					return
				}
				fail(CodeBadRequest, err.Error())
				continue
			}
			ms := float64(time.Since(t0).Microseconds()) / 1000
			b := encodeHidden(x)
			out.Write(b)
			rec.GenTokens += len(x) / d
			// The signed claim over what came in and goes out lets the coordinator prove a
			// wrong answer later (verify.go).
			sig, err := key.Sign(makeClaim(claim, m.Pos, d, m.Hidden, b).Bytes())
			if err != nil {
				fail(CodeInternal, fmt.Sprintf("sign the step: %v", err))
				return
			}
			_ = st.SetWriteDeadline(time.Now().Add(s.Idle))
			if err := wire.Write(st, layerMsg{Op: opHidden, Pos: m.Pos, Hidden: b, ComputeMs: ms, Claim: sig}); err != nil {
				return
			}
		case opTruncate:
			stage.Truncate(m.Pos)
			if err := wire.Write(st, layerMsg{Op: opOK, Pos: stage.Pos()}); err != nil {
				return
			}
		case opClose:
			rec.InputHash, rec.OutputHash = hex.EncodeToString(in.Sum(nil)), hex.EncodeToString(out.Sum(nil))
			if r, err := acceptReceipt(m.Receipt, rec); err == nil {
				rec.Receipt = r
			} else {
				log.Info("hop closed without a valid receipt", "err", err)
			}
			_ = wire.Write(st, layerMsg{Op: opDone, Tokens: rec.GenTokens})
			return
		default:
			fail(CodeBadRequest, fmt.Sprintf("unknown message %q", m.Op))
			return
		}
	}
}

func (s *Server) record(rec Record) {
	if s.Recorder == nil || rec.GenTokens == 0 && rec.PromptTokens == 0 {
		return
	}
	rec.Duration = time.Since(rec.Started)
	s.Recorder.Record(context.Background(), rec)
}

func (s *Server) handleGenerate(st network.Stream) {
	defer st.Close()
	peer := st.Conn().RemotePeer().String()
	write := func(code, msg string) error { return wire.Write(st, genMsg{Op: opError, Code: code, Err: msg}) }
	fail := func(code, msg string) {
		_ = st.SetWriteDeadline(time.Now().Add(10 * time.Second))
		_ = write(code, msg)
	}
	var br *bufio.Reader
	var m genMsg
	release, ok := s.opening(st, peer, requestLimit, func() (string, error) {
		br = bufio.NewReader(st)
		err := wire.NewReader(br, requestLimit).Read(&m)
		return m.Op, err
	}, opRequest, fail, write)
	if !ok {
		return
	}
	defer release()
	if err := s.Stages.Holds(m.Model); err != nil {
		fail(CodeNoModel, err.Error())
		return
	}
	req, err := m.request()
	if err != nil {
		fail(CodeBadRequest, err.Error())
		return
	}
	// The template is code from the model file: rendered under the node's limits, outside the
	// queue, like the API's requests.
	pctx, cancel := context.WithCancel(s.ctx)
	prepared, err := s.Prepare(pctx, req)
	cancel()
	if err != nil {
		fail(CodeBadRequest, err.Error())
		return
	}
	req = prepared
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	// The client writes nothing more until our summary, then its receipt: a read returning
	// before that means it went away.
	receipt := make(chan *receiptMsg, 1)
	go func() {
		var m genMsg
		_ = st.SetReadDeadline(time.Time{})
		if wire.NewReader(br, openingLimit).Read(&m) == nil && m.Op == opReceipt {
			receipt <- m.Receipt
			return
		}
		cancel()
	}()
	rec := Record{Kind: "served", RequestID: m.RequestID, Model: m.Model, Started: time.Now(),
		Requester: peer, Worker: s.Host.ID().String()}
	rec.InputHash = RequestHash(req)
	var refused error
	res, err := s.Generate(ctx, "peer-"+m.RequestID, req, func(t inference.Token) error {
		if refused = s.allowed(peer); refused != nil {
			return refused
		}
		_ = st.SetWriteDeadline(time.Now().Add(s.Idle))
		return wire.Write(st, genMsg{Op: opToken, TokenID: t.ID, Text: t.Text})
	})
	rec.OutputHash = TextHash(res.Text)
	rec.PromptTokens, rec.GenTokens = res.PromptTokens, len(res.Tokens)
	if err != nil {
		s.record(rec)
		if refused != nil {
			fail(CodeRefused, refused.Error())
		} else {
			fail(CodeInternal, err.Error())
		}
		return
	}
	done := genMsg{Op: opDone, PromptTokens: res.PromptTokens, GenTokens: len(res.Tokens),
		Finish: res.FinishReason, PromptPerSec: res.PromptPerSec, GenPerSec: res.GeneratePerSec,
		PromptIDs: req.Tokens, Cache: s.Cache.String()}
	// The signed claim lets the requester replay the work exactly and prove a wrong answer.
	claim := GenClaim{RequestID: m.RequestID, Model: m.Model, Input: rec.InputHash, Sampling: req.Sampling, MaxTokens: req.MaxTokens,
		IgnoreEOS: req.IgnoreEOS, Cache: done.Cache, Prompt: req.Tokens, Tokens: res.Tokens}
	if key := s.Host.Peerstore().PrivKey(s.Host.ID()); key != nil {
		if done.Claim, err = key.Sign(claim.Bytes()); err != nil {
			fail(CodeInternal, fmt.Sprintf("sign the request: %v", err))
			return
		}
	}
	if werr := wire.Write(st, done); werr == nil {
		select {
		case m := <-receipt:
			if r, err := acceptReceipt(m, rec); err == nil {
				rec.Receipt = r
			} else {
				s.Log.Info("request served without a valid receipt", "peer", shortID(peer), "err", err)
			}
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
		}
	}
	s.record(rec)
}

// TextHash is the SHA-256 (hex) of generated text, as both sides of a request record it.
func TextHash(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// RequestHash is the SHA-256 (hex) of what a request asks: its prompt text and its messages. The
// node that asks, the node that works and the ledgers of both use this one definition.
func RequestHash(req inference.Request) string {
	h := sha256.New()
	h.Write([]byte(req.Prompt))
	for _, m := range req.Messages {
		h.Write([]byte(m.Role + "\x00" + m.Content + "\x00"))
	}
	return hex.EncodeToString(h.Sum(nil))
}
