//go:build !purego

package kernels

// The assembly kernels (f16_amd64.s). Rows are stride bytes apart; rows, cols ≥ 1.

//go:noescape
func f16RowsAVX512(w *byte, stride, rows, cols int, x, y *float32)

//go:noescape
func f16RowsAVX2(w *byte, stride, rows, cols int, x, y *float32)

// The X4 kernels (f16x4.go): groups ≥ 1 whole groups of 4 rows.

//go:noescape
func f16RowsX4AVX512(w *byte, groups, cols int, x, y *float32)

//go:noescape
func f16RowsX4AVX2(w *byte, groups, cols int, x, y *float32)

//go:noescape
func f32RowsAVX512(w *byte, stride, rows, cols int, x, y *float32)

//go:noescape
func f32RowsAVX2(w *byte, stride, rows, cols int, x, y *float32)

//go:noescape
func addScaledAVX512(dst, x *float32, n int, s float32)

//go:noescape
func addScaledAVX2(dst, x *float32, n int, s float32)

//go:noescape
func addScaledF16AVX512(dst *float32, src *byte, n int, a float32)

//go:noescape
func addScaledF16AVX2(dst *float32, src *byte, n int, a float32)

//go:noescape
func addScaledF16RowsAVX512(dst *float32, v *uint16, stride, n int, w *float32, cols int)

//go:noescape
func addScaledF16RowsAVX2(dst *float32, v *uint16, stride, n int, w *float32, cols int)
