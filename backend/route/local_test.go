package route

import (
	"context"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/inference"
)

// A request under WithLocal (a chat carrying memories) runs on this node whatever the route: no
// peer sees its prompt.
func TestWithLocalKeepsTheRequestHere(t *testing.T) {
	s := newScheduler(t)
	a := newPeerID(t)
	peers := &fakePeers{t: t, infos: []p2p.PeerInfo{holder(a, 0, 4, 0.1)}, gen: map[peer.ID]genFunc{a: servingPeer(s, -1)}}
	want := single(t, s, greedy())
	for _, rt := range []string{Remote, Pipeline} {
		r := newRouter(t, Config{Self: newPeerID(t), Engine: s, Peers: peers, Ledger: &fakeLedger{}, ModelSHA: modelSHA, Route: rt})
		got := generate(func(ctx context.Context, id string, req inference.Request, on func(inference.Token) error) (inference.Result, error) {
			return r.Generate(WithLocal(ctx), id, req, on)
		}, "mem", greedy())
		if got.err != nil {
			t.Fatal(got.err)
		}
		sameTokens(t, "local under "+rt, got, want)
		if calls := peers.called(); len(calls) != 0 {
			t.Fatalf("route %s: a peer was asked: %v", rt, calls)
		}
	}
}
