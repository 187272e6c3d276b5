package synth_test

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"testing"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/sample"
	"github.com/aria-node/aria/inference/synth"
)

// A model with a Q6_K or a Q8_0 tied head (as llama-quantize writes them) generates the same
// greedy tokens on every kernel tier: the head's assembly row dots are bit-exact. The vocabulary
// is not a multiple of 4, so the last rows take the kernels' tail path.
func TestQuantizedHeadTiers(t *testing.T) {
	dir := t.TempDir()
	for _, et := range []gguf.Type{gguf.TypeQ6_K, gguf.TypeQ8_0} {
		t.Run(et.String(), func(t *testing.T) {
			s := small("bitnet-b1.58")
			s.NVocab = 1027
			p := filepath.Join(dir, et.String()+".gguf")
			if err := synth.Write(p, synth.Options{Shape: s, Type: gguf.TypeTQ2_0, EmbdType: et, Seed: 9}); err != nil {
				t.Fatal(err)
			}
			var ref []int
			var refLogits []float32
			for _, tier := range kernels.Tiers() {
				toks, logits, err := generateOn(p, tier)
				if err != nil {
					t.Fatal(err)
				}
				if ref == nil {
					ref, refLogits = toks, logits
					if len(slices.Compact(slices.Clone(toks))) < 2 {
						t.Fatalf("%s: degenerate generation %v", tier, toks)
					}
					continue
				}
				if !slices.Equal(toks, ref) {
					t.Errorf("tier %s: tokens %v, tier %s: %v", tier, toks, kernels.Tiers()[0], ref)
				}
				for i := range logits {
					if math.Float32bits(logits[i]) != math.Float32bits(refLogits[i]) {
						t.Fatalf("tier %s: logit %d = %g, tier %s: %g", tier, i, logits[i], kernels.Tiers()[0], refLogits[i])
					}
				}
			}
		})
	}
}

// generateOn loads the model with the kernel tier forced and returns 16 greedy tokens and the
// logits after them (all of the model's rows, so every row of the head).
func generateOn(path, tier string) ([]int, []float32, error) {
	restore, err := kernels.Use(tier)
	if err != nil {
		return nil, nil, err
	}
	defer restore()
	e, err := inference.Load(path, inference.Options{Threads: 2})
	if err != nil {
		return nil, nil, fmt.Errorf("load on %s: %w", tier, err)
	}
	defer e.Close()
	s, err := e.NewSession(128, 0)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.Generate(context.Background(), inference.Request{Prompt: "Once upon a time", MaxTokens: 16,
		IgnoreEOS: true, Sampling: sample.Params{Temperature: 0}}, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("generate on %s: %w", tier, err)
	}
	toks := make([]int, len(res.Tokens))
	ids := make([]int32, len(res.Tokens))
	for i, tk := range res.Tokens {
		toks[i], ids[i] = int(tk), tk
	}
	s.Reset()
	logits, err := s.Eval(context.Background(), ids, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("eval on %s: %w", tier, err)
	}
	return toks, slices.Clone(logits), nil
}
