//go:build !purego

package kernels

// opsAsm: ops_amd64.s implements the element-wise kernels.
const opsAsm = true

// The element-wise kernels of ops_amd64.s (contract in ops_dispatch.go, ops_quant.go): n is a
// positive multiple of 16 elements.

//go:noescape
func opsSumSqAVX512(x *float32, n int) float64

//go:noescape
func opsSumSqAVX2(x *float32, n int) float64

//go:noescape
func opsScaleAVX512(dst, x *float32, n int, s float32)

//go:noescape
func opsScaleAVX2(dst, x *float32, n int, s float32)

//go:noescape
func opsScaleMulAVX512(dst, x, w *float32, n int, s float32)

//go:noescape
func opsScaleMulAVX2(dst, x, w *float32, n int, s float32)

//go:noescape
func opsMulAVX512(dst, x *float32, n int)

//go:noescape
func opsMulAVX2(dst, x *float32, n int)

//go:noescape
func opsAddAVX512(dst, x *float32, n int)

//go:noescape
func opsAddAVX2(dst, x *float32, n int)

//go:noescape
func opsReLU2AVX512(x *float32, n int)

//go:noescape
func opsReLU2AVX2(x *float32, n int)

//go:noescape
func opsSiLUAVX512(x *float32, n int)

//go:noescape
func opsSiLUAVX2(x *float32, n int)

//go:noescape
func opsMaxAVX512(x *float32, n int) float32

//go:noescape
func opsMaxAVX2(x *float32, n int) float32

//go:noescape
func opsExpSumAVX512(x *float32, n int, m float32) float64

//go:noescape
func opsExpSumAVX2(x *float32, n int, m float32) float64

//go:noescape
func opsRoPEAVX512(x *float32, nHeads, headDim, n int, cs, sn *float32)

//go:noescape
func opsRoPEAVX2(x *float32, nHeads, headDim, n int, cs, sn *float32)

//go:noescape
func opsAbsMaxAVX512(x *float32, n int) (float32, int)

//go:noescape
func opsAbsMaxAVX2(x *float32, n int) (float32, int)

//go:noescape
func opsQuantAVX512(x *float32, q *int8, n int, s float32, lo, hi int32) int32

//go:noescape
func opsQuantAVX2(x *float32, q *int8, n int, s float32, lo, hi int32) int32

//go:noescape
func opsT2SumsAVX512(p *int8, groups int, c *int32)

//go:noescape
func opsT2SumsAVX2(p *int8, groups int, c *int32)

func opsSumSqArch(x *float32, n int) float64 {
	if fopsLevel == fopsAVX512 {
		return opsSumSqAVX512(x, n)
	}
	return opsSumSqAVX2(x, n)
}

func opsScaleArch(dst, x *float32, n int, s float32) {
	if fopsLevel == fopsAVX512 {
		opsScaleAVX512(dst, x, n, s)
	} else {
		opsScaleAVX2(dst, x, n, s)
	}
}

func opsScaleMulArch(dst, x, w *float32, n int, s float32) {
	if fopsLevel == fopsAVX512 {
		opsScaleMulAVX512(dst, x, w, n, s)
	} else {
		opsScaleMulAVX2(dst, x, w, n, s)
	}
}

func opsMulArch(dst, x *float32, n int) {
	if fopsLevel == fopsAVX512 {
		opsMulAVX512(dst, x, n)
	} else {
		opsMulAVX2(dst, x, n)
	}
}

func opsAddArch(dst, x *float32, n int) {
	if fopsLevel == fopsAVX512 {
		opsAddAVX512(dst, x, n)
	} else {
		opsAddAVX2(dst, x, n)
	}
}

func opsReLU2Arch(x *float32, n int) {
	if fopsLevel == fopsAVX512 {
		opsReLU2AVX512(x, n)
	} else {
		opsReLU2AVX2(x, n)
	}
}

func opsSiLUArch(x *float32, n int) {
	if fopsLevel == fopsAVX512 {
		opsSiLUAVX512(x, n)
	} else {
		opsSiLUAVX2(x, n)
	}
}

func opsMaxArch(x *float32, n int) float32 {
	if fopsLevel == fopsAVX512 {
		return opsMaxAVX512(x, n)
	}
	return opsMaxAVX2(x, n)
}

func opsExpSumArch(x *float32, n int, m float32) float64 {
	if fopsLevel == fopsAVX512 {
		return opsExpSumAVX512(x, n, m)
	}
	return opsExpSumAVX2(x, n, m)
}

func opsRoPEArch(x *float32, nHeads, headDim, n int, cs, sn *float32) {
	if fopsLevel == fopsAVX512 {
		opsRoPEAVX512(x, nHeads, headDim, n, cs, sn)
	} else {
		opsRoPEAVX2(x, nHeads, headDim, n, cs, sn)
	}
}

func opsAbsMaxArch(x *float32, n int) (float32, int) {
	if fopsLevel == fopsAVX512 {
		return opsAbsMaxAVX512(x, n)
	}
	return opsAbsMaxAVX2(x, n)
}

func opsQuantArch(x *float32, q *int8, n int, s float32, lo, hi int32) int32 {
	if fopsLevel == fopsAVX512 {
		return opsQuantAVX512(x, q, n, s, lo, hi)
	}
	return opsQuantAVX2(x, q, n, s, lo, hi)
}

func opsT2SumsArch(p *int8, groups int, c *int32) {
	if fopsLevel == fopsAVX512 {
		opsT2SumsAVX512(p, groups, c)
	} else {
		opsT2SumsAVX2(p, groups, c)
	}
}
