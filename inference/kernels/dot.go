package kernels

import (
	"encoding/binary"
	"math"

	"github.com/aria-node/aria/inference/quant"
)

// The row-dot functions below are the reference kernels: each computes one weight row (in its
// file layout) times a prepared activation, in the float order documented in the package
// comment. They assume the lengths were checked by MatVec (row holds len(activation) elements).

// f16 reads the little-endian fp16 at b[0:2] as float32.
func f16(b []byte) float32 { return quant.F16ToF32(binary.LittleEndian.Uint16(b)) }

// reduce16 sums the 16 lanes as a tree: (l, l+8), (l, l+4), (l, l+2), (l, l+1).
func reduce16(acc *[16]float32) float32 {
	for l := 0; l < 8; l++ {
		acc[l] += acc[l+8]
	}
	for l := 0; l < 4; l++ {
		acc[l] += acc[l+4]
	}
	acc[0] += acc[2]
	acc[1] += acc[3]
	return acc[0] + acc[1]
}

// dotF32 is Σ w·x over an F32 row, in the canonical 16-lane order: dotF32Go, computed by the
// float tier in use (f16_ops.go).
func dotF32(row []byte, x []float32) float32 { return f32Dot(row, x) }

// dotF32Go is the reference of dotF32.
func dotF32Go(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:4*n]
	var acc [16]float32
	i := 0
	for ; i+16 <= n; i += 16 {
		w := (*[64]byte)(row[4*i:])
		v := (*[16]float32)(x[i:])
		for l := range 16 {
			acc[l] += float32(math.Float32frombits(binary.LittleEndian.Uint32(w[4*l:4*l+4])) * v[l])
		}
	}
	s := reduce16(&acc)
	for ; i < n; i++ {
		s += float32(math.Float32frombits(binary.LittleEndian.Uint32(row[4*i:])) * x[i])
	}
	return s
}

// dotF16 is Σ w·x over an F16 row with x already rounded to fp16 (llama.cpp converts the
// activation row to fp16 before ggml_vec_dot_f16): dotF16Go, computed by the float tier in use
// (f16_ops.go).
func dotF16(row []byte, x []float32) float32 { return f16Dot(row, x) }

// dotF16Go is the reference of dotF16. Each product of two halves is exact in f32.
func dotF16Go(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:2*n]
	var acc [16]float32
	i := 0
	for ; i+16 <= n; i += 16 {
		w := (*[32]byte)(row[2*i:])
		v := (*[16]float32)(x[i:])
		for l := range 16 {
			acc[l] += float32(f16(w[2*l:2*l+2]) * v[l])
		}
	}
	s := reduce16(&acc)
	for ; i < n; i++ {
		s += float32(f16(row[2*i:]) * x[i])
	}
	return s
}

// dotBF16 is Σ w·x over a BF16 row with x already rounded to bf16 (exact products in f32).
func dotBF16(row []byte, x []float32) float32 {
	n := len(x)
	row = row[:2*n]
	var acc [16]float32
	i := 0
	for ; i+16 <= n; i += 16 {
		w := (*[32]byte)(row[2*i:])
		v := (*[16]float32)(x[i:])
		for l := range 16 {
			acc[l] += float32(quant.BF16ToF32(binary.LittleEndian.Uint16(w[2*l:2*l+2])) * v[l])
		}
	}
	s := reduce16(&acc)
	for ; i < n; i++ {
		s += float32(quant.BF16ToF32(binary.LittleEndian.Uint16(row[2*i:])) * x[i])
	}
	return s
}

// dotQ8_0 is ggml_vec_dot_q8_0_q8_0_generic: per block of 32 an exact int32 sum, then
// sumf += float32(isum)·(d_w·d_act) in block order.
func dotQ8_0(row []byte, a *quant.Q80) float32 {
	nb := len(a.D)
	row = row[:nb*quant.BlockBytesQ8_0]
	q := a.Q[:nb*quant.QK8_0]
	var sumf float32
	for b, da := range a.D {
		blk := (*[quant.BlockBytesQ8_0]byte)(row[b*quant.BlockBytesQ8_0:])
		act := (*[quant.QK8_0]int8)(q[b*quant.QK8_0:])
		var isum int32
		for j := range quant.QK8_0 {
			isum += int32(int8(blk[2+j])) * int32(act[j])
		}
		sumf += float32(float32(isum) * (f16(blk[0:2]) * da))
	}
	return sumf
}

// dotQ6_K is Σ w·x over a Q6_K row (Q8_K activations) in the order of dotQ8_0: per block the
// exact int32 isum = Σ_j scale_j·Σ q6·q8 over the 16 sub-blocks, then
// sumf += float32(float32(isum)·(d_w·d_act)) in block order. (ggml's generic kernel keeps 8 f32
// partial sums instead; that order does not vectorize over rows, and the results differ only by
// f32 rounding: ggml's own SIMD kernels differ from its generic one as much.)
func dotQ6_K(row []byte, a *quant.Q8K) float32 {
	nb := len(a.D)
	row = row[:nb*quant.BlockBytesQ6_K]
	q := a.Q[:nb*quant.QK]
	var sumf float32
	for b, da := range a.D {
		blk := (*[quant.BlockBytesQ6_K]byte)(row[b*quant.BlockBytesQ6_K:])
		act := (*[quant.QK]int8)(q[b*quant.QK:])
		var w [quant.QK]int8 // the 6-bit values − 32, in element order
		for h := range 2 {
			ql := (*[64]byte)(blk[64*h:])
			qh := (*[32]byte)(blk[128+32*h:])
			o := (*[128]int8)(w[128*h:])
			for l := range 32 {
				o[l] = int8(ql[l]&0xf|(qh[l]&3)<<4) - 32
				o[l+32] = int8(ql[l+32]&0xf|(qh[l]>>2&3)<<4) - 32
				o[l+64] = int8(ql[l]>>4|(qh[l]>>4&3)<<4) - 32
				o[l+96] = int8(ql[l+32]>>4|(qh[l]>>6)<<4) - 32
			}
		}
		var isum int32
		for j := range 16 {
			var s int32
			for l := range 16 {
				s += int32(act[16*j+l]) * int32(w[16*j+l])
			}
			isum += int32(int8(blk[192+j])) * s
		}
		sumf += float32(float32(isum) * (f16(blk[208:210]) * da))
	}
	return sumf
}

// dotTQ2_0 is ggml_vec_dot_tq2_0_q8_K_generic: per 256-block the exact Σ t·q, computed as
// Σ code·q − Σ q (code = t + 1), then sumf += float32(isum)·(d_act·d_w) in block order.
// A code 3 (never written) counts as t = 2 in both forms.
func dotTQ2_0(row []byte, a *quant.Q8K) float32 {
	nb := len(a.D)
	row = row[:nb*quant.BlockBytesTQ2_0]
	q := a.Q[:nb*quant.QK]
	sums := a.Sum[:nb]
	var sumf float32
	for b, da := range a.D {
		blk := (*[quant.BlockBytesTQ2_0]byte)(row[b*quant.BlockBytesTQ2_0:])
		isum := tq2Block(blk, (*[quant.QK]int8)(q[b*quant.QK:])) - sums[b]
		sumf += float32(float32(isum) * (da * f16(blk[64:66])))
	}
	return sumf
}

// tq2Block returns Σ code·q over one TQ2_0 block: byte qs[32h+m] holds the codes of elements
// 128h + 32n + m in bits 2n..2n+1.
func tq2Block(blk *[quant.BlockBytesTQ2_0]byte, act *[quant.QK]int8) int32 {
	var s int32
	for h := range 2 {
		qs := (*[32]byte)(blk[32*h:])
		a := (*[128]int8)(act[128*h:])
		for m := range 32 {
			c := qs[m]
			s += int32(c&3)*int32(a[m]) + int32(c>>2&3)*int32(a[32+m]) +
				int32(c>>4&3)*int32(a[64+m]) + int32(c>>6)*int32(a[96+m])
		}
	}
	return s
}

// trit returns the top trit c = (v·3) >> 8 of a TQ1_0 byte already multiplied by 3^n (mod 256).
func trit(v uint8) int32 { return int32(uint16(v) * 3 >> 8) }

// dotTQ1_0 is ggml_vec_dot_tq1_0_q8_K_generic: per 256-block the exact Σ t·q (as
// Σ code·q − Σ q), then sumf += float32(isum)·(d_w·d_act) in block order.
func dotTQ1_0(row []byte, a *quant.Q8K) float32 {
	nb := len(a.D)
	row = row[:nb*quant.BlockBytesTQ1_0]
	q := a.Q[:nb*quant.QK]
	sums := a.Sum[:nb]
	var sumf float32
	for b, da := range a.D {
		blk := (*[quant.BlockBytesTQ1_0]byte)(row[b*quant.BlockBytesTQ1_0:])
		isum := tq1Block(blk, (*[quant.QK]int8)(q[b*quant.QK:])) - sums[b]
		sumf += float32(float32(isum) * (f16(blk[52:54]) * da))
	}
	return sumf
}

// tq1Block returns Σ code·q over one TQ1_0 block (layout in spec §5.2).
func tq1Block(blk *[quant.BlockBytesTQ1_0]byte, act *[quant.QK]int8) int32 {
	var s int32
	qs := (*[32]byte)(blk[0:32])
	a := (*[160]int8)(act[0:160])
	for m := range 32 { // elements m + 32n
		v := qs[m]
		s += trit(v)*int32(a[m]) + trit(v*3)*int32(a[32+m]) + trit(v*9)*int32(a[64+m]) +
			trit(v*27)*int32(a[96+m]) + trit(v*81)*int32(a[128+m])
	}
	qs2 := (*[16]byte)(blk[32:48])
	a2 := (*[80]int8)(act[160:240])
	for m := range 16 { // elements 160 + m + 16n
		v := qs2[m]
		s += trit(v)*int32(a2[m]) + trit(v*3)*int32(a2[16+m]) + trit(v*9)*int32(a2[32+m]) +
			trit(v*27)*int32(a2[48+m]) + trit(v*81)*int32(a2[64+m])
	}
	qh := (*[4]byte)(blk[48:52])
	a3 := (*[16]int8)(act[240:256])
	for j := range 4 { // elements 240 + j + 4n
		v := qh[j]
		s += trit(v)*int32(a3[j]) + trit(v*3)*int32(a3[4+j]) + trit(v*9)*int32(a3[8+j]) +
			trit(v*27)*int32(a3[12+j])
	}
	return s
}

// dotI2S is bitnet.cpp's I2_S × int8 product: acc = Σ code·q over the whole row (exact int32),
// then y = ((float)acc − Σq) / s · w_scale in f32, in that order (spec §6.2). Unlike the fork's
// AVX2 kernel, the integer sum never wraps.
func dotI2S(row []byte, a *quant.I8Row, wScale float32) float32 {
	k := len(a.Q)
	row = row[:k/4]
	var acc int32
	for c := 0; c < k/quant.QKI2S; c++ {
		ch := (*[32]byte)(row[32*c:])
		q := (*[quant.QKI2S]int8)(a.Q[quant.QKI2S*c:])
		for j := range 32 {
			b := ch[j]
			acc += int32(b>>6)*int32(q[j]) + int32(b>>4&3)*int32(q[32+j]) +
				int32(b>>2&3)*int32(q[64+j]) + int32(b&3)*int32(q[96+j])
		}
	}
	return (float32(acc) - float32(a.Sum)) / a.Scale * wScale
}
