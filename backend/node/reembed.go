package node

import (
	"context"
	"sync"
	"time"

	"github.com/aria-node/aria/backend/events"
)

// The memory's re-embedding after a model change, as users follow it: the "memory_reembed"
// events and GET /api/memory/status (the run itself is reembed, in memory.go).
const (
	// reembedEvery is how often a run's progress is read and, when it moved, published: often
	// enough for a progress bar, rare enough to cost nothing beside the embedding.
	reembedEvery = 250 * time.Millisecond
	// reembedBatch is how many memories each of Store.Reembed's transactions commits.
	reembedBatch = 8
)

// reembedState is the re-embedding running or last ended.
type reembedState struct {
	mu  sync.Mutex
	cur *events.Reembed // nil: none since the node started
}

// get is a copy of the current state, nil when no run started.
func (s *reembedState) get() *events.Reembed {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cur == nil {
		return nil
	}
	r := *s.cur
	return &r
}

// begin records a new run of model's space with left memories to embed.
func (s *reembedState) begin(model, space string, left int) events.Reembed {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = &events.Reembed{Model: model, Space: space, State: events.ReembedRunning, Left: left, Total: left}
	return *s.cur
}

// progress records that left memories are still to embed; it reports whether that changed
// anything (only then is it worth an event).
func (s *reembedState) progress(left int) (events.Reembed, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := advance(*s.cur, left)
	changed := r != *s.cur
	*s.cur = r
	return r, changed
}

// end records the run's end in state (ReembedDone or ReembedStopped) with left memories still
// to embed.
func (s *reembedState) end(state string, left int) events.Reembed {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := advance(*s.cur, left)
	r.State = state
	*s.cur = r
	return r
}

// advance is r with left memories still to embed. Done never goes back: a memory added
// meanwhile without a vector adds to Total instead, so that Total is always Done + Left.
func advance(r events.Reembed, left int) events.Reembed {
	r.Done = max(r.Done, r.Total-left)
	r.Left, r.Total = left, r.Done+left
	return r
}

// reembedPass runs Store.Reembed, recording and publishing its progress every reembedEvery,
// until it ends or a request waits in the scheduler's queue: then it cancels it (each batch is
// committed, so nothing done is lost) and reports paused, so that chats go first.
func (n *Node) reembedPass(ctx context.Context) (paused bool, left int, err error) {
	pctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		left int
		err  error
	}
	res := make(chan result, 1)
	go func() {
		_, left, err := n.mind.store.Reembed(pctx, reembedBatch)
		res <- result{left, err}
	}()
	tick := time.NewTicker(reembedEvery)
	defer tick.Stop()
	for {
		select {
		case r := <-res:
			return paused, r.left, r.err
		case <-tick.C:
			if r, changed := n.rem.progress(n.mind.store.Missing()); changed {
				n.bus.Publish(events.TypeReembed, r)
			}
			if !paused && n.sched.Queued() > 0 {
				paused = true
				cancel()
			}
		}
	}
}

// waitIdle returns once no request waits in the scheduler's queue, or ctx ended.
func (n *Node) waitIdle(ctx context.Context) {
	for n.sched.Queued() > 0 && ctx.Err() == nil {
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

// embedderModel is the ID of the model whose embedder is current.
func (n *Node) embedderModel() string {
	n.emb.mu.Lock()
	defer n.emb.mu.Unlock()
	return n.emb.name
}
