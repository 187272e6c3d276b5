//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// archTiers builds the arm64 rows of the dispatch table this CPU supports, best first:
//   - neondot: the dot-product extension (HWCAP ASIMDDP, FEAT_DotProd: Cortex-A55/A76+,
//     Neoverse, Apple M1+, Graviton 2+): SDOT in the T2 kernels and the Q8_0/Q6_K row dots;
//   - neon: Advanced SIMD only (any ARMv8-A, e.g. Cortex-A53/A72): SMULL/SMLAL into int16 and
//     SADALP.
//
// Both share the T1 decoder and the float and element-wise kernels, which need only Advanced
// SIMD (FCVTL from halves is base ARMv8.0).
func archTiers() []*Tier {
	var t []*Tier
	if cpu.ARM64.HasASIMD && cpu.ARM64.HasASIMDDP {
		r := asmTier("neondot", "NEON + dot product (SDOT, FEAT_DotProd)", asmT2{
			gemvTQ: gemvTQDot, gemvI2S: gemvI2SDot, gemmTQ: gemmTQDot, gemmI2S: gemmI2SDot,
			gemvI2SGroups: noGroupLimit, gemmI2SGroups: noGroupLimit, decodeT1: decodeT1Neon})
		floatNEON(r)
		r.q80Rows, r.q6kRows = q80RowsDot, q6kRowsDot
		t = append(t, r)
	}
	if cpu.ARM64.HasASIMD {
		r := asmTier("neon", "NEON (SMULL/SMLAL, SADALP)", asmT2{
			gemvTQ: gemvTQNeon, gemvI2S: gemvI2SNeon, gemmTQ: gemmTQNeon, gemmI2S: gemmI2SNeon,
			gemvI2SGroups: noGroupLimit, gemmI2SGroups: noGroupLimit, decodeT1: decodeT1Neon})
		floatNEON(r)
		r.q80Rows, r.q6kRows = q80RowsNEON, q6kRowsNEON
		t = append(t, r)
	}
	return t
}

// floatNEON fills the float and element-wise kernels of r (f16_arm64.s, ops_arm64.s: four q
// registers = the 16 canonical lanes). AddScaledF16Rows runs row by row (addScaledF16 per row).
func floatNEON(r *Tier) {
	r.Float = "neon"
	r.f16Rows, r.f16RowsX4, r.f32Rows = f16RowsNEON, f16RowsX4NEON, f32RowsNEON
	r.addScaled, r.addScaledF16 = addScaledNEON, addScaledF16NEON
	r.sumSq, r.scale, r.scaleMul, r.mul, r.add = opsSumSqNEON, opsScaleNEON, opsScaleMulNEON, opsMulNEON, opsAddNEON
	r.relu2, r.silu, r.maxF32, r.expSum, r.rope = opsReLU2NEON, opsSiLUNEON, opsMaxNEON, opsExpSumNEON, opsRoPENEON
	r.absMax, r.quant, r.t2Sums = opsAbsMaxNEON, opsQuantNEON, opsT2SumsNEON
}
