// Package chat renders a conversation into the prompt text a model expects,
// from the Jinja chat template stored in its GGUF file
// (tokenizer.chat_template).
//
// Templates whose source is exactly one we know (LLaMA-3, BitNet b1.58 2B4T,
// ChatML) are rendered by native Go code: fast and independent of the Jinja
// engine. Anything else goes through github.com/ardanlabs/jinja with the
// standard variables messages, add_generation_prompt, bos_token and
// eos_token; if the engine cannot handle a template that nonetheless looks
// like a known family (llama.cpp-style substring detection), the family's
// native renderer is used instead. See New for the exact policy.
//
// The output is text: special tokens appear as their text (for example
// "<|begin_of_text|>"), and the caller tokenizes it with special-token
// parsing enabled and without adding a BOS of its own: every renderer here
// writes the BOS text when the format wants it (the LLaMA-3 and BitNet
// templates and the empty-template default do; ChatML does not).
package chat

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ardanlabs/jinja"
)

// Message is one turn of a conversation. Role is usually "system", "user"
// or "assistant"; templates decide what other roles mean.
type Message struct {
	Role    string
	Content string
}

// Template names reported by Template.Name.
const (
	NameLlama3  = "llama3"
	NameBitNet  = "bitnet-2b4t"
	NameChatML  = "chatml"
	NameJinja   = "jinja"
	NameDefault = "default"
)

// ErrUnsupported is wrapped by errors for templates this package cannot
// render, so callers can tell "bad template" from other failures.
var ErrUnsupported = errors.New("chat template not supported")

// Template renders conversations in one model's prompt format. It is
// immutable after New and safe for concurrent use.
type Template struct {
	name string
	bos  string
	eos  string

	// Exactly one of native and jinja is set.
	native renderFunc
	jinja  *jinja.Template
}

// renderFunc is a native renderer for one template family.
type renderFunc func(b *strings.Builder, msgs []Message, addGenerationPrompt bool, bos string)

// New prepares the template src (the GGUF tokenizer.chat_template string)
// with the model's BOS and EOS token texts. The policy is:
//
//  1. src empty: a documented default (see defaultRenderer); Name "default".
//  2. src is, up to surrounding white space, a template we know: that
//     template's native renderer.
//  3. otherwise the Jinja engine, checked by compiling src and rendering a
//     one-message conversation. Name "jinja".
//  4. if the engine fails but src looks like a known family (substring
//     detection in the spirit of llama.cpp's llm_chat_detect_template), the
//     family's native renderer, so such models still work.
//  5. otherwise an error wrapping ErrUnsupported that names the problem.
//
// Substring detection is deliberately not preferred over Jinja: variants
// such as LLaMA-3.1's template share the markers but add content (tool
// blocks, a dated system header) that a native family renderer would drop.
func New(src, bos, eos string) (*Template, error) {
	t := &Template{bos: bos, eos: eos}
	if strings.TrimSpace(src) == "" {
		t.name, t.native = NameDefault, defaultRenderer(bos)
		return t, nil
	}
	if name, fn, ok := exactMatch(src); ok {
		t.name, t.native = name, fn
		return t, nil
	}

	jerr := t.tryJinja(src)
	if jerr == nil {
		return t, nil
	}
	if name, fn, ok := detectFamily(src); ok {
		t.name, t.native, t.jinja = name, fn, nil
		return t, nil
	}
	return nil, fmt.Errorf("chat: %w: %w", ErrUnsupported, jerr)
}

// probeTimeout bounds the test render at load time.
const probeTimeout = 2 * time.Second

// tryJinja compiles src and proves it renders a minimal conversation, so an
// engine gap shows up at load time rather than on the first request.
func (t *Template) tryJinja(src string) error {
	jt, err := compileJinja(src)
	if err != nil {
		return err
	}
	probe := []Message{{Role: "user", Content: "Hello"}}
	// Bounded: a template that never finishes must not hang loading the model (the render goes
	// on in its goroutine; the interpreter cannot be stopped).
	done := make(chan error, 1)
	go func() {
		_, err := renderJinja(jt, probe, true, t.bos, t.eos)
		done <- err
	}()
	var perr error
	select {
	case perr = <-done:
	case <-time.After(probeTimeout):
		perr = fmt.Errorf("it took longer than %v", probeTimeout)
	}
	if err := perr; err != nil {
		return fmt.Errorf("test render: %w", err)
	}
	t.name, t.jinja = NameJinja, jt
	return nil
}

// Name says which renderer is in use: "llama3", "bitnet-2b4t", "chatml",
// "jinja" or "default".
func (t *Template) Name() string { return t.name }

// Render returns the prompt text for msgs. With addGenerationPrompt it ends
// with the header that opens the assistant's reply, ready for generation.
func (t *Template) Render(msgs []Message, addGenerationPrompt bool) (string, error) {
	if t.native != nil {
		var b strings.Builder
		t.native(&b, msgs, addGenerationPrompt, t.bos)
		return b.String(), nil
	}
	out, err := renderJinja(t.jinja, msgs, addGenerationPrompt, t.bos, t.eos)
	if err != nil {
		return "", fmt.Errorf("chat: render %s template: %w", t.name, err)
	}
	return out, nil
}

// compileJinja wraps jinja.Compile, turning a panic inside the engine into
// an error: a model file must never be able to crash the server.
func compileJinja(src string) (jt *jinja.Template, err error) {
	defer func() {
		if r := recover(); r != nil {
			jt, err = nil, fmt.Errorf("jinja engine panicked while compiling: %v", r)
		}
	}()
	jt, err = jinja.Compile(src)
	if err != nil {
		return nil, fmt.Errorf("compile: %w", err)
	}
	return jt, nil
}

// renderJinja renders with the standard variables of Hugging Face's
// apply_chat_template, recovering engine panics as errors.
func renderJinja(jt *jinja.Template, msgs []Message, addGenerationPrompt bool, bos, eos string) (out string, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = "", fmt.Errorf("jinja engine panicked while rendering: %v", r)
		}
	}()
	items := make([]jinja.Value, len(msgs))
	for i, m := range msgs {
		d := jinja.NewDict()
		d.AsDict().Set("role", jinja.NewString(m.Role))
		d.AsDict().Set("content", jinja.NewString(m.Content))
		items[i] = d
	}
	out, err = jt.RenderValues(map[string]jinja.Value{
		"messages":              jinja.NewList(items),
		"add_generation_prompt": jinja.NewBool(addGenerationPrompt),
		"bos_token":             jinja.NewString(bos),
		"eos_token":             jinja.NewString(eos),
	})
	if err != nil {
		return "", err
	}
	return out, nil
}
