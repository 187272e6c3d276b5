package kernels

import (
	"fmt"

	"github.com/aria-node/aria/inference/quant"
)

// Entry points for the attention over a KV cache, on the tier in use (f16_ops.go).

// DotF16Rows sets y[r] = Σ_c w[r·stride + c]·x[c] for r < rows, c < cols, w holding fp16 bits
// (stride in elements): attention scores over an F16 K cache, one row per position. Each row is
// summed in the canonical order of the F16 matrix kernel. x must hold fp16 values (as float32,
// e.g. the query rounded to fp16): only then are the products exact and every tier identical.
func DotF16Rows(w []uint16, stride, rows, cols int, x, y []float32) {
	if rows <= 0 {
		return
	}
	checkRows("DotF16Rows", len(w), stride, rows, cols, len(x), cols, len(y))
	if active.f16Rows == nil { // typed loop: correct on big-endian targets too
		x = x[:cols]
		for r := range y[:rows] {
			y[r] = dotF16U16Go(w[r*stride:r*stride+cols], x)
		}
		return
	}
	f16Rows(u16Bytes(w), 2*stride, rows, cols, x, y)
}

// DotRows is DotF16Rows for float32 rows (an F32 K cache), in the order of Dot.
func DotRows(w []float32, stride, rows, cols int, x, y []float32) {
	if rows <= 0 {
		return
	}
	checkRows("DotRows", len(w), stride, rows, cols, len(x), cols, len(y))
	if active.f32Rows == nil {
		x = x[:cols]
		for r := range y[:rows] {
			y[r] = dotGo(w[r*stride:r*stride+cols], x)
		}
		return
	}
	f32Rows(f32Bytes(w), 4*stride, rows, cols, x, y)
}

// AddScaledF16 sets dst[i] += float32(a·fp16(src[i])) with an unfused product (len(src) must be
// len(dst)): the attention-weighted sum over an F16 V cache.
func AddScaledF16(dst []float32, src []uint16, a float32) {
	if len(src) != len(dst) {
		panic(fmt.Sprintf("kernels: AddScaledF16: lengths %d and %d differ", len(dst), len(src)))
	}
	if active.addScaledF16 == nil {
		for i, h := range src {
			dst[i] += float32(a * quant.F16ToF32(h))
		}
		return
	}
	addScaledF16(dst, u16Bytes(src), a)
}

// dotF16U16Go is dotF16Go over fp16 bits held as uint16.
func dotF16U16Go(w []uint16, x []float32) float32 {
	n := len(x)
	w = w[:n]
	var acc [16]float32
	i := 0
	for ; i+16 <= n; i += 16 {
		h := (*[16]uint16)(w[i:])
		v := (*[16]float32)(x[i:])
		for l := range 16 {
			acc[l] += float32(quant.F16ToF32(h[l]) * v[l])
		}
	}
	s := reduce16(&acc)
	for ; i < n; i++ {
		s += float32(quant.F16ToF32(w[i]) * x[i])
	}
	return s
}

// AddScaledF16Rows is the weighted sum of attention: for u = 0, 1, …, len(w)−1 in order, it
// rounds w[u] to fp16 (in place) and adds w[u]·row u to dst, where row u is the len(dst) fp16
// values at v[u·stride:]. Each element is exactly what AddScaledF16 row by row gives; the
// assembly keeps dst in registers across the rows instead of a call per row.
func AddScaledF16Rows(dst []float32, v []uint16, stride int, w []float32) {
	n, cols := len(w), len(dst)
	if n == 0 || cols == 0 {
		return
	}
	if stride < cols || (n-1)*stride+cols > len(v) {
		panic(fmt.Sprintf("kernels: AddScaledF16Rows: %d rows of %d every %d do not fit in %d values", n, cols, stride, len(v)))
	}
	if k := active; k.addScaledF16Rows != nil && cols%k.f16RowsCols == 0 {
		k.addScaledF16Rows(noescape(&dst[0]), noescape(&v[0]), 2*stride, n, noescape(&w[0]), cols)
		return
	}
	for u, a := range w {
		a = quant.F16ToF32(quant.F32ToF16(a))
		w[u] = a
		AddScaledF16(dst, v[u*stride:u*stride+cols], a)
	}
}
