package route

import (
	"context"
	"slices"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/inference"
)

// Defects found by the tests of route.go (one at its boundary with pipeline.Generate), each
// reproduced against the old code before its fix.

// A replacement that replays fewer tokens than the user already has (it stops earlier, e.g. a
// smaller context window ends it with "length") is taken as a success: the result's text is
// shorter than what was streamed, and the ledger hashes that shorter text.
func TestFixReplacementEndsBeforeTheStream(t *testing.T) {
	s := newScheduler(t)
	a, b := newPeerID(t), newPeerID(t)
	short := func(ctx context.Context, req inference.Request, onToken func(inference.Token) error) (pipeline.RemoteResult, error) {
		req.MaxTokens = 4 // b's context ends the generation after 4 tokens
		return servingPeer(s, -1)(ctx, req, onToken)
	}
	peers := &fakePeers{t: t, infos: []p2p.PeerInfo{holder(a, 0, 4, 0), holder(b, 0, 4, 0)},
		gen: map[peer.ID]genFunc{a: servingPeer(s, 6), b: short}}
	l := &fakeLedger{}
	r := newRouter(t, Config{Self: newPeerID(t), Engine: s, Peers: peers, Ledger: l, ModelSHA: modelSHA, Route: Remote})
	got := generate(r.Generate, "req-short", sampled())
	if got.err != nil || got.res.Text != got.text() {
		t.Errorf("err %v, result text %q, but the user was streamed %q (b ended before the stream's end)",
			got.err, got.res.Text, got.text())
	}
	// b was passed over: this node went on from a's 6 tokens to the end.
	if e := l.all(); len(e) != 1 || e[0].Worker == b {
		t.Errorf("ledger %+v: b, which ended short, is credited", e)
	}
}

// pipeline.Generate (the real Peers.Generate) counts every token message, the final flush of an
// unfinished character (ID -1) too; route passes that on: a remote result has a token -1 and
// one token more than the same request run here (API usage and the ledger's GenTokens).
func TestFixRemoteResultCountsTheFlush(t *testing.T) {
	s := newScheduler(t)
	req := sampled()
	req.Sampling.Seed = 7 // ends with an unfinished character on the tiny model
	want := single(t, s, req)
	if want.tokens[len(want.tokens)-1].ID != -1 {
		t.Fatalf("seed 7 no longer ends with a flush; pick another")
	}
	a := newPeerID(t)
	peers := &fakePeers{t: t, infos: []p2p.PeerInfo{holder(a, 0, 4, 0)}, gen: map[peer.ID]genFunc{a: servingPeer(s, -1)}}
	l := &fakeLedger{}
	r := newRouter(t, Config{Self: newPeerID(t), Engine: s, Peers: peers, Ledger: l, ModelSHA: modelSHA, Route: Remote})
	got := generate(r.Generate, "req-flush", req)
	if got.err != nil {
		t.Fatal(got.err)
	}
	if !slices.Equal(got.res.Tokens, want.res.Tokens) {
		t.Errorf("remote result tokens %v, the same request here gives %v", got.res.Tokens, want.res.Tokens)
	}
	if e := l.all(); len(e) != 1 || e[0].GenTokens != int64(len(want.res.Tokens)) {
		t.Errorf("ledger gen tokens %d, want %d", e[0].GenTokens, len(want.res.Tokens))
	}
}

// A pipelined request (layers on peers) leaves its entry's kind local, so Generate stores its
// decode speed as LastTokensPerSec, which the node advertises to peers as its own measured
// decode speed (advert.Config.TokensPerSec): it becomes the pipeline's speed.
func TestFixPipelineSpeedTakenAsThisNodes(t *testing.T) {
	s := newScheduler(t)
	w := newPeerID(t)
	peers := &fakePeers{t: t, infos: []p2p.PeerInfo{holder(w, 0, 4, 1)}}
	peers.dial = func(_ context.Context, cfg pipeline.Config, rt pipeline.Route) (Pipelined, error) {
		fp := &fakePipeline{t: t, cfg: cfg, route: slices.Clone(rt)}
		for _, h := range rt {
			st, err := cfg.Engine.NewStage(cfg.Context, h.From, h.To, cfg.Cache, nil)
			if err != nil {
				return nil, err
			}
			fp.stages = append(fp.stages, st)
			fp.stats = append(fp.stats, pipeline.HopStats{Hop: h, Route: h.String()})
		}
		return fp, nil
	}
	r := newRouter(t, Config{Self: newPeerID(t), Engine: s, Peers: peers, Ledger: &fakeLedger{}, ModelSHA: modelSHA})
	local := generate(r.Generate, "req-here", greedy())
	if local.err != nil || r.LastTokensPerSec() != local.res.GeneratePerSec {
		t.Fatalf("local request: %v, speed %v", local.err, r.LastTokensPerSec())
	}
	if err := r.SetRoute(Pipeline); err != nil {
		t.Fatal(err)
	}
	piped := generate(r.Generate, "req-piped", greedy())
	if piped.err != nil {
		t.Fatal(piped.err)
	}
	if got := r.LastTokensPerSec(); got != local.res.GeneratePerSec {
		t.Errorf("LastTokensPerSec %v after a pipelined request (its speed %v), want this node's last local %v",
			got, piped.res.GeneratePerSec, local.res.GeneratePerSec)
	}
}
