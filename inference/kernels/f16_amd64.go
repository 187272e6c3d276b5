//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// fopsAvailable: AVX-512 (F, BW, VL; only F instructions are used, BW and VL are required so
// that the tier matches the ternary avx512 tier), then AVX2 with F16C and FMA.
func fopsAvailable() []fopsTier {
	var t []fopsTier
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL {
		t = append(t, fopsAVX512)
	}
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA && cpu.X86.HasF16C {
		t = append(t, fopsAVX2)
	}
	return append(t, fopsPortable)
}

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

func f16RowsArch(w *byte, stride, rows, cols int, x, y *float32) {
	if fopsLevel == fopsAVX512 {
		f16RowsAVX512(w, stride, rows, cols, x, y)
	} else {
		f16RowsAVX2(w, stride, rows, cols, x, y)
	}
}

func f16RowsX4Arch(w *byte, groups, cols int, x, y *float32) {
	if fopsLevel == fopsAVX512 {
		f16RowsX4AVX512(w, groups, cols, x, y)
	} else {
		f16RowsX4AVX2(w, groups, cols, x, y)
	}
}

func f32RowsArch(w *byte, stride, rows, cols int, x, y *float32) {
	if fopsLevel == fopsAVX512 {
		f32RowsAVX512(w, stride, rows, cols, x, y)
	} else {
		f32RowsAVX2(w, stride, rows, cols, x, y)
	}
}

func addScaledArch(dst, x *float32, n int, s float32) {
	if fopsLevel == fopsAVX512 {
		addScaledAVX512(dst, x, n, s)
	} else {
		addScaledAVX2(dst, x, n, s)
	}
}

func addScaledF16Arch(dst *float32, src *byte, n int, a float32) {
	if fopsLevel == fopsAVX512 {
		addScaledF16AVX512(dst, src, n, a)
	} else {
		addScaledF16AVX2(dst, src, n, a)
	}
}

//go:noescape
func addScaledF16RowsAVX512(dst *float32, v *uint16, stride, n int, w *float32, cols int)

//go:noescape
func addScaledF16RowsAVX2(dst *float32, v *uint16, stride, n int, w *float32, cols int)

// addScaledF16RowsArch runs AddScaledF16Rows in assembly when the width suits the vectors
// (stride in bytes); false leaves it to the row-by-row loop.
func addScaledF16RowsArch(dst *float32, v *uint16, stride, n int, w *float32, cols int) bool {
	switch {
	case fopsLevel == fopsAVX512 && cols%16 == 0:
		addScaledF16RowsAVX512(dst, v, stride, n, w, cols)
	case fopsLevel == fopsAVX2 && cols%8 == 0:
		addScaledF16RowsAVX2(dst, v, stride, n, w, cols)
	default:
		return false
	}
	return true
}
