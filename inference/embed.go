package inference

import (
	"context"
	"errors"
	"fmt"

	"github.com/aria-node/aria/inference/model"
)

// Hidden runs the embedding and layers [0, upto) over tokens as one sequence, in batches and
// with a KV cache of its own (none is reused), and returns a copy of the last position's hidden
// state: the residual stream after layer upto-1, before any norm (upto 0: the token embedding).
// Batches give the bits of one token at a time and every kernel tier those of the portable one
// (inference/stage_test.go), so the result depends on the model and the tokens only. The cache
// is F32 whatever the node's sessions use, for the same reason. Steps run on the engine's pool,
// one at a time with the sessions' (see Runner), so Hidden may run beside a generation.
func (e *Engine) Hidden(ctx context.Context, tokens []int32, upto int) ([]float32, error) {
	m := e.Model
	if len(tokens) == 0 {
		return nil, errors.New("hidden: no tokens")
	}
	if upto < 0 || upto > m.HP.NLayer {
		return nil, fmt.Errorf("hidden: layer %d is outside the model's [0, %d]", upto, m.HP.NLayer)
	}
	if m.From != 0 || upto > m.To {
		return nil, fmt.Errorf("hidden: %w: layers [0, %d) are needed, [%d, %d) are loaded", ErrPartial, upto, m.From, m.To)
	}
	if n := m.HP.NCtxTrain; n > 0 && len(tokens) > n {
		return nil, fmt.Errorf("hidden: %w", &PromptTooLongError{Tokens: len(tokens), Context: n})
	}
	d := m.HP.NEmbd
	x := make([]float32, len(tokens)*d)
	if err := m.Embed(tokens, x); err != nil {
		return nil, fmt.Errorf("hidden: %w", err)
	}
	if upto > 0 {
		st, err := e.NewStage(len(tokens), 0, upto, model.CacheF32, nil)
		if err != nil {
			return nil, fmt.Errorf("hidden: %w", err)
		}
		if err := st.Forward(ctx, x); err != nil {
			return nil, fmt.Errorf("hidden: %w", err)
		}
	} else if err := ctx.Err(); err != nil {
		return nil, err
	}
	return append([]float32(nil), x[len(x)-d:]...), nil
}
