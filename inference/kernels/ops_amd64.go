//go:build !purego

package kernels

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
