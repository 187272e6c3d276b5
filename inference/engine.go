// Package inference is ARIA's engine: it loads a BitNet b1.58 GGUF model and generates text
// with a per-token callback. It imports nothing of the node (backend) or the desktop shell.
package inference

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"

	"github.com/klauspost/cpuid/v2"

	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/tokenizer"
)

// Options configure an Engine.
type Options struct {
	Threads int // worker threads; 0 picks the number of physical cores
	// Layers, when set ([from, to), to > from), loads only that range: an engine that serves one
	// hop of pipelines and cannot generate on its own (NewSession fails).
	LayerRange [2]int
}

// Engine is a loaded model with its tokenizer, chat template and worker pool. Sessions of
// one Engine must not run concurrently (they share the pool); the node serialises them.
type Engine struct {
	Path     string
	Name     string // file name without .gguf
	File     *gguf.File
	Model    *model.Model
	Tok      *tokenizer.Tokenizer
	Template *chat.Template
	// TemplateErr says why the file's chat template could not be used (Template is nil then).
	TemplateErr error
	Pool        *kernels.Pool
	runner      *Runner      // Pool, shared step by step by sessions and stages
	stuck       atomic.Int32 // template renders running past their time limit (see Prepare)
}

// DefaultThreads is the number of physical cores, bounded by GOMAXPROCS.
func DefaultThreads() int {
	n := cpuid.CPU.PhysicalCores
	if n <= 0 {
		n = runtime.NumCPU()
	}
	return max(1, min(n, runtime.GOMAXPROCS(0)))
}

// Load opens the model at path.
func Load(path string, opts Options) (*Engine, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	e, err := newEngine(f, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	e.Path = path
	e.Name = strings.TrimSuffix(filepath.Base(path), ".gguf")
	return e, nil
}

func newEngine(f *gguf.File, opts Options) (*Engine, error) {
	from, to := 0, -1
	if opts.LayerRange != [2]int{} {
		from, to = opts.LayerRange[0], opts.LayerRange[1]
	}
	m, err := model.LoadLayers(f, from, to)
	if err != nil {
		return nil, err
	}
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		return nil, fmt.Errorf("tokenizer: %w", err)
	}
	if tok.VocabSize() > m.HP.NVocab {
		return nil, fmt.Errorf("tokenizer has %d tokens but the embedding only %d rows", tok.VocabSize(), m.HP.NVocab)
	}
	threads := opts.Threads
	if threads <= 0 {
		threads = DefaultThreads()
	}
	e := &Engine{File: f, Model: m, Tok: tok, Pool: kernels.NewPool(threads)}
	e.runner = &Runner{pool: e.Pool}
	src, _ := f.String("tokenizer.chat_template")
	e.Template, e.TemplateErr = chat.New(src, tok.Piece(tok.BOS()), tok.Piece(tok.EOS()))
	return e, nil
}

// Close stops the pool and unmaps the file.
func (e *Engine) Close() error {
	if e.Pool != nil {
		e.Pool.Close()
		e.Pool = nil
	}
	if e.Model != nil {
		e.Model.Close()
	}
	if e.File != nil {
		err := e.File.Close()
		e.File = nil
		return err
	}
	return nil
}

// RenderChat turns messages into the prompt text of the model's chat template.
func (e *Engine) RenderChat(msgs []chat.Message) (string, error) {
	if e.Template == nil {
		return "", fmt.Errorf("chat template: %w", e.TemplateErr)
	}
	return e.Template.Render(msgs, true)
}

// Tokenize encodes text the way prompts are encoded: BOS when the model wants it, special
// tokens parsed.
func (e *Engine) Tokenize(text string) []int32 {
	return e.Tok.Encode(text, e.Tok.AddBOS(), true)
}

// ErrUnloaded is returned by work on a model that its owner unloaded while the work was open
// (backend/scheduler's leases).
var ErrUnloaded = errors.New("the model was unloaded")

// ErrPartial is returned when a whole-model operation meets an engine that holds some layers only.
var ErrPartial = errors.New("this engine holds only some of the model's layers: it serves pipeline hops")

// MaxBatch bounds the tokens of one forward call during prompt processing, which bounds the
// scratch memory (about 3 × feed-forward width floats per token).
const MaxBatch = 64

// Layers runs a model's transformer layers for one sequence: hidden states in, hidden states
// out, with the KV cache kept wherever the layers run. A Session runs them locally; a pipeline
// runs ranges of them on other nodes and gives the same bits back.
type Layers interface {
	// Forward runs a batch of len(x)/NEmbd consecutive tokens, at positions Pos().., in place.
	// On error no position of the batch is kept.
	Forward(ctx context.Context, x []float32) error
	// Truncate forgets positions at and after pos.
	Truncate(pos int)
	// Context is the number of positions the cache holds.
	Context() int
	// CacheBytes is the memory of the KV cache (where it is known).
	CacheBytes() int64
}

// Session is one sequence: its layers (and their KV cache) and the tokens in it.
type Session struct {
	e      *Engine
	layers Layers
	tokens []int32 // the tokens whose K and V are in the cache
	x      []float32
	h      []float32
	act    *kernels.Activation
	logits []float32
}

// NewSession allocates a KV cache for nCtx positions (0: the model's training context,
// capped at 4096 to keep memory modest) and runs every layer locally.
func (e *Engine) NewSession(nCtx int, cache model.CacheType) (*Session, error) {
	if e.Model.Partial() {
		return nil, fmt.Errorf("%w: layers [%d, %d) of %d are loaded", ErrPartial, e.Model.From, e.Model.To, e.Model.HP.NLayer)
	}
	if nCtx <= 0 {
		nCtx = min(e.Model.HP.NCtxTrain, 4096)
	}
	st, err := e.NewStage(nCtx, 0, e.Model.HP.NLayer, cache, nil)
	if err != nil {
		return nil, err
	}
	return e.NewSessionWith(st), nil
}

// NewSessionWith makes a session whose layers run elsewhere (a pipeline). The engine still
// embeds tokens, applies the head and samples.
func (e *Engine) NewSessionWith(layers Layers) *Session {
	d := e.Model.HP.NEmbd
	return &Session{e: e, layers: layers, x: make([]float32, MaxBatch*d), h: make([]float32, d),
		act: new(kernels.Activation), logits: make([]float32, e.Model.HP.NVocab)}
}

// Layers returns what runs the session's layers.
func (s *Session) Layers() Layers { return s.layers }

// CacheBytes is the memory of the session's KV cache.
func (s *Session) CacheBytes() int64 { return s.layers.CacheBytes() }

// Context is the session's capacity in tokens.
func (s *Session) Context() int { return s.layers.Context() }

// Tokens returns the tokens held in the cache.
func (s *Session) Tokens() []int32 { return s.tokens }

// Reset forgets the whole sequence.
func (s *Session) Reset() { s.Rewind(0) }

// Rewind keeps only the first n tokens of the sequence.
func (s *Session) Rewind(n int) {
	n = max(0, min(n, len(s.tokens)))
	s.tokens = s.tokens[:n]
	s.layers.Truncate(n)
}

// Eval appends toks to the sequence and returns the logits after the last one. When every is
// non-nil it is called with the logits after each token of toks (the slice is reused).
func (s *Session) Eval(ctx context.Context, toks []int32, every func(i int, logits []float32) error) ([]float32, error) {
	if len(toks) == 0 {
		return nil, errors.New("eval: no tokens")
	}
	if nCtx := s.layers.Context(); len(s.tokens)+len(toks) > nCtx {
		return nil, fmt.Errorf("%w: %d tokens in the cache + %d new exceed the context of %d", model.ErrContextFull, len(s.tokens), len(toks), nCtx)
	}
	m := s.e.Model
	d := m.HP.NEmbd
	for start := 0; start < len(toks); start += MaxBatch {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		end := min(start+MaxBatch, len(toks))
		batch := toks[start:end]
		x := s.x[:len(batch)*d]
		if err := m.Embed(batch, x); err != nil {
			return nil, err
		}
		if err := s.layers.Forward(ctx, x); err != nil {
			// A failed batch leaves nothing half-done: forget its positions.
			s.layers.Truncate(len(s.tokens))
			return nil, err
		}
		s.tokens = append(s.tokens, batch...)
		for i := range batch {
			if every == nil && start+i != len(toks)-1 {
				continue
			}
			s.e.runner.mu.Lock()
			m.Logits(s.e.Pool, x[i*d:(i+1)*d], s.act, s.h, s.logits)
			s.e.runner.mu.Unlock()
			if every != nil {
				if err := every(start+i, s.logits); err != nil {
					return nil, err
				}
			}
		}
	}
	return s.logits, nil
}

// commonPrefix is the length of the shared prefix of a and b.
func commonPrefix(a, b []int32) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}
