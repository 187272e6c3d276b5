//go:build !purego

package kernels

// fopsAvailable: Advanced SIMD is part of every arm64 target Go supports (the runtime uses it
// unconditionally), and FCVTL from halves is base ARMv8.0 SIMD, so the NEON tier always exists.
func fopsAvailable() []fopsTier { return []fopsTier{fopsNEON, fopsPortable} }

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

func f16RowsArch(w *byte, stride, rows, cols int, x, y *float32) {
	f16RowsNEON(w, stride, rows, cols, x, y)
}

func f16RowsX4Arch(w *byte, groups, cols int, x, y *float32) {
	f16RowsX4NEON(w, groups, cols, x, y)
}

func f32RowsArch(w *byte, stride, rows, cols int, x, y *float32) {
	f32RowsNEON(w, stride, rows, cols, x, y)
}

func addScaledArch(dst, x *float32, n int, s float32) { addScaledNEON(dst, x, n, s) }

func addScaledF16Arch(dst *float32, src *byte, n int, a float32) {
	addScaledF16NEON(dst, src, n, a)
}

// addScaledF16RowsArch: NEON runs AddScaledF16Rows row by row (addScaledF16NEON per row).
func addScaledF16RowsArch(dst *float32, v *uint16, stride, n int, w *float32, cols int) bool {
	return false
}
