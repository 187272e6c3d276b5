package inference

import (
	"context"
	"errors"
	"fmt"

	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/sample"
)

// Replay checks that out is what Generate draws on this model after the prompt tokens with the
// sampling parameters sp (whose Seed fixes the draws): it evaluates the prompt and out as
// batches, which give the bits of one token at a time, samples each position's logits with the
// same sampler and history as Generate, and returns the index of the first token of out drawn
// otherwise and the token drawn there, or -1 when every one matches. It costs a prompt's
// evaluation, not a generation.
func (e *Engine) Replay(ctx context.Context, prompt, out []int32, sp sample.Params, cache model.CacheType, r *Runner) (bad int, drawn int32, err error) {
	if len(prompt) == 0 {
		return 0, 0, errors.New("replay: empty prompt")
	}
	if len(out) == 0 {
		return -1, 0, nil
	}
	smp, err := sample.New(sp)
	if err != nil {
		return 0, 0, fmt.Errorf("replay: sampling: %w", err)
	}
	all := append(append(make([]int32, 0, len(prompt)+len(out)), prompt...), out...)
	if e.Model.Partial() {
		return 0, 0, fmt.Errorf("replay: %w", ErrPartial)
	}
	st, err := e.NewStage(len(all), 0, e.Model.HP.NLayer, cache, r)
	if err != nil {
		return 0, 0, fmt.Errorf("replay: %w", err)
	}
	s := e.NewSessionWith(st)
	// The logits after position i draw token i+1; the last token of out is drawn, never fed.
	first := len(prompt) - 1
	bad = -1
	errStop := errors.New("stop")
	_, err = s.Eval(ctx, all[:len(all)-1], func(i int, logits []float32) error {
		if i < first {
			return nil
		}
		k := i - first
		if id := smp.Sample(logits, all[:i+1]); id != out[k] {
			bad, drawn = k, id
			return errStop
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return 0, 0, fmt.Errorf("replay: %w", err)
	}
	return bad, drawn, nil
}
