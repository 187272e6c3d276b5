package quant

import "math"

// Q8K is an activation row quantized per 256-element block as llama.cpp's Q8_K
// (quantize_row_q8_K_ref), the input format of the TQ1_0, TQ2_0 and Q6_K dot products.
// Element j of block b is Q[256b+j]·D[b].
type Q8K struct {
	Q   []int8    // K values in [−127, 127]
	D   []float32 // one scale per block of 256 (negative when the block's signed max is positive)
	Sum []int32   // Σ Q over each block (ggml keeps it per 16 as bsums; kernels use the block total)
}

// QuantizeQ8K quantizes x (a multiple of 256 elements) into dst, reusing dst's buffers.
// Per block (spec §6.1): amax = max|x|, mx = the first x attaining it; amax == 0 gives q = 0 and
// d = 0; otherwise iscale = −127/mx, q = min(127, round_half_even(iscale·x)), d = 1/iscale.
func QuantizeQ8K(x []float32, dst *Q8K) {
	checkLen("Q8_K", len(x), QK)
	nb := len(x) / QK
	dst.Q = grow(dst.Q, len(x))
	dst.D = grow(dst.D, nb)
	dst.Sum = grow(dst.Sum, nb)
	for b := 0; b < nb; b++ {
		xb := (*[QK]float32)(x[b*QK:])
		qb := (*[QK]int8)(dst.Q[b*QK:])
		var mx, amax float32
		for _, v := range xb {
			if ax := float32(math.Abs(float64(v))); ax > amax {
				amax, mx = ax, v
			}
		}
		if amax == 0 {
			*qb = [QK]int8{}
			dst.D[b], dst.Sum[b] = 0, 0
			continue
		}
		iscale := -127 / mx
		var sum int32
		for j, v := range xb {
			q := min(127, nearestInt(iscale*v))
			qb[j] = int8(q)
			sum += q
		}
		dst.D[b], dst.Sum[b] = 1/iscale, sum
	}
}

// I8Row is an activation row quantized to int8 with one scale, as bitnet.cpp does before an
// I2_S dot product: x ≈ Q/Scale.
type I8Row struct {
	Q     []int8
	Scale float32 // s = 127/max|x|: note it multiplies x, the dot product divides by it
	Sum   int32   // Σ Q
}

// QuantizeI8 quantizes x into dst, reusing dst's buffers (spec §6.2): max = max(1e-5, max|x|)
// in float64, s = float32(127/max), q = clamp(round_half_even(x·s), −128, 127) with an f32 product.
func QuantizeI8(x []float32, dst *I8Row) {
	dst.Q = grow(dst.Q, len(x))
	// The largest |x| is exact in float32, so finding it there and widening equals the
	// reference's double-precision max (and is several times faster than math.Max).
	var m32 float32
	for _, v := range x {
		m32 = max(m32, math.Float32frombits(math.Float32bits(v)&0x7fffffff))
	}
	amax := max(1e-5, float64(m32))
	s := float32(127 / amax)
	q := dst.Q[:len(x)]
	var sum int32
	for i, v := range x {
		r := max(-128, min(127, nearestInt(v*s)))
		q[i] = int8(r)
		sum += r
	}
	dst.Scale, dst.Sum = s, sum
}

// Q80 is an activation row quantized per 32-element block as ggml's quantize_row_q8_0_ref, the
// input format of the Q8_0 dot product. D holds each block's fp16 scale converted to f32.
type Q80 struct {
	Q []int8
	D []float32
}

// QuantizeQ80 quantizes x (a multiple of 32 elements) into dst with ggml's reference Q8_0
// rounding (see QuantizeQ8_0). Note: ggml's AVX build of quantize_row_q8_0 instead multiplies by
// 127/amax and rounds half to even, which can differ by one step on some elements.
func QuantizeQ80(x []float32, dst *Q80) {
	checkLen("Q8_0", len(x), QK8_0)
	nb := len(x) / QK8_0
	dst.Q = grow(dst.Q, len(x))
	dst.D = grow(dst.D, nb)
	for b := 0; b < nb; b++ {
		d := q8_0Block(x[b*QK8_0:], (*[QK8_0]int8)(dst.Q[b*QK8_0:]))
		dst.D[b] = F16ToF32(d)
	}
}

// grow returns s resized to n, reallocating only when its capacity is too small.
func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}
