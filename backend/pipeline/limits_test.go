package pipeline

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// frameHeader is the start of a frame announcing n bytes.
func frameHeader(n int) []byte {
	var hdr [binary.MaxVarintLen64]byte
	return hdr[:binary.PutUvarint(hdr[:], uint64(n))]
}

// readReply reads one answer within d.
func readReply(t *testing.T, st network.Stream, d time.Duration, v any) error {
	t.Helper()
	_ = st.SetReadDeadline(time.Now().Add(d))
	return wire.NewReader(st, 0).Read(v)
}

// A node that does not contribute refuses a peer before reading its first message: a frame
// announcing 16 MiB is answered with a refusal while only a small part of it has been sent.
func TestRefusalBeforeReadingTheOpening(t *testing.T) {
	ctx := context.Background()
	coord, off := newNode(t, nil), newNode(t, refuse{})
	connect(t, coord.h, off.h)
	for _, proto := range []string{LayersProtocol, GenerateProtocol} {
		t.Run(proto, func(t *testing.T) {
			st, err := coord.h.NewStream(ctx, off.h.ID(), protocol.ID(proto))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Reset()
			if _, err := st.Write(append(frameHeader(wire.MaxFrame), make([]byte, 4096)...)); err != nil {
				t.Fatal(err)
			}
			var op, code string
			if proto == LayersProtocol {
				var m layerMsg
				err = readReply(t, st, 3*time.Second, &m)
				op, code = m.Op, m.Code
			} else {
				var m genMsg
				err = readReply(t, st, 3*time.Second, &m)
				op, code = m.Op, m.Code
			}
			if err != nil {
				t.Fatalf("no answer after 4 KiB of a 16 MiB opening: %v", err)
			}
			if op != opError || code != CodeRefused {
				t.Fatalf("answer %s (%s), want a refusal", op, code)
			}
		})
	}
}

// An admitted stage's frames are bounded by what it can need: a step frame larger than a full
// batch of its width is refused with CodeTooLarge before it is read.
func TestStepFrameOverTheStageCapIsRefused(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, srv := newNode(t, nil), newNode(t, nil)
	connect(t, coord.h, srv.h)
	st, err := coord.h.NewStream(ctx, srv.h.ID(), protocol.ID(LayersProtocol))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Reset()
	// An opening carries no hidden state: one announcing 16 MiB is refused too.
	big, err := coord.h.NewStream(ctx, srv.h.ID(), protocol.ID(LayersProtocol))
	if err != nil {
		t.Fatal(err)
	}
	defer big.Reset()
	if _, err := big.Write(append(frameHeader(wire.MaxFrame), make([]byte, 4096)...)); err != nil {
		t.Fatal(err)
	}
	var first layerMsg
	if err := readReply(t, big, 3*time.Second, &first); err != nil || first.Op != opError || first.Code != CodeTooLarge {
		t.Fatalf("oversized opening answered %+v, %v; want %s", first, err, CodeTooLarge)
	}
	if err := wire.Write(st, layerMsg{Op: opOpen, Model: sha, From: 0, To: 2, NCtx: 8}); err != nil {
		t.Fatal(err)
	}
	var m layerMsg
	if err := readReply(t, st, 5*time.Second, &m); err != nil || m.Op != opOK {
		t.Fatalf("open: %+v, %v", m, err)
	}
	// 8 positions of the model's width fit in a few KiB; announce 16 MiB.
	if _, err := st.Write(append(frameHeader(wire.MaxFrame), make([]byte, 4096)...)); err != nil {
		t.Fatal(err)
	}
	m = layerMsg{}
	if err := readReply(t, st, 3*time.Second, &m); err != nil {
		t.Fatalf("no answer to an oversized step: %v", err)
	}
	if m.Op != opError || m.Code != CodeTooLarge {
		t.Fatalf("answer %+v, want an error with code %s", m, CodeTooLarge)
	}
}

// Heap held by a server while 50 streams each send all but the last byte of a maximal frame:
// nothing of the sort may be buffered, whether contributing is off (refused before reading) or
// on (an opening carries no hidden state).
func TestOversizedFramesHoldNoMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends up to 800 MiB over loopback")
	}
	for _, tc := range []struct {
		name string
		gate Gate
	}{{"contributing off", refuse{}}, {"contributing on", nil}} {
		t.Run(tc.name, func(t *testing.T) { oversizedFrames(t, tc.gate) })
	}
}

func oversizedFrames(t *testing.T, gate Gate) {
	ctx := context.Background()
	coord, srv := newNode(t, nil), newNode(t, gate)
	connect(t, coord.h, srv.h)
	const streams = 50
	frame := append(frameHeader(wire.MaxFrame), make([]byte, wire.MaxFrame-1)...)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	before := heap()
	var wg sync.WaitGroup
	var opened []network.Stream
	for range streams {
		st, err := coord.h.NewStream(ctx, srv.h.ID(), protocol.ID(LayersProtocol))
		if err != nil {
			t.Fatal(err)
		}
		opened = append(opened, st)
		wg.Add(1)
		done := make(chan struct{}, 2)
		go func() { // sends the frame; ends when it is sent or the server answered
			_ = st.SetWriteDeadline(time.Now().Add(60 * time.Second))
			_, _ = st.Write(frame)
			done <- struct{}{}
		}()
		go func() {
			var m layerMsg
			_ = readReply(t, st, 60*time.Second, &m)
			done <- struct{}{}
		}()
		go func() { <-done; wg.Done() }()
	}
	wg.Wait()
	time.Sleep(200 * time.Millisecond) // let the server read what it will
	after := heap()
	grown := int64(after) - int64(before)
	t.Logf("heap in use: %d MiB before, %d MiB with %d streams each sending %d MiB - 1 byte (grown %d MiB)",
		before>>20, after>>20, streams, wire.MaxFrame>>20, grown>>20)
	for _, st := range opened {
		_ = st.Reset()
	}
	if grown > 64<<20 {
		t.Fatalf("the server holds %d MiB for frames it should not read", grown>>20)
	}
}

// switchGate is a contribution policy that can be switched off while work is running.
type switchGate struct{ off atomic.Bool }

func (g *switchGate) Admit(context.Context, string) (func(), error) {
	if err := g.Allowed(""); err != nil {
		return nil, err
	}
	return func() {}, nil
}

func (g *switchGate) Allowed(string) error {
	if g.off.Load() {
		return errors.New("contribution is off")
	}
	return nil
}

// openStage opens a layers stream for layers [0, 2) of nCtx positions.
func openStage(t *testing.T, from host.Host, to *testNode, nCtx int) (network.Stream, *wire.Reader) {
	t.Helper()
	_, sha := testModel(t)
	st, err := from.NewStream(context.Background(), to.h.ID(), protocol.ID(LayersProtocol))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Reset() })
	r := wire.NewReader(st, 0)
	var m layerMsg
	if err := wire.Write(st, layerMsg{Op: opOpen, Model: sha, From: 0, To: 2, NCtx: nCtx}); err != nil {
		t.Fatal(err)
	}
	_ = st.SetReadDeadline(time.Now().Add(5 * time.Second))
	if err := r.Read(&m); err != nil || m.Op != opOK {
		t.Fatalf("open: %+v, %v", m, err)
	}
	return st, r
}

// send writes m and reads the answer within 5 s.
func send(t *testing.T, st network.Stream, r *wire.Reader, m layerMsg) layerMsg {
	t.Helper()
	if err := wire.Write(st, m); err != nil {
		t.Fatal(err)
	}
	_ = st.SetReadDeadline(time.Now().Add(5 * time.Second))
	var reply layerMsg
	if err := r.Read(&reply); err != nil {
		t.Fatalf("no answer to %s: %v", m.Op, err)
	}
	return reply
}

// A stream admitted while contributing was on is refused its next step once it is switched off.
func TestStepRefusedOnceContributingIsOff(t *testing.T) {
	gate := &switchGate{}
	coord, srv := newNode(t, nil), newNode(t, gate)
	connect(t, coord.h, srv.h)
	d := srv.eng.Model.HP.NEmbd
	st, r := openStage(t, coord.h, srv, 64)
	if m := send(t, st, r, layerMsg{Op: opStep, Pos: 0, Hidden: make([]byte, 4*d)}); m.Op != opHidden {
		t.Fatalf("first step answered %+v", m)
	}
	gate.off.Store(true)
	m := send(t, st, r, layerMsg{Op: opStep, Pos: 1, Hidden: make([]byte, 4*d)})
	if m.Op != opError || m.Code != CodeRefused {
		t.Fatalf("a step after contributing was switched off answered %s %s, want a refusal", m.Op, m.Code)
	}
}

// A stream may not step for ever by truncating: past four times its context in positions
// processed, it is refused.
func TestStreamPositionsAreCapped(t *testing.T) {
	coord, srv := newNode(t, nil), newNode(t, nil)
	connect(t, coord.h, srv.h)
	d := srv.eng.Model.HP.NEmbd
	const nCtx = 8
	st, r := openStage(t, coord.h, srv, nCtx)
	batch := make([]byte, 4*d*nCtx)
	for round := 0; ; round++ {
		m := send(t, st, r, layerMsg{Op: opStep, Pos: 0, Hidden: batch})
		if m.Op == opError {
			if m.Code != CodeRefused || round != 4 {
				t.Fatalf("round %d answered %s %s (%s), want a refusal at round 4", round, m.Code, m.Op, m.Err)
			}
			return
		}
		if m.Op != opHidden {
			t.Fatalf("round %d answered %+v", round, m)
		}
		if round >= 4 {
			t.Fatalf("%d positions processed by a stream of %d", (round+1)*nCtx, nCtx)
		}
		if m := send(t, st, r, layerMsg{Op: opTruncate, Pos: 0}); m.Op != opOK {
			t.Fatalf("truncate answered %+v", m)
		}
	}
}

// Revoke cuts the open streams of peers the gate no longer allows, idle or not.
func TestRevokeCutsOpenStreams(t *testing.T) {
	gate := &switchGate{}
	coord, srv := newNode(t, nil), newNode(t, gate)
	connect(t, coord.h, srv.h)
	st, r := openStage(t, coord.h, srv, 64)
	srv.srv.Revoke() // still allowed: nothing is cut
	d := srv.eng.Model.HP.NEmbd
	if m := send(t, st, r, layerMsg{Op: opStep, Pos: 0, Hidden: make([]byte, 4*d)}); m.Op != opHidden {
		t.Fatalf("step answered %+v", m)
	}
	gate.off.Store(true)
	srv.srv.Revoke()
	_ = st.SetReadDeadline(time.Now().Add(3 * time.Second))
	var m layerMsg
	err := r.Read(&m)
	if err == nil && (m.Op != opError || m.Code != CodeRefused) {
		t.Fatalf("revoked stream answered %+v", m)
	}
	if ne := net.Error(nil); errors.As(err, &ne) && ne.Timeout() {
		t.Fatalf("revoked stream still open: %v", err)
	}
}

// A whole request stops with a refusal once contributing is switched off under it.
func TestGenerateStopsOnceContributingIsOff(t *testing.T) {
	_, sha := testModel(t)
	gate := &switchGate{}
	coord, srv := newNode(t, nil), newNode(t, gate)
	connect(t, coord.h, srv.h)
	n := 0
	res, err := Generate(context.Background(), coord.h, srv.h.ID(), sha, "r", request(200), func(inference.Token) error {
		if n++; n == 2 {
			gate.off.Store(true)
		}
		return nil
	})
	if !errors.Is(err, ErrRefused) || len(res.Tokens) >= 200 {
		t.Fatalf("generate after contributing was switched off: %d tokens, %v; want a refusal", len(res.Tokens), err)
	}
}

// A hop that answers well-formed hidden states full of NaN is the one replaced, not the honest
// hop after it that would have been fed them.
func TestFailoverWhenAHopAnswersNaN(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, honest := newNode(t, nil), newNode(t, nil)
	liar := newHost(t)
	liar.SetStreamHandler(protocol.ID(LayersProtocol), func(st network.Stream) {
		defer st.Close()
		r := wire.NewReader(st, 0)
		var m layerMsg
		_ = r.Read(&m)
		_ = wire.Write(st, layerMsg{Op: opOK})
		for r.Read(&m) == nil && m.Op == opStep {
			nan := make([]float32, len(m.Hidden)/4)
			for i := range nan {
				nan[i] = float32NaN()
			}
			_ = wire.Write(st, layerMsg{Op: opHidden, Pos: m.Pos, Hidden: encodeHidden(nan)})
		}
	})
	connect(t, coord.h, honest.h, liar)
	want := generateLocal(t, coord.eng, request(8))
	p, err := Dial(ctx, Config{Host: coord.h, Engine: coord.eng, Model: sha, Context: 256, Cache: model.CacheF16,
		StepTimeout: 5 * time.Second}, Route{{Peer: liar.ID(), From: 0, To: 2}, {Peer: honest.h.ID(), From: 2, To: 4}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	got, err := coord.eng.NewSessionWith(p).Generate(ctx, request(8), nil)
	if err != nil {
		t.Fatal(err)
	}
	sameTokens(t, "after a NaN hop", got.Tokens, want.Tokens)
	if f := p.Failovers(); len(f) != 1 || f[0].Failed.Peer != liar.ID() || !strings.Contains(f[0].Err, "non-finite") {
		t.Fatalf("failovers %+v, want one of the lying hop %s", f, liar.ID())
	}
}

// Plan never gives an absurdly fast advert more than its clamped speed implies, and never
// produces a broken route whatever the candidates' speeds.
func TestPlanWithAbsurdSpeeds(t *testing.T) {
	a, b, c := peer.ID("a"), peer.ID("b"), peer.ID("c")
	clamped, err := Plan(30, 0, []Candidate{{Peer: a, MsPerLayer: 1e-3}, {Peer: b, MsPerLayer: 0.01}, {Peer: c, MsPerLayer: 0.01}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ms := range []float64{1e-300, 5e-324, 1e-9} {
		got, err := Plan(30, 0, []Candidate{{Peer: a, MsPerLayer: ms}, {Peer: b, MsPerLayer: 0.01}, {Peer: c, MsPerLayer: 0.01}})
		if err != nil {
			t.Fatalf("%g ms per layer: %v", ms, err)
		}
		if err := got.Validate(30); err != nil {
			t.Fatalf("%g ms per layer: %v", ms, err)
		}
		if got.String() != clamped.String() {
			t.Fatalf("%g ms per layer: route %s, want the clamped speed's %s", ms, got, clamped)
		}
	}
	slow, err := Plan(30, 0, []Candidate{{Peer: a, MsPerLayer: 1e4}, {Peer: b, MsPerLayer: 1}})
	if err != nil {
		t.Fatal(err)
	}
	for _, ms := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -1} {
		got, err := Plan(30, 0, []Candidate{{Peer: a, MsPerLayer: ms}, {Peer: b, MsPerLayer: 1}})
		if err != nil {
			t.Fatalf("%v ms per layer: %v", ms, err)
		}
		if err := got.Validate(30); err != nil {
			t.Fatalf("%v ms per layer: %v", ms, err)
		}
		if math.IsInf(ms, 1) && got.String() != slow.String() {
			t.Fatalf("+Inf ms per layer: route %s, want the slowest's %s", got, slow)
		}
	}
	// Partial holders and a gap shared by whole holders, one of them absurd.
	got, err := Plan(12, 0, []Candidate{{Peer: a, MsPerLayer: 5e-324}, {Peer: b, MsPerLayer: 1}, {Peer: c, From: 8, To: 12}})
	if err != nil || got.Validate(12) != nil {
		t.Fatalf("route %s, %v", got, err)
	}
}
