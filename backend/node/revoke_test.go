package node

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/synth"
)

// Switching contributing off stops the peers' streams already admitted: the next step of an
// open hop is refused (its coordinator fails over), not served under the old policy.
func TestContributingOffStopsOpenStreams(t *testing.T) {
	dir := t.TempDir()
	mp := filepath.Join(dir, "m.gguf")
	if err := synth.Write(mp, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 12}); err != nil {
		t.Fatal(err)
	}
	sha, err := library.SumFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), Config{DataDir: dir, Model: mp, Addr: "127.0.0.1:0", Threads: 1, P2P: true,
		P2PListen: []string{"/ip4/127.0.0.1/tcp/0"}, NoMDNS: true, NoPortMap: true, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if err := n.SetContributing(true); err != nil {
		t.Fatal(err)
	}
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := h.Connect(ctx, peer.AddrInfo{ID: n.P2P().ID(), Addrs: n.P2P().Host().Addrs()}); err != nil {
		t.Fatal(err)
	}
	eng, err := inference.Load(mp, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	failed := make(chan pipeline.Hop, 8)
	var p *pipeline.Pipeline
	for p == nil { // until the node has hashed its model and serves it
		p, err = pipeline.Dial(ctx, pipeline.Config{Host: h, Engine: eng, Model: sha, RequestID: "revoke", Context: 64,
			Cache: model.CacheF16, MaxFailovers: 1,
			Replace: func(_ context.Context, hop pipeline.Hop, _ []peer.ID) (pipeline.Hop, error) {
				failed <- hop
				return pipeline.Hop{From: hop.From, To: hop.To}, nil
			}}, pipeline.Route{{Peer: n.P2P().ID(), From: 0, To: eng.Model.HP.NLayer}})
		if err != nil || len(failed) > 0 {
			for len(failed) > 0 {
				<-failed
			}
			if p != nil {
				p.Close(ctx)
				p = nil
			}
			if ctx.Err() != nil {
				t.Fatalf("no stage on the node: %v", err)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	defer p.Close(ctx)
	x := make([]float32, eng.Model.HP.NEmbd)
	step := func() {
		t.Helper()
		if err := eng.Model.EmbedRow(3, x); err != nil {
			t.Fatal(err)
		}
		if err := p.Forward(ctx, x); err != nil {
			t.Fatal(err)
		}
	}
	step()
	if len(failed) != 0 {
		t.Fatal("the hop failed while contributing was on")
	}
	put(t, n.URL()+"/api/policy", `{"contribute":false,"max_cpu_percent":50,"peer_requests_per_minute":60,"max_concurrent":1}`, 200)
	step() // served here now: the node refused
	select {
	case hop := <-failed:
		if hop.Peer != n.P2P().ID() {
			t.Fatalf("failed hop %v", hop)
		}
	default:
		t.Fatal("the node went on serving a peer's stream after contributing was switched off")
	}
}
