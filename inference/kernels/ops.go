package kernels

import (
	"fmt"
	"math"
)

// The element-wise operations of the BitNet graph, following ggml's CPU code
// (ggml-cpu/ops.cpp, vec.h). Functions with a dst and an input accept dst == input.
//
// Each has a portable Go reference (…Go, ops_dispatch.go) that defines its result bit for bit;
// the assembly rows of the dispatch table (dispatch.go) reproduce it. Where ggml sums in
// float64 (the squares of RMSNorm, the exponentials of Softmax) the canonical order is lane-wise
// (sumLanes64), and exp is the canonical expf of exp.go instead of the C library's: a SIMD
// kernel can reproduce neither a sequential float64 sum nor a correctly rounded exp.

func sameLen(op string, n int, others ...int) {
	for _, m := range others {
		if m != n {
			panic(fmt.Sprintf("kernels: %s: lengths %d and %d differ", op, n, m))
		}
	}
}

// RMSNorm sets dst = x / sqrt(mean(x²) + eps) ⊙ w (w nil: no weight), as
// ggml_compute_forward_rms_norm_f32 followed by ggml_mul: the squares are f32 products summed
// in float64 in the lane order of sumLanes64, mean = float32(sum/n), scale = 1/sqrtf(mean + eps)
// in f32, dst[i] = (x[i]·scale)·w[i].
func RMSNorm(dst, x, w []float32, eps float32) {
	sameLen("RMSNorm", len(x), len(dst))
	if w != nil {
		sameLen("RMSNorm", len(x), len(w))
	}
	if len(x) == 0 {
		return
	}
	mean := float32(sumSquares(x) / float64(len(x)))
	scale := 1 / float32(math.Sqrt(float64(mean+eps))) // sqrt of an f32 rounded to f32 = sqrtf
	if w == nil {
		scaleTo(dst, x, scale)
		return
	}
	scaleMulTo(dst, x, w, scale)
}

// RoPENeox rotates each of the nHeads head vectors of x (headDim elements each, back to back)
// for position pos with the NEOX pairing (x[i], x[i+headDim/2]), over all headDim dimensions,
// as llama.cpp's ggml_rope_ext with freq_scale 1, ext_factor 0, attn_factor 1 (spec §4):
// theta_scale = powf(theta, −2/headDim) in f32; the angle starts at float32(pos) and is
// multiplied by theta_scale (f32) from one pair to the next; c = cosf(angle), s = sinf(angle);
// x[i]' = x[i]·c − x[i+h]·s, x[i+h]' = x[i]·s + x[i+h]·c with unfused f32 products.
// cosf/sinf/powf are computed in float64 and rounded.
func RoPENeox(x []float32, nHeads, headDim, pos int, theta float32) {
	if headDim <= 0 || headDim%2 != 0 || len(x) != nHeads*headDim {
		panic(fmt.Sprintf("kernels: RoPENeox: %d elements for %d heads of %d", len(x), nHeads, headDim))
	}
	half := headDim / 2
	var cbuf, sbuf [256]float32
	cs, sn := cbuf[:], sbuf[:]
	if half > len(cbuf) {
		cs, sn = make([]float32, half), make([]float32, half)
	}
	RoPEAngles(cs, sn, headDim, pos, theta)
	RoPENeoxTable(x, nHeads, headDim, cs, sn)
}

// Softmax replaces x by softmax(x) in place, as ggml_compute_forward_soft_max_f32 (scale 1,
// no mask): max in f32; e_i = expf(x_i − max) with the canonical expf; the sum of the e_i in
// float64 in the lane order of sumLanes64; each e_i is multiplied by float32(1/sum). x must
// have a finite maximum (mask with −Inf, not NaN).
func Softmax(x []float32) {
	if len(x) == 0 {
		return
	}
	m := maxF32(x)
	s := float32(1 / expSum(x, m))
	scaleTo(x, x, s)
}

// SiLU replaces x[i] by x[i] / (1 + expf(−x[i])) in f32 (ggml_silu_f32), with the canonical
// expf.
func SiLU(x []float32) { siluTo(x) }

// ReLU2 replaces x[i] by relu(x[i])² (ggml_relu, then ggml_sqr): x·x for x > 0, else 0.
func ReLU2(x []float32) { relu2To(x) }

// Mul sets dst[i] *= x[i] (e.g. the gate times the up projection).
func Mul(dst, x []float32) {
	sameLen("Mul", len(dst), len(x))
	mulTo(dst, x)
}

// Add sets dst[i] += x[i] (e.g. the residual connection).
func Add(dst, x []float32) {
	sameLen("Add", len(dst), len(x))
	addTo(dst, x)
}

// Dot returns Σ a[i]·b[i] in the canonical 16-lane f32 order of the F32 matrix kernel (see the
// package comment), e.g. for attention scores.
// It is dotGo, computed by the float tier in use (f16_ops.go).
func Dot(a, b []float32) float32 {
	sameLen("Dot", len(a), len(b))
	return dotF32s(a, b)
}

// dotGo is the reference of Dot.
func dotGo(a, b []float32) float32 {
	b = b[:len(a)]
	var acc [16]float32
	i := 0
	for ; i+16 <= len(a); i += 16 {
		x := (*[16]float32)(a[i:])
		y := (*[16]float32)(b[i:])
		for l := range 16 {
			acc[l] += float32(x[l] * y[l])
		}
	}
	s := reduce16(&acc)
	for ; i < len(a); i++ {
		s += float32(a[i] * b[i])
	}
	return s
}

// AddScaled sets dst[i] += s·x[i] with an unfused f32 product, e.g. to accumulate attention
// outputs Σ_t p_t·v_t in position order.
// It is addScaledGo, computed by the float tier in use (f16_ops.go).
func AddScaled(dst, x []float32, s float32) { addScaledF32(dst, x, s) }

// addScaledGo is the reference of AddScaled.
func addScaledGo(dst, x []float32, s float32) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] += float32(s * v)
	}
}
