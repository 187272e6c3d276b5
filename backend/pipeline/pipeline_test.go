package pipeline

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/sample"
	"github.com/aria-node/aria/inference/synth"
)

var (
	modelOnce sync.Once
	modelPath string
	modelSHA  string
)

// testModel writes one synthetic 4-layer model shared by the package's tests.
func testModel(t *testing.T) (string, string) {
	t.Helper()
	modelOnce.Do(func() {
		dir, err := os.MkdirTemp("", "aria-pipeline-")
		if err != nil {
			t.Fatal(err)
		}
		modelPath = filepath.Join(dir, "tiny.gguf")
		if err := synth.Write(modelPath, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 7}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(modelPath)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		modelSHA = hex.EncodeToString(sum[:])
	})
	if modelSHA == "" {
		t.Fatal("test model not written")
	}
	return modelPath, modelSHA
}

func TestMain(m *testing.M) {
	code := m.Run()
	if modelPath != "" {
		os.RemoveAll(filepath.Dir(modelPath))
	}
	os.Exit(code)
}

// testNode is a real libp2p host on loopback with its own engine and pipeline server.
type testNode struct {
	h   host.Host
	eng *inference.Engine
	srv *Server
	rec *memRecorder
}

type memRecorder struct {
	mu   sync.Mutex
	recs []Record
}

func (m *memRecorder) Record(_ context.Context, r Record) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs = append(m.recs, r)
}

func (m *memRecorder) all() []Record {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Record(nil), m.recs...)
}

func newHost(t *testing.T) host.Host {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

func newNode(t *testing.T, gate Gate) *testNode {
	t.Helper()
	return newNodeWith(t, gate, func(s Stages) Stages { return s })
}

// newNodeWith is newNode whose layers are served by wrap's Stages.
func newNodeWith(t *testing.T, gate Gate, wrap func(Stages) Stages) *testNode {
	t.Helper()
	path, sha := testModel(t)
	eng, err := inference.Load(path, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	n := &testNode{h: newHost(t), eng: eng, rec: &memRecorder{}}
	n.srv = &Server{Host: n.h, Gate: gate, Recorder: n.rec, Stages: wrap(EngineStages{Engine: eng, Model: sha}),
		Prepare: func(ctx context.Context, req inference.Request) (inference.Request, error) {
			return eng.Prepare(ctx, req, 4096, inference.Limits{})
		},
		Generate: func(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
			s, err := eng.NewSession(4096, model.CacheF16)
			if err != nil {
				return inference.Result{}, err
			}
			return s.Generate(ctx, req, onToken)
		}}
	n.srv.Start()
	t.Cleanup(func() { n.srv.Stop(); eng.Close() })
	return n
}

func connect(t *testing.T, a host.Host, others ...host.Host) {
	t.Helper()
	for _, b := range others {
		if err := a.Connect(context.Background(), peer.AddrInfo{ID: b.ID(), Addrs: b.Addrs()}); err != nil {
			t.Fatal(err)
		}
	}
}

func request(n int) inference.Request {
	return inference.Request{Prompt: "The pipeline carries hidden states from node to node", MaxTokens: n, IgnoreEOS: true,
		Sampling: sample.Params{Temperature: 0.9, TopK: 40, TopP: 0.95, Seed: 42}}
}

func generateLocal(t *testing.T, eng *inference.Engine, req inference.Request) inference.Result {
	t.Helper()
	s, err := eng.NewSession(4096, model.CacheF16)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Generate(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func sameTokens(t *testing.T, what string, got, want []int32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d tokens, single node %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: token %d is %d, single node %d (got %v, want %v)", what, i, got[i], want[i], got, want)
		}
	}
}

// A model split over three peers generates exactly the tokens of one node, and every hop's
// work is recorded with the coordinator as requester.
func TestPipelineOverThreePeersIsIdentical(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, a, b, c := newNode(t, nil), newNode(t, nil), newNode(t, nil), newNode(t, nil)
	connect(t, coord.h, a.h, b.h, c.h)
	want := generateLocal(t, coord.eng, request(24))

	route := Route{{Peer: a.h.ID(), From: 0, To: 1}, {Peer: b.h.ID(), From: 1, To: 2}, {Peer: c.h.ID(), From: 2, To: 4}}
	p, err := Dial(ctx, Config{Host: coord.h, Engine: coord.eng, Model: sha, RequestID: "r1", Context: 256, Cache: model.CacheF16}, route)
	if err != nil {
		t.Fatal(err)
	}
	got, err := coord.eng.NewSessionWith(p).Generate(ctx, request(24), nil)
	if err != nil {
		t.Fatal(err)
	}
	sameTokens(t, "3-peer pipeline", got.Tokens, want.Tokens)
	if got.Text != want.Text {
		t.Fatalf("text %q, single node %q", got.Text, want.Text)
	}
	stats := p.Stats()
	if len(stats) != 3 {
		t.Fatalf("%d hop stats, want 3", len(stats))
	}
	positions := got.PromptTokens + len(got.Tokens) - 1 // the last token is sampled, never fed
	for _, s := range stats {
		if s.Tokens != positions || s.Steps == 0 || s.RoundTrip <= 0 {
			t.Fatalf("hop %s: %+v, want %d tokens", s.Route, s, positions)
		}
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, n := range []*testNode{a, b, c} {
		waitFor(t, func() bool { return len(n.rec.all()) == 1 }, "a ledger record on every hop")
		r := n.rec.all()[0]
		if r.Kind != "hop" || r.RequestID != "r1" || r.Model != sha || r.Requester != coord.h.ID().String() ||
			r.Worker != n.h.ID().String() || r.GenTokens != positions || len(r.InputHash) != 64 || r.InputHash == r.OutputHash {
			t.Fatalf("record %+v", r)
		}
		checkReceipt(t, r, coord.h.ID())
	}
}

// A hop that vanishes mid-generation is replaced by another peer, which replays the history;
// the generation finishes with the single-node tokens.
func TestFailoverWhenAHopVanishes(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, a, b, spare := newNode(t, nil), newNode(t, nil), newNode(t, nil), newNode(t, nil)
	connect(t, coord.h, a.h, b.h, spare.h)
	want := generateLocal(t, coord.eng, request(20))

	replace := func(_ context.Context, failed Hop, exclude []peer.ID) (Hop, error) {
		for _, x := range exclude {
			if x == spare.h.ID() {
				return Hop{}, errors.New("no peer left")
			}
		}
		return Hop{Peer: spare.h.ID(), From: failed.From, To: failed.To}, nil
	}
	route := Route{{Peer: a.h.ID(), From: 0, To: 2}, {Peer: b.h.ID(), From: 2, To: 4}}
	p, err := Dial(ctx, Config{Host: coord.h, Engine: coord.eng, Model: sha, Context: 256, Cache: model.CacheF16,
		Replace: replace, StepTimeout: 5 * time.Second}, route)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	got, err := coord.eng.NewSessionWith(p).Generate(ctx, request(20), func(inference.Token) error {
		if n++; n == 7 {
			b.srv.Stop()
			b.h.Close() // the peer goes away: connections drop
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sameTokens(t, "after failover", got.Tokens, want.Tokens)
	f := p.Failovers()
	if len(f) != 1 || f[0].Failed.Peer != b.h.ID() || f[0].Replacement.Peer != spare.h.ID() || f[0].Pos == 0 {
		t.Fatalf("failovers %+v", f)
	}
	if r := p.Route(); r[1].Peer != spare.h.ID() {
		t.Fatalf("route after failover %s", r)
	}
}

// A hop that stops answering (stalls) is taken as gone after the step timeout; with no
// replacement given, the coordinator runs the range itself.
func TestFailoverWhenAHopStalls(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, a := newNode(t, nil), newNode(t, nil)
	staller := newHost(t)
	release := make(chan struct{})
	defer close(release)
	staller.SetStreamHandler(protocol.ID(LayersProtocol), func(st network.Stream) {
		r := wire.NewReader(st, 0)
		var m layerMsg
		_ = r.Read(&m)
		_ = wire.Write(st, layerMsg{Op: opOK})
		_ = r.Read(&m) // the first step: never answered
		<-release
	})
	connect(t, coord.h, a.h, staller)
	want := generateLocal(t, coord.eng, request(12))
	route := Route{{Peer: a.h.ID(), From: 0, To: 2}, {Peer: staller.ID(), From: 2, To: 4}}
	p, err := Dial(ctx, Config{Host: coord.h, Engine: coord.eng, Model: sha, Context: 256, Cache: model.CacheF16,
		StepTimeout: 300 * time.Millisecond}, route)
	if err != nil {
		t.Fatal(err)
	}
	got, err := coord.eng.NewSessionWith(p).Generate(ctx, request(12), nil)
	if err != nil {
		t.Fatal(err)
	}
	sameTokens(t, "after a stalled hop", got.Tokens, want.Tokens)
	if f := p.Failovers(); len(f) != 1 || f[0].Replacement.Peer != "" {
		t.Fatalf("failovers %+v, want one to this node", f)
	}
}

// A peer that answers garbage is replaced like one that vanished.
func TestFailoverWhenAHopSendsGarbage(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord := newNode(t, nil)
	liar := newHost(t)
	liar.SetStreamHandler(protocol.ID(LayersProtocol), func(st network.Stream) {
		defer st.Close()
		r := wire.NewReader(st, 0)
		var m layerMsg
		_ = r.Read(&m)
		_ = wire.Write(st, layerMsg{Op: opOK})
		for r.Read(&m) == nil {
			// A frame claiming 1 GB, then noise.
			_, _ = st.Write([]byte{0x80, 0x80, 0x80, 0x80, 0x04, 1, 2, 3})
		}
	})
	connect(t, coord.h, liar)
	want := generateLocal(t, coord.eng, request(8))
	p, err := Dial(ctx, Config{Host: coord.h, Engine: coord.eng, Model: sha, Context: 256, Cache: model.CacheF16,
		StepTimeout: 5 * time.Second}, Route{{From: 0, To: 2}, {Peer: liar.ID(), From: 2, To: 4}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := coord.eng.NewSessionWith(p).Generate(ctx, request(8), nil)
	if err != nil {
		t.Fatal(err)
	}
	sameTokens(t, "after a garbage hop", got.Tokens, want.Tokens)
	if f := p.Failovers(); len(f) != 1 || !strings.Contains(f[0].Err, "size limit") {
		t.Fatalf("failovers %+v, want one caused by the oversized frame", f)
	}
}

type refuse struct{}

func (refuse) Admit(context.Context, string) (func(), error) {
	return nil, errors.New("contribution is off")
}

// A node whose policy is off does no work for others: layer and whole-request work are both
// refused with a reason, and nothing is recorded.
func TestPolicyOffRefusesWork(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, off := newNode(t, nil), newNode(t, refuse{})
	connect(t, coord.h, off.h)
	_, err := Generate(ctx, coord.h, off.h.ID(), sha, "r", request(4), nil)
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("generate on a refusing peer: %v, want ErrRefused", err)
	}
	_, err = openRemote(ctx, Config{Host: coord.h, Model: sha, Context: 64, StepTimeout: 5 * time.Second}, Hop{Peer: off.h.ID(), From: 0, To: 2}, 256)
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("layers on a refusing peer: %v, want ErrRefused", err)
	}
	if r := off.rec.all(); len(r) != 0 {
		t.Fatalf("a refusing node recorded %v", r)
	}
}

// A whole request run on a peer streams the same tokens as running it here.
func TestRemoteGenerate(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, worker := newNode(t, nil), newNode(t, nil)
	connect(t, coord.h, worker.h)
	want := generateLocal(t, coord.eng, request(16))
	var streamed []int32
	got, err := Generate(ctx, coord.h, worker.h.ID(), sha, "req-7", request(16), func(tok inference.Token) error {
		streamed = append(streamed, tok.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sameTokens(t, "remote generate", got.Tokens, want.Tokens)
	sameTokens(t, "streamed", streamed, want.Tokens)
	if got.Text != want.Text || got.PromptTokens != want.PromptTokens || got.FinishReason != "length" {
		t.Fatalf("remote %+v, local %+v", got, want)
	}
	waitFor(t, func() bool { return len(worker.rec.all()) == 1 }, "a served record")
	r := worker.rec.all()[0]
	if r.Kind != "served" || r.RequestID != "req-7" || r.GenTokens != 16 || r.Requester != coord.h.ID().String() {
		t.Fatalf("record %+v", r)
	}
	checkReceipt(t, r, coord.h.ID())
	if _, err := Generate(ctx, coord.h, worker.h.ID(), "not-a-model", "r", request(4), nil); err == nil {
		t.Fatal("a model the peer does not hold was accepted")
	}
}

// Malformed layer messages get an error answer and leave the server working.
func TestServerRejectsBadMessages(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, srv := newNode(t, nil), newNode(t, nil)
	connect(t, coord.h, srv.h)
	d := srv.eng.Model.HP.NEmbd
	cases := []struct {
		name string
		msgs []layerMsg
		code string
	}{
		{"first message not open", []layerMsg{{Op: opStep}}, CodeBadRequest},
		{"unknown model", []layerMsg{{Op: opOpen, Model: "00", From: 0, To: 1, NCtx: 8}}, CodeNoModel},
		{"range outside the model", []layerMsg{{Op: opOpen, Model: sha, From: 2, To: 9, NCtx: 8}}, CodeBadRequest},
		{"empty range", []layerMsg{{Op: opOpen, Model: sha, From: 2, To: 2, NCtx: 8}}, CodeBadRequest},
		{"huge context", []layerMsg{{Op: opOpen, Model: sha, From: 0, To: 1, NCtx: 1 << 30}}, CodeBadRequest},
		{"step at the wrong position", []layerMsg{{Op: opOpen, Model: sha, From: 0, To: 1, NCtx: 8}, {Op: opStep, Pos: 3, Hidden: make([]byte, 4*d)}}, CodeBadRequest},
		{"ragged hidden state", []layerMsg{{Op: opOpen, Model: sha, From: 0, To: 1, NCtx: 8}, {Op: opStep, Hidden: make([]byte, 4*d+4)}}, CodeBadRequest},
		{"beyond the context", []layerMsg{{Op: opOpen, Model: sha, From: 0, To: 1, NCtx: 2}, {Op: opStep, Hidden: make([]byte, 3*4*d)}}, CodeBadRequest},
		{"NaN in the hidden state", []layerMsg{{Op: opOpen, Model: sha, From: 0, To: 1, NCtx: 8}, {Op: opStep, Hidden: encodeHidden(append(make([]float32, d-1), float32NaN()))}}, CodeBadRequest},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, err := coord.h.NewStream(ctx, srv.h.ID(), protocol.ID(LayersProtocol))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			r := wire.NewReader(st, 0)
			var last layerMsg
			for _, m := range c.msgs {
				if err := wire.Write(st, m); err != nil {
					t.Fatal(err)
				}
				if err := r.Read(&last); err != nil && !errors.Is(err, io.EOF) {
					t.Fatal(err)
				}
			}
			if last.Op != opError || last.Code != c.code || last.Err == "" {
				t.Fatalf("answer %+v, want an error with code %s", last, c.code)
			}
		})
	}
	// Still serving.
	p, err := Dial(ctx, Config{Host: coord.h, Engine: coord.eng, Model: sha, Context: 64}, Route{{Peer: srv.h.ID(), From: 0, To: 4}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close(ctx)
	if _, err := coord.eng.NewSessionWith(p).Generate(ctx, request(2), nil); err != nil {
		t.Fatal(err)
	}
}

func float32NaN() float32 {
	var z float32
	return z / z
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var errNoHolder = errors.New("no holder")

func TestPlan(t *testing.T) {
	a, b, c := peer.ID("a"), peer.ID("b"), peer.ID("c")
	cases := []struct {
		name   string
		layers int
		per    uint64
		nodes  []Candidate
		want   Route
		err    error
	}{
		{"equal speeds split evenly", 30, 0, []Candidate{{Peer: a}, {Peer: b}, {Peer: c}},
			Route{{a, 0, 10}, {b, 10, 20}, {c, 20, 30}}, nil},
		{"twice as fast takes twice the layers", 30, 0, []Candidate{{Peer: a, MsPerLayer: 1}, {Peer: b, MsPerLayer: 2}},
			Route{{a, 0, 20}, {b, 20, 30}}, nil},
		{"memory caps the fast node", 30, 100, []Candidate{{Peer: a, MsPerLayer: 1, FreeMemory: 500}, {Peer: b, MsPerLayer: 3}},
			Route{{a, 0, 5}, {b, 5, 30}}, nil},
		{"unknown speed counts as the slowest", 12, 0, []Candidate{{Peer: a, MsPerLayer: 2}, {Peer: b}},
			Route{{a, 0, 6}, {b, 6, 12}}, nil},
		{"a node too small for a layer is skipped", 4, 100, []Candidate{{Peer: a, FreeMemory: 50}, {Peer: b}},
			Route{{b, 0, 4}}, nil},
		{"not enough memory", 10, 100, []Candidate{{Peer: a, FreeMemory: 300}, {Peer: b, FreeMemory: 300}}, nil, ErrNotEnoughMemory},
		{"rounding gives every layer out", 7, 0, []Candidate{{Peer: a}, {Peer: b}, {Peer: c}},
			Route{{a, 0, 3}, {b, 3, 5}, {c, 5, 7}}, nil},
		{"a much slower node still takes a layer", 6, 0, []Candidate{{Peer: a, MsPerLayer: 1}, {Peer: b, MsPerLayer: 1}, {Peer: c, MsPerLayer: 10}},
			Route{{a, 0, 3}, {b, 3, 5}, {c, 5, 6}}, nil},
		{"more nodes than layers: the fastest take them", 2, 0, []Candidate{{Peer: a, MsPerLayer: 3}, {Peer: b, MsPerLayer: 1}, {Peer: c, MsPerLayer: 1}},
			Route{{b, 0, 1}, {c, 1, 2}}, nil},
		{"partial holders serve their ranges", 30, 0, []Candidate{{Peer: a}, {Peer: b, From: 0, To: 10}, {Peer: c, From: 20, To: 30}},
			Route{{b, 0, 10}, {a, 10, 20}, {c, 20, 30}}, nil},
		{"overlapping partial holders: furthest reach first", 12, 0, []Candidate{{Peer: a}, {Peer: b, From: 0, To: 5}, {Peer: c, From: 3, To: 12}},
			Route{{b, 0, 5}, {c, 5, 12}}, nil},
		{"a gap shared by whole holders", 12, 0, []Candidate{{Peer: a}, {Peer: b}, {Peer: c, From: 8, To: 12}},
			Route{{a, 0, 4}, {b, 4, 8}, {c, 8, 12}}, nil},
		{"a gap no one holds", 12, 0, []Candidate{{Peer: b, From: 0, To: 4}, {Peer: c, From: 8, To: 12}}, nil, errNoHolder},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Plan(tc.layers, tc.per, tc.nodes)
			if tc.err == errNoHolder {
				if err == nil || !strings.Contains(err.Error(), "no node holds layers [4, 8)") {
					t.Fatalf("error %v, want no holder for [4, 8)", err)
				}
				return
			}
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := got.Validate(tc.layers); err != nil {
				t.Fatal(err)
			}
			if got.String() != tc.want.String() {
				t.Fatalf("route %s, want %s", got, tc.want)
			}
		})
	}
}

// checkReceipt: the worker's record carries the requester's signed statement of exactly that work.
func checkReceipt(t *testing.T, r Record, requester peer.ID) {
	t.Helper()
	if r.Receipt == nil {
		t.Fatalf("record %s of %s has no receipt", r.Kind, r.RequestID)
	}
	p, err := ledger.VerifyReceipt(*r.Receipt)
	if err != nil {
		t.Fatal(err)
	}
	if r.Receipt.Signer != requester || p != r.payload() {
		t.Fatalf("receipt signed by %s says %+v; work was %+v", r.Receipt.Signer, p, r.payload())
	}
}

// A receipt is kept only when the requester signed exactly the work done.
func TestAcceptReceipt(t *testing.T) {
	reqKey, _, _ := crypto.GenerateEd25519Key(rand.Reader)
	otherKey, _, _ := crypto.GenerateEd25519Key(rand.Reader)
	reqID, _ := peer.IDFromPrivateKey(reqKey)
	wrkID, _ := peer.IDFromPrivateKey(otherKey)
	rec := Record{Kind: "hop", RequestID: "r", Model: strings.Repeat("ab", 32), From: 2, To: 4, GenTokens: 9,
		Requester: reqID.String(), Worker: wrkID.String(), InputHash: strings.Repeat("1", 64), OutputHash: strings.Repeat("2", 64)}
	sign := func(k crypto.PrivKey, r Record) *receiptMsg {
		rc, err := ledger.SignReceipt(k, r.payload())
		if err != nil {
			t.Fatal(err)
		}
		return toReceiptMsg(rc)
	}
	fewer := rec
	fewer.GenTokens = 8
	tampered := sign(reqKey, rec)
	tampered.Payload = append([]byte(nil), tampered.Payload...)
	tampered.Payload[len(tampered.Payload)-1] ^= 1
	cases := []struct {
		name string
		m    *receiptMsg
		ok   bool
	}{
		{"signed by the requester over the work", sign(reqKey, rec), true},
		{"none", nil, false},
		{"signed by someone else", sign(otherKey, rec), false},
		{"states other work", sign(reqKey, fewer), false},
		{"payload changed after signing", tampered, false},
		{"garbage signer", &receiptMsg{Signer: []byte{1, 2}, Payload: []byte{3}, Sig: []byte{4}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := acceptReceipt(c.m, rec)
			if c.ok != (err == nil) || c.ok != (r != nil) {
				t.Fatalf("accepted %v, err %v; want accepted %v", r != nil, err, c.ok)
			}
		})
	}
}

// The pipeline benchmark runs real nodes and reports the figures the issue names, with the
// pipeline's tokens checked against one node's.
func TestBench(t *testing.T) {
	path, _ := testModel(t)
	r, err := Bench(context.Background(), path, BenchOptions{Nodes: 3, Threads: 1, Prompt: 6, Gen: 8, Streams: 2})
	if err != nil {
		t.Fatal(err)
	}
	if !r.IdenticalOutput || r.SingleNodeTokensPerS <= 0 || r.PipelineTokensPerS <= 0 ||
		r.PipelineAggregateTokensPerS <= 0 || r.SingleNodeAggregateTokensPer <= 0 || len(r.Hops) != 3 || r.PerHopMs <= 0 {
		t.Fatalf("bench result %+v", r)
	}
	if _, err := Bench(context.Background(), path, BenchOptions{Nodes: 1}); err == nil {
		t.Fatal("a one-node pipeline was accepted")
	}
}
