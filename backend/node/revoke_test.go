package node

import (
	"path/filepath"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
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
	n := startPeerNode(t, dir, mp)
	hp := hopOnNode(t, n, mp)
	p, eng, ctx, failed := hp.Pipeline, hp.eng, hp.ctx, hp.failed
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
