//go:build purego || !(amd64 || arm64)

package kernels

// Without assembly only the portable tier exists; the …Arch functions are never called.

func fopsAvailable() []fopsTier { return []fopsTier{fopsPortable} }

func f16RowsArch(w *byte, stride, rows, cols int, x, y *float32) { panic("kernels: no float assembly") }
func f16RowsX4Arch(w *byte, groups, cols int, x, y *float32) {
	panic("kernels: no float assembly")
}
func f32RowsArch(w *byte, stride, rows, cols int, x, y *float32) { panic("kernels: no float assembly") }
func addScaledArch(dst, x *float32, n int, s float32)            { panic("kernels: no float assembly") }
func addScaledF16Arch(dst *float32, src *byte, n int, a float32) {
	panic("kernels: no float assembly")
}

func addScaledF16RowsArch(dst *float32, v *uint16, stride, n int, w *float32, cols int) bool {
	return false
}
