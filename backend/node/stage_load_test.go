package node

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// A peer holds an open layers stream on this node while a chat naming another local model makes
// the node load it. The peer's next step must get a clean error (or the old weights), never a
// process that dies with SIGSEGV because the weights under the stream were unmapped.
func TestPeerStageDuringModelLoad(t *testing.T) {
	dir := t.TempDir()
	mdir := filepath.Join(dir, "models")
	if err := os.MkdirAll(mdir, 0o755); err != nil {
		t.Fatal(err)
	}
	a, b := filepath.Join(mdir, "a.gguf"), filepath.Join(mdir, "b.gguf")
	for i, p := range []string{a, b} {
		if err := synth.Write(p, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: uint64(10 + i)}); err != nil {
			t.Fatal(err)
		}
	}
	n := startPeerNode(t, dir, a)
	hp := hopOnNode(t, n, a)
	p, eng, ctx, failed := hp.Pipeline, hp.eng, hp.ctx, hp.failed
	x := make([]float32, eng.Model.HP.NEmbd)
	pos := 0
	step := func() error {
		if pos >= 60 {
			p.Truncate(1)
			pos = 1
		}
		if err := eng.Model.EmbedRow(7, x); err != nil {
			t.Fatal(err)
		}
		pos++
		return p.Forward(ctx, x)
	}
	if err := step(); err != nil {
		t.Fatal(err)
	}
	if len(failed) != 0 {
		t.Fatal("the node's stage failed before the load")
	}

	// A chat naming the other local model loads it while the peer's stream sits idle: the load
	// must not wait for the peer (nor unmap the weights under its stage).
	postJSON(t, n.URL()+"/v1/chat/completions", `{"model":"b","messages":[{"role":"user","content":"hi"}],"max_tokens":2}`, 200)
	if info, _ := n.Scheduler().Model(); info.ID != "b" {
		t.Fatalf("loaded %q", info.ID)
	}
	// After the load the node no longer serves model a: the hop fails over cleanly (here the
	// range comes back to the peer), and the node is still alive and serving.
	for i := 0; i < 3; i++ {
		if err := step(); err != nil {
			t.Fatalf("step after the load: %v", err)
		}
	}
	select {
	case hop := <-failed:
		if hop.Peer != n.P2P().ID() {
			t.Fatalf("failed hop %v", hop)
		}
	default:
		t.Fatal("the node went on serving a model it unloaded")
	}
	postJSON(t, n.URL()+"/v1/completions", `{"prompt":"still alive","max_tokens":2}`, 200)
}
