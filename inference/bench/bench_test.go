package bench

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

func TestRun(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.gguf")
	if err := synth.Write(p, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	e, err := inference.Load(p, inference.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if _, err := Run(context.Background(), e, Options{}); err == nil {
		t.Error("nothing to measure was accepted")
	}
	r, err := Run(context.Background(), e, Options{Prompt: 32, Gen: 8, Repeats: 2, BWBytes: 8 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.PPRuns) != 2 || len(r.TGRuns) != 2 || r.PPTokensPerS <= 0 || r.TGTokensPerS <= 0 {
		t.Fatalf("runs: pp %v tg %v", r.PPRuns, r.TGRuns)
	}
	hp := e.Model.HP
	kv := int64(2*hp.NEmbdKV()*hp.NLayer*2) * 8 / 2 // f16 cache, half of the 8 positions on average
	if r.BytesPerToken != e.Model.WeightBytes()+kv {
		t.Errorf("bytes per token %d, want weights %d + KV %d", r.BytesPerToken, e.Model.WeightBytes(), kv)
	}
	if r.ReadBandwidthGBs <= 0 || r.LimitTokensPerS <= 0 || r.BandwidthFraction <= 0 {
		t.Errorf("bandwidth figures: %+v", r)
	}
	if r.Kernels == "" || r.Threads != 2 || r.FileBytes <= 0 {
		t.Errorf("labels: %+v", r)
	}
}
