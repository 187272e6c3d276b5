//go:build !purego

package kernels

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
