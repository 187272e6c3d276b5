package inference

import (
	"context"
	"fmt"
	"sync"

	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/model"
)

// Runner is a worker pool that any number of stages share one step at a time: a pool runs one
// parallel loop at once, and the node interleaves its own sequences with peers' pipeline hops
// token by token. The engine has one; a node can make a smaller one for work done for peers.
type Runner struct {
	mu   sync.Mutex
	pool *kernels.Pool
}

// NewRunner starts a pool of threads workers.
func NewRunner(threads int) *Runner { return &Runner{pool: kernels.NewPool(max(threads, 1))} }

// Threads is the pool's size.
func (r *Runner) Threads() int { return r.pool.Threads() }

// Close stops the pool's workers.
func (r *Runner) Close() { r.pool.Close() }

// Stage runs the layers [From, To) of the engine's model for one sequence and keeps their KV
// cache: all the layers for a local session, a contiguous range for one hop of a pipeline. The
// hidden states it returns are bit-identical whichever node runs it, because every kernel tier
// is bit-exact against the portable one.
type Stage struct {
	e  *Engine
	r  *Runner
	st *model.Stage
}

// NewStage allocates the KV cache of layers [from, to) for nCtx positions. Its steps run on r
// (nil: the engine's own pool).
func (e *Engine) NewStage(nCtx, from, to int, cache model.CacheType, r *Runner) (*Stage, error) {
	st, err := e.Model.NewStage(nCtx, from, to, cache)
	if err != nil {
		return nil, err
	}
	if r == nil {
		r = e.runner
	}
	return &Stage{e: e, r: r, st: st}, nil
}

// Forward runs the stage's layers over a batch of hidden states in place, MaxBatch tokens per
// step so scratch memory stays bounded. On error (or cancellation) the positions of the whole
// call are forgotten.
func (s *Stage) Forward(ctx context.Context, x []float32) error {
	d := s.e.Model.HP.NEmbd
	if len(x) == 0 || len(x)%d != 0 {
		return fmt.Errorf("stage: hidden state of %d values is not a multiple of %d", len(x), d)
	}
	pos := s.st.Pos
	for start := 0; start < len(x); start += MaxBatch * d {
		if err := ctx.Err(); err != nil {
			s.st.Truncate(pos)
			return err
		}
		s.r.mu.Lock()
		err := s.st.Forward(s.r.pool, x[start:min(start+MaxBatch*d, len(x))])
		s.r.mu.Unlock()
		if err != nil {
			s.st.Truncate(pos)
			return err
		}
	}
	return nil
}

// Truncate forgets positions at and after pos.
func (s *Stage) Truncate(pos int) { s.st.Truncate(pos) }

// Pos is the number of positions in the cache.
func (s *Stage) Pos() int { return s.st.Pos }

// Context is the number of positions the cache holds.
func (s *Stage) Context() int { return s.st.NCtx }

// CacheBytes is the memory of the stage's KV cache.
func (s *Stage) CacheBytes() int64 { return s.st.CacheBytes() }

// Range is the stage's layer range.
func (s *Stage) Range() (from, to int) { return s.st.From, s.st.To }
