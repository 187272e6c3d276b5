package route

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/sample"
	"github.com/aria-node/aria/inference/synth"
)

// testSHA stands for the SHA-256 of the loaded model, as ModelSHA gives it and peers advertise it.
const testSHA = "5d41402abc4b2a76b9719d911017c592e3b0c44298fc1c149afbf4c8996fb924"

var modelPath string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "route-test")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	modelPath = filepath.Join(dir, "tiny.gguf")
	if err := synth.Write(modelPath, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// newScheduler is a real scheduler with the tiny synthetic model (4 layers) loaded.
func newScheduler(t *testing.T) *scheduler.Scheduler {
	t.Helper()
	s := scheduler.New(scheduler.Config{Threads: 1, Context: 256}, nil)
	t.Cleanup(s.Close)
	if _, err := s.Load(context.Background(), modelPath); err != nil {
		t.Fatal(err)
	}
	return s
}

func newPeerID(t *testing.T) peer.ID {
	t.Helper()
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// run is what the user gets from one generation.
type run struct {
	tokens []inference.Token
	res    inference.Result
	err    error
}

func (r run) text() string {
	var b strings.Builder
	for _, t := range r.tokens {
		b.WriteString(t.Text)
	}
	return b.String()
}

func (r run) ids() []int32 {
	out := make([]int32, len(r.tokens))
	for i, t := range r.tokens {
		out[i] = t.ID
	}
	return out
}

// generate runs req through gen, collecting the tokens the user's callback sees.
func generate(gen func(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error), id string, req inference.Request) run {
	var r run
	r.res, r.err = gen(context.Background(), id, req, func(t inference.Token) error {
		r.tokens = append(r.tokens, t)
		return nil
	})
	return r
}

// fakeLedger records the entries appended to it.
type fakeLedger struct {
	mu       sync.Mutex
	entries  []ledger.Entry
	evidence []ledger.Evidence
}

func (l *fakeLedger) AddEvidence(_ context.Context, e ledger.Evidence) (ledger.Evidence, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evidence = append(l.evidence, e)
	return e, nil
}

func (l *fakeLedger) Append(_ context.Context, e ledger.Entry) (ledger.Entry, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	e.Seq = uint64(len(l.entries) + 1)
	l.entries = append(l.entries, e)
	return e, nil
}

func (l *fakeLedger) all() []ledger.Entry {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.entries)
}

type event struct {
	typ  string
	data any
}

// eventLog records the published events.
type eventLog struct {
	mu  sync.Mutex
	evs []event
}

func (l *eventLog) publish(typ string, data any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, event{typ, data})
}

func (l *eventLog) all() []event {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.evs)
}

// countingEngine is the real scheduler, counting the requests run on it with Generate.
type countingEngine struct {
	*scheduler.Scheduler
	generates atomic.Int32
}

func (e *countingEngine) Generate(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
	e.generates.Add(1)
	return e.Scheduler.Generate(ctx, id, req, onToken)
}

type genFunc func(ctx context.Context, req inference.Request, onToken func(inference.Token) error) (pipeline.RemoteResult, error)

type genCall struct {
	peer peer.ID
	sha  string
	id   string
	req  inference.Request
}

// fakePeers are contributing peers in memory: Holders follows p2p.Node.Holders on the infos,
// Generate runs the peer's genFunc, Dial the dial function.
type fakePeers struct {
	t     *testing.T
	infos []p2p.PeerInfo
	gen   map[peer.ID]genFunc
	dial  func(ctx context.Context, cfg pipeline.Config, r pipeline.Route) (Pipelined, error)

	mu    sync.Mutex
	calls []genCall
	found []string
}

func (f *fakePeers) Holders(sha string, from, to int, exclude []peer.ID) []p2p.PeerInfo {
	return p2p.Holding(f.infos, sha, from, to, exclude)
}

func (f *fakePeers) FindHolders(_ context.Context, sha string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.found = append(f.found, sha)
}

func (f *fakePeers) Generate(ctx context.Context, p peer.ID, sha, id string, req inference.Request, onToken func(inference.Token) error) (pipeline.RemoteResult, error) {
	f.mu.Lock()
	f.calls = append(f.calls, genCall{p, sha, id, req})
	g := f.gen[p]
	f.mu.Unlock()
	if g == nil {
		f.t.Errorf("Generate on peer %s, which has no generate function", p)
		return pipeline.RemoteResult{}, errors.New("no such peer")
	}
	res, err := g(ctx, req, onToken)
	res.Peer = p
	return res, err
}

func (f *fakePeers) Dial(ctx context.Context, cfg pipeline.Config, r pipeline.Route) (Pipelined, error) {
	if f.dial == nil {
		f.t.Errorf("Dial called on peers that do not expect it")
		return nil, errors.New("no dial")
	}
	return f.dial(ctx, cfg, r)
}

func (f *fakePeers) called() []genCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.calls)
}

func (f *fakePeers) calledPeers() []peer.ID {
	var out []peer.ID
	for _, c := range f.called() {
		out = append(out, c.peer)
	}
	return out
}

// holder is a contributing peer holding layers [from, to) of the 4-layer test model.
func holder(id peer.ID, from, to int, msPerLayer float64) p2p.PeerInfo {
	return p2p.PeerInfo{ID: id, Caps: p2p.Capabilities{Contributing: true, MsPerLayer: msPerLayer,
		Models: []p2p.ModelCap{{SHA256: testSHA, Layers: 4, From: from, To: to}}}}
}

var errPeerGone = errors.New("stream reset")

// servingPeer runs requests on the real scheduler as a peer would, passing tokens on as the
// real pipeline.Generate does (the caller's error returned as is); with failAfter >= 0 it
// breaks (a reset stream) after streaming failAfter tokens.
func servingPeer(s *scheduler.Scheduler, failAfter int) genFunc {
	return func(ctx context.Context, req inference.Request, onToken func(inference.Token) error) (pipeline.RemoteResult, error) {
		var rr pipeline.RemoteResult
		if failAfter == 0 {
			return rr, fmt.Errorf("open stream: %w", errPeerGone)
		}
		var userErr error
		res, err := s.Generate(ctx, "served", req, func(t inference.Token) error {
			if failAfter >= 0 && len(rr.Tokens) == failAfter {
				return errPeerGone
			}
			rr.Tokens = append(rr.Tokens, t.ID)
			rr.Text += t.Text
			if err := onToken(t); err != nil {
				userErr = err
				return err
			}
			return nil
		})
		if userErr != nil {
			return rr, userErr
		}
		if err != nil {
			return rr, fmt.Errorf("peer: %w", io.ErrUnexpectedEOF)
		}
		rr.PromptTokens, rr.FinishReason = res.PromptTokens, res.FinishReason
		rr.PromptPerSec, rr.GenPerSec = res.PromptPerSec, res.GeneratePerSec
		return rr, nil
	}
}

// sampled is a sampled request with no seed: the router must fix one.
func sampled() inference.Request {
	return inference.Request{Prompt: "Once upon a time", MaxTokens: 12, IgnoreEOS: true,
		Sampling: sample.Params{Temperature: 0.9, TopK: 40, TopP: 1}}
}

func greedy() inference.Request {
	return inference.Request{Prompt: "hello world", MaxTokens: 8, IgnoreEOS: true}
}

// single is what one node gives for req: the reference every route must reproduce.
func single(t *testing.T, s *scheduler.Scheduler, req inference.Request) run {
	t.Helper()
	r := generate(s.Generate, "reference", req)
	if r.err != nil {
		t.Fatalf("reference generation: %v", r.err)
	}
	// MaxTokens tokens, and possibly one more call (ID -1) flushing the bytes of an unfinished
	// character at the end.
	n := len(r.tokens)
	if len(r.res.Tokens) != req.MaxTokens || n != req.MaxTokens && (n != req.MaxTokens+1 || r.tokens[n-1].ID != -1) {
		t.Fatalf("reference generation gave %d tokens in %d calls, want %d", len(r.res.Tokens), n, req.MaxTokens)
	}
	if r.text() != r.res.Text {
		t.Fatalf("reference: the tokens' texts %q do not make the result's %q", r.text(), r.res.Text)
	}
	return r
}

func sameTokens(t *testing.T, what string, got, want run) {
	t.Helper()
	if !slices.Equal(got.tokens, want.tokens) {
		t.Errorf("%s: the user saw tokens %v, want exactly %v", what, got.ids(), want.ids())
	}
	if got.text() != want.res.Text {
		t.Errorf("%s: the user's streamed text %q, want %q", what, got.text(), want.res.Text)
	}
	if got.res.Text != want.res.Text {
		t.Errorf("%s: result text %q, want %q", what, got.res.Text, want.res.Text)
	}
}

func newRouter(t *testing.T, cfg Config) *Router {
	t.Helper()
	r, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func modelSHA(context.Context) (string, error) { return testSHA, nil }

// checkEntry checks the one ledger entry of a request.
func checkEntry(t *testing.T, l *fakeLedger, id string, kind ledger.Kind, requester, worker peer.ID, req inference.Request, want run, genTokens int) {
	t.Helper()
	es := l.all()
	if len(es) != 1 {
		t.Fatalf("ledger has %d entries, want 1: %+v", len(es), es)
	}
	e := es[0]
	if e.RequestID != id || e.Kind != kind || e.Requester != requester || e.Worker != worker {
		t.Errorf("entry is %s %s requester %s worker %s, want %s %s requester %s worker %s",
			e.RequestID, e.Kind, e.Requester, e.Worker, id, kind, requester, worker)
	}
	if e.ModelSHA256 != testSHA {
		t.Errorf("entry model %q, want %q", e.ModelSHA256, testSHA)
	}
	if e.PromptTokens != int64(want.res.PromptTokens) || e.PromptTokens == 0 {
		t.Errorf("entry prompt tokens %d, want %d", e.PromptTokens, want.res.PromptTokens)
	}
	if e.GenTokens != int64(genTokens) {
		t.Errorf("entry gen tokens %d, want %d", e.GenTokens, genTokens)
	}
	if e.InputHash != pipeline.RequestHash(req) {
		t.Errorf("entry input hash %s, want %s", e.InputHash, pipeline.RequestHash(req))
	}
	if e.OutputHash != pipeline.TextHash(want.res.Text) {
		t.Errorf("entry output hash %s, want the hash of %q", e.OutputHash, want.res.Text)
	}
	if e.LayerFrom != 0 || e.LayerTo != 4 {
		t.Errorf("entry layers [%d, %d), want [0, 4)", e.LayerFrom, e.LayerTo)
	}
}

// ledgerEvents are the "ledger" events published.
func ledgerEvents(evs []event) []events.Ledger {
	var out []events.Ledger
	for _, e := range evs {
		if e.typ == events.TypeLedger {
			out = append(out, e.data.(events.Ledger))
		}
	}
	return out
}

// 1. The local route runs on the engine and writes one local entry; off the network every
// route runs locally.
func TestLocal(t *testing.T) {
	s := newScheduler(t)
	req := greedy()
	want := single(t, s, req)
	self := newPeerID(t)

	t.Run("local", func(t *testing.T) {
		l, evs := &fakeLedger{}, &eventLog{}
		// Peers that must not be used: any call fails the test.
		peers := &fakePeers{t: t}
		r := newRouter(t, Config{Self: self, Engine: s, Peers: peers, Ledger: l, Publish: evs.publish, ModelSHA: modelSHA})
		if r.Route() != Local {
			t.Fatalf("starting route %q, want local", r.Route())
		}
		if tps := r.LastTokensPerSec(); tps != 0 {
			t.Fatalf("LastTokensPerSec before any request: %v", tps)
		}
		got := generate(r.Generate, "req-local", req)
		if got.err != nil {
			t.Fatal(got.err)
		}
		sameTokens(t, "local", got, want)
		checkEntry(t, l, "req-local", ledger.Local, self, self, req, want, len(want.res.Tokens))
		if le := ledgerEvents(evs.all()); len(le) != 1 || le[0] != (events.Ledger{RequestID: "req-local", Kind: "local"}) {
			t.Errorf("ledger events %+v, want one for req-local of kind local", le)
		}
		if len(evs.all()) != 1 {
			t.Errorf("events %+v, want only the ledger event", evs.all())
		}
		if tps := r.LastTokensPerSec(); tps <= 0 || tps != got.res.GeneratePerSec {
			t.Errorf("LastTokensPerSec %v, want the request's %v", tps, got.res.GeneratePerSec)
		}
		if len(peers.called()) != 0 || len(peers.found) != 0 {
			t.Errorf("the local route asked the peers: %+v %v", peers.called(), peers.found)
		}
	})

	for _, route := range []string{Remote, Pipeline} {
		t.Run("offline "+route, func(t *testing.T) {
			l, evs := &fakeLedger{}, &eventLog{}
			r := newRouter(t, Config{Self: self, Engine: s, Ledger: l, Publish: evs.publish, ModelSHA: modelSHA, Route: route})
			if r.Route() != route {
				t.Fatalf("route %q, want %q", r.Route(), route)
			}
			got := generate(r.Generate, "req-"+route, req)
			if got.err != nil {
				t.Fatal(got.err)
			}
			sameTokens(t, route+" off the network", got, want)
			checkEntry(t, l, "req-"+route, ledger.Local, self, self, req, want, len(want.res.Tokens))
			if all := evs.all(); len(all) != 1 || all[0].data != (events.Ledger{RequestID: "req-" + route, Kind: "local"}) {
				t.Errorf("events %+v, want only the ledger event", all)
			}
			if r.LastTokensPerSec() <= 0 {
				t.Errorf("LastTokensPerSec not updated by a request run here")
			}
		})
	}
}

// 2. Remote: a peer failing mid-stream is replaced by the next holder, which replays with the
// same seed; the user sees each token once.
func TestRemoteFailover(t *testing.T) {
	s := newScheduler(t)
	self := newPeerID(t)
	x, a, b, c := newPeerID(t), newPeerID(t), newPeerID(t), newPeerID(t)
	other := newPeerID(t)
	const k = 4
	req := sampled()

	eng := &countingEngine{Scheduler: s}
	peers := &fakePeers{t: t,
		infos: []p2p.PeerInfo{
			holder(other, 0, 2, 0), // a part of the model only: not a remote holder
			holder(x, 0, 4, 0), holder(a, 0, 4, 0), holder(b, 0, 4, 0), holder(c, 0, 4, 0),
		},
		gen: map[peer.ID]genFunc{
			x: servingPeer(s, 0), // fails before any token
			a: servingPeer(s, k), // streams k tokens, then fails
			b: servingPeer(s, -1),
			// c must not be asked: b finishes
		}}
	l, evs := &fakeLedger{}, &eventLog{}
	r := newRouter(t, Config{Self: self, Engine: eng, Peers: peers, Ledger: l, Publish: evs.publish, ModelSHA: modelSHA, Route: Remote})

	got := generate(r.Generate, "req-remote", req)
	if got.err != nil {
		t.Fatal(got.err)
	}
	calls := peers.called()
	if ps := peers.calledPeers(); !slices.Equal(ps, []peer.ID{x, a, b}) {
		t.Fatalf("peers asked %v, want x, a, b in holder order", ps)
	}
	seed := calls[0].req.Sampling.Seed
	if seed == 0 {
		t.Fatal("a sampled request went to a peer without a seed: a replacement cannot draw the same tokens")
	}
	for _, cl := range calls {
		if cl.req.Sampling.Seed != seed || cl.sha != testSHA || cl.id != "req-remote" {
			t.Errorf("peer %s got seed %d model %s id %s, want seed %d (same for every node), %s, req-remote",
				cl.peer, cl.req.Sampling.Seed, cl.sha, cl.id, seed, testSHA)
		}
	}
	if !slices.Equal(peers.found, []string{testSHA}) {
		t.Errorf("FindHolders calls %v, want one for the model", peers.found)
	}
	if eng.generates.Load() != 0 {
		t.Errorf("the engine ran the request although peer b finished it")
	}
	seeded := req
	seeded.Sampling.Seed = seed
	want := single(t, s, seeded)
	sameTokens(t, "remote after failover", got, want)
	// The result and the entry count the generated tokens, as the same request run here: the
	// final flush of an unfinished character (ID -1), which the peer streams as a token
	// message, is not one.
	checkEntry(t, l, "req-remote", ledger.Remote, self, b, req, want, len(want.res.Tokens))
	if !slices.Equal(got.res.Tokens, want.res.Tokens) {
		t.Errorf("result tokens %v, want %v", got.res.Tokens, want.res.Tokens)
	}
	if le := ledgerEvents(evs.all()); len(le) != 1 || le[0] != (events.Ledger{RequestID: "req-remote", Kind: "remote"}) {
		t.Errorf("ledger events %+v, want one for req-remote of kind remote", le)
	}
	if tps := r.LastTokensPerSec(); tps != 0 {
		t.Errorf("LastTokensPerSec %v after a request run on a peer, want 0 (none run here)", tps)
	}
	// The request the user gave keeps its zero seed: the router works on a copy.
	if req.Sampling.Seed != 0 {
		t.Errorf("the caller's request was changed")
	}
}

// 2b. Every peer fails after streaming: this node continues the stream.
func TestRemoteAllPeersFailEngineContinues(t *testing.T) {
	s := newScheduler(t)
	self := newPeerID(t)
	a, b := newPeerID(t), newPeerID(t)
	req := sampled()
	eng := &countingEngine{Scheduler: s}
	peers := &fakePeers{t: t,
		infos: []p2p.PeerInfo{holder(a, 0, 4, 0), holder(b, 0, 4, 0)},
		gen:   map[peer.ID]genFunc{a: servingPeer(s, 3), b: servingPeer(s, 7)}}
	l := &fakeLedger{}
	r := newRouter(t, Config{Self: self, Engine: eng, Peers: peers, Ledger: l, ModelSHA: modelSHA, Route: Remote})

	got := generate(r.Generate, "req-cont", req)
	if got.err != nil {
		t.Fatal(got.err)
	}
	calls := peers.called()
	if len(calls) != 2 || calls[0].peer != a || calls[1].peer != b {
		t.Fatalf("peers asked %v, want a then b", peers.calledPeers())
	}
	seed := calls[0].req.Sampling.Seed
	if seed == 0 || calls[1].req.Sampling.Seed != seed {
		t.Fatalf("seeds %d, %d: want the same non-zero seed", seed, calls[1].req.Sampling.Seed)
	}
	if n := eng.generates.Load(); n != 1 {
		t.Fatalf("the engine ran %d requests, want 1 (the continuation)", n)
	}
	seeded := req
	seeded.Sampling.Seed = seed
	want := single(t, s, seeded)
	sameTokens(t, "continued here", got, want)
	checkEntry(t, l, "req-cont", ledger.Local, self, self, req, want, len(want.res.Tokens))
}

// 2c. A replacement drawing another token at a position the user has: the request fails and
// the user never sees a wrong or repeated token.
func TestRemoteDiverged(t *testing.T) {
	s := newScheduler(t)
	self := newPeerID(t)
	a, b, c := newPeerID(t), newPeerID(t), newPeerID(t)
	const k = 3
	req := sampled()
	eng := &countingEngine{Scheduler: s}
	var bSent []inference.Token
	// b runs the request truly, but draws token 2 (of the k the user has) differently.
	divergent := func(ctx context.Context, req inference.Request, onToken func(inference.Token) error) (pipeline.RemoteResult, error) {
		ref := generate(s.Generate, "b", req)
		var rr pipeline.RemoteResult
		for i, t := range ref.tokens {
			if i == 1 {
				t.ID = (t.ID + 1) % 512
				t.Text = "<other>"
			}
			rr.Tokens = append(rr.Tokens, t.ID)
			rr.Text += t.Text
			bSent = append(bSent, t)
			if err := onToken(t); err != nil {
				return rr, err
			}
		}
		return rr, nil
	}
	peers := &fakePeers{t: t,
		infos: []p2p.PeerInfo{holder(a, 0, 4, 0), holder(b, 0, 4, 0), holder(c, 0, 4, 0)},
		gen:   map[peer.ID]genFunc{a: servingPeer(s, k), b: divergent}}
	l := &fakeLedger{}
	r := newRouter(t, Config{Self: self, Engine: eng, Peers: peers, Ledger: l, ModelSHA: modelSHA, Route: Remote})

	got := generate(r.Generate, "req-div", req)
	if got.err == nil {
		t.Fatalf("a diverged replay succeeded with %q", got.res.Text)
	}
	if !strings.Contains(got.err.Error(), "cannot continue") {
		t.Errorf("error %q does not say the generation cannot continue", got.err)
	}
	if ps := peers.calledPeers(); !slices.Equal(ps, []peer.ID{a, b}) {
		t.Errorf("peers asked %v, want a, b and no other after the divergence", ps)
	}
	if eng.generates.Load() != 0 {
		t.Errorf("the engine ran the request after a divergence")
	}
	if len(bSent) != 2 {
		t.Errorf("b streamed %d tokens, want it stopped at the diverging one (2)", len(bSent))
	}
	seeded := req
	seeded.Sampling.Seed = peers.called()[0].req.Sampling.Seed
	want := single(t, s, seeded)
	if !slices.Equal(got.tokens, want.tokens[:k]) {
		t.Errorf("the user saw %v, want exactly a's %d tokens %v", got.ids(), k, want.ids()[:k])
	}
}

// 2d. The user's callback failing stops the request: no other peer, not the engine.
func TestRemoteUserErrorStops(t *testing.T) {
	s := newScheduler(t)
	self := newPeerID(t)
	a, b := newPeerID(t), newPeerID(t)
	req := sampled()
	eng := &countingEngine{Scheduler: s}
	peers := &fakePeers{t: t,
		infos: []p2p.PeerInfo{holder(a, 0, 4, 0), holder(b, 0, 4, 0)},
		gen:   map[peer.ID]genFunc{a: servingPeer(s, -1)}}
	r := newRouter(t, Config{Self: self, Engine: eng, Peers: peers, Ledger: &fakeLedger{}, ModelSHA: modelSHA, Route: Remote})

	errGone := errors.New("client went away")
	var seen []inference.Token
	_, err := r.Generate(context.Background(), "req-user", req, func(t inference.Token) error {
		seen = append(seen, t)
		if len(seen) == 3 {
			return errGone
		}
		return nil
	})
	if !errors.Is(err, errGone) {
		t.Fatalf("error %v, want the callback's", err)
	}
	if len(seen) != 3 {
		t.Errorf("callback called %d times, want 3 (it stopped the request)", len(seen))
	}
	if ps := peers.calledPeers(); !slices.Equal(ps, []peer.ID{a}) {
		t.Errorf("peers asked %v, want only a", ps)
	}
	if eng.generates.Load() != 0 {
		t.Errorf("the engine ran the request after the user stopped it")
	}
}

// fakePipeline runs the layers on real stages of the coordinator's engine, one per hop of the
// route. Its hop `failing` fails on the forward steps listed in failAt, and is replaced as
// pipeline.Pipeline does: the failed peer excluded, cfg.Replace asked for the range.
type fakePipeline struct {
	t       *testing.T
	cfg     pipeline.Config
	route   pipeline.Route
	stages  []*inference.Stage
	stats   []pipeline.HopStats
	failing int
	failAt  map[int]bool

	step      int
	exclude   []peer.ID
	asked     [][]peer.ID // the exclusions passed to Replace, per failure
	failovers []pipeline.Failover
	audits    []pipeline.Audit // what Audits returns
	closed    int
	// roundTrip, when set, is the time a step of n positions takes on hop i's node: the
	// coordinator's measurement the real pipeline keeps in its stats.
	roundTrip func(i int, node peer.ID, n int) time.Duration
}

func (p *fakePipeline) Forward(ctx context.Context, x []float32) error {
	p.step++
	if p.failAt[p.step] {
		h := p.route[p.failing]
		if h.Peer != "" {
			p.exclude = append(p.exclude, h.Peer)
		}
		if p.cfg.Replace == nil {
			p.t.Errorf("the pipeline config has no Replace")
			return errors.New("hop failed and nothing replaces it")
		}
		ex := slices.Clone(p.exclude)
		p.asked = append(p.asked, ex)
		next, err := p.cfg.Replace(ctx, h, ex)
		if err != nil {
			return err
		}
		p.failovers = append(p.failovers, pipeline.Failover{Failed: h, Replacement: next, Pos: p.stages[0].Pos(), Err: "gone"})
		p.route[p.failing] = next
		p.stats[p.failing].Hop, p.stats[p.failing].Route = next, next.String()
	}
	d := p.cfg.Engine.Model.HP.NEmbd
	for i, st := range p.stages {
		if err := st.Forward(ctx, x); err != nil {
			return err
		}
		p.stats[i].Steps++
		p.stats[i].Tokens += len(x) / d
		if p.roundTrip != nil {
			rt := p.roundTrip(i, p.route[i].Peer, len(x)/d)
			p.stats[i].RoundTrip += rt
			p.stats[i].LastMs = float64(rt.Microseconds()) / 1000
		}
	}
	return nil
}

func (p *fakePipeline) Truncate(pos int) {
	for _, st := range p.stages {
		st.Truncate(pos)
	}
}
func (p *fakePipeline) Context() int                   { return p.stages[0].Context() }
func (p *fakePipeline) CacheBytes() int64              { return 0 }
func (p *fakePipeline) Route() pipeline.Route          { return slices.Clone(p.route) }
func (p *fakePipeline) Stats() []pipeline.HopStats     { return slices.Clone(p.stats) }
func (p *fakePipeline) Failovers() []pipeline.Failover { return slices.Clone(p.failovers) }
func (p *fakePipeline) Close(context.Context) error    { p.closed++; return nil }
func (p *fakePipeline) Audits() []pipeline.Audit       { return p.audits }

// 3. Pipeline: the plan covers the layers with this node, whole and partial holders; a failed
// hop is replaced by a spare holder of its range, then by this node; route events and Last
// tell the route after failover.
func TestPipelineReplace(t *testing.T) {
	s := newScheduler(t)
	req := greedy()
	want := single(t, s, req)
	self := newPeerID(t)
	w, p1, spare, other, idle := newPeerID(t), newPeerID(t), newPeerID(t), newPeerID(t), newPeerID(t)

	notContributing := holder(idle, 0, 4, 0.1)
	notContributing.Caps.Contributing = false
	otherModel := holder(other, 3, 4, 0.1)
	otherModel.Caps.Models[0].SHA256 = strings.Repeat("ab", 32)
	infos := []p2p.PeerInfo{
		notContributing,        // holds it all, works for no one
		otherModel,             // another model's layers
		holder(p1, 3, 4, 2),    // the last layer
		holder(spare, 3, 4, 2), // the last layer too: the spare
		holder(w, 0, 4, 1),     // the whole model, fast
	}

	var fp *fakePipeline
	var dialed []pipeline.Route
	peers := &fakePeers{t: t, infos: infos}
	peers.dial = func(_ context.Context, cfg pipeline.Config, r pipeline.Route) (Pipelined, error) {
		dialed = append(dialed, slices.Clone(r))
		fp = &fakePipeline{t: t, cfg: cfg, route: slices.Clone(r), failing: len(r) - 1,
			failAt: map[int]bool{2: true, 4: true, 6: true}}
		for _, h := range r {
			st, err := cfg.Engine.NewStage(cfg.Context, h.From, h.To, cfg.Cache, nil)
			if err != nil {
				return nil, err
			}
			fp.stages = append(fp.stages, st)
			fp.stats = append(fp.stats, pipeline.HopStats{Hop: h, Route: h.String()})
		}
		return fp, nil
	}
	l, evs := &fakeLedger{}, &eventLog{}
	const here = 4.0 // this node is slower per layer than w
	r := newRouter(t, Config{Self: self, Engine: s, Peers: peers, Ledger: l, Publish: evs.publish, ModelSHA: modelSHA,
		MsPerLayer: func() float64 { return here }, Route: Pipeline, RouteEvery: time.Hour})

	got := generate(r.Generate, "req-pipe", req)
	if got.err != nil {
		t.Fatal(got.err)
	}
	sameTokens(t, "pipelined", got, want)

	// The plan: layers [0, 3) shared by this node and w by speed (w is 4 times faster), the last
	// layer on p1, the first partial holder reaching it.
	if len(dialed) != 1 {
		t.Fatalf("Dial called %d times, want 1", len(dialed))
	}
	plan := dialed[0]
	wantPlan := pipeline.Route{{From: 0, To: 1}, {Peer: w, From: 1, To: 3}, {Peer: p1, From: 3, To: 4}}
	if !slices.Equal(plan, wantPlan) {
		t.Errorf("plan %s, want %s", plan, wantPlan)
	}
	if err := plan.Validate(4); err != nil {
		t.Errorf("plan does not cover the model: %v", err)
	}
	ref, err := pipeline.Plan(4, 0, []pipeline.Candidate{{MsPerLayer: here}, {Peer: w, MsPerLayer: 1},
		{Peer: p1, MsPerLayer: 2, From: 3, To: 4}, {Peer: spare, MsPerLayer: 2, From: 3, To: 4}})
	if err != nil || !slices.Equal(plan, ref) {
		t.Errorf("plan %s, pipeline.Plan over this node, w, p1 and spare gives %s (%v)", plan, ref, err)
	}
	cfg := fp.cfg
	if cfg.Model != testSHA || cfg.RequestID != "req-pipe" || cfg.Context != s.Context() || cfg.Engine == nil {
		t.Errorf("pipeline config model %q request %q context %d engine %v", cfg.Model, cfg.RequestID, cfg.Context, cfg.Engine)
	}

	// The failed hop [3, 4): p1 → spare → w (which holds the whole model) → this node.
	wantFailovers := []struct {
		failed, next pipeline.Hop
		exclude      []peer.ID
	}{
		{pipeline.Hop{Peer: p1, From: 3, To: 4}, pipeline.Hop{Peer: spare, From: 3, To: 4}, []peer.ID{p1}},
		{pipeline.Hop{Peer: spare, From: 3, To: 4}, pipeline.Hop{Peer: w, From: 3, To: 4}, []peer.ID{p1, spare}},
		{pipeline.Hop{Peer: w, From: 3, To: 4}, pipeline.Hop{From: 3, To: 4}, []peer.ID{p1, spare, w}},
	}
	fo := fp.Failovers()
	if len(fo) != len(wantFailovers) {
		t.Fatalf("%d failovers, want %d", len(fo), len(wantFailovers))
	}
	for i, wf := range wantFailovers {
		if fo[i].Failed != wf.failed || fo[i].Replacement != wf.next || !slices.Equal(fp.asked[i], wf.exclude) {
			t.Errorf("failover %d: %s replaced by %s (excluding %v), want %s by %s (excluding %v)",
				i, fo[i].Failed, fo[i].Replacement, fp.asked[i], wf.failed, wf.next, wf.exclude)
		}
	}
	final := pipeline.Route{{From: 0, To: 1}, {Peer: w, From: 1, To: 3}, {From: 3, To: 4}}
	if !slices.Equal(fp.Route(), final) {
		t.Errorf("route after failover %s, want %s", fp.Route(), final)
	}
	if fp.closed != 1 {
		t.Errorf("pipeline closed %d times, want 1", fp.closed)
	}

	// The route events: the plan when the pipeline opens, each failover's route at once (the
	// interval is an hour: nothing else is published while running), the final route at the
	// end; Last is the last of them.
	stats := fp.Stats()
	last, ok := r.Last()
	wantEvents := []event{
		{events.TypeRoute, events.Route{RequestID: "req-pipe", Route: plan.String(), State: events.RouteRunning}},
		{events.TypeRoute, events.Route{RequestID: "req-pipe", Route: "local[0,1) → " + shortOf(w) + "[1,3) → " + shortOf(spare) + "[3,4)",
			State: events.RouteRunning, Failovers: 1}},
		{events.TypeRoute, events.Route{RequestID: "req-pipe", Route: "local[0,1) → " + shortOf(w) + "[1,3) → " + shortOf(w) + "[3,4)",
			State: events.RouteRunning, Failovers: 2}},
		{events.TypeRoute, events.Route{RequestID: "req-pipe", Route: final.String(), State: events.RouteRunning, Failovers: 3}},
		{events.TypeRoute, events.Route{RequestID: "req-pipe", Route: final.String(), State: events.RouteEnded, Failovers: 3}},
		{events.TypeLedger, events.Ledger{RequestID: "req-pipe", Kind: "local"}},
	}
	all := evs.all()
	if len(all) != len(wantEvents) {
		t.Fatalf("events %+v, want %+v", all, wantEvents)
	}
	for i, we := range wantEvents {
		ge := all[i]
		if ge.typ != we.typ {
			t.Errorf("event %d is %q, want %q", i, ge.typ, we.typ)
			continue
		}
		switch wd := we.data.(type) {
		case events.Route:
			gd := ge.data.(events.Route)
			if gd.RequestID != wd.RequestID || gd.Route != wd.Route || gd.State != wd.State || gd.Failovers != wd.Failovers || len(gd.Hops) != 3 {
				t.Errorf("route event %d: %+v, want %+v", i, gd, wd)
			}
		default:
			if ge.data != we.data {
				t.Errorf("event %d: %+v, want %+v", i, ge.data, we.data)
			}
		}
	}
	if !ok || !reflect.DeepEqual(last, all[4].data) {
		t.Errorf("Last %+v (%v), want the last route event %+v", last, ok, all[4].data)
	}
	wantHops := []events.Hop{
		{Hop: "local[0,1)", Peer: events.LocalHop, From: 0, To: 1, Steps: stats[0].Steps, Tokens: stats[0].Tokens},
		{Hop: shortOf(w) + "[1,3)", Peer: w.String(), From: 1, To: 3, Steps: stats[1].Steps, Tokens: stats[1].Tokens},
		{Hop: "local[3,4)", Peer: events.LocalHop, From: 3, To: 4, Steps: stats[2].Steps, Tokens: stats[2].Tokens},
	}
	if !slices.Equal(last.Hops, wantHops) || stats[0].Steps == 0 {
		t.Errorf("last hops %+v, want %+v", last.Hops, wantHops)
	}
	checkEntry(t, l, "req-pipe", ledger.Local, self, self, req, want, len(want.res.Tokens))
}

// 3b. A pipeline that cannot be opened fails the request and writes nothing.
func TestPipelineDialFails(t *testing.T) {
	s := newScheduler(t)
	w := newPeerID(t)
	errDial := errors.New("no route to peer")
	peers := &fakePeers{t: t, infos: []p2p.PeerInfo{holder(w, 0, 4, 1)},
		dial: func(context.Context, pipeline.Config, pipeline.Route) (Pipelined, error) { return nil, errDial }}
	l, evs := &fakeLedger{}, &eventLog{}
	r := newRouter(t, Config{Self: newPeerID(t), Engine: s, Peers: peers, Ledger: l, Publish: evs.publish, ModelSHA: modelSHA, Route: Pipeline})
	got := generate(r.Generate, "req-nodial", greedy())
	if !errors.Is(got.err, errDial) {
		t.Fatalf("error %v, want the dial's", got.err)
	}
	if len(got.tokens) != 0 || len(l.all()) != 0 || len(evs.all()) != 0 {
		t.Errorf("a request that never ran: tokens %v, ledger %+v, events %+v", got.ids(), l.all(), evs.all())
	}
	if last, ok := r.Last(); ok {
		t.Errorf("Last %+v after a pipeline that never opened", last)
	}
}

// 4. Route names: unknown ones are refused and change nothing.
func TestSetRoute(t *testing.T) {
	s := newScheduler(t)
	if _, err := New(Config{Engine: s, Route: "everywhere"}); !errors.Is(err, ErrBadRoute) {
		t.Errorf("New with a bad route: %v, want ErrBadRoute", err)
	}
	r := newRouter(t, Config{Engine: s})
	if r.Route() != Local {
		t.Errorf("default route %q, want local", r.Route())
	}
	for _, name := range []string{Remote, Pipeline, Local} {
		if err := r.SetRoute(name); err != nil || r.Route() != name {
			t.Errorf("SetRoute(%q): %v, route now %q", name, err, r.Route())
		}
	}
	if err := r.SetRoute(Remote); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "Local", "REMOTE", "pipelined", " local"} {
		if err := r.SetRoute(bad); !errors.Is(err, ErrBadRoute) {
			t.Errorf("SetRoute(%q): %v, want ErrBadRoute", bad, err)
		}
		if r.Route() != Remote {
			t.Errorf("SetRoute(%q) changed the route to %q", bad, r.Route())
		}
	}
	if !Valid(Local) || !Valid(Remote) || !Valid(Pipeline) || Valid("") || Valid("x") {
		t.Errorf("Valid disagrees with the three routes")
	}
}

// A seed the user gave goes to the peer as it is; a greedy request needs none and gets none.
func TestRemoteKeepsGivenSeed(t *testing.T) {
	s := newScheduler(t)
	a := newPeerID(t)
	peers := &fakePeers{t: t, infos: []p2p.PeerInfo{holder(a, 0, 4, 0)}, gen: map[peer.ID]genFunc{a: servingPeer(s, -1)}}
	r := newRouter(t, Config{Self: newPeerID(t), Engine: s, Peers: peers, Ledger: &fakeLedger{}, ModelSHA: modelSHA, Route: Remote})
	seeded := sampled()
	seeded.Sampling.Seed = 42
	for _, req := range []inference.Request{seeded, greedy()} {
		want := single(t, s, req)
		got := generate(r.Generate, "req-seed", req)
		if got.err != nil {
			t.Fatal(got.err)
		}
		sameTokens(t, "remote", got, want)
		calls := peers.called()
		if sent := calls[len(calls)-1].req.Sampling; sent != req.Sampling {
			t.Errorf("the peer got sampling %+v, want the request's %+v", sent, req.Sampling)
		}
	}
}
