package kernels

import (
	"fmt"

	"github.com/aria-node/aria/inference/gguf"
)

// rowGrain is the unit of the row split: 32 rows, so that two threads never write the same
// 128-byte stretch of the output (except at an unaligned output start).
const rowGrain = 32

// MatVec computes y[r] = row r of w · x for every row, x being the input of a, computed as the
// reference engines do for w.Type (see the package comment), with the rows split across p
// (nil: on the caller). len(y) must be w.Rows and a.Len() must be w.Cols. The result does not
// depend on the number of threads. It does not allocate.
func MatVec(p *Pool, w *Matrix, a *Activation, y []float32) {
	if p == nil {
		as, ys := [1]*Activation{a}, [1][]float32{y}
		t := mulTask{w: w, as: as[:], ys: ys[:]}
		t.check()
		t.run(0, w.Rows)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.as1[0], p.ys1[0] = a, y
	p.mul = mulTask{w: w, as: p.as1[:], ys: p.ys1[:], t2: &p.t2}
	p.mul.check()
	p.dispatch(w.Rows, vecChunk(w.Rows, w.streamBytes(), p.threads), &p.mul)
	p.mul, p.as1[0], p.ys1[0] = mulTask{}, nil, nil
}

// maxFused is the most matrices MatVecs runs as one loop (Q, K and V are three).
const maxFused = 4

// MatVecs computes ys[i] = ws[i] · x for matrices that share their input (Q, K and V; gate and
// up) as one parallel loop over all their rows: one dispatch instead of several, and a small
// matrix (K and V of 2B4T are one chunk each) no longer leaves threads idle while one streams
// it. Each ys[i] is bit-identical to MatVec(p, ws[i], a, ys[i]).
func MatVecs(p *Pool, ws []*Matrix, a *Activation, ys [][]float32) {
	if p == nil || len(ws) > maxFused || len(ws) != len(ys) {
		for i := range ws {
			MatVec(p, ws[i], a, ys[i])
		}
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.as1[0] = a
	rows, bytes := 0, 0
	for i, w := range ws {
		p.ys4[i][0] = ys[i]
		p.mts[i] = mulTask{w: w, as: p.as1[:], ys: p.ys4[i][:], t2: &p.t2s[i]}
		p.mts[i].check()
		rows += w.Rows
		bytes += w.streamBytes()
		p.ends[i] = rows
	}
	p.multi = multiTask{ts: p.mts[:len(ws)], ends: p.ends[:len(ws)]}
	p.dispatch(rows, vecChunk(rows, bytes, p.threads), &p.multi)
	p.multi = multiTask{}
	for i := range ws {
		p.mts[i], p.ys4[i][0] = mulTask{}, nil
	}
	p.as1[0] = nil
}

// multiTask runs several mulTasks as one loop over their rows laid end to end.
type multiTask struct {
	ts   []mulTask
	ends []int // cumulative row counts
}

func (m *multiTask) run(start, end int) {
	base := 0
	for i := range m.ts {
		if lo, hi := max(start, base), min(end, m.ends[i]); lo < hi {
			m.ts[i].run(lo-base, hi-base)
		}
		base = m.ends[i]
	}
}

// MatMul computes ys[t] = w · x_t for a batch of inputs (prompt tokens), reading each weight row
// once for all of them. ys[t] is bit-identical to MatVec(p, w, as[t], ys[t]).
func MatMul(p *Pool, w *Matrix, as []*Activation, ys [][]float32) {
	t := mulTask{w: w, as: as, ys: ys}
	if p == nil {
		t.check()
		t.run(0, w.Rows)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	t.t2 = &p.t2
	if len(as) > 1 {
		// Quantizing a batch of activations is work too: spread it over the threads.
		p.prep = prepTask{w: w, as: as}
		p.dispatch(len(as), 1, &p.prep)
		p.prep = prepTask{}
	}
	p.mul = t
	p.mul.check()
	p.dispatch(w.Rows, rowChunk(w.Rows, p.threads), &p.mul)
	p.mul = mulTask{}
}

// prepTask prepares the activations of a batch for w, each independently.
type prepTask struct {
	w  *Matrix
	as []*Activation
}

func (t *prepTask) run(start, end int) {
	for _, a := range t.as[start:end] {
		if a.Len() != t.w.Cols {
			continue // check reports it on the caller
		}
		if t.w.T2 != nil {
			a.prepareT2(t.w.T2.I2S)
		} else {
			a.prepare(t.w.Type)
		}
	}
}

// rowChunk splits rows into about 4 chunks per thread, in multiples of rowGrain.
func rowChunk(rows, threads int) int {
	c := (rows + 4*threads - 1) / (4 * threads)
	return (c + rowGrain - 1) / rowGrain * rowGrain
}

// chunkBytes bounds the weight bytes of one decode chunk. A decode step streams every matrix once,
// so the tail of a dynamic split costs up to one chunk on the slowest thread: the head (657 MB) in
// 8 chunks left one core idle for ≈ 2 ms a token. 512 KB is ≈ 15 µs of streaming, keeps each
// assembly call far below the ≈ 100 µs that delays GC (docs/kernels.md §4), and costs one atomic
// increment per chunk.
const chunkBytes = 512 << 10

// vecChunk is the row grain of a decode (MatVec) split: at least 4 chunks per thread, each at
// most chunkBytes of weights (total bytes over all rows), in multiples of rowGrain.
func vecChunk(rows, total, threads int) int {
	c := rowChunk(rows, threads)
	if rows > 0 && total > 0 {
		perRow := max(total/rows, 1)
		c = min(c, max(chunkBytes/perRow/rowGrain, 1)*rowGrain)
	}
	return c
}

// mulTask multiplies rows [start, end) of w with every activation.
type mulTask struct {
	w  *Matrix
	as []*Activation
	ys [][]float32
	t2 *t2Batch // scratch for T2 matrices
}

// check validates the shapes and prepares the activations (on the calling goroutine).
func (t *mulTask) check() {
	w := t.w
	if w == nil {
		panic("kernels: nil matrix")
	}
	if len(t.as) != len(t.ys) {
		panic(fmt.Sprintf("kernels: %d activations for %d outputs", len(t.as), len(t.ys)))
	}
	if _, err := w.Type.RowSize(w.Cols); err != nil || w.Rows < 0 || len(w.Data) < w.Rows*w.rowBytes() {
		panic(fmt.Sprintf("kernels: malformed %s matrix %d×%d with %d bytes (use NewMatrix)", w.Type, w.Rows, w.Cols, len(w.Data)))
	}
	if w.X4 && w.Type != gguf.TypeF16 {
		panic(fmt.Sprintf("kernels: %s matrix marked X4 (only F16 has that layout)", w.Type))
	}
	for i, a := range t.as {
		if a.Len() != w.Cols {
			panic(fmt.Sprintf("kernels: input %d has %d elements, the %s matrix has %d columns", i, a.Len(), w.Type, w.Cols))
		}
		if len(t.ys[i]) != w.Rows {
			panic(fmt.Sprintf("kernels: output %d has %d elements, the %s matrix has %d rows", i, len(t.ys[i]), w.Type, w.Rows))
		}
		if w.T2 == nil {
			a.prepare(w.Type)
		}
	}
	if w.T2 != nil {
		if t.t2 == nil {
			t.t2 = new(t2Batch)
		}
		t.prepareT2(t.t2)
	}
}

func (t *mulTask) run(start, end int) {
	if t.w.T2 != nil {
		t.runT2(start, end)
		return
	}
	if t.w.Type == gguf.TypeF16 || t.w.Type == gguf.TypeF32 {
		t.runFloat(start, end) // one kernel call per block of rows (f16_matvec.go)
		return
	}
	if t.w.Type == gguf.TypeQ8_0 || t.w.Type == gguf.TypeQ6_K {
		t.runQuant(start, end) // likewise (qdot.go)
		return
	}
	w := t.w
	rb := w.rowBytes()
	for r := start; r < end; r++ {
		row := w.Data[r*rb : (r+1)*rb]
		for i, a := range t.as {
			t.ys[i][r] = rowDot(w, row, a)
		}
	}
}

// rowDot is one row of w (its bytes) times a prepared activation.
func rowDot(w *Matrix, row []byte, a *Activation) float32 {
	switch w.Type {
	case gguf.TypeTQ2_0:
		return dotTQ2_0(row, &a.q8k)
	case gguf.TypeTQ1_0:
		return dotTQ1_0(row, &a.q8k)
	case gguf.TypeI2_S:
		return dotI2S(row, &a.i8, w.Scale)
	case gguf.TypeF16:
		return dotF16(row, a.h16)
	case gguf.TypeF32:
		return dotF32(row, a.x)
	case gguf.TypeBF16:
		return dotBF16(row, a.b16)
	case gguf.TypeQ8_0:
		return dotQ8_0(row, &a.q80)
	case gguf.TypeQ6_K:
		return dotQ6_K(row, &a.q8k)
	}
	panic(fmt.Sprintf("kernels: matrix type %s not supported", w.Type))
}
