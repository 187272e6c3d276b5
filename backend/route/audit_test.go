package route

import (
	"context"
	"crypto/rand"
	"slices"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
)

// Real nodes on loopback (libp2p, pipeline servers, the coordinator's scheduler and SQLite
// ledger): a peer that flips one bit of its hidden states is caught in every trial, its evidence
// kept, no honest peer is flagged, and without audits it is never caught (the finding: wrong
// results went unnoticed).
func TestLyingPeerIsCaught(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a few hundred pipelined requests")
	}
	for _, tc := range []struct {
		name  string
		liar  float64
		share float64
	}{{"every hop", 1, 0}, {"a tenth of its hops", 0.1, 0}, {"no audits", 1, -1}} {
		t.Run(tc.name, func(t *testing.T) {
			const trials = 3
			opt := VerifyBenchOptions{Nodes: 3, Threads: 1, Prompt: 8, Gen: 8, Trials: trials, Liar: tc.liar, Honest: 50,
				Share: tc.share, MaxRequests: 400}
			if tc.share < 0 {
				opt.MaxRequests, opt.Honest = 30, 0
			}
			res, err := VerifyBench(context.Background(), modelPath, opt)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%+v", *res)
			if !res.IdenticalText {
				t.Error("the pipeline's tokens differ from one node's")
			}
			if res.FalsePositives != 0 {
				t.Errorf("%d honest peers flagged", res.FalsePositives)
			}
			if tc.share < 0 {
				if res.Caught != 0 || res.Evidence != 0 {
					t.Errorf("without audits the liar was caught %d times", res.Caught)
				}
				return
			}
			if res.Caught != trials || res.Evidence != trials {
				t.Errorf("liar caught in %d of %d trials, %d pieces of evidence", res.Caught, trials, res.Evidence)
			}
			if res.AuditedHops == 0 {
				t.Error("the honest run audited no hop")
			}
		})
	}
}

// A peer caught before (the ledger's evidence, passed as Config.Liars) is in no plan, and no
// replacement: the router asks the peers for holders without it.
func TestLiarsLeaveEveryRoute(t *testing.T) {
	s := newScheduler(t)
	liar, honest := newPeerID(t), newPeerID(t)
	var dialed []pipeline.Route
	peers := &fakePeers{t: t, infos: []p2p.PeerInfo{holder(liar, 0, 4, 0.1), holder(honest, 0, 4, 1)}}
	peers.dial = func(_ context.Context, cfg pipeline.Config, r pipeline.Route) (Pipelined, error) {
		dialed = append(dialed, slices.Clone(r))
		fp := &fakePipeline{t: t, cfg: cfg, route: slices.Clone(r)}
		for _, h := range r {
			st, err := cfg.Engine.NewStage(cfg.Context, h.From, h.To, cfg.Cache, nil)
			if err != nil {
				return nil, err
			}
			fp.stages = append(fp.stages, st)
			fp.stats = append(fp.stats, pipeline.HopStats{Hop: h, Route: h.String()})
		}
		// A replacement for a hop is asked of the router too: it must not offer the liar.
		rep, err := cfg.Replace(context.Background(), r[len(r)-1], nil)
		if err != nil || rep.Peer == liar {
			t.Errorf("replacement %v (%v): the liar was offered", rep, err)
		}
		return fp, nil
	}
	r := newRouter(t, Config{Self: newPeerID(t), Engine: s, Peers: peers, Ledger: &fakeLedger{}, ModelSHA: modelSHA,
		Route: Pipeline, Liars: []peer.ID{liar}})
	if got := generate(r.Generate, "req", greedy()); got.err != nil {
		t.Fatal(got.err)
	}
	if len(dialed) != 1 {
		t.Fatalf("Dial called %d times", len(dialed))
	}
	for _, h := range dialed[0] {
		if h.Peer == liar {
			t.Fatalf("plan %s uses the liar", dialed[0])
		}
	}
	if !slices.ContainsFunc(dialed[0], func(h pipeline.Hop) bool { return h.Peer == honest }) {
		t.Fatalf("plan %s leaves out the honest peer", dialed[0])
	}
	if got := r.Liars(); !slices.Equal(got, []peer.ID{liar}) {
		t.Fatalf("Liars() = %v", got)
	}
}

// The sample's budget: over many requests, re-execution spends about share of the routes' layer
// time (or checks every hop, when that costs less), whatever the cost of one audit, and every hop
// is picked sometimes.
func TestAuditBudget(t *testing.T) {
	for _, cost := range []float64{0.05, 0.3, 2} { // an audit's cost per position and layer, relative to the route's
		a := newAuditor(DefaultAuditShare, nil)
		const nLayer, positions = 24, 64
		layers := time.Duration(positions*nLayer) * time.Millisecond // 1 ms per position and layer
		audits := []pipeline.Audit{
			{Hop: pipeline.Hop{Peer: "a", From: 8, To: 16}, Width: 1, Inputs: make([]float32, positions)},
			{Hop: pipeline.Hop{Peer: "b", From: 16, To: 24}, Width: 1, Inputs: make([]float32, positions)},
		}
		picked := map[peer.ID]int{}
		var spent time.Duration
		const requests = 20000
		for range requests {
			for _, au := range a.pick(audits, layers, nLayer, false) {
				picked[au.Hop.Peer]++
				d := time.Duration(cost * float64(positions*(au.Hop.To-au.Hop.From)) * float64(time.Millisecond))
				a.spent(d, positions, au.Hop.To-au.Hop.From, false)
				spent += d
			}
		}
		share := float64(spent) / float64(requests*layers)
		// When audits are cheap, checking every hop costs less than the share: that is the most.
		want := min(DefaultAuditShare, cost*16/nLayer)
		t.Logf("audit cost %.2f× the route's: spent %.4f of the layer time; picked %v", cost, share, picked)
		if share < 0.8*want || share > 1.2*want {
			t.Errorf("audit cost %.2f×: spent %.4f of the layer time, want %.4f ± 20 %%", cost, share, want)
		}
		if picked["a"] == 0 || picked["b"] == 0 {
			t.Errorf("picked %v: every hop must be checked sometimes", picked)
		}
		if full := a.pick(audits, layers, nLayer, true); len(full) != 2 {
			t.Errorf("a full audit picked %d of 2 hops", len(full))
		}
	}
}

// claimingPeer runs requests on the real scheduler as a peer would and signs its claim with key;
// with lieAt >= 0 it changes that generated token, in what it streams and what it signs.
func claimingPeer(t *testing.T, s *scheduler.Scheduler, key crypto.PrivKey, lieAt int) genFunc {
	return func(ctx context.Context, req inference.Request, onToken func(inference.Token) error) (pipeline.RemoteResult, error) {
		prepared, err := s.Prepare(ctx, req)
		if err != nil {
			return pipeline.RemoteResult{}, err
		}
		res, err := s.Generate(ctx, "served", prepared, nil)
		if err != nil {
			return pipeline.RemoteResult{}, err
		}
		var rr pipeline.RemoteResult
		for i, id := range res.Tokens {
			if i == lieAt {
				id = (id + 1) % 512
			}
			rr.Tokens = append(rr.Tokens, id)
			if err := onToken(inference.Token{ID: id, Text: "x"}); err != nil {
				return rr, err
			}
		}
		c := pipeline.GenClaim{Input: pipeline.RequestHash(req), Sampling: req.Sampling, MaxTokens: req.MaxTokens,
			IgnoreEOS: req.IgnoreEOS, Cache: "f16", Prompt: prepared.Tokens, Tokens: rr.Tokens}
		sig, err := key.Sign(c.Bytes())
		if err != nil {
			t.Error(err)
		}
		rr.Claim = &pipeline.SignedGenClaim{GenClaim: c, Sig: sig}
		rr.PromptTokens, rr.FinishReason, rr.Duration = len(prepared.Tokens), res.FinishReason, time.Second
		return rr, nil
	}
}

// A peer that runs whole requests and changes one token it draws is caught by replaying its
// signed claim (one batched evaluation on this node), its evidence kept and its peer left out of
// the next request; an honest peer's claim replays clean, sampled or greedy.
func TestLyingWholeRequestIsCaught(t *testing.T) {
	s := newScheduler(t)
	liarKey, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	honestKey, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	liar, _ := peer.IDFromPrivateKey(liarKey)
	honest, _ := peer.IDFromPrivateKey(honestKey)
	peers := &fakePeers{t: t, infos: []p2p.PeerInfo{holder(liar, 0, 4, 0.1), holder(honest, 0, 4, 1)},
		gen: map[peer.ID]genFunc{liar: claimingPeer(t, s, liarKey, 5), honest: claimingPeer(t, s, honestKey, -1)}}
	l := &fakeLedger{}
	r := newRouter(t, Config{Self: newPeerID(t), Engine: s, Peers: peers, Ledger: l, ModelSHA: modelSHA, Route: Remote})

	for _, req := range []inference.Request{greedy(), sampled()} {
		rep := &AuditReport{Full: true}
		if _, err := r.Generate(WithAudit(context.Background(), rep), "full", req, nil); err != nil {
			t.Fatal(err)
		}
		if rep.Hops != 1 || rep.Positions == 0 {
			t.Fatalf("audit report %+v, want the one request replayed", rep)
		}
		switch calls := peers.calledPeers(); calls[len(calls)-1] {
		case liar:
			if !slices.Equal(rep.Caught, []peer.ID{liar}) {
				t.Fatalf("the liar's request: caught %v", rep.Caught)
			}
		case honest:
			if len(rep.Caught) != 0 {
				t.Fatalf("the honest peer's request: caught %v", rep.Caught)
			}
		}
	}
	if calls := peers.calledPeers(); !slices.Equal(calls, []peer.ID{liar, honest}) {
		t.Fatalf("requests went to %v: the liar first (faster), then, caught, never again", calls)
	}
	if len(l.evidence) != 1 || l.evidence[0].Peer != liar || l.evidence[0].Claimed == l.evidence[0].Computed {
		t.Fatalf("evidence %+v", l.evidence)
	}
	if err := l.evidence[0].Peer.Validate(); err != nil {
		t.Fatal(err)
	}
	pub, _ := liar.ExtractPublicKey()
	if ok, err := pub.Verify(l.evidence[0].Claim, l.evidence[0].Sig); !ok || err != nil {
		t.Fatalf("the evidence's signature does not verify with the liar's key (%v)", err)
	}
}
