//go:build !purego

package kernels

// opsAsm: ops_arm64.s implements the element-wise kernels.
const opsAsm = true

// The element-wise kernels of ops_arm64.s (contract in ops_dispatch.go, ops_quant.go): n is a
// positive multiple of 16 elements. NEON is the only arm64 float tier.

//go:noescape
func opsSumSqNEON(x *float32, n int) float64

//go:noescape
func opsScaleNEON(dst, x *float32, n int, s float32)

//go:noescape
func opsScaleMulNEON(dst, x, w *float32, n int, s float32)

//go:noescape
func opsMulNEON(dst, x *float32, n int)

//go:noescape
func opsAddNEON(dst, x *float32, n int)

//go:noescape
func opsReLU2NEON(x *float32, n int)

//go:noescape
func opsSiLUNEON(x *float32, n int)

//go:noescape
func opsMaxNEON(x *float32, n int) float32

//go:noescape
func opsExpSumNEON(x *float32, n int, m float32) float64

//go:noescape
func opsRoPENEON(x *float32, nHeads, headDim, n int, cs, sn *float32)

//go:noescape
func opsAbsMaxNEON(x *float32, n int) (float32, int)

//go:noescape
func opsQuantNEON(x *float32, q *int8, n int, s float32, lo, hi int32) int32

//go:noescape
func opsT2SumsNEON(p *int8, groups int, c *int32)

func opsSumSqArch(x *float32, n int) float64               { return opsSumSqNEON(x, n) }
func opsScaleArch(dst, x *float32, n int, s float32)       { opsScaleNEON(dst, x, n, s) }
func opsScaleMulArch(dst, x, w *float32, n int, s float32) { opsScaleMulNEON(dst, x, w, n, s) }
func opsMulArch(dst, x *float32, n int)                    { opsMulNEON(dst, x, n) }
func opsAddArch(dst, x *float32, n int)                    { opsAddNEON(dst, x, n) }
func opsReLU2Arch(x *float32, n int)                       { opsReLU2NEON(x, n) }
func opsSiLUArch(x *float32, n int)                        { opsSiLUNEON(x, n) }
func opsMaxArch(x *float32, n int) float32                 { return opsMaxNEON(x, n) }
func opsExpSumArch(x *float32, n int, m float32) float64   { return opsExpSumNEON(x, n, m) }
func opsAbsMaxArch(x *float32, n int) (float32, int)       { return opsAbsMaxNEON(x, n) }
func opsT2SumsArch(p *int8, groups int, c *int32)          { opsT2SumsNEON(p, groups, c) }

func opsRoPEArch(x *float32, nHeads, headDim, n int, cs, sn *float32) {
	opsRoPENEON(x, nHeads, headDim, n, cs, sn)
}

func opsQuantArch(x *float32, q *int8, n int, s float32, lo, hi int32) int32 {
	return opsQuantNEON(x, q, n, s, lo, hi)
}
