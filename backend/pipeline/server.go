package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// Server answers peers' layer-range and whole-request work on a libp2p host.
type Server struct {
	Host host.Host
	// Engine returns the loaded engine of the model with this SHA-256, or an error when the node
	// does not hold it.
	Engine func(model string) (*inference.Engine, error)
	// Generate runs a whole request (the node's scheduler); nil: the generate protocol is off.
	Generate func(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error)
	// Runner gives the pool for peers' layer work (asked at each new stage, so it may change
	// with the policy); nil, or a nil result: the engine's.
	Runner   func() *inference.Runner
	Gate     Gate     // nil: everything is admitted
	Recorder Recorder // nil: nothing is recorded
	Cache    model.CacheType
	// MaxContext bounds the positions a peer may ask a stage to hold (default 4096).
	MaxContext int
	// Idle is how long a peer may stay silent before its stage is dropped (default 2 min).
	Idle time.Duration
	Log  *slog.Logger

	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	mu      sync.Mutex
	streams map[network.Stream]struct{}
}

// Start registers the protocol handlers.
func (s *Server) Start() {
	if s.MaxContext <= 0 {
		s.MaxContext = 4096
	}
	if s.Idle <= 0 {
		s.Idle = 2 * time.Minute
	}
	if s.Log == nil {
		s.Log = slog.New(slog.DiscardHandler)
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.streams = map[network.Stream]struct{}{}
	s.Host.SetStreamHandler(protocol.ID(LayersProtocol), s.track(s.handleLayers))
	if s.Generate != nil {
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
}

func (s *Server) track(h func(network.Stream)) network.StreamHandler {
	return func(st network.Stream) {
		s.mu.Lock()
		if s.streams == nil {
			s.mu.Unlock()
			_ = st.Reset()
			return
		}
		s.streams[st] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		defer func() {
			s.mu.Lock()
			delete(s.streams, st)
			s.mu.Unlock()
			s.wg.Done()
		}()
		h(st)
	}
}

// opening reads a stream's first message (read returns its kind), which must be want, and
// admits the peer's work under the policy. A stream that ends first is reset; a wrong message or
// a refusal is answered through fail. When ok, release must be called when the work ends.
func (s *Server) opening(st network.Stream, peer string, read func() (string, error), want string, fail func(code, msg string)) (release func(), ok bool) {
	_ = st.SetReadDeadline(time.Now().Add(s.Idle))
	op, err := read()
	if err != nil {
		s.Log.Debug("no first message", "peer", shortID(peer), "err", err)
		_ = st.Reset()
		return nil, false
	}
	if op != want {
		fail(CodeBadRequest, fmt.Sprintf("first message is %q, want %q", op, want))
		return nil, false
	}
	release = func() {}
	if s.Gate != nil {
		if release, err = s.Gate.Admit(s.ctx, peer); err != nil {
			fail(CodeRefused, err.Error())
			return nil, false
		}
	}
	return release, true
}

func (s *Server) handleLayers(st network.Stream) {
	defer st.Close()
	peer := st.Conn().RemotePeer().String()
	log := s.Log.With("peer", shortID(peer), "protocol", LayersProtocol)
	r := wire.NewReader(st, 0)
	fail := func(code, msg string) {
		_ = st.SetWriteDeadline(time.Now().Add(10 * time.Second))
		_ = wire.Write(st, layerMsg{Op: opError, Code: code, Err: msg})
	}
	var open layerMsg
	release, ok := s.opening(st, peer, func() (string, error) { err := r.Read(&open); return open.Op, err }, opOpen, fail)
	if !ok {
		return
	}
	defer release()
	eng, err := s.Engine(open.Model)
	if err != nil {
		fail(CodeNoModel, err.Error())
		return
	}
	n := eng.Model.HP.NLayer
	if open.From < 0 || open.To > n || open.From >= open.To {
		fail(CodeBadRequest, fmt.Sprintf("layer range [%d, %d) is not inside [0, %d)", open.From, open.To, n))
		return
	}
	if open.NCtx <= 0 || open.NCtx > s.MaxContext {
		fail(CodeBadRequest, fmt.Sprintf("context of %d positions is outside 1..%d", open.NCtx, s.MaxContext))
		return
	}
	var runner *inference.Runner
	if s.Runner != nil {
		runner = s.Runner()
	}
	stage, err := eng.NewStage(open.NCtx, open.From, open.To, s.Cache, runner)
	if err != nil {
		fail(CodeInternal, err.Error())
		return
	}
	if err := wire.Write(st, layerMsg{Op: opOK, Kernels: kernelsName()}); err != nil {
		return
	}
	d := eng.Model.HP.NEmbd
	rec := Record{Kind: "hop", RequestID: open.RequestID, Model: open.Model, From: open.From, To: open.To,
		Started: time.Now(), Requester: peer, Worker: s.Host.ID().String()}
	in, out := sha256.New(), sha256.New()
	defer func() { s.record(rec, in, out) }()
	var x []float32
	for {
		_ = st.SetReadDeadline(time.Now().Add(s.Idle))
		var m layerMsg
		if err := r.Read(&m); err != nil {
			if !errors.Is(err, io.EOF) {
				log.Debug("layers stream ended", "err", err)
			}
			return
		}
		switch m.Op {
		case opStep:
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
			x = x[:0]
			x = append(x, make([]float32, len(m.Hidden)/4)...)
			_ = decodeHidden(x, m.Hidden)
			in.Write(m.Hidden)
			t0 := time.Now()
			if err := stage.Forward(s.ctx, x); err != nil {
				fail(CodeBadRequest, err.Error())
				continue
			}
			ms := float64(time.Since(t0).Microseconds()) / 1000
			b := encodeHidden(x)
			out.Write(b)
			rec.GenTokens += len(x) / d
			_ = st.SetWriteDeadline(time.Now().Add(s.Idle))
			if err := wire.Write(st, layerMsg{Op: opHidden, Pos: m.Pos, Hidden: b, ComputeMs: ms}); err != nil {
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

func (s *Server) record(rec Record, in, out hash.Hash) {
	if s.Recorder == nil || rec.GenTokens == 0 && rec.PromptTokens == 0 {
		return
	}
	rec.Duration = time.Since(rec.Started)
	rec.InputHash = hex.EncodeToString(in.Sum(nil))
	rec.OutputHash = hex.EncodeToString(out.Sum(nil))
	s.Recorder.Record(context.Background(), rec)
}

func (s *Server) handleGenerate(st network.Stream) {
	defer st.Close()
	peer := st.Conn().RemotePeer().String()
	r := wire.NewReader(st, 1<<20)
	fail := func(code, msg string) {
		_ = st.SetWriteDeadline(time.Now().Add(10 * time.Second))
		_ = wire.Write(st, genMsg{Op: opError, Code: code, Err: msg})
	}
	var m genMsg
	release, ok := s.opening(st, peer, func() (string, error) { err := r.Read(&m); return m.Op, err }, opRequest, fail)
	if !ok {
		return
	}
	defer release()
	if _, err := s.Engine(m.Model); err != nil {
		fail(CodeNoModel, err.Error())
		return
	}
	req, err := m.request()
	if err != nil {
		fail(CodeBadRequest, err.Error())
		return
	}
	ctx, cancel := context.WithCancel(s.ctx)
	defer cancel()
	// The client writes nothing more until our summary, then its receipt: a read returning
	// before that means it went away.
	receipt := make(chan *receiptMsg, 1)
	go func() {
		var m genMsg
		_ = st.SetReadDeadline(time.Time{})
		if r.Read(&m) == nil && m.Op == opReceipt {
			receipt <- m.Receipt
			return
		}
		cancel()
	}()
	rec := Record{Kind: "served", RequestID: m.RequestID, Model: m.Model, Started: time.Now(),
		Requester: peer, Worker: s.Host.ID().String()}
	in, out := sha256.New(), sha256.New()
	hashPrompt(in, m.Prompt, m.Messages)
	res, err := s.Generate(ctx, "peer-"+m.RequestID, req, func(t inference.Token) error {
		_ = st.SetWriteDeadline(time.Now().Add(s.Idle))
		return wire.Write(st, genMsg{Op: opToken, TokenID: t.ID, Text: t.Text})
	})
	out.Write([]byte(res.Text))
	rec.PromptTokens, rec.GenTokens = res.PromptTokens, len(res.Tokens)
	if err != nil {
		s.record(rec, in, out)
		fail(CodeInternal, err.Error())
		return
	}
	if werr := wire.Write(st, genMsg{Op: opDone, PromptTokens: res.PromptTokens, GenTokens: len(res.Tokens),
		Finish: res.FinishReason, PromptPerSec: res.PromptPerSec, GenPerSec: res.GeneratePerSec}); werr == nil {
		rec.InputHash, rec.OutputHash = hex.EncodeToString(in.Sum(nil)), hex.EncodeToString(out.Sum(nil))
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
	s.record(rec, in, out)
}

// hashPrompt feeds what a generate request asks into h, the same way on both sides.
func hashPrompt(h hash.Hash, prompt string, msgs []chatMsg) {
	h.Write([]byte(prompt))
	for _, m := range msgs {
		h.Write([]byte(m.Role + "\x00" + m.Content + "\x00"))
	}
}
