// Package scheduler owns the loaded model and runs generations one at a time, in arrival order,
// from a bounded queue. The engine's worker pool already uses every core for one generation, so
// running requests side by side would only slow each of them; a FIFO keeps waiting fair.
package scheduler

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/model"
)

// Errors callers branch on (the HTTP API maps them to status codes).
var (
	ErrBusy    = errors.New("the queue of requests is full")
	ErrNoModel = errors.New("no model is loaded")
	ErrClosed  = errors.New("the scheduler is shut down")
)

// PromptTooLongError says that a prompt does not fit the context.
type PromptTooLongError struct {
	Tokens, Context int
}

func (e *PromptTooLongError) Error() string {
	return fmt.Sprintf("the prompt has %d tokens but the context holds %d (leave room for at least one generated token)", e.Tokens, e.Context)
}

// Config sets the scheduler up.
type Config struct {
	Threads int // engine worker threads; 0: physical cores
	// Layers loads only this range of every model ([from, to), to > from): a node that serves
	// one hop of other nodes' pipelines and runs no request itself.
	Layers  [2]int
	Context int // context window in tokens; 0: 4096
	Queue   int // requests that may wait besides the running one; 0: 16
	Cache   model.CacheType
}

// Observer sees every generation (metering, the event bus). Calls for one generation come from
// one goroutine, in order; they must not block for long.
type Observer interface {
	Start(id, model string)
	PromptDone(id string, tokens int)
	Token(id string, t inference.Token)
	End(id string, res inference.Result, err error)
}

// ModelInfo describes the loaded model.
type ModelInfo struct {
	ID      string // file name without .gguf
	Path    string
	Threads int
	Kernels string
	Context int
	Loaded  time.Time
}

// Scheduler runs generations on the loaded model. It is safe for concurrent use.
type Scheduler struct {
	cfg Config
	obs Observer

	mu      sync.Mutex // guards the fields below
	waiting []*ticket  // FIFO of jobs waiting for the engine
	running bool       // a job (or a load) holds the engine
	closed  bool
	eng     *inference.Engine
	sess    *inference.Session
	info    ModelInfo
}

type ticket struct {
	ready chan struct{}
	err   error // set before ready closes when the scheduler shuts down
}

// New returns a scheduler with no model loaded. obs may be nil.
func New(cfg Config, obs Observer) *Scheduler {
	if cfg.Context <= 0 {
		cfg.Context = 4096
	}
	if cfg.Queue <= 0 {
		cfg.Queue = 16
	}
	return &Scheduler{cfg: cfg, obs: obs}
}

// acquire waits, in arrival order, until the engine is free. A full queue fails at once.
func (s *Scheduler) acquire(ctx context.Context) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	if !s.running && len(s.waiting) == 0 {
		s.running = true
		s.mu.Unlock()
		return nil
	}
	if len(s.waiting) >= s.cfg.Queue {
		s.mu.Unlock()
		return ErrBusy
	}
	t := &ticket{ready: make(chan struct{})}
	s.waiting = append(s.waiting, t)
	s.mu.Unlock()
	select {
	case <-t.ready:
		return t.err
	case <-ctx.Done():
		s.mu.Lock()
		defer s.mu.Unlock()
		for i, w := range s.waiting {
			if w == t {
				s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
				return ctx.Err()
			}
		}
		if t.err == nil {
			// Handed the engine just as the context ended: pass it on.
			s.releaseLocked()
		}
		return ctx.Err()
	}
}

func (s *Scheduler) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.releaseLocked()
}

func (s *Scheduler) releaseLocked() {
	if len(s.waiting) == 0 {
		s.running = false
		return
	}
	next := s.waiting[0]
	s.waiting = s.waiting[1:]
	close(next.ready) // running stays true: ownership moves to next
}

// Queued is the number of requests waiting.
func (s *Scheduler) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiting)
}

// Load loads the model at path, replacing the current one once the running generation ends.
func (s *Scheduler) Load(ctx context.Context, path string) (ModelInfo, error) {
	if err := s.acquire(ctx); err != nil {
		return ModelInfo{}, err
	}
	defer s.release()
	abs, err := filepath.Abs(path)
	if err != nil {
		return ModelInfo{}, fmt.Errorf("load %s: %w", path, err)
	}
	s.mu.Lock()
	same := s.eng != nil && s.info.Path == abs
	info := s.info
	s.mu.Unlock()
	if same {
		return info, nil
	}
	if _, err := os.Stat(abs); err != nil {
		return ModelInfo{}, fmt.Errorf("load %s: %w", path, err)
	}
	eng, err := inference.Load(abs, inference.Options{Threads: s.cfg.Threads, Layers: s.cfg.Layers})
	if err != nil {
		return ModelInfo{}, err
	}
	var sess *inference.Session
	if !eng.Model.Partial() {
		if sess, err = eng.NewSession(s.cfg.Context, s.cfg.Cache); err != nil {
			eng.Close()
			return ModelInfo{}, fmt.Errorf("load %s: %w", path, err)
		}
	}
	info = ModelInfo{ID: strings.TrimSuffix(filepath.Base(abs), ".gguf"), Path: abs, Threads: eng.Pool.Threads(),
		Kernels: kernelsName(), Context: s.cfg.Context, Loaded: time.Now()}
	s.mu.Lock()
	old := s.eng
	s.eng, s.sess, s.info = eng, sess, info
	s.mu.Unlock()
	if old != nil {
		old.Close()
	}
	return info, nil
}

// Model reports the loaded model.
func (s *Scheduler) Model() (ModelInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.info, s.eng != nil
}

// Engine returns the loaded engine (for tokenizing and rendering; not for generating).
func (s *Scheduler) Engine() *inference.Engine {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eng
}

// NewID returns a fresh request id.
func NewID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// Generate waits for its turn and runs req on the loaded model, calling onToken for each
// token. A cancelled ctx removes a waiting request or stops a running one within one token.
func (s *Scheduler) Generate(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
	return s.GenerateWith(ctx, id, req, nil, onToken)
}

// LayersFunc makes the layers a request runs on (a pipeline over peers) from the loaded
// engine; done is called when the generation ends.
type LayersFunc func(ctx context.Context, eng *inference.Engine) (layers inference.Layers, done func(), err error)

// GenerateWith is Generate with the transformer layers run by mk's layers instead of the local
// session's (nil mk: locally). The engine still embeds, applies the head and samples, in turn
// with the other requests.
func (s *Scheduler) GenerateWith(ctx context.Context, id string, req inference.Request, mk LayersFunc, onToken func(inference.Token) error) (inference.Result, error) {
	if err := s.acquire(ctx); err != nil {
		return inference.Result{}, err
	}
	defer s.release()
	s.mu.Lock()
	eng, sess, info := s.eng, s.sess, s.info
	s.mu.Unlock()
	if eng == nil {
		return inference.Result{}, ErrNoModel
	}
	if err := ctx.Err(); err != nil {
		return inference.Result{}, err
	}
	if sess == nil {
		return inference.Result{}, inference.ErrPartial
	}
	if mk != nil {
		layers, done, err := mk(ctx, eng)
		if err != nil {
			return inference.Result{}, err
		}
		defer done()
		sess = eng.NewSessionWith(layers)
	}
	prompt, err := sess.PromptTokens(req)
	if err != nil {
		return inference.Result{}, err
	}
	if len(prompt) >= sess.Context() {
		return inference.Result{}, &PromptTooLongError{Tokens: len(prompt), Context: sess.Context()}
	}
	req.Tokens = prompt
	if s.obs != nil {
		s.obs.Start(id, info.ID)
	}
	first := true
	res, err := sess.Generate(ctx, req, func(t inference.Token) error {
		if first {
			first = false
			if s.obs != nil {
				s.obs.PromptDone(id, len(prompt))
			}
		}
		if s.obs != nil {
			s.obs.Token(id, t)
		}
		if onToken != nil {
			return onToken(t)
		}
		return nil
	})
	if first && s.obs != nil {
		s.obs.PromptDone(id, len(prompt))
	}
	if errors.Is(err, inference.ErrPromptTooLong) {
		err = &PromptTooLongError{Tokens: len(prompt), Context: sess.Context()}
	}
	if s.obs != nil {
		s.obs.End(id, res, err)
	}
	return res, err
}

// Close refuses new work, fails the waiting requests with ErrClosed, waits for the running one
// and unloads the model.
func (s *Scheduler) Close() {
	s.mu.Lock()
	s.closed = true
	for _, t := range s.waiting {
		t.err = ErrClosed
		close(t.ready)
	}
	s.waiting = nil
	for s.running {
		s.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		s.mu.Lock()
	}
	eng := s.eng
	s.eng, s.sess = nil, nil
	s.mu.Unlock()
	if eng != nil {
		eng.Close()
	}
}

func kernelsName() string { return kernels.Selected().Impl.Name }

// KernelsName is the kernel tier in use.
func KernelsName() string { return kernelsName() }

// Context is the context window of a session, in tokens.
func (s *Scheduler) Context() int { return s.cfg.Context }
