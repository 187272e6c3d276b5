// Package kernels holds the hot loops of the engine: matrix × vector products for every weight
// format (MatVec, MatMul), the element-wise operations of the BitNet graph, and the worker pool
// that splits rows across threads.
//
// Each kernel has a portable Go reference, and most have assembly versions for amd64 (AVX2,
// AVX-VNNI, AVX-512) and arm64 (NEON, dot product), grouped in one dispatch table (dispatch.go)
// whose row is chosen once at start-up. Every row computes the same bits as the reference, on
// every architecture and for every thread count, so the order of every float operation is part of
// the contract:
//
//   - Products are written float32(x*y) before being added, so that Go never fuses them into an
//     FMA (it would on arm64 and with GOAMD64=v3; docs/kernels.md §3).
//   - TQ1_0, TQ2_0 (Q8_K activations): per 256-block an exact int32 sum Σ t·q, then
//     sumf += float32(float32(isum) · (d_act·d_w)) over the blocks in order — ggml's scalar order
//     (ggml_vec_dot_tq2_0_q8_K_generic).
//   - I2_S (int8 activations): one exact int32 sum per row, then ((float)acc − Σq) / s · w_scale.
//   - Q8_0 and Q6_K: per block an exact int32 sum (Q6_K: Σ scale·Σ q6·q8 over its 16 sub-blocks),
//     then sumf += float32(float32(isum) · (d_w·d_act)) in block order: ggml's generic order for
//     Q8_0; for Q6_K ggml keeps 8 partial sums instead (qdot.go says why ARIA does not).
//   - F32, F16, BF16: 16 f32 lanes, lane l accumulating elements i ≡ l (mod 16) of the largest
//     multiple of 16, reduced as (l, l+8), (l, l+4), (l, l+2), (l, l+1), then the remaining
//     elements added in order. F16/BF16 products are exact in f32, F32 products are rounded.
//     (ggml uses its own SIMD order, so results differ from it in the last bits.)
//
// Non-matmul operations follow ggml's CPU code, including where it computes in float64 (the sum
// of squares of RMSNorm, the sum of exponentials of Softmax), but sum those in 16 float64
// lanes (sumLanes64) and use a canonical f32 exp (exp.go), so that the assembly can match them.
package kernels
