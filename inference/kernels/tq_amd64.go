//go:build !purego

package kernels

import (
	"unsafe"

	"github.com/klauspost/cpuid/v2"
)

// The amd64 T2 kernel tiers (tq_*_amd64.s). Each assembly routine takes pointers and counts;
// the wrappers below take the slice signatures of t2gemv.go, check the bounds the portable
// kernels would check (so a short slice panics instead of being over-read), and hand the
// degenerate shapes (no groups, more than MaxGemmTokens tokens, absurd group counts) to the
// portable code.

// The tiers, best first. avx512 needs AVX-512 F/BW/VL + VNNI (Ice Lake and later Xeons,
// Cascade Lake, Zen 4/5); avxvnni the VEX-encoded ymm VPDPBUSD (Alder Lake and later client
// cores, Zen 5); avx2 Haswell / Zen 1 and later.
var (
	tierAVX512 = &Impl{Name: "avx512", Detail: "AVX-512 F/BW/VL + VNNI, zmm VPDPBUSD",
		gemvTQ: gemvTQ512, gemvI2S: gemvI2S512, gemmTQ: gemmTQ512, gemmI2S: gemmI2S512}
	tierAVXVNNI = &Impl{Name: "avxvnni", Detail: "AVX2 + AVX-VNNI, ymm VEX VPDPBUSD",
		gemvTQ: gemvTQVNNI, gemvI2S: gemvI2SVNNI, gemmTQ: gemmTQVNNI, gemmI2S: gemmI2SVNNI}
	tierAVX2 = &Impl{Name: "avx2", Detail: "AVX2, VPMADDUBSW",
		gemvTQ: gemvTQ2, gemvI2S: gemvI2S2, gemmTQ: gemmTQ2, gemmI2S: gemmI2S2}
)

// amd64Tiers returns the tiers the CPU supports, best first.
func amd64Tiers() []*Impl {
	var t []*Impl
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI) {
		t = append(t, tierAVX512)
	}
	if cpuid.CPU.Supports(cpuid.AVX2, cpuid.AVXVNNI) {
		t = append(t, tierAVXVNNI)
	}
	if cpuid.CPU.Supports(cpuid.AVX2) {
		t = append(t, tierAVX2)
	}
	return t
}

// The assembly routines: rows ≥ 1, groups ≥ 1, 1 ≤ ntok ≤ MaxGemmTokens, all buffers in bounds.

//go:noescape
func gemvTQAVX512(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvI2SAVX512(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemmTQAVX512(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmI2SAVX512(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)

//go:noescape
func gemvTQAVXVNNI(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvI2SAVXVNNI(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemmTQAVXVNNI(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmI2SAVXVNNI(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)

//go:noescape
func gemvTQAVX2(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvI2SAVX2(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemmTQAVX2(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmI2SAVX2(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)

// maxI2SGroups bounds the groups of an I2_S row for the shift-free kernels (avx512, avxvnni):
// accumulator 3 grows by ≤ 4·192·128 per lane and group, which must stay below 2³¹.
const maxI2SGroups = (1<<31 - 1) / (4 * 192 * 128)

// maxI2SGroupsVNNI is the same bound for avxvnni, whose accumulators take both halves of a group.
const maxI2SGroupsVNNI = maxI2SGroups / 2

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

func ptrB(b []byte) *byte         { return unsafe.SliceData(b) }
func ptrI8(b []int8) *int8        { return unsafe.SliceData(b) }
func ptrI32(b []int32) *int32     { return unsafe.SliceData(b) }
func ptrF32(b []float32) *float32 { return unsafe.SliceData(b) }

// ---- avx512

func gemvTQ512(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
	if !checkTQ(codes, rows, groups, p, c, sb, sbStride, y) {
		gemvTQGo(codes, rows, groups, p, c, sb, sbStride, y)
		return
	}
	gemvTQAVX512(ptrB(codes), rows, groups, ptrI8(p), ptrI32(c), ptrF32(sb), sbStride, ptrF32(y))
}

func gemvI2S512(codes []byte, rows, groups int, p []int8, sumq int32, s, ws float32, y []float32) {
	if !checkI2S(codes, rows, groups, p, y, maxI2SGroups) {
		gemvI2SGo(codes, rows, groups, p, sumq, s, ws, y)
		return
	}
	gemvI2SAVX512(ptrB(codes), rows, groups, ptrI8(p), sumq, s, ws, ptrF32(y))
}

func gemmTQ512(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
	if splitTQ(gemmTQ512, codes, rows, groups, ntok, p, c, sb, y, yStride) {
		return
	}
	if ntok == 1 { // the GEMV shares activation loads between more rows
		gemvTQ512(codes, rows, groups, p, c, sb, 0, y)
		return
	}
	if !checkGemmTQ(codes, rows, groups, ntok, p, c, sb, y, yStride) {
		gemmTQGo(codes, rows, groups, ntok, p, c, sb, y, yStride)
		return
	}
	gemmTQAVX512(ptrB(codes), rows, groups, ntok, ptrI8(p), ptrI32(c), ptrF32(sb), ptrF32(y), yStride)
}

func gemmI2S512(codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int) {
	if splitI2S(gemmI2S512, codes, rows, groups, ntok, p, sumq, s, ws, y, yStride) {
		return
	}
	if ntok == 1 {
		gemvI2S512(codes, rows, groups, p, sumq[0], s[0], ws, y)
		return
	}
	if !checkGemmI2S(codes, rows, groups, ntok, p, sumq, s, y, yStride, maxI2SGroups) {
		gemmI2SGo(codes, rows, groups, ntok, p, sumq, s, ws, y, yStride)
		return
	}
	gemmI2SAVX512(ptrB(codes), rows, groups, ntok, ptrI8(p), ptrI32(sumq), ptrF32(s), ws, ptrF32(y), yStride)
}

// ---- avx2 (int32 lane sums wrap exactly as the portable int32 sum does: no group limit)

const noGroupLimit = int(^uint(0) >> 1)

func gemvTQ2(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
	if !checkTQ(codes, rows, groups, p, c, sb, sbStride, y) {
		gemvTQGo(codes, rows, groups, p, c, sb, sbStride, y)
		return
	}
	gemvTQAVX2(ptrB(codes), rows, groups, ptrI8(p), ptrI32(c), ptrF32(sb), sbStride, ptrF32(y))
}

func gemvI2S2(codes []byte, rows, groups int, p []int8, sumq int32, s, ws float32, y []float32) {
	if !checkI2S(codes, rows, groups, p, y, noGroupLimit) {
		gemvI2SGo(codes, rows, groups, p, sumq, s, ws, y)
		return
	}
	gemvI2SAVX2(ptrB(codes), rows, groups, ptrI8(p), sumq, s, ws, ptrF32(y))
}

func gemmTQ2(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
	if splitTQ(gemmTQ2, codes, rows, groups, ntok, p, c, sb, y, yStride) {
		return
	}
	if ntok == 1 { // the GEMV shares activation loads between more rows
		gemvTQ2(codes, rows, groups, p, c, sb, 0, y)
		return
	}
	if !checkGemmTQ(codes, rows, groups, ntok, p, c, sb, y, yStride) {
		gemmTQGo(codes, rows, groups, ntok, p, c, sb, y, yStride)
		return
	}
	gemmTQAVX2(ptrB(codes), rows, groups, ntok, ptrI8(p), ptrI32(c), ptrF32(sb), ptrF32(y), yStride)
}

func gemmI2S2(codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int) {
	if splitI2S(gemmI2S2, codes, rows, groups, ntok, p, sumq, s, ws, y, yStride) {
		return
	}
	if ntok == 1 {
		gemvI2S2(codes, rows, groups, p, sumq[0], s[0], ws, y)
		return
	}
	if !checkGemmI2S(codes, rows, groups, ntok, p, sumq, s, y, yStride, noGroupLimit) {
		gemmI2SGo(codes, rows, groups, ntok, p, sumq, s, ws, y, yStride)
		return
	}
	gemmI2SAVX2(ptrB(codes), rows, groups, ntok, ptrI8(p), ptrI32(sumq), ptrF32(s), ws, ptrF32(y), yStride)
}

// ---- avxvnni

func gemvTQVNNI(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
	if !checkTQ(codes, rows, groups, p, c, sb, sbStride, y) {
		gemvTQGo(codes, rows, groups, p, c, sb, sbStride, y)
		return
	}
	gemvTQAVXVNNI(ptrB(codes), rows, groups, ptrI8(p), ptrI32(c), ptrF32(sb), sbStride, ptrF32(y))
}

func gemvI2SVNNI(codes []byte, rows, groups int, p []int8, sumq int32, s, ws float32, y []float32) {
	if !checkI2S(codes, rows, groups, p, y, maxI2SGroupsVNNI) {
		gemvI2SGo(codes, rows, groups, p, sumq, s, ws, y)
		return
	}
	gemvI2SAVXVNNI(ptrB(codes), rows, groups, ptrI8(p), sumq, s, ws, ptrF32(y))
}

func gemmTQVNNI(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
	if splitTQ(gemmTQVNNI, codes, rows, groups, ntok, p, c, sb, y, yStride) {
		return
	}
	if ntok == 1 { // the GEMV shares activation loads between more rows
		gemvTQVNNI(codes, rows, groups, p, c, sb, 0, y)
		return
	}
	if !checkGemmTQ(codes, rows, groups, ntok, p, c, sb, y, yStride) {
		gemmTQGo(codes, rows, groups, ntok, p, c, sb, y, yStride)
		return
	}
	gemmTQAVXVNNI(ptrB(codes), rows, groups, ntok, ptrI8(p), ptrI32(c), ptrF32(sb), ptrF32(y), yStride)
}

func gemmI2SVNNI(codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int) {
	if splitI2S(gemmI2SVNNI, codes, rows, groups, ntok, p, sumq, s, ws, y, yStride) {
		return
	}
	if ntok == 1 {
		gemvI2SVNNI(codes, rows, groups, p, sumq[0], s[0], ws, y)
		return
	}
	if !checkGemmI2S(codes, rows, groups, ntok, p, sumq, s, y, yStride, noGroupLimit) {
		gemmI2SGo(codes, rows, groups, ntok, p, sumq, s, ws, y, yStride)
		return
	}
	gemmI2SAVXVNNI(ptrB(codes), rows, groups, ntok, ptrI8(p), ptrI32(sumq), ptrF32(s), ws, ptrF32(y), yStride)
}
