package kernels

import (
	"fmt"
	"unsafe"
)

// Dispatched float kernels: F16 and F32 row dots over several rows per call, and the AXPY-like
// AddScaled for F32 and F16 sources. Each has a portable Go reference (…Go) that defines its
// result bit for bit; the assembly tiers (f16_amd64.s, f16_arm64.s) reproduce it:
//
//   - Row dots: 16 f32 lanes, lane l accumulating the elements c ≡ l (mod 16) below cols&^15,
//     reduced as (l, l+8), (l, l+4), (l, l+2), (l, l+1), then the remaining elements added in
//     order (the package comment). F16: x holds fp16 values, so every product of two halves is
//     exact in f32 and the assembly may fuse multiply and add (FMA gives the same bits).
//     F32: products are rounded, so the assembly multiplies and adds separately.
//   - AddScaled: dst[i] = dst[i] + float32(s·x[i]), an unfused product, also for F16 sources
//     (then a fused one would give the same bits when s is an fp16 value, but the unfused one
//     stays exact for any s at no measurable cost).
//
// The assembly processes 4 rows per iteration, sharing the loads of x, and prefetches the next
// 4 rows. The output head is stored in the X4 layout instead (f16x4.go), whose kernels read the
// 4 rows as one stream. One call covers at most f16CallBytes of weights, so that no assembly call (which the
// runtime cannot preempt) runs for more than ≈ 100 µs.

// f16CallBytes bounds the weight bytes read by one assembly call.
const f16CallBytes = 2 << 20

// callRows is the number of rows of rowBytes bytes per assembly call: a multiple of 4, ≥ 4.
func callRows(rowBytes int) int {
	return max(4, f16CallBytes/max(rowBytes, 1)&^3)
}

// checkRows panics unless rows rows of rowBytes bytes, stride bytes apart, fit in w, x has cols
// elements and y has rows.
func checkRows(op string, w, stride, rows, rowBytes, x, cols, y int) {
	switch {
	case cols < 0 || x < cols || y < rows:
		panic(fmt.Sprintf("kernels: %s: %d columns with an input of %d and %d outputs for %d rows", op, cols, x, y, rows))
	case w < rowBytes || rows > 1 && (stride < rowBytes || stride > (w-rowBytes)/(rows-1)):
		panic(fmt.Sprintf("kernels: %s: %d rows of %d bytes with a stride of %d do not fit in %d bytes", op, rows, rowBytes, stride, w))
	}
}

// f16Rows sets y[r] = Σ_c fp16(w[r·stride+2c:]) · x[c] for r < rows, c < cols (stride in
// bytes), each row in the canonical order of dotF16. x must hold fp16 values (as float32): the
// assembly tiers use FMA, which equals the reference only when every product is exact.
func f16Rows(w []byte, stride, rows, cols int, x, y []float32) {
	if rows <= 0 {
		return
	}
	checkRows("f16Rows", len(w), stride, rows, 2*cols, len(x), cols, len(y))
	if cols == 0 {
		clear(y[:rows])
		return
	}
	f := active.f16Rows
	if f == nil {
		f16RowsGo(w, stride, rows, cols, x, y)
		return
	}
	step := callRows(2 * cols)
	for r := 0; r < rows; r += step {
		f(noescape(&w[r*stride]), stride, min(step, rows-r), cols, noescape(&x[0]), noescape(&y[r]))
	}
}

// f16RowsGo is the reference of f16Rows: dotF16Go per row.
func f16RowsGo(w []byte, stride, rows, cols int, x, y []float32) {
	x = x[:cols]
	for r := range y[:rows] {
		y[r] = dotF16Go(w[r*stride:r*stride+2*cols], x)
	}
}

// f32Rows is f16Rows for F32 weights (4 bytes per element; stride in bytes), in the canonical
// order of dotF32, with rounded products.
func f32Rows(w []byte, stride, rows, cols int, x, y []float32) {
	if rows <= 0 {
		return
	}
	checkRows("f32Rows", len(w), stride, rows, 4*cols, len(x), cols, len(y))
	if cols == 0 {
		clear(y[:rows])
		return
	}
	f := active.f32Rows
	if f == nil {
		f32RowsGo(w, stride, rows, cols, x, y)
		return
	}
	step := callRows(4 * cols)
	for r := 0; r < rows; r += step {
		f(noescape(&w[r*stride]), stride, min(step, rows-r), cols, noescape(&x[0]), noescape(&y[r]))
	}
}

// f32RowsGo is the reference of f32Rows: dotF32Go per row.
func f32RowsGo(w []byte, stride, rows, cols int, x, y []float32) {
	x = x[:cols]
	for r := range y[:rows] {
		y[r] = dotF32Go(w[r*stride:r*stride+4*cols], x)
	}
}

// f16Dot is one F16 row (2·len(x) bytes of row) times x, through f16Rows.
func f16Dot(row []byte, x []float32) float32 {
	var y [1]float32
	f16Rows(row, 2*len(x), 1, len(x), x, y[:])
	return y[0]
}

// f32Dot is one F32 row (4·len(x) bytes of row) times x, through f32Rows.
func f32Dot(row []byte, x []float32) float32 {
	var y [1]float32
	f32Rows(row, 4*len(x), 1, len(x), x, y[:])
	return y[0]
}

// dotF32s is Dot: Σ a[i]·b[i] in the order of dotF32 (len(a) == len(b), checked by Dot). The
// portable path reads a as floats, not bytes, so it holds on big-endian targets too.
func dotF32s(a, b []float32) float32 {
	f := active.f32Rows
	if f == nil || len(a) == 0 {
		return dotGo(a, b)
	}
	var y [1]float32
	f(noescape((*byte)(unsafe.Pointer(&a[0]))), 4*len(a), 1, len(a), noescape(&b[0]), noescape(&y[0]))
	return y[0]
}

// addScaledF32 sets dst[i] += float32(s·x[i]) for i < len(dst); len(x) == len(dst).
func addScaledF32(dst, x []float32, s float32) {
	sameLen("AddScaled", len(x), len(dst))
	if len(dst) == 0 {
		return
	}
	f := active.addScaled
	if f == nil {
		addScaledGo(dst, x, s)
		return
	}
	f(noescape(&dst[0]), noescape(&x[0]), len(dst), s)
}

// addScaledF16 sets dst[i] += float32(a·fp16(src[2i:])) for i < len(dst); len(src) must be
// 2·len(dst). The attention-weighted sum of an F16 V cache (a is the fp16-rounded weight).
func addScaledF16(dst []float32, src []byte, a float32) {
	sameLen("addScaledF16", 2*len(dst), len(src))
	if len(dst) == 0 {
		return
	}
	f := active.addScaledF16
	if f == nil {
		addScaledF16Go(dst, src, a)
		return
	}
	f(noescape(&dst[0]), noescape(&src[0]), len(dst), a)
}

// addScaledF16Go is the reference of addScaledF16.
func addScaledF16Go(dst []float32, src []byte, a float32) {
	src = src[:2*len(dst)]
	for i := range dst {
		dst[i] += float32(a * f16(src[2*i:]))
	}
}

// f32Bytes views a float32 slice as its bytes (little-endian on every supported target).
func f32Bytes(a []float32) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(a))), 4*len(a))
}

// u16Bytes views a uint16 slice as its bytes.
func u16Bytes(a []uint16) []byte {
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(a))), 2*len(a))
}
