package kernels

import (
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestPoolForCoversEachIndexOnce(t *testing.T) {
	for _, threads := range []int{1, 2, 3, 4} {
		p := NewPool(threads)
		if p.Threads() != threads {
			t.Fatalf("Threads() = %d, want %d", p.Threads(), threads)
		}
		for _, n := range []int{0, 1, 2, 3, 7, 16, 100, 1001} {
			hits := make([]atomic.Int32, n)
			var calls atomic.Int32
			p.For(n, func(s, e int) {
				calls.Add(1)
				if s < 0 || e > n || s >= e {
					t.Errorf("bad chunk [%d, %d) of %d", s, e, n)
				}
				for i := s; i < e; i++ {
					hits[i].Add(1)
				}
			})
			for i := range hits {
				if h := hits[i].Load(); h != 1 {
					t.Fatalf("threads %d n %d: index %d ran %d times", threads, n, i, h)
				}
			}
			if n > 0 && calls.Load() == 0 {
				t.Fatalf("no call for n=%d", n)
			}
		}
		p.Close()
		p.Close() // idempotent
		// after Close, loops still run (on the caller)
		var sum atomic.Int64
		p.For(10, func(s, e int) {
			for i := s; i < e; i++ {
				sum.Add(int64(i))
			}
		})
		if sum.Load() != 45 {
			t.Fatalf("For after Close: sum %d", sum.Load())
		}
	}
	var nilPool *Pool
	ran := 0
	nilPool.For(5, func(s, e int) { ran += e - s })
	nilPool.Close()
	if ran != 5 || nilPool.Threads() != 1 {
		t.Fatalf("nil pool: ran %d", ran)
	}
}

// TestPoolUsesWorkers checks that chunks run on more than one goroutine.
func TestPoolUsesWorkers(t *testing.T) {
	p := NewPool(2)
	defer p.Close()
	var inside, maxInside atomic.Int32
	release := make(chan struct{})
	var once sync.Once
	p.For(8, func(s, e int) {
		n := inside.Add(1)
		for {
			m := maxInside.Load()
			if n <= m || maxInside.CompareAndSwap(m, n) {
				break
			}
		}
		if n == 2 {
			once.Do(func() { close(release) })
		}
		<-release // the first chunk waits until a second goroutine joins
		inside.Add(-1)
	})
	if maxInside.Load() != 2 {
		t.Fatalf("at most %d chunks ran at once", maxInside.Load())
	}
}

func TestPoolPanic(t *testing.T) {
	p := NewPool(3)
	defer p.Close()
	for round := 0; round < 3; round++ {
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), "boom") {
					t.Fatalf("recovered %v", r)
				}
			}()
			p.For(100, func(s, e int) {
				if s <= 50 && 50 < e {
					panic("boom")
				}
			})
		}()
		// the pool still works after a panic
		var n atomic.Int32
		p.For(100, func(s, e int) { n.Add(int32(e - s)) })
		if n.Load() != 100 {
			t.Fatalf("after panic: %d", n.Load())
		}
	}
}

// TestPoolConcurrentCallers: loops from several goroutines are serialised, each complete.
func TestPoolConcurrentCallers(t *testing.T) {
	p := NewPool(3)
	defer p.Close()
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < 50; k++ {
				var n atomic.Int32
				p.For(97, func(s, e int) { n.Add(int32(e - s)) })
				if n.Load() != 97 {
					t.Errorf("got %d", n.Load())
				}
			}
		}()
	}
	wg.Wait()
}

// The decode split must bound the bytes per chunk (the tail cost of a dynamic split) and still
// give every thread several chunks of small matrices.
func TestVecChunk(t *testing.T) {
	for _, tc := range []struct {
		name               string
		rows, rowBytes, th int
	}{
		{"F16 head 128256×2560", 128256, 5120, 2},
		{"T2 2560×2560", 2560, 640, 2},
		{"T2 6912×2560", 6912, 640, 4},
		{"tiny", 40, 64, 2},
		{"one thread", 2560, 1728, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := vecChunk(tc.rows, tc.rows*tc.rowBytes, tc.th)
			if c <= 0 || c%rowGrain != 0 {
				t.Fatalf("grain %d is not a positive multiple of %d", c, rowGrain)
			}
			if c*tc.rowBytes > chunkBytes && c > rowGrain {
				t.Errorf("grain %d rows = %d bytes, over %d", c, c*tc.rowBytes, chunkBytes)
			}
			if chunks := (tc.rows + c - 1) / c; tc.rows >= 4*tc.th*rowGrain && chunks < 4*tc.th {
				t.Errorf("%d chunks for %d threads", chunks, tc.th)
			}
		})
	}
}

// Stale wake-ups (a token left in a worker's channel) and repeated wake-ups must neither run a
// loop twice nor end one early: every index is covered exactly once, loop after loop, also when
// the workers park between loops.
func TestPoolStaleWakeups(t *testing.T) {
	p := NewPool(3)
	defer p.Close()
	counts := make([]atomic.Int32, 64)
	for round := 0; round < 300; round++ {
		if round%50 == 0 {
			time.Sleep(2 * spinFor) // let the workers park
		}
		for _, w := range p.workers {
			select {
			case w.wake <- struct{}{}: // a stale token
			default:
			}
		}
		p.For(len(counts), func(s, e int) {
			for i := s; i < e; i++ {
				counts[i].Add(1)
			}
		})
		p.wakeAll()
		for i := range counts {
			if c := counts[i].Load(); c != int32(round+1) {
				t.Fatalf("round %d: index %d ran %d times", round, i, c)
			}
		}
	}
}
