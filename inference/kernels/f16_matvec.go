package kernels

import (
	"fmt"

	"github.com/aria-node/aria/inference/gguf"
)

// runFloat is mulTask.run for F16 and F32 matrices: one f16Rows/f32Rows call per chunk of rows
// rather than one call per row. With several activations (MatMul), the rows go in blocks of
// about 64 KB, each multiplied with every activation while it is in cache. Row ranges start on
// multiples of 4 (the pool's grain is 32 rows), as X4 matrices need.
func (t *mulTask) runFloat(start, end int) {
	w := t.w
	rb := w.rowBytes()
	block := end - start
	if len(t.as) > 1 {
		block = max(4, (64<<10)/rb&^3)
	}
	for r := start; r < end; r += block {
		n := min(block, end-r)
		data := w.Data[r*rb : (r+n)*rb]
		if w.X4 && (r%4 != 0 || n%4 != 0 && r+n != w.Rows) {
			panic(fmt.Sprintf("kernels: rows [%d, %d) of an X4 matrix do not start and end on groups", r, r+n))
		}
		for i, a := range t.as {
			if w.X4 {
				f16RowsX4(data, n, w.Cols, a.h16, t.ys[i][r:r+n])
			} else if w.Type == gguf.TypeF16 {
				f16Rows(data, rb, n, w.Cols, a.h16, t.ys[i][r:r+n])
			} else {
				f32Rows(data, rb, n, w.Cols, a.x, t.ys[i][r:r+n])
			}
		}
	}
}
