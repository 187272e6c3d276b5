package kernels

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Pool is a persistent set of worker goroutines for data-parallel loops. The calling goroutine
// takes part in every loop, so a Pool of n threads starts n−1 workers.
//
// A decode step runs about 150 loops of 20–100 µs each, so waking sleeping goroutines for each
// would cost more than the work (docs/kernels.md §5). Workers therefore spin on a generation
// counter for a while after each loop (spinFor) and only then park on a channel; the caller
// spins while the last chunks finish. Between requests the workers sleep and cost nothing.
//
// A Pool runs one loop at a time: concurrent calls from several goroutines are serialised, and
// the function passed to For must not call back into the same Pool (that would deadlock).
// A nil *Pool is valid and runs everything on the caller.
type Pool struct {
	mu      sync.Mutex // one loop at a time
	threads int
	workers []*worker
	exited  sync.WaitGroup // worker goroutines still running
	closed  atomic.Bool

	_       [64]byte
	gen     atomic.Uint64 // bumped to start a loop
	_       [56]byte
	pending atomic.Int32 // workers that have not finished the current loop
	_       [60]byte
	next    atomic.Int64 // the next chunk start
	_       [56]byte

	// the current loop, written by the caller before bumping gen
	task  task
	n     int
	grain int

	panicMu  sync.Mutex
	panicVal any

	// preallocated loop bodies, so MatVec and MatMul don't allocate
	mul  mulTask
	prep prepTask
	t2   t2Batch
	fn   funcTask
	as1  [1]*Activation
	ys1  [1][]float32
	// MatVecs: up to maxFused matrices sharing one input
	multi multiTask
	mts   [maxFused]mulTask
	t2s   [maxFused]t2Batch
	ys4   [maxFused][1][]float32
	ends  [maxFused]int
}

// worker is the parking state of one worker, padded to its own cache lines.
type worker struct {
	_        [64]byte
	sleeping atomic.Int32 // 1 while parked (or about to park) on wake
	wake     chan struct{}
	_        [48]byte
}

// spinFor is how long an idle worker spins before parking: longer than the gaps between the
// loops of one token (a few µs), far shorter than the gap between requests.
const spinFor = 200 * time.Microsecond

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
	p := &Pool{threads: threads}
	for i := 0; i < threads-1; i++ {
		w := &worker{wake: make(chan struct{}, 1)}
		p.workers = append(p.workers, w)
		p.exited.Add(1)
		go p.loop(w, 0) // gen is 0 now; a late-starting goroutine must not miss the first loop
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
	if p.closed.Swap(true) {
		return
	}
	p.gen.Add(1)
	p.wakeAll()
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
	// With one OS thread for Go code the workers could only run when the caller blocks: spinning
	// would serialise everything, so run the loop on the caller.
	if chunks <= 1 || p.threads == 1 || p.closed.Load() || runtime.GOMAXPROCS(0) == 1 {
		t.run(0, n)
		return
	}
	p.task, p.n, p.grain = t, n, grain
	p.next.Store(0)
	p.pending.Store(int32(len(p.workers)))
	p.gen.Add(1) // publishes task, n, grain (atomic store orders the plain writes before it)
	p.wakeAll()
	p.work()
	for i := 1; p.pending.Load() != 0; i++ {
		cpuRelax()
		if i&1023 == 0 {
			runtime.Gosched() // a preempted worker (busy machine) needs our thread to finish
		}
		if i&(1<<16-1) == 0 {
			// Waiting this long means a worker is off the CPU or parked: wake the parked ones
			// again (harmless, see await), so a lost wake-up cannot hang the loop.
			p.wakeAll()
		}
	}
	p.task = nil
	if v := p.panicVal; v != nil {
		p.panicVal = nil
		panic(v) // the original value; the worker's stack is lost
	}
}

// wakeAll wakes the parked workers. A worker that is about to park re-checks gen after
// announcing itself, so no wake-up is lost.
func (p *Pool) wakeAll() {
	for _, w := range p.workers {
		if w.sleeping.CompareAndSwap(1, 0) {
			select {
			case w.wake <- struct{}{}:
			default: // a wake-up is already pending
			}
		}
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

func (p *Pool) loop(w *worker, seen uint64) {
	defer p.exited.Done()
	for {
		p.await(w, seen)
		if p.closed.Load() {
			return
		}
		seen = p.gen.Load()
		p.work()
		p.pending.Add(-1)
	}
}

// await returns once gen differs from seen: spinning first, then parked. A wake-up is only a
// hint to look at gen again: a stale one (or the caller's repeated wake-ups) must not make a
// worker run a loop it already finished, which would count it twice in pending.
func (p *Pool) await(w *worker, seen uint64) {
	start := time.Now()
	for i := 0; ; i++ {
		if p.gen.Load() != seen {
			return
		}
		cpuRelax()
		if i&255 != 255 {
			continue
		}
		if time.Since(start) < spinFor {
			runtime.Gosched() // let other goroutines (HTTP, p2p) have this thread now and then
			continue
		}
		w.sleeping.Store(1)
		if p.gen.Load() != seen {
			// A loop started while we were announcing: take back the announcement, or, if the
			// caller already did, consume the wake-up it sends.
			if !w.sleeping.CompareAndSwap(1, 0) {
				<-w.wake
			}
			return
		}
		<-w.wake
		start, i = time.Now(), 0
	}
}
