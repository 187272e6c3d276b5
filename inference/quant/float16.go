package quant

import "math"

// F16ToF32 converts an IEEE binary16 value to float32. Every half is exactly representable in
// float32, so this is exact; a NaN becomes a quiet NaN that keeps its payload (as F16C's
// VCVTPH2PS, ARM's FCVT and ggml's GGML_FP16_TO_FP32 do).
func F16ToF32(h uint16) float32 {
	o := uint32(h&0x7fff) << 13 // exponent and mantissa in float32 position
	switch e := o & 0x0f800000; e {
	case 0x0f800000: // Inf or NaN: exponent 255, NaNs made quiet
		o += 224 << 23
		if o != 0x7f800000 {
			o |= 0x00400000
		}
	case 0: // ±0 or subnormal: m·2^-24 = (1.m as 2^-14 number) − 2^-14, exact
		o = math.Float32bits(math.Float32frombits(o+113<<23) - 1.0/(1<<14))
	default: // normal: rebias the exponent (15 → 127)
		o += 112 << 23
	}
	return math.Float32frombits(o | uint32(h&0x8000)<<16)
}

// F32ToF16 converts a float32 to IEEE binary16 with round-to-nearest-even, including
// subnormal results, overflow to ±Inf (from 65520 up) and underflow to ±0 (up to 2^-25).
// It equals ggml's GGML_FP32_TO_FP16 (the portable ggml_compute_fp32_to_fp16 and the F16C
// hardware conversion used on x86) for every non-NaN input. A NaN maps to a quiet NaN keeping
// the top 10 payload bits, as VCVTPS2PH and ARM FCVT do (ggml's portable C returns 0x7e00).
func F32ToF16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	abs := b & 0x7fffffff
	switch {
	case abs > 0x7f800000: // NaN
		return sign | 0x7e00 | uint16(abs>>13)&0x3ff
	case abs >= 0x477ff000: // ≥ 65520 (halfway between 65504 and 2^16, ties to even = Inf)
		return sign | 0x7c00
	case abs >= 0x38800000: // ≥ 2^-14: a normal half
		// Round the 13 dropped mantissa bits to nearest even; a carry moves into the exponent.
		r := (abs + 0x0fff + (abs>>13)&1) >> 13
		return sign | uint16(r-(112<<10))
	case abs <= 0x33000000: // ≤ 2^-25: rounds to ±0 (2^-25 is a tie, 0 is even)
		return sign
	}
	// Subnormal half: value = m·2^(e−150), in units of 2^-24 that is m >> (126−e).
	e := abs >> 23
	m := abs&0x7fffff | 0x800000
	s := 126 - e // 14..24
	q := m >> s
	rem := m & (1<<s - 1)
	half := uint32(1) << (s - 1)
	if rem > half || rem == half && q&1 == 1 {
		q++
	}
	return sign | uint16(q)
}

// BF16ToF32 converts a bfloat16 value to float32 (exact).
func BF16ToF32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// F32ToBF16 converts a float32 to bfloat16 with round-to-nearest-even, exactly like ggml's
// GGML_FP32_TO_BF16: a NaN keeps its top bits and is forced quiet; overflow rounds to ±Inf;
// subnormals are not flushed.
func F32ToBF16(f float32) uint16 {
	u := math.Float32bits(f)
	if u&0x7fffffff > 0x7f800000 {
		return uint16(u>>16) | 64
	}
	return uint16((u + 0x7fff + (u>>16)&1) >> 16)
}

// RoundF16 converts x to fp16 bits in dst (len(dst) ≥ len(x)), as llama.cpp does with the
// activation row before a dot product with F16 weights (spec §6.3).
func RoundF16(x []float32, dst []uint16) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = F32ToF16(v)
	}
}

// RoundBF16 converts x to bf16 bits in dst (len(dst) ≥ len(x)), as llama.cpp does with the
// activation row before a dot product with BF16 weights.
func RoundBF16(x []float32, dst []uint16) {
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = F32ToBF16(v)
	}
}
