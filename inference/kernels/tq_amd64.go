//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// The amd64 T2 kernel tiers (tq_*_amd64.s). Each assembly routine takes pointers and counts;
// the wrappers below take the slice signatures of t2gemv.go, check the bounds the portable
// kernels would check (so a short slice panics instead of being over-read), and hand the
// degenerate shapes (no groups, more than MaxGemmTokens tokens, absurd group counts) to the
// portable code.

// The tiers, best first. avx512 needs AVX-512 F/BW/VL + VNNI (Ice Lake and later Xeons,
// Cascade Lake, Zen 4/5); avxvnni the VEX-encoded ymm VPDPBUSD (Alder Lake and later client
// cores, Zen 5); avx2 Haswell / Zen 1 and later.
var (
	tierAVX512 = asmTier("avx512", "AVX-512 F/BW/VL + VNNI, zmm VPDPBUSD", asmT2{
		gemvTQ: gemvTQAVX512, gemvI2S: gemvI2SAVX512, gemmTQ: gemmTQAVX512, gemmI2S: gemmI2SAVX512,
		gemvI2SGroups: maxI2SGroups, gemmI2SGroups: maxI2SGroups, decodeT1: decodeT1AVX512})
	tierAVXVNNI = asmTier("avxvnni", "AVX2 + AVX-VNNI, ymm VEX VPDPBUSD", asmT2{
		gemvTQ: gemvTQAVXVNNI, gemvI2S: gemvI2SAVXVNNI, gemmTQ: gemmTQAVXVNNI, gemmI2S: gemmI2SAVXVNNI,
		gemvI2SGroups: maxI2SGroupsVNNI, gemmI2SGroups: noGroupLimit, decodeT1: decodeT1AVX2})
	// avx2: int32 lane sums wrap exactly as the portable int32 sum does, so no group limit.
	tierAVX2 = asmTier("avx2", "AVX2, VPMADDUBSW", asmT2{
		gemvTQ: gemvTQAVX2, gemvI2S: gemvI2SAVX2, gemmTQ: gemmTQAVX2, gemmI2S: gemmI2SAVX2,
		gemvI2SGroups: noGroupLimit, gemmI2SGroups: noGroupLimit, decodeT1: decodeT1AVX2})
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
