package node

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// startPeerNode starts a contributing node on loopback with the network on, serving model mp.
func startPeerNode(t *testing.T, dir, mp string) *Node {
	t.Helper()
	n, err := Start(context.Background(), Config{DataDir: dir, Model: mp, Addr: "127.0.0.1:0", Threads: 1, P2P: true,
		P2PListen: []string{"/ip4/127.0.0.1/tcp/0"}, NoMDNS: true, NoPortMap: true, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	if err := n.SetContributing(true); err != nil {
		t.Fatal(err)
	}
	return n
}

// peerOf is another peer on loopback, connected to n; its context bounds the test.
func peerOf(t *testing.T, n *Node) (host.Host, context.Context) {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	if err := h.Connect(ctx, peer.AddrInfo{ID: n.P2P().ID(), Addrs: n.P2P().Host().Addrs()}); err != nil {
		t.Fatal(err)
	}
	return h, ctx
}

// hop is a peer's pipeline whose one hop holds every layer of a node's model.
type hop struct {
	*pipeline.Pipeline
	eng    *inference.Engine // the peer's own copy, for embedding and the head
	ctx    context.Context
	failed chan pipeline.Hop // hops that failed over (the peer takes the range back)
}

// hopOnNode connects a new peer to n, which serves the model at mp, and opens a hop on n. It
// waits until n, which hashes its model in the background, serves it.
func hopOnNode(t *testing.T, n *Node, mp string) hop {
	t.Helper()
	sha, err := library.SumFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	h, ctx := peerOf(t, n)
	eng, err := inference.Load(mp, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	failed := make(chan pipeline.Hop, 8)
	for {
		p, err := pipeline.Dial(ctx, pipeline.Config{Host: h, Engine: eng, Model: sha, RequestID: t.Name(), Context: 64,
			Cache: model.CacheF16, MaxFailovers: 1,
			Replace: func(_ context.Context, hop pipeline.Hop, _ []peer.ID) (pipeline.Hop, error) {
				failed <- hop
				return pipeline.Hop{From: hop.From, To: hop.To}, nil
			}}, pipeline.Route{{Peer: n.P2P().ID(), From: 0, To: eng.Model.HP.NLayer}})
		if err == nil && len(failed) == 0 {
			t.Cleanup(func() { p.Close(context.Background()) })
			return hop{Pipeline: p, eng: eng, ctx: ctx, failed: failed}
		}
		for len(failed) > 0 {
			<-failed
		}
		if p != nil {
			p.Close(ctx)
		}
		if ctx.Err() != nil {
			t.Fatalf("no stage on the node: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
