package inference

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Limits bound the preparation of a prompt. A GGUF's chat template is code from the model file,
// run by a Jinja interpreter that has no resource limits of its own.
type Limits struct {
	// TemplateTimeout bounds rendering the chat template (default 2 s).
	TemplateTimeout time.Duration
	// MaxPromptBytes bounds the rendered prompt (default 16 MiB).
	MaxPromptBytes int
}

func (l Limits) withDefaults() Limits {
	if l.TemplateTimeout <= 0 {
		l.TemplateTimeout = 2 * time.Second
	}
	if l.MaxPromptBytes <= 0 {
		l.MaxPromptBytes = 16 << 20
	}
	return l
}

// ErrTemplate wraps every failure of the chat template: an error, a panic, too much time or too
// much text.
var ErrTemplate = errors.New("chat template")

// PromptTooLongError says that a prompt does not fit the context.
type PromptTooLongError struct {
	Tokens, Context int
}

func (e *PromptTooLongError) Error() string {
	return fmt.Sprintf("the prompt has %d tokens but the context holds %d (leave room for at least one generated token)", e.Tokens, e.Context)
}

// Is makes errors.Is(err, ErrPromptTooLong) true for it.
func (e *PromptTooLongError) Is(target error) bool { return target == ErrPromptTooLong }

// maxStuckRenders bounds the template renders still running after their deadline: the
// interpreter cannot be stopped, so a template that loops for ever keeps its goroutine; past
// this many such renders new ones are refused rather than piling up on the CPU. Renders that
// finish in time, however many run at once, do not count.
const maxStuckRenders = 2

// Prepare is the one place a request's prompt is made ready to run: the chat template rendered
// under lim, the text tokenized, and the length checked against a context of nCtx positions
// (leaving room for one generated token). The returned request has Tokens set. The API, peers'
// requests and the terminal chat all go through it.
func (e *Engine) Prepare(ctx context.Context, req Request, nCtx int, lim Limits) (Request, error) {
	lim = lim.withDefaults()
	switch {
	case len(req.Tokens) > 0:
	case len(req.Messages) > 0:
		text, err := e.renderBounded(ctx, req, lim)
		if err != nil {
			return req, err
		}
		// The template writes BOS itself when the model wants it.
		req.Tokens = e.Tok.Encode(text, false, true)
	default:
		if len(req.Prompt) > lim.MaxPromptBytes {
			return req, fmt.Errorf("the prompt has %d bytes, over the limit of %d", len(req.Prompt), lim.MaxPromptBytes)
		}
		req.Tokens = e.Tokenize(req.Prompt)
	}
	if nCtx > 0 && len(req.Tokens) >= nCtx {
		return req, &PromptTooLongError{Tokens: len(req.Tokens), Context: nCtx}
	}
	return req, nil
}

func (e *Engine) renderBounded(ctx context.Context, req Request, lim Limits) (string, error) {
	if e.stuck.Load() >= maxStuckRenders {
		return "", fmt.Errorf("%w: earlier renders of this model's template are still running past their time limit", ErrTemplate)
	}
	type out struct {
		text string
		err  error
	}
	done := make(chan out, 1)
	var mu sync.Mutex
	finished, abandoned := false, false
	go func() {
		text, err := e.RenderChat(req.Messages)
		mu.Lock()
		finished = true
		if abandoned {
			e.stuck.Add(-1)
		}
		mu.Unlock()
		done <- out{text, err}
	}()
	ctx, cancel := context.WithTimeout(ctx, lim.TemplateTimeout)
	defer cancel()
	select {
	case o := <-done:
		if o.err != nil {
			return "", fmt.Errorf("%w: %v", ErrTemplate, o.err)
		}
		if len(o.text) > lim.MaxPromptBytes {
			return "", fmt.Errorf("%w: the rendered prompt has %d bytes, over the limit of %d", ErrTemplate, len(o.text), lim.MaxPromptBytes)
		}
		return o.text, nil
	case <-ctx.Done():
		mu.Lock()
		if !finished {
			abandoned = true
			e.stuck.Add(1)
		}
		mu.Unlock()
		if ctx.Err() == context.DeadlineExceeded {
			return "", fmt.Errorf("%w: rendering took longer than %v", ErrTemplate, lim.TemplateTimeout)
		}
		return "", ctx.Err()
	}
}
