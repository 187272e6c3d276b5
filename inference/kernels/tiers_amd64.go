//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// archTiers builds the amd64 rows of the dispatch table this CPU supports, best first:
//   - avx512: AVX-512 F/BW/VL + VNNI (Ice Lake and later Xeons, Cascade Lake, Zen 4/5); T1
//     decoded with VBMI table lookups when present, fused into the products with GFNI;
//   - avxvnni: AVX2 + the VEX-encoded ymm VPDPBUSD (Alder Lake and later client cores, Zen 5);
//   - avx2: Haswell / Zen 1 and later.
//
// The float and element-wise kernels are those of AVX-512 F (one zmm = the 16 canonical lanes)
// in the avx512 row, those of AVX2 + F16C + FMA (two ymm halves) in the others; the Q8_0/Q6_K
// row dots use EVEX VNNI in the avx512 row and AVX2 elsewhere (the VEX VNNI encodings would save
// one instruction in five in a memory-bound loop).
func archTiers() []*Tier {
	var t []*Tier
	if cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL, cpuid.AVX512VNNI) {
		r := asmTier("avx512", "AVX-512 F/BW/VL + VNNI, zmm VPDPBUSD", asmT2{
			gemvTQ: gemvTQAVX512, gemvI2S: gemvI2SAVX512, gemmTQ: gemmTQAVX512, gemmI2S: gemmI2SAVX512,
			gemvI2SGroups: maxI2SGroups, gemmI2SGroups: maxI2SGroups, decodeT1: decodeT1AVX512})
		if cpuid.CPU.Supports(cpuid.AVX512VBMI) {
			r.decodeT1 = asmDecodeT1(decodeT1VBMI)
			r.Detail += "; T1 via VBMI"
		}
		if cpuid.CPU.Supports(cpuid.AVX512VBMI, cpuid.GFNI) {
			asmT1(r, gemvT1VBMI, gemmT1VBMI)
			r.Detail += ", fused with GFNI"
		}
		floatAVX512(r)
		r.q80Rows, r.q6kRows = q80RowsVNNI, q6kRowsVNNI
		t = append(t, r)
	}
	if cpuid.CPU.Supports(cpuid.AVX2, cpuid.AVXVNNI) {
		r := asmTier("avxvnni", "AVX2 + AVX-VNNI, ymm VEX VPDPBUSD", asmT2{
			gemvTQ: gemvTQAVXVNNI, gemvI2S: gemvI2SAVXVNNI, gemmTQ: gemmTQAVXVNNI, gemmI2S: gemmI2SAVXVNNI,
			gemvI2SGroups: maxI2SGroupsVNNI, gemmI2SGroups: noGroupLimit, decodeT1: decodeT1AVX2})
		floatAVX2(r)
		r.q80Rows, r.q6kRows = q80RowsAVX2, q6kRowsAVX2
		t = append(t, r)
	}
	if cpuid.CPU.Supports(cpuid.AVX2) {
		// avx2: int32 lane sums wrap exactly as the portable int32 sum does, so no group limit.
		r := asmTier("avx2", "AVX2, VPMADDUBSW", asmT2{
			gemvTQ: gemvTQAVX2, gemvI2S: gemvI2SAVX2, gemmTQ: gemmTQAVX2, gemmI2S: gemmI2SAVX2,
			gemvI2SGroups: noGroupLimit, gemmI2SGroups: noGroupLimit, decodeT1: decodeT1AVX2})
		floatAVX2(r)
		r.q80Rows, r.q6kRows = q80RowsAVX2, q6kRowsAVX2
		t = append(t, r)
	}
	return t
}

// floatAVX512 fills the float and element-wise kernels of r with the AVX-512 ones (f16_amd64.s,
// ops_amd64.s; only F instructions are used, the row's BW and VL are not needed).
func floatAVX512(r *Tier) {
	r.Float = "avx512"
	r.f16Rows, r.f16RowsX4, r.f32Rows = f16RowsAVX512, f16RowsX4AVX512, f32RowsAVX512
	r.addScaled, r.addScaledF16 = addScaledAVX512, addScaledF16AVX512
	r.addScaledF16Rows, r.f16RowsCols = addScaledF16RowsAVX512, 16
	r.sumSq, r.scale, r.scaleMul, r.mul, r.add = opsSumSqAVX512, opsScaleAVX512, opsScaleMulAVX512, opsMulAVX512, opsAddAVX512
	r.relu2, r.silu, r.maxF32, r.expSum, r.rope = opsReLU2AVX512, opsSiLUAVX512, opsMaxAVX512, opsExpSumAVX512, opsRoPEAVX512
	r.absMax, r.quant, r.t2Sums = opsAbsMaxAVX512, opsQuantAVX512, opsT2SumsAVX512
}

// floatAVX2 fills the float and element-wise kernels of r with the AVX2 ones, which also need
// F16C and FMA: without them (no such CPU is known) the row keeps the portable ones.
func floatAVX2(r *Tier) {
	if !cpuid.CPU.Supports(cpuid.AVX2, cpuid.FMA3, cpuid.F16C) {
		r.Float = "portable"
		return
	}
	r.Float = "avx2"
	r.f16Rows, r.f16RowsX4, r.f32Rows = f16RowsAVX2, f16RowsX4AVX2, f32RowsAVX2
	r.addScaled, r.addScaledF16 = addScaledAVX2, addScaledF16AVX2
	r.addScaledF16Rows, r.f16RowsCols = addScaledF16RowsAVX2, 8
	r.sumSq, r.scale, r.scaleMul, r.mul, r.add = opsSumSqAVX2, opsScaleAVX2, opsScaleMulAVX2, opsMulAVX2, opsAddAVX2
	r.relu2, r.silu, r.maxF32, r.expSum, r.rope = opsReLU2AVX2, opsSiLUAVX2, opsMaxAVX2, opsExpSumAVX2, opsRoPEAVX2
	r.absMax, r.quant, r.t2Sums = opsAbsMaxAVX2, opsQuantAVX2, opsT2SumsAVX2
}
