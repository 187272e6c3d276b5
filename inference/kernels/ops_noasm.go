//go:build purego || !(amd64 || arm64)

package kernels

// Without element-wise assembly the opsArch functions are never called.
const opsAsm = false

func opsSumSqArch(x *float32, n int) float64               { panic("kernels: no float assembly") }
func opsScaleArch(dst, x *float32, n int, s float32)       { panic("kernels: no float assembly") }
func opsScaleMulArch(dst, x, w *float32, n int, s float32) { panic("kernels: no float assembly") }
func opsMulArch(dst, x *float32, n int)                    { panic("kernels: no float assembly") }
func opsAddArch(dst, x *float32, n int)                    { panic("kernels: no float assembly") }
func opsReLU2Arch(x *float32, n int)                       { panic("kernels: no float assembly") }
func opsSiLUArch(x *float32, n int)                        { panic("kernels: no float assembly") }
func opsMaxArch(x *float32, n int) float32                 { panic("kernels: no float assembly") }
func opsExpSumArch(x *float32, n int, m float32) float64   { panic("kernels: no float assembly") }
func opsRoPEArch(x *float32, nHeads, headDim, n int, cs, sn *float32) {
	panic("kernels: no float assembly")
}
func opsAbsMaxArch(x *float32, n int) (float32, int) { panic("kernels: no float assembly") }
func opsQuantArch(x *float32, q *int8, n int, s float32, lo, hi int32) int32 {
	panic("kernels: no float assembly")
}
func opsT2SumsArch(p *int8, groups int, c *int32) { panic("kernels: no float assembly") }
