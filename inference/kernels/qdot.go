package kernels

import (
	"unsafe"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// Dispatched Q8_0 and Q6_K row dots (the tied output head of quantized BitNet files: 128256 rows,
// the largest matrix read per token). The canonical order, shared by both formats, is one exact
// int32 sum per weight block, then per row sumf += float32(float32(isum)·(d_w·d_act)) over the
// blocks in order (dotQ8_0, dotQ6_K). The assembly keeps rows in vector lanes (4 rows per
// iteration, sharing the activation loads), so each lane follows exactly that scalar order.
//
// The integer sums use the sign trick (|w| unsigned × sign-adjusted signed operand); it is exact
// because the activations are quantized to [−127, 127] (quant.Q80, quant.Q8K), never −128.

// The row dots of the table (Tier.q80Rows, q6kRows; nil: the portable code) multiply rows rows
// of weights (stride bytes apart, nb blocks each) by the activation q (int8, nb blocks) with
// scales d, writing y[0:rows]; rows a positive multiple of 4, nb ≥ 1, a stride of 0 repeats one
// row (the wrappers use it for the last rows of a matrix).

// q80Rows sets y[r] = dotQ8_0(row r) for r < rows, rows stride bytes apart.
func q80Rows(w []byte, stride, rows int, a *quant.Q80, y []float32) {
	nb := len(a.D)
	if rows <= 0 {
		return
	}
	checkRows("q80Rows", len(w), stride, rows, nb*quant.BlockBytesQ8_0, len(a.Q)/quant.QK8_0, nb, len(y))
	if f := active.q80Rows; f != nil && nb > 0 {
		qRowsAsm(f, w, stride, rows, nb, nb*quant.BlockBytesQ8_0, unsafe.SliceData(a.Q), unsafe.SliceData(a.D), y)
		return
	}
	q80RowsGo(w, stride, rows, a, y)
}

// q80RowsGo is the reference of q80Rows.
func q80RowsGo(w []byte, stride, rows int, a *quant.Q80, y []float32) {
	rb := len(a.D) * quant.BlockBytesQ8_0
	for r := range y[:rows] {
		y[r] = dotQ8_0(w[r*stride:r*stride+rb], a)
	}
}

// q6kRows sets y[r] = dotQ6_K(row r) for r < rows, rows stride bytes apart.
func q6kRows(w []byte, stride, rows int, a *quant.Q8K, y []float32) {
	nb := len(a.D)
	if rows <= 0 {
		return
	}
	checkRows("q6kRows", len(w), stride, rows, nb*quant.BlockBytesQ6_K, len(a.Q)/quant.QK, nb, len(y))
	if f := active.q6kRows; f != nil && nb > 0 {
		qRowsAsm(f, w, stride, rows, nb, nb*quant.BlockBytesQ6_K, unsafe.SliceData(a.Q), unsafe.SliceData(a.D), y)
		return
	}
	q6kRowsGo(w, stride, rows, a, y)
}

// q6kRowsGo is the reference of q6kRows.
func q6kRowsGo(w []byte, stride, rows int, a *quant.Q8K, y []float32) {
	rb := len(a.D) * quant.BlockBytesQ6_K
	for r := range y[:rows] {
		y[r] = dotQ6_K(w[r*stride:r*stride+rb], a)
	}
}

// qRowsAsm runs an assembly kernel over the rows (bounds already checked): groups of 4 rows in
// calls of at most f16CallBytes of weights, then each remaining row as a group of 4 copies of
// itself (stride 0) into a scratch, so that every row goes through the same code.
func qRowsAsm(f func(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32), w []byte, stride, rows, nb, rb int, q *int8, d *float32, y []float32) {
	full := rows &^ 3
	step := callRows(rb)
	q, d = noescape(q), noescape(d)
	for r := 0; r < full; r += step {
		f(noescape(&w[r*stride]), stride, min(step, full-r), nb, q, d, noescape(&y[r]))
	}
	var tmp [4]float32
	for r := full; r < rows; r++ {
		f(noescape(&w[r*stride]), 0, 4, nb, q, d, noescape(&tmp[0]))
		y[r] = tmp[0]
	}
}

// runQuant is mulTask.run for Q8_0 and Q6_K matrices: one kernel call per chunk of rows; with
// several activations (MatMul), rows in blocks of about 64 KB, each multiplied with every
// activation while it is in cache.
func (t *mulTask) runQuant(start, end int) {
	w := t.w
	rb := w.rowBytes()
	block := end - start
	if len(t.as) > 1 {
		block = max(4, (64<<10)/rb&^3)
	}
	for r := start; r < end; r += block {
		n := min(block, end-r)
		data := w.Data[r*rb : (r+n)*rb]
		for i, a := range t.as {
			if w.Type == gguf.TypeQ8_0 {
				q80Rows(data, rb, n, &a.q80, t.ys[i][r:r+n])
			} else {
				q6kRows(data, rb, n, &a.q8k, t.ys[i][r:r+n])
			}
		}
	}
}
