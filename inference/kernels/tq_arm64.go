//go:build !purego

package kernels

// The arm64 NEON tiers of the T2 kernels (tq_arm64.s), bit-identical to the portable ones in
// t2gemv.go:
//   - neondot: SDOT (FEAT_DotProd: Cortex-A55/A76+, Neoverse, Apple M1+, Graviton 2+);
//   - neon:    SMULL/SMLAL into int16 + SADALP, any ARMv8-A with Advanced SIMD (Cortex-A53/A72).
//
// asmTier (t2asm.go) wraps the routines: bounds checks, portable fallbacks for degenerate
// shapes, and one-token GEMMs sent to the GEMV, which shares activation loads between four rows.

var (
	neonDotTier = asmTier("neondot", "NEON + dot product (SDOT, FEAT_DotProd)", asmT2{
		gemvTQ: gemvTQDot, gemvI2S: gemvI2SDot, gemmTQ: gemmTQDot, gemmI2S: gemmI2SDot,
		gemvI2SGroups: noGroupLimit, gemmI2SGroups: noGroupLimit, decodeT1: decodeT1Neon})
	neonTier = asmTier("neon", "NEON (SMULL/SMLAL, SADALP)", asmT2{
		gemvTQ: gemvTQNeon, gemvI2S: gemvI2SNeon, gemmTQ: gemmTQNeon, gemmI2S: gemmI2SNeon,
		gemvI2SGroups: noGroupLimit, gemmI2SGroups: noGroupLimit, decodeT1: decodeT1Neon})
)

// Assembly (tq_arm64.s). Preconditions: rows ≥ 1, groups ≥ 1, every pointer covers what the
// portable kernel would read or write; for the GEMMs 2 ≤ ntok ≤ 4.

//go:noescape
func gemvTQDot(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvTQNeon(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvI2SDot(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemvI2SNeon(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemmTQDot(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmTQNeon(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmI2SDot(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)

//go:noescape
func gemmI2SNeon(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)
