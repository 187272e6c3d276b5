// Package sample turns a row of logits into the next token id and decides
// when generated text has hit a stop sequence.
//
// The sampling chain follows llama.cpp's default order so that results are
// comparable with the reference implementation:
//
//	penalties → top-k → top-p → min-p → temperature → softmax → draw
//
// Note that, as in llama.cpp, top-p and min-p see the distribution at
// temperature 1; temperature only reshapes what survives the filters.
package sample

import (
	"errors"
	"fmt"
	"math"
)

// ErrInvalidParams is wrapped by every error Validate returns, so callers
// (an HTTP layer, say) can map it to a client error with errors.Is.
var ErrInvalidParams = errors.New("invalid sampling parameters")

// Params configures a Sampler. Start from DefaultParams: several zero values
// are meaningful settings rather than "unset" (TopP 0 keeps only the most
// likely token, exactly as in llama.cpp and the OpenAI API).
type Params struct {
	// Temperature divides the logits before the final softmax. <= 0 selects
	// greedy decoding: the arg-max after penalties, ties to the lowest id.
	Temperature float32

	// TopK keeps the K most likely tokens. 0 disables it.
	TopK int

	// TopP keeps the smallest set of most likely tokens whose probability
	// mass reaches TopP (the token that crosses the threshold is kept).
	// Range [0, 1]; 1 disables it, 0 keeps a single token.
	TopP float32

	// MinP drops tokens whose probability is below MinP times the
	// probability of the most likely token. Range [0, 1]; 0 disables it.
	MinP float32

	// RepeatPenalty divides positive and multiplies negative logits of
	// tokens seen in the penalty window (llama.cpp's rule; a plain division
	// would make negative logits more likely). 1 disables it; 0 is taken as
	// 1 because a zero penalty has no meaning.
	RepeatPenalty float32

	// RepeatLastN is the size of the penalty window, counted back from the
	// end of the history. 0 disables all penalties, -1 uses the whole
	// history. The window applies to the presence and frequency penalties
	// too, as in llama.cpp.
	RepeatLastN int

	// PresencePenalty is subtracted once from the logit of every token in
	// the window; FrequencyPenalty is subtracted once per occurrence
	// (OpenAI's definition). 0 disables each.
	PresencePenalty, FrequencyPenalty float32

	// Seed seeds the PCG generator used for the draw; the same seed, logits
	// and history give the same tokens. 0 means "pick a random seed", which
	// Sampler.Seed reports so a run can be reproduced.
	Seed uint64
}

// DefaultParams returns llama.cpp's defaults: temperature 0.8, top-k 40,
// top-p 0.95, min-p 0.05, no repetition/presence/frequency penalty (window
// 64 so that enabling one penalty is enough), random seed.
func DefaultParams() Params {
	return Params{
		Temperature:   0.8,
		TopK:          40,
		TopP:          0.95,
		MinP:          0.05,
		RepeatPenalty: 1.0,
		RepeatLastN:   64,
	}
}

// Greedy reports whether p selects greedy decoding.
func (p Params) Greedy() bool { return p.Temperature <= 0 }

// Validate reports every nonsensical field at once, each error wrapping
// ErrInvalidParams.
func (p Params) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidParams}, args...)...))
	}
	finite := func(v float32) bool { return !math.IsNaN(float64(v)) && !math.IsInf(float64(v), 0) }

	if !finite(p.Temperature) {
		bad("temperature must be a finite number, got %v", p.Temperature)
	}
	if p.TopK < 0 {
		bad("top_k must be >= 0 (0 disables it), got %d", p.TopK)
	}
	// The negated range checks also reject NaN.
	if !(p.TopP >= 0 && p.TopP <= 1) {
		bad("top_p must be in [0, 1] (1 disables it), got %v", p.TopP)
	}
	if !(p.MinP >= 0 && p.MinP <= 1) {
		bad("min_p must be in [0, 1] (0 disables it), got %v", p.MinP)
	}
	if !finite(p.RepeatPenalty) || p.RepeatPenalty < 0 {
		bad("repeat_penalty must be a finite number >= 0 (1 disables it), got %v", p.RepeatPenalty)
	}
	if p.RepeatLastN < -1 {
		bad("repeat_last_n must be >= -1 (-1 = whole history, 0 disables penalties), got %d", p.RepeatLastN)
	}
	if !finite(p.PresencePenalty) {
		bad("presence_penalty must be a finite number, got %v", p.PresencePenalty)
	}
	if !finite(p.FrequencyPenalty) {
		bad("frequency_penalty must be a finite number, got %v", p.FrequencyPenalty)
	}
	return errors.Join(errs...)
}
