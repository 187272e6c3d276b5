//go:build (amd64 || arm64) && !purego

package kernels

import "unsafe"

// asmT2 holds the assembly routines of one tier. They take pointers and counts and assume
// rows ≥ 1, groups ≥ 1, 1 ≤ ntok ≤ MaxGemmTokens and buffers in bounds; asmTier wraps them in
// the slice signatures of t2gemv.go.
type asmT2 struct {
	gemvTQ  func(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)
	gemvI2S func(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)
	gemmTQ  func(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)
	gemmI2S func(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)
	// decodeT1 expands rows T1 rows into T2 codes (t1.go); nil: the portable code.
	decodeT1 func(dst, src *byte, rows, groups int)
	// The most groups an I2_S row may have for the routine to stay exact (int32 headroom).
	gemvI2SGroups, gemmI2SGroups int
}

// noGroupLimit marks routines whose int32 sums wrap exactly as the portable ones do.
const noGroupLimit = int(^uint(0) >> 1)

// asmTier builds a tier from its routines. The wrappers check the bounds the portable kernels
// would check (a short slice panics instead of being over-read), hand degenerate shapes (no
// rows or groups, odd strides, rows too long for the routine) to the portable code, split
// batches of more than MaxGemmTokens tokens, and send one-token GEMMs to the GEMV, which
// shares activation loads between more rows.
func asmTier(name, detail string, a asmT2) *Tier {
	im := &Tier{Name: name, Detail: detail, Float: "portable", decodeT1: decodeT1Go}
	if a.decodeT1 != nil {
		im.decodeT1 = asmDecodeT1(a.decodeT1)
	}
	im.gemvTQ = func(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
		if !checkTQ(codes, rows, groups, p, c, sb, sbStride, y) {
			gemvTQGo(codes, rows, groups, p, c, sb, sbStride, y)
			return
		}
		a.gemvTQ(ptrB(codes), rows, groups, ptrI8(p), ptrI32(c), ptrF32(sb), sbStride, ptrF32(y))
	}
	im.gemvI2S = func(codes []byte, rows, groups int, p []int8, sumq int32, s, ws float32, y []float32) {
		if !checkI2S(codes, rows, groups, p, y, a.gemvI2SGroups) {
			gemvI2SGo(codes, rows, groups, p, sumq, s, ws, y)
			return
		}
		a.gemvI2S(ptrB(codes), rows, groups, ptrI8(p), sumq, s, ws, ptrF32(y))
	}
	im.gemmTQ = func(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
		if splitTQ(im.gemmTQ, codes, rows, groups, ntok, p, c, sb, y, yStride) {
			return
		}
		if ntok == 1 {
			im.gemvTQ(codes, rows, groups, p, c, sb, 0, y)
			return
		}
		if !checkGemmTQ(codes, rows, groups, ntok, p, c, sb, y, yStride) {
			gemmTQGo(codes, rows, groups, ntok, p, c, sb, y, yStride)
			return
		}
		a.gemmTQ(ptrB(codes), rows, groups, ntok, ptrI8(p), ptrI32(c), ptrF32(sb), ptrF32(y), yStride)
	}
	im.gemmI2S = func(codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int) {
		if splitI2S(im.gemmI2S, codes, rows, groups, ntok, p, sumq, s, ws, y, yStride) {
			return
		}
		if ntok == 1 {
			im.gemvI2S(codes, rows, groups, p, sumq[0], s[0], ws, y)
			return
		}
		if !checkGemmI2S(codes, rows, groups, ntok, p, sumq, s, y, yStride, a.gemmI2SGroups) {
			gemmI2SGo(codes, rows, groups, ntok, p, sumq, s, ws, y, yStride)
			return
		}
		a.gemmI2S(ptrB(codes), rows, groups, ntok, ptrI8(p), ptrI32(sumq), ptrF32(s), ws, ptrF32(y), yStride)
	}
	return im
}

// asmDecodeT1 wraps a T1 decoder in the slice signature, checking the bounds.
func asmDecodeT1(f func(dst, src *byte, rows, groups int)) decodeT1Func {
	return func(dst, src []byte, rows, groups int) {
		if rows <= 0 || groups <= 0 {
			return
		}
		_ = dst[rows*groups*GroupBytes-1]
		_ = src[rows*T1RowBytes(groups)-1]
		f(ptrB(dst), ptrB(src), rows, groups)
	}
}

// asmT1 wraps fused T1 kernels (gemvT1/gemmT1: gemvTQ/gemmTQ reading T1 rows) of the tier
// whose gemvTQ is gemvTQ, with the checks and fallbacks of asmTier.
func asmT1(im *Tier, gemv func(t1 *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32),
	gemm func(t1 *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)) {
	im.gemvT1 = func(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
		if rows <= 0 || groups <= 0 || sbStride < 0 {
			gemvT1Go(codes, rows, groups, p, c, sb, sbStride, y)
			return
		}
		_ = codes[rows*T1RowBytes(groups)-1]
		_ = p[groups*256-1]
		_ = c[groups*16-1]
		_ = sb[(rows-1)*sbStride+groups-1]
		_ = y[rows-1]
		gemv(ptrB(codes), rows, groups, ptrI8(p), ptrI32(c), ptrF32(sb), sbStride, ptrF32(y))
	}
	im.gemmT1 = func(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
		if splitTQ(im.gemmT1, codes, rows, groups, ntok, p, c, sb, y, yStride) {
			return
		}
		if ntok == 1 {
			im.gemvT1(codes, rows, groups, p, c, sb, 0, y)
			return
		}
		if rows <= 0 || groups <= 0 || ntok <= 0 || yStride < rows {
			gemmT1Go(codes, rows, groups, ntok, p, c, sb, y, yStride)
			return
		}
		_ = codes[rows*T1RowBytes(groups)-1]
		_ = p[ntok*groups*256-1]
		_ = c[ntok*groups*16-1]
		_ = sb[ntok*groups-1]
		_ = y[(ntok-1)*yStride+rows-1]
		gemm(ptrB(codes), rows, groups, ntok, ptrI8(p), ptrI32(c), ptrF32(sb), ptrF32(y), yStride)
	}
}

func ptrB(b []byte) *byte         { return unsafe.SliceData(b) }
func ptrI8(b []int8) *int8        { return unsafe.SliceData(b) }
func ptrI32(b []int32) *int32     { return unsafe.SliceData(b) }
func ptrF32(b []float32) *float32 { return unsafe.SliceData(b) }

// checkTQ checks the bounds of a TQ GEMV and reports whether the assembly may run.
func checkTQ(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) bool {
	if rows <= 0 || groups <= 0 || sbStride < 0 {
		return false
	}
	_ = codes[rows*groups*GroupBytes-1]
	_ = p[groups*256-1]
	_ = c[groups*16-1]
	_ = sb[(rows-1)*sbStride+groups-1]
	_ = y[rows-1]
	return true
}

// checkI2S checks the bounds of an I2_S GEMV.
func checkI2S(codes []byte, rows, groups int, p []int8, y []float32, maxGroups int) bool {
	if rows <= 0 || groups <= 0 || groups > maxGroups {
		return false
	}
	_ = codes[rows*groups*GroupBytes-1]
	_ = p[groups*256-1]
	_ = y[rows-1]
	return true
}

// checkGemm checks the bounds shared by the GEMMs (codes, activations, outputs).
func checkGemm(codes []byte, rows, groups, ntok int, p []int8, y []float32, yStride int) bool {
	if rows <= 0 || groups <= 0 || ntok <= 0 || ntok > MaxGemmTokens || (ntok > 1 && yStride < rows) {
		return false
	}
	_ = codes[rows*groups*GroupBytes-1]
	_ = p[ntok*groups*256-1]
	_ = y[(ntok-1)*yStride+rows-1]
	return true
}

func checkGemmTQ(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) bool {
	if !checkGemm(codes, rows, groups, ntok, p, y, yStride) {
		return false
	}
	_ = c[ntok*groups*16-1]
	_ = sb[ntok*groups-1]
	return true
}

func checkGemmI2S(codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, y []float32, yStride int, maxGroups int) bool {
	if groups > maxGroups || !checkGemm(codes, rows, groups, ntok, p, y, yStride) {
		return false
	}
	_ = sumq[ntok-1]
	_ = s[ntok-1]
	return true
}

// splitTQ runs a GEMM of more than MaxGemmTokens tokens as several calls of gemm; it reports
// whether it did.
func splitTQ(gemm gemmTQFunc, codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) bool {
	if ntok <= MaxGemmTokens || groups <= 0 {
		return false
	}
	for t := 0; t < ntok; t += MaxGemmTokens {
		n := min(MaxGemmTokens, ntok-t)
		gemm(codes, rows, groups, n, p[t*groups*256:], c[t*groups*16:], sb[t*groups:], y[t*yStride:], yStride)
	}
	return true
}

// splitI2S is splitTQ for I2_S.
func splitI2S(gemm gemmI2SFunc, codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int) bool {
	if ntok <= MaxGemmTokens || groups <= 0 {
		return false
	}
	for t := 0; t < ntok; t += MaxGemmTokens {
		n := min(MaxGemmTokens, ntok-t)
		gemm(codes, rows, groups, n, p[t*groups*256:], sumq[t:], s[t:], ws, y[t*yStride:], yStride)
	}
	return true
}
