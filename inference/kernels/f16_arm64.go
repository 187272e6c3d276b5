//go:build !purego

package kernels

// The assembly kernels (f16_arm64.s). Rows are stride bytes apart; rows, cols ≥ 1.

//go:noescape
func f16RowsNEON(w *byte, stride, rows, cols int, x, y *float32)

// f16RowsX4NEON is the X4 kernel (f16x4.go): groups ≥ 1 whole groups of 4 rows.
//
//go:noescape
func f16RowsX4NEON(w *byte, groups, cols int, x, y *float32)

//go:noescape
func f32RowsNEON(w *byte, stride, rows, cols int, x, y *float32)

//go:noescape
func addScaledNEON(dst, x *float32, n int, s float32)

//go:noescape
func addScaledF16NEON(dst *float32, src *byte, n int, a float32)
