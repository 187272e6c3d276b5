//go:build !purego

package kernels

// The assembly kernels (qdot_arm64.s): rows a positive multiple of 4, nb ≥ 1, bounds checked.

//go:noescape
func q80RowsDot(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q80RowsNEON(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q6kRowsDot(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q6kRowsNEON(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
