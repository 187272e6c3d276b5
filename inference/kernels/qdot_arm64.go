//go:build !purego

package kernels

import "github.com/aria-node/aria/inference/gguf"

// qKernel returns the assembly row dot of the tier in use for Q8_0 or Q6_K weights (qNone: the
// portable code): neondot uses SDOT, neon SMULL/SMLAL (qdot_arm64.s).
func qKernel(t gguf.Type) qKind {
	dot := active == neonDotTier
	if !dot && active != neonTier {
		return qNone
	}
	switch {
	case t == gguf.TypeQ8_0 && dot:
		return q80Dot
	case t == gguf.TypeQ8_0:
		return q80NEON
	case t == gguf.TypeQ6_K && dot:
		return q6kDot
	case t == gguf.TypeQ6_K:
		return q6kNEON
	}
	return qNone
}

func qRowsArch(k qKind, w *byte, stride, rows, nb int, q *int8, d *float32, y *float32) {
	switch k {
	case q80Dot:
		q80RowsDot(w, stride, rows, nb, q, d, y)
	case q80NEON:
		q80RowsNEON(w, stride, rows, nb, q, d, y)
	case q6kDot:
		q6kRowsDot(w, stride, rows, nb, q, d, y)
	case q6kNEON:
		q6kRowsNEON(w, stride, rows, nb, q, d, y)
	default:
		panic("kernels: no such quantized-head kernel")
	}
}

// The assembly kernels (qdot_arm64.s): rows a positive multiple of 4, nb ≥ 1, bounds checked.

//go:noescape
func q80RowsDot(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q80RowsNEON(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q6kRowsDot(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q6kRowsNEON(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
