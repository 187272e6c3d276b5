package inference_test

import (
	"context"
	"testing"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/sample"
)

// Replay accepts exactly the tokens a generation drew, sampled or greedy, and points at the
// first token changed.
func TestReplayChecksAGeneration(t *testing.T) {
	e, err := inference.Load(tinyModel(t), inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	for _, sp := range []sample.Params{
		{Temperature: 0},
		{Temperature: 0.9, TopK: 40, TopP: 0.95, RepeatPenalty: 1.1, Seed: 7},
	} {
		s, err := e.NewSession(256, model.CacheF16)
		if err != nil {
			t.Fatal(err)
		}
		req := inference.Request{Prompt: "Replay checks a peer's tokens", MaxTokens: 24, IgnoreEOS: true, Sampling: sp}
		res, err := s.Generate(ctx, req, nil)
		if err != nil {
			t.Fatal(err)
		}
		prompt := e.Tokenize(req.Prompt)
		if bad, _, err := e.Replay(ctx, prompt, res.Tokens, sp, model.CacheF16, nil); err != nil || bad != -1 {
			t.Fatalf("%+v: the generation's own tokens replay as wrong at %d (%v)", sp, bad, err)
		}
		for _, k := range []int{0, 11, len(res.Tokens) - 1} {
			lie := append([]int32(nil), res.Tokens...)
			lie[k] = (lie[k] + 1) % int32(e.Model.HP.NVocab)
			if bad, drawn, err := e.Replay(ctx, prompt, lie, sp, model.CacheF16, nil); err != nil || bad != k || drawn != res.Tokens[k] {
				t.Fatalf("%+v: token %d changed, replay says %d drew %d (%v)", sp, k, bad, drawn, err)
			}
		}
		other := sp
		other.Seed++
		if sp.Temperature > 0 {
			if bad, _, _ := e.Replay(ctx, prompt, res.Tokens, other, model.CacheF16, nil); bad == -1 {
				t.Fatalf("another seed draws the same %d tokens", len(res.Tokens))
			}
		}
	}
}
