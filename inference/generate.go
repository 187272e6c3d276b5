package inference

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/sample"
	"github.com/aria-node/aria/inference/tokenizer"
)

// Request is one generation.
type Request struct {
	Prompt    string         // raw prompt text (special tokens parsed); ignored when Messages is set
	Messages  []chat.Message // a conversation, rendered with the model's chat template
	Tokens    []int32        // an already tokenized prompt; wins over Prompt and Messages
	MaxTokens int            // 0: until an end token, a stop string or a full context
	Sampling  sample.Params
	Stop      []string
	IgnoreEOS bool // keep going past end-of-generation tokens (benchmarks)
}

// Token is one generated token and the text it completes (possibly empty while a multi-byte
// character or a possible stop string is pending).
type Token struct {
	ID   int32
	Text string
}

// Finish reasons, named as in the OpenAI API.
const (
	FinishStop   = "stop"   // end-of-generation token or stop string
	FinishLength = "length" // MaxTokens reached or the context is full
)

// Result summarises a generation.
type Result struct {
	Text           string
	Tokens         []int32
	PromptTokens   int // tokens of the prompt
	CachedTokens   int // of which were reused from the cache
	FinishReason   string
	PromptTime     time.Duration
	GenerateTime   time.Duration
	PromptPerSec   float64 // prompt tokens evaluated per second
	GeneratePerSec float64 // generated tokens per second (after the first)
}

// ErrPromptTooLong is returned (as a *PromptTooLongError) when the prompt does not fit the
// context.
var ErrPromptTooLong = errors.New("prompt does not fit in the context")

// Generate runs one request. onToken, if not nil, sees every token as it is generated; an
// error from it stops the generation and is returned. A cancelled ctx stops it too. The KV
// cache is reused for the longest prefix the new prompt shares with the session's sequence.
func (s *Session) Generate(ctx context.Context, req Request, onToken func(Token) error) (Result, error) {
	var res Result
	req, err := s.e.Prepare(ctx, req, s.layers.Context(), Limits{})
	if err != nil {
		return res, err
	}
	prompt := req.Tokens
	if len(prompt) == 0 {
		return res, errors.New("empty prompt")
	}
	smp, err := sample.New(req.Sampling)
	if err != nil {
		return res, fmt.Errorf("sampling: %w", err)
	}
	res.PromptTokens = len(prompt)
	// Keep the cached prefix, but always evaluate at least the last prompt token for logits.
	keep := min(commonPrefix(s.tokens, prompt), len(prompt)-1)
	s.Rewind(keep)
	res.CachedTokens = keep

	t0 := time.Now()
	logits, err := s.Eval(ctx, prompt[keep:], nil)
	if err != nil {
		return res, err
	}
	res.PromptTime = time.Since(t0)
	if res.PromptTime > 0 {
		res.PromptPerSec = float64(len(prompt)-keep) / res.PromptTime.Seconds()
	}

	dec := tokenizer.NewStreamDecoder(s.e.Tok, false)
	stops := sample.NewStopMatcher(req.Stop)
	var text []byte
	emit := func(id int32, piece string) error {
		out, _ := stops.Feed(piece)
		text = append(text, out...)
		if onToken != nil {
			return onToken(Token{ID: id, Text: out})
		}
		return nil
	}
	t1 := time.Now()
	res.FinishReason = FinishLength
	for {
		if err := ctx.Err(); err != nil {
			return s.finish(res, text, t1), err
		}
		id := smp.Sample(logits, s.tokens)
		if !req.IgnoreEOS && s.e.Tok.IsEOG(id) {
			res.FinishReason = FinishStop
			break
		}
		res.Tokens = append(res.Tokens, id)
		if err := emit(id, dec.Push(id)); err != nil {
			return s.finish(res, text, t1), err
		}
		if stops.Stopped() {
			res.FinishReason = FinishStop
			break
		}
		if req.MaxTokens > 0 && len(res.Tokens) >= req.MaxTokens {
			break
		}
		if len(s.tokens) >= s.layers.Context() {
			break // context full: the OpenAI convention calls this "length"
		}
		if logits, err = s.Eval(ctx, []int32{id}, nil); err != nil {
			if errors.Is(err, model.ErrContextFull) {
				break
			}
			return s.finish(res, text, t1), err
		}
	}
	if !stops.Stopped() {
		tail := dec.Flush()
		out, _ := stops.Feed(tail)
		if !stops.Stopped() {
			out += stops.Flush()
		}
		text = append(text, out...)
		if onToken != nil && out != "" {
			if err := onToken(Token{ID: -1, Text: out}); err != nil {
				return s.finish(res, text, t1), err
			}
		}
	}
	return s.finish(res, text, t1), nil
}

func (s *Session) finish(res Result, text []byte, t1 time.Time) Result {
	res.Text = string(text)
	res.GenerateTime = time.Since(t1)
	if n := len(res.Tokens); n > 0 && res.GenerateTime > 0 {
		res.GeneratePerSec = float64(n) / res.GenerateTime.Seconds()
	}
	return res
}
