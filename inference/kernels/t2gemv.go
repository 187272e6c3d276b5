package kernels

// The T2 kernels. Every implementation (portable Go below, assembly per ISA) computes exactly
// the same bits:
//
// TQ (TQ1_0/TQ2_0 weights, Q8_K activations), for row r:
//
//	F[l] = 0 for the 16 lanes l
//	for each group g:
//	    I[l] = C[g][l] + Σ_{n<4} Σ_{k<4} code_n(byte 4l+k) · P[g][64n + 4l + k]   (exact int32)
//	    s    = sb[r·sbStride + g]             (= float32(d_act[g] · d_w), formed by the caller)
//	    F[l] = F[l] + float32(float32(I[l]) · s)    (a rounded product, then a rounded sum)
//	y[r] = ((F[l] + F[l+8]) tree: (l,l+8), (l,l+4), (l,l+2), (l,l+1)) = F[0]
//
// I2_S (int8 activations, one scale per row of activations and one per tensor):
//
//	acc  = Σ_g Σ_n Σ_j code_n(byte j) · P[g][64n + j]       (exact int32)
//	y[r] = (float32(acc) − float32(sumq)) / s · ws          (in that order, f32)
//
// The GEMM forms take ntok (1..4) activations laid out back to back — token t's P at
// p[t·groups·256:], its C at c[t·groups·16:], its scales at sb[t·groups:] (uniform weight
// scale) — and write y[t·yStride + r]; each token's result is bit-identical to the GEMV.

// gemvTQFunc multiplies rows [0, rows) of codes (rows·groups·64 bytes) by one TQ activation.
type gemvTQFunc func(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32)

// gemvI2SFunc multiplies rows [0, rows) of codes by one I2_S activation.
type gemvI2SFunc func(codes []byte, rows, groups int, p []int8, sumq int32, s, ws float32, y []float32)

// gemmTQFunc multiplies rows by ntok TQ activations (uniform weight scale).
type gemmTQFunc func(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int)

// gemmI2SFunc multiplies rows by ntok I2_S activations.
type gemmI2SFunc func(codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int)

// MaxGemmTokens is the most activations one GEMM call takes.
const MaxGemmTokens = 4

// gemvTQGo is the portable reference of gemvTQFunc.
func gemvTQGo(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
	codes = codes[:rows*groups*GroupBytes]
	p = p[:groups*256]
	c = c[:groups*16]
	y = y[:rows]
	for r := range y {
		var f [16]float32
		srow := sb[r*sbStride:]
		for g := 0; g < groups; g++ {
			lanes := tqLanes((*[GroupBytes]byte)(codes[(r*groups+g)*GroupBytes:]), (*[256]int8)(p[g*256:]), (*[16]int32)(c[g*16:]))
			s := srow[g]
			for l := range 16 {
				f[l] = f[l] + float32(float32(lanes[l])*s)
			}
		}
		y[r] = reduce16(&f)
	}
}

// tqLanes returns the 16 exact lane sums of one group.
func tqLanes(codes *[GroupBytes]byte, p *[256]int8, c *[16]int32) [16]int32 {
	lanes := *c
	for n := 0; n < 4; n++ {
		plane := (*[64]int8)(p[64*n:])
		sh := 2 * n
		for j := 0; j < 64; j++ {
			lanes[j/4] += int32(codes[j]>>sh&3) * int32(plane[j])
		}
	}
	return lanes
}

// gemvI2SGo is the portable reference of gemvI2SFunc.
func gemvI2SGo(codes []byte, rows, groups int, p []int8, sumq int32, s, ws float32, y []float32) {
	codes = codes[:rows*groups*GroupBytes]
	p = p[:groups*256]
	y = y[:rows]
	for r := range y {
		var acc int32
		for g := 0; g < groups; g++ {
			acc += i2sGroup((*[GroupBytes]byte)(codes[(r*groups+g)*GroupBytes:]), (*[256]int8)(p[g*256:]))
		}
		y[r] = (float32(acc) - float32(sumq)) / s * ws
	}
}

func i2sGroup(codes *[GroupBytes]byte, p *[256]int8) int32 {
	var acc int32
	for j, b := range codes {
		acc += int32(b&3)*int32(p[j]) + int32(b>>2&3)*int32(p[64+j]) +
			int32(b>>4&3)*int32(p[128+j]) + int32(b>>6)*int32(p[192+j])
	}
	return acc
}

// gemmTQGo is the portable reference of gemmTQFunc: the GEMV per token.
func gemmTQGo(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
	for t := 0; t < ntok; t++ {
		gemvTQGo(codes, rows, groups, p[t*groups*256:], c[t*groups*16:], sb[t*groups:], 0, y[t*yStride:])
	}
}

// gemmI2SGo is the portable reference of gemmI2SFunc.
func gemmI2SGo(codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int) {
	for t := 0; t < ntok; t++ {
		gemvI2SGo(codes, rows, groups, p[t*groups*256:], sumq[t], s[t], ws, y[t*yStride:])
	}
}
