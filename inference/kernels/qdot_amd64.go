//go:build !purego

package kernels

import "github.com/aria-node/aria/inference/gguf"

// qKernel returns the assembly row dot of the tier in use for Q8_0 or Q6_K weights (nil: the
// portable code). avx512 uses the VNNI variants (EVEX ymm VPDPBUSD/VPDPWSSD); avxvnni and avx2
// the AVX2 ones (the VEX VNNI encodings would save one instruction in five, not worth hand
// encoding for a memory-bound loop).
func qKernel(t gguf.Type) qKind {
	vnni := active == tierAVX512
	if !vnni && active != tierAVXVNNI && active != tierAVX2 {
		return qNone
	}
	switch {
	case t == gguf.TypeQ8_0 && vnni:
		return q80VNNI
	case t == gguf.TypeQ8_0:
		return q80AVX2
	case t == gguf.TypeQ6_K && vnni:
		return q6kVNNI
	case t == gguf.TypeQ6_K:
		return q6kAVX2
	}
	return qNone
}

func qRowsArch(k qKind, w *byte, stride, rows, nb int, q *int8, d *float32, y *float32) {
	switch k {
	case q80AVX2:
		q80RowsAVX2(w, stride, rows, nb, q, d, y)
	case q80VNNI:
		q80RowsVNNI(w, stride, rows, nb, q, d, y)
	case q6kAVX2:
		q6kRowsAVX2(w, stride, rows, nb, q, d, y)
	case q6kVNNI:
		q6kRowsVNNI(w, stride, rows, nb, q, d, y)
	default:
		panic("kernels: no such quantized-head kernel")
	}
}

// The assembly kernels (qdot_amd64.s): rows a positive multiple of 4, nb ≥ 1, bounds checked.

//go:noescape
func q80RowsAVX2(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q80RowsVNNI(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q6kRowsAVX2(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q6kRowsVNNI(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
