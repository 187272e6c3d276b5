// Package scheduler owns the loaded model and runs generations one at a time from a bounded
// queue: local requests in arrival order, then peers' requests in arrival order, so lending the
// CPU never makes this computer's own user wait behind strangers. The engine's worker pool
// already uses every core for one generation, so running requests side by side would only slow
// each of them.
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
	"github.com/aria-node/aria/inference/sample"
)

// Errors callers branch on (the HTTP API maps them to status codes).
var (
	ErrBusy    = errors.New("the queue of requests is full")
	ErrNoModel = errors.New("no model is loaded")
	ErrClosed  = errors.New("the scheduler is shut down")
	// ErrUnloaded ends a lease whose model was replaced or unloaded while it was open.
	ErrUnloaded = inference.ErrUnloaded
)

// PromptTooLongError says that a prompt does not fit the context.
type PromptTooLongError = inference.PromptTooLongError

// Config sets the scheduler up.
type Config struct {
	Threads int // engine worker threads; 0: physical cores
	// Layers loads only this range of every model ([from, to), to > from): a node that serves
	// one hop of other nodes' pipelines and runs no request itself.
	LayerRange [2]int
	Context    int // context window in tokens; 0: 4096
	Queue      int // requests that may wait besides the running one; 0: 16
	Cache      model.CacheType
	Limits     inference.Limits // on preparing prompts (the chat template's time and size)
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
	NLayer  int // the model's layer count
	From    int // the loaded layer range [From, To) (0, Layers for a whole model)
	To      int
	Width   int // the hidden state's width (embedding length)
}

// Scheduler owns the loaded engine: every use of it, a local generation, a peer's stage of
// layers, a prompt's preparation or the speed probe, goes through the scheduler, either in the
// FIFO (generations, loads) or under a lease (stages, preparation), and a model is unmapped only
// when no lease holds it any more. It is safe for concurrent use.
type Scheduler struct {
	cfg Config
	obs Observer

	mu      sync.Mutex // guards the fields below
	idle    *sync.Cond // signalled when running turns false
	waiting []*ticket  // FIFO of jobs waiting for the engine
	running bool       // a job (or a load) holds the engine
	closed  bool
	cur     *loaded       // nil: no model
	changed chan struct{} // closed (and replaced) when the model changes
}

// loaded is one loaded model and the leases on it.
type loaded struct {
	eng    *inference.Engine
	sess   *inference.Session // nil for a partial model
	info   ModelInfo
	ctx    context.Context // cancelled when the model is replaced: open leases stop
	cancel context.CancelCauseFunc
	leases sync.WaitGroup // Add only under Scheduler.mu while this is cur
}

// retire stops the model's leases, waits for them to let go and unmaps it.
func (l *loaded) retire() {
	l.cancel(ErrUnloaded)
	l.leases.Wait()
	l.eng.Close()
}

type ticket struct {
	ready chan struct{}
	peer  bool  // a peer's request: it waits behind every local one
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
	s := &Scheduler{cfg: cfg, obs: obs, changed: make(chan struct{})}
	s.idle = sync.NewCond(&s.mu)
	return s
}

// acquire waits until the engine is free: local requests in arrival order first, then peers'
// requests in arrival order. A full lane (Config.Queue each) fails at once.
func (s *Scheduler) acquire(ctx context.Context, peer bool) error {
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
	lane := 0
	for _, w := range s.waiting {
		if w.peer == peer {
			lane++
		}
	}
	if lane >= s.cfg.Queue {
		s.mu.Unlock()
		return ErrBusy
	}
	t := &ticket{ready: make(chan struct{}), peer: peer}
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
		s.idle.Broadcast()
		return
	}
	i := 0 // the first local request, else the first peer's
	for j, w := range s.waiting {
		if !w.peer {
			i = j
			break
		}
	}
	next := s.waiting[i]
	s.waiting = append(s.waiting[:i], s.waiting[i+1:]...)
	close(next.ready) // running stays true: ownership moves to next
}

// Queued is the number of requests waiting.
func (s *Scheduler) Queued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiting)
}

// Load loads the model at path, replacing the current one once the running generation ends and
// the open leases on it (peers' stages) have stopped.
func (s *Scheduler) Load(ctx context.Context, path string) (ModelInfo, error) {
	if err := s.acquire(ctx, false); err != nil {
		return ModelInfo{}, err
	}
	defer s.release()
	abs, err := filepath.Abs(path)
	if err != nil {
		return ModelInfo{}, fmt.Errorf("load %s: %w", path, err)
	}
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if cur != nil && cur.info.Path == abs {
		return cur.info, nil
	}
	if _, err := os.Stat(abs); err != nil {
		return ModelInfo{}, fmt.Errorf("load %s: %w", path, err)
	}
	eng, err := inference.Load(abs, inference.Options{Threads: s.cfg.Threads, LayerRange: s.cfg.LayerRange})
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
	m := eng.Model
	info := ModelInfo{ID: strings.TrimSuffix(filepath.Base(abs), ".gguf"), Path: abs, Threads: eng.Pool.Threads(),
		Kernels: kernelsName(), Context: s.cfg.Context, Loaded: time.Now(),
		NLayer: m.HP.NLayer, From: m.From, To: m.To, Width: m.HP.NEmbd}
	l := &loaded{eng: eng, sess: sess, info: info}
	l.ctx, l.cancel = context.WithCancelCause(context.Background())
	s.mu.Lock()
	old := s.cur
	s.cur = l
	s.notifyLocked()
	s.mu.Unlock()
	if old != nil {
		old.retire()
	}
	return info, nil
}

// Model reports the loaded model.
func (s *Scheduler) Model() (ModelInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return ModelInfo{}, false
	}
	return s.cur.info, true
}

// lease holds the loaded model until release; its context ends when the model is replaced.
func (s *Scheduler) lease() (*loaded, func(), error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil, nil, ErrClosed
	}
	if s.cur == nil {
		return nil, nil, ErrNoModel
	}
	l := s.cur
	l.leases.Add(1)
	var once sync.Once
	return l, func() { once.Do(l.leases.Done) }, nil
}

// Replay checks a generation a peer claims (inference.Engine.Replay) on the loaded model, under
// a lease: it stops when the model is replaced.
func (s *Scheduler) Replay(ctx context.Context, prompt, out []int32, sp sample.Params, cache model.CacheType) (int, int32, error) {
	l, release, err := s.lease()
	if err != nil {
		return 0, 0, err
	}
	defer release()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(l.ctx, func() { cancel(ErrUnloaded) })
	defer stop()
	bad, drawn, err := l.eng.Replay(ctx, prompt, out, sp, cache, nil)
	if c := context.Cause(ctx); err != nil && c != nil {
		err = c
	}
	return bad, drawn, err
}

// CountTokens is the number of tokens text makes with the loaded model's tokenizer (special
// tokens as plain text, no BOS): what a message adds to a prompt, for budgeting a context.
func (s *Scheduler) CountTokens(text string) (int, error) {
	l, release, err := s.lease()
	if err != nil {
		return 0, err
	}
	defer release()
	return len(l.eng.Tok.Encode(text, false, false)), nil
}

// Hidden tokenizes text (BOS when the model wants it, special tokens as plain text) and returns
// the hidden state of its last token after layers [0, upto) of the loaded model
// (inference.Engine.Hidden) and the number of tokens, under a lease outside the FIFO: its steps
// take turns with the running generation's. It fails with ErrUnloaded when the model loaded is
// not the file at path, or is replaced meanwhile, so that a vector is never filed under another
// model's space. It implements backend/embed's Engine.
func (s *Scheduler) Hidden(ctx context.Context, path, text string, upto int) ([]float32, int, error) {
	l, release, err := s.lease()
	if err != nil {
		return nil, 0, err
	}
	defer release()
	if l.info.Path != path {
		return nil, 0, fmt.Errorf("%w: %s is loaded, not %s", ErrUnloaded, l.info.Path, path)
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(l.ctx, func() { cancel(ErrUnloaded) })
	defer stop()
	toks := l.eng.Tok.Encode(text, l.eng.Tok.AddBOS(), false)
	h, err := l.eng.Hidden(ctx, toks, upto)
	if c := context.Cause(ctx); err != nil && c != nil {
		err = c
	}
	return h, len(toks), err
}

// Prepare renders, tokenizes and checks a request's prompt against the context (see
// inference.Engine.Prepare), under a lease and outside the FIFO: a slow template does not hold
// the requests queued behind it.
func (s *Scheduler) Prepare(ctx context.Context, req inference.Request) (inference.Request, error) {
	l, release, err := s.lease()
	if err != nil {
		return req, err
	}
	defer release()
	if l.sess == nil {
		return req, inference.ErrPartial
	}
	return l.eng.Prepare(ctx, req, s.cfg.Context, s.cfg.Limits)
}

// Stage is a leased range of the loaded model's layers for one sequence: a peer's hop, or the
// speed probe. Its steps fail with ErrUnloaded once the model is replaced; Close lets the model
// go.
type Stage struct {
	*inference.Stage
	Info    ModelInfo
	l       *loaded
	release func()
}

// Cache is the KV cache type of this node's own sessions.
func (s *Scheduler) Cache() model.CacheType { return s.cfg.Cache }

// OpenStage leases layers [from, to) of the loaded model with a KV cache of nCtx positions of the
// given type (a peer's hop uses its coordinator's, so that the bits match); its steps run on r
// (nil: the engine's pool).
func (s *Scheduler) OpenStage(nCtx, from, to int, cache model.CacheType, r *inference.Runner) (*Stage, error) {
	l, release, err := s.lease()
	if err != nil {
		return nil, err
	}
	if from < l.info.From || to > l.info.To || from >= to {
		release()
		return nil, fmt.Errorf("layer range [%d, %d) is not inside the loaded [%d, %d)", from, to, l.info.From, l.info.To)
	}
	st, err := l.eng.NewStage(nCtx, from, to, cache, r)
	if err != nil {
		release()
		return nil, err
	}
	return &Stage{Stage: st, Info: l.info, l: l, release: release}, nil
}

// Forward runs a step; it stops when ctx ends or the model is being replaced.
func (st *Stage) Forward(ctx context.Context, x []float32) error {
	if err := context.Cause(st.l.ctx); err != nil {
		return err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(st.l.ctx, func() { cancel(ErrUnloaded) })
	defer stop()
	if err := st.Stage.Forward(ctx, x); err != nil {
		if c := context.Cause(ctx); c != nil {
			return c
		}
		return err
	}
	return nil
}

// Width is the hidden state's width.
func (st *Stage) Width() int { return st.Info.Width }

// Done is closed when the model is being replaced or unloaded: the stage must be closed.
func (st *Stage) Done() <-chan struct{} { return st.l.ctx.Done() }

// Close releases the lease.
func (st *Stage) Close() { st.release() }

// NewID returns a fresh request id.
func NewID(prefix string) string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

// Generate waits for its turn and runs req on the loaded model, calling onToken for each
// token. A cancelled ctx removes a waiting request or stops a running one within one token.
func (s *Scheduler) Generate(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
	return s.generate(ctx, id, req, nil, onToken, false)
}

// GeneratePeer is Generate for a peer's whole request: it waits behind every local request.
func (s *Scheduler) GeneratePeer(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
	return s.generate(ctx, id, req, nil, onToken, true)
}

// LayersFunc makes the layers a request runs on (a pipeline over peers) from the loaded
// engine; done is called when the generation ends.
type LayersFunc func(ctx context.Context, eng *inference.Engine) (layers inference.Layers, done func(), err error)

// GenerateWith is Generate with the transformer layers run by mk's layers instead of the local
// session's (nil mk: locally). The engine still embeds, applies the head and samples, in turn
// with the other requests.
func (s *Scheduler) GenerateWith(ctx context.Context, id string, req inference.Request, mk LayersFunc, onToken func(inference.Token) error) (inference.Result, error) {
	return s.generate(ctx, id, req, mk, onToken, false)
}

func (s *Scheduler) generate(ctx context.Context, id string, req inference.Request, mk LayersFunc, onToken func(inference.Token) error, peer bool) (inference.Result, error) {
	if err := s.acquire(ctx, peer); err != nil {
		return inference.Result{}, err
	}
	defer s.release()
	s.mu.Lock()
	cur := s.cur
	s.mu.Unlock()
	if cur == nil {
		return inference.Result{}, ErrNoModel
	}
	eng, sess, info := cur.eng, cur.sess, cur.info
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
	// Callers prepare outside the queue; a request that comes here unprepared is prepared now,
	// by the same function under the same limits.
	req, err := eng.Prepare(ctx, req, sess.Context(), s.cfg.Limits)
	if err != nil {
		return inference.Result{}, err
	}
	prompt := req.Tokens
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
	if s.obs != nil {
		s.obs.End(id, res, err)
	}
	return res, err
}

// Close refuses new work, fails the waiting requests with ErrClosed, waits for the running one,
// stops the open leases and unloads the model.
func (s *Scheduler) Close() {
	s.mu.Lock()
	s.closed = true
	for _, t := range s.waiting {
		t.err = ErrClosed
		close(t.ready)
	}
	s.waiting = nil
	for s.running {
		s.idle.Wait()
	}
	cur := s.cur
	s.cur = nil
	s.notifyLocked()
	s.mu.Unlock()
	if cur != nil {
		cur.retire()
	}
}

// Changed is closed at the next change of the loaded model (a load, or Close).
func (s *Scheduler) Changed() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

func (s *Scheduler) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func kernelsName() string { return kernels.Selected().Impl.Name }

// KernelsName is the kernel tier in use.
func KernelsName() string { return kernelsName() }

// Context is the context window of a session, in tokens.
func (s *Scheduler) Context() int { return s.cfg.Context }
