//go:build !purego

package kernels

// The assembly kernels (qdot_amd64.s): rows a positive multiple of 4, nb ≥ 1, bounds checked.

//go:noescape
func q80RowsAVX2(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q80RowsVNNI(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q6kRowsAVX2(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)

//go:noescape
func q6kRowsVNNI(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
