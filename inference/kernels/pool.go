package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Pool is a persistent set of worker goroutines for data-parallel loops. The calling goroutine
// takes part in every loop, so a Pool of n threads starts n−1 workers. Workers sleep on a
// channel between loops (no spinning yet).
//
// A Pool runs one loop at a time: concurrent calls from several goroutines are serialised, and
// the function passed to For must not call back into the same Pool (that would deadlock).
// A nil *Pool is valid and runs everything on the caller.
type Pool struct {
	mu      sync.Mutex // one loop at a time
	threads int
	wake    []chan struct{}
	done    sync.WaitGroup // workers still in the current loop
	exited  sync.WaitGroup // worker goroutines still running
	closed  bool

	// the current loop, written by the caller before waking the workers
	task  task
	n     int
	grain int
	next  atomic.Int64

	panicMu  sync.Mutex
	panicVal any

	// preallocated loop bodies, so MatVec and MatMul don't allocate
	mul mulTask
	t2  t2Batch
	fn  funcTask
	as1 [1]*Activation
	ys1 [1][]float32
}

// task is a loop body over [start, end).
type task interface{ run(start, end int) }

type funcTask struct{ f func(start, end int) }

func (t *funcTask) run(s, e int) { t.f(s, e) }

// NewPool starts a pool of threads threads (the caller included); threads ≤ 0 means
// runtime.GOMAXPROCS(0).
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &Pool{threads: threads, wake: make([]chan struct{}, threads-1)}
	for i := range p.wake {
		ch := make(chan struct{}, 1)
		p.wake[i] = ch
		p.exited.Add(1)
		go p.worker(ch)
	}
	return p
}

// Threads is the number of threads that run a loop, the caller included (1 for a nil Pool).
func (p *Pool) Threads() int {
	if p == nil {
		return 1
	}
	return p.threads
}

// Close stops the workers and waits for them to exit. Later loops run on the caller alone.
func (p *Pool) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return
	}
	p.closed = true
	for _, ch := range p.wake {
		close(ch)
	}
	p.exited.Wait()
}

// For runs fn over [0, n) split into contiguous chunks, on the workers and the caller, and
// returns when all chunks are done. Chunks are handed out dynamically; fn must be safe to run
// concurrently on disjoint ranges. A panic in fn is re-raised on the caller after the loop.
// fn escapes to the heap: a closure built per call allocates, so hot paths should reuse one
// func value (MatVec and MatMul use preallocated loop bodies and never allocate).
func (p *Pool) For(n int, fn func(start, end int)) {
	if n <= 0 {
		return
	}
	if p == nil {
		fn(0, n)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.fn.f = fn
	p.dispatch(n, (n+4*p.threads-1)/(4*p.threads), &p.fn)
	p.fn.f = nil
}

// dispatch runs t over [0, n) in chunks of grain. The caller holds p.mu.
func (p *Pool) dispatch(n, grain int, t task) {
	grain = max(grain, 1)
	chunks := (n + grain - 1) / grain
	if chunks <= 1 || p.threads == 1 || p.closed {
		t.run(0, n)
		return
	}
	p.task, p.n, p.grain = t, n, grain
	p.next.Store(0)
	helpers := min(p.threads-1, chunks-1)
	p.done.Add(helpers)
	for _, ch := range p.wake[:helpers] {
		ch <- struct{}{}
	}
	p.work()
	p.done.Wait()
	p.task = nil
	if v := p.panicVal; v != nil {
		p.panicVal = nil
		panic(v) // the original value; the worker's stack is lost
	}
}

// work takes chunks until none is left. A panic stops the loop for everyone and is kept for
// the caller.
func (p *Pool) work() {
	defer func() {
		if r := recover(); r != nil {
			p.next.Store(int64(p.n)) // no more chunks for anyone
			p.panicMu.Lock()
			if p.panicVal == nil {
				p.panicVal = r
			}
			p.panicMu.Unlock()
		}
	}()
	g := int64(p.grain)
	for {
		s := p.next.Add(g) - g
		if s >= int64(p.n) {
			return
		}
		p.task.run(int(s), int(min(s+g, int64(p.n))))
	}
}

func (p *Pool) worker(wake <-chan struct{}) {
	defer p.exited.Done()
	for range wake {
		p.work()
		p.done.Done()
	}
}
