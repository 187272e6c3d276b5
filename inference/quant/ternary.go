package quant

import (
	"encoding/binary"
	"fmt"
	"math"
)

// QK is the number of elements in one TQ1_0, TQ2_0, Q6_K or Q8_K block.
const QK = 256

// Block sizes in bytes.
const (
	BlockBytesTQ2_0 = 66  // qs[64] + d fp16
	BlockBytesTQ1_0 = 54  // qs[48] + qh[4] + d fp16
	BlockBytesQ6_K  = 210 // ql[128] + qh[64] + scales[16] + d fp16
	BlockBytesQ8_0  = 34  // d fp16 + qs[32]
	QK8_0           = 32  // elements per Q8_0 block
	QKI2S           = 128 // elements per I2_S chunk (32 bytes); rows must be a multiple of it
)

// ternaryBlockScale returns d = max|x| over one block and 1/d (0 when the block is all zero),
// the scale rule of llama.cpp's quantize_row_tq{1,2}_0_ref.
func ternaryBlockScale(x []float32) (d, id float32) {
	var amax float32
	for _, v := range x {
		amax = max(amax, float32(math.Abs(float64(v))))
	}
	if amax != 0 {
		id = 1 / amax
	}
	return amax, id
}

// ternaryCode is lroundf(x·id) + 1 (round half away from zero), as the llama.cpp quantizers
// compute it: 0 for −1, 1 for 0, 2 for +1.
func ternaryCode(x, id float32) uint8 {
	return uint8(int(math.Round(float64(x*id))) + 1)
}

func checkLen(what string, n, block int) {
	if n%block != 0 {
		panic(fmt.Sprintf("quant: %s needs a multiple of %d elements, got %d", what, block, n))
	}
}

// QuantizeTQ2_0 quantizes src (a multiple of 256 elements, rows back to back) to TQ2_0 exactly
// as llama.cpp's quantize_row_tq2_0_ref: per block d = max|x| (stored as fp16), t = lroundf(x/d).
func QuantizeTQ2_0(src []float32) []byte {
	checkLen("TQ2_0", len(src), QK)
	dst := make([]byte, 0, len(src)/QK*BlockBytesTQ2_0)
	for len(src) > 0 {
		x := src[:QK]
		src = src[QK:]
		d, id := ternaryBlockScale(x)
		var blk [BlockBytesTQ2_0]byte
		for j := 0; j < 2; j++ { // two halves of 128 elements → qs[32j .. 32j+31]
			for m := 0; m < 32; m++ {
				var q uint8
				for n := 0; n < 4; n++ {
					q |= (ternaryCode(x[128*j+32*n+m], id) & 3) << (2 * n)
				}
				blk[32*j+m] = q
			}
		}
		binary.LittleEndian.PutUint16(blk[64:], F32ToF16(d))
		dst = append(dst, blk[:]...)
	}
	return dst
}

func dequantizeTQ2_0(src []byte, dst []float32) {
	for len(dst) > 0 {
		blk := (*[BlockBytesTQ2_0]byte)(src)
		y := (*[QK]float32)(dst)
		d := F16ToF32(binary.LittleEndian.Uint16(blk[64:]))
		for j := 0; j < 2; j++ {
			for n := 0; n < 4; n++ {
				for m := 0; m < 32; m++ {
					c := blk[32*j+m] >> (2 * n) & 3
					y[128*j+32*n+m] = float32(int(c)-1) * d
				}
			}
		}
		src = src[BlockBytesTQ2_0:]
		dst = dst[QK:]
	}
}

// pow3 are the multipliers that bring trit n of a TQ1_0 byte to the top (8-bit wrap-around).
var pow3 = [5]uint8{1, 3, 9, 27, 81}

// TQ1Trit decodes trit n (0..4) of a TQ1_0 byte q into its code c ∈ {0,1,2} (t = c − 1):
// c = ((q·3^n mod 256) · 3) >> 8, as llama.cpp's dequantize_row_tq1_0.
func TQ1Trit(q uint8, n int) uint8 {
	qn := q * pow3[n]
	return uint8(uint16(qn) * 3 >> 8)
}

// TQ1Pack encodes five codes c[0..4] ∈ {0,1,2} (c[0] the most significant trit) into one TQ1_0
// byte: ceil(v·256/243) with v = Σ c[n]·3^(4−n). For the qh bytes pass c[4] = 0.
func TQ1Pack(c [5]uint8) uint8 {
	v := uint16(c[0])*81 + uint16(c[1])*27 + uint16(c[2])*9 + uint16(c[3])*3 + uint16(c[4])
	return uint8((v*256 + 242) / 243)
}

// QuantizeTQ1_0 quantizes src (a multiple of 256 elements) to TQ1_0 exactly as llama.cpp's
// quantize_row_tq1_0_ref (same per-block scale and rounding as TQ2_0, base-3 packing).
func QuantizeTQ1_0(src []float32) []byte {
	checkLen("TQ1_0", len(src), QK)
	dst := make([]byte, 0, len(src)/QK*BlockBytesTQ1_0)
	for len(src) > 0 {
		x := src[:QK]
		src = src[QK:]
		d, id := ternaryBlockScale(x)
		var blk [BlockBytesTQ1_0]byte
		for m := 0; m < 32; m++ { // qs[0..31]: elements m + 32n
			var c [5]uint8
			for n := range 5 {
				c[n] = ternaryCode(x[m+32*n], id)
			}
			blk[m] = TQ1Pack(c)
		}
		for m := 0; m < 16; m++ { // qs[32..47]: elements 160 + m + 16n
			var c [5]uint8
			for n := range 5 {
				c[n] = ternaryCode(x[160+m+16*n], id)
			}
			blk[32+m] = TQ1Pack(c)
		}
		for j := 0; j < 4; j++ { // qh[0..3]: elements 240 + j + 4n, fifth trit 0
			var c [5]uint8
			for n := range 4 {
				c[n] = ternaryCode(x[240+j+4*n], id)
			}
			blk[48+j] = TQ1Pack(c)
		}
		binary.LittleEndian.PutUint16(blk[52:], F32ToF16(d))
		dst = append(dst, blk[:]...)
	}
	return dst
}

// tq1Codes lists, for one TQ1_0 block, the byte index and trit number of each of the 256
// elements in element order. Built once from the layout rules of spec §5.2.
var tq1Codes = func() (t [QK]struct{ b, n uint8 }) {
	for m := 0; m < 32; m++ {
		for n := 0; n < 5; n++ {
			t[m+32*n].b, t[m+32*n].n = uint8(m), uint8(n)
		}
	}
	for m := 0; m < 16; m++ {
		for n := 0; n < 5; n++ {
			t[160+m+16*n].b, t[160+m+16*n].n = uint8(32+m), uint8(n)
		}
	}
	for j := 0; j < 4; j++ {
		for n := 0; n < 4; n++ {
			t[240+j+4*n].b, t[240+j+4*n].n = uint8(48+j), uint8(n)
		}
	}
	return t
}()

func dequantizeTQ1_0(src []byte, dst []float32) {
	for len(dst) > 0 {
		blk := (*[BlockBytesTQ1_0]byte)(src)
		y := (*[QK]float32)(dst)
		d := F16ToF32(binary.LittleEndian.Uint16(blk[52:]))
		for e, c := range &tq1Codes {
			y[e] = float32(int(TQ1Trit(blk[c.b], int(c.n)))-1) * d
		}
		src = src[BlockBytesTQ1_0:]
		dst = dst[QK:]
	}
}

// QuantizeI2S quantizes a whole tensor (rows back to back, a multiple of 128 elements) to
// bitnet.cpp's I2_S: n/4 bytes of 2-bit codes, the f32 scale s = max|w| over the tensor, and
// zero padding up to n/4 + 32 bytes. As the fork's quantize_i2_s, |w| < 1e-6 (in float64) gives
// t = 0 and any other w its sign; w is not divided by s.
func QuantizeI2S(src []float32) []byte {
	checkLen("I2_S", len(src), QKI2S)
	n := len(src)
	var amax float64
	for _, v := range src {
		amax = math.Max(amax, math.Abs(float64(v)))
	}
	out := make([]byte, n/4+32)
	for i, v := range src {
		var c uint8 = 1
		if math.Abs(float64(v)) >= 1e-6 {
			if float64(v)*amax > 0 {
				c = 2
			} else {
				c = 0
			}
		}
		chunk, j := i/QKI2S, i%QKI2S
		out[chunk*32+j%32] |= c << (6 - 2*(j/32))
	}
	binary.LittleEndian.PutUint32(out[n/4:], math.Float32bits(float32(amax)))
	return out
}

// I2SScale returns the per-tensor scale of an I2_S tensor of n elements: the f32 at byte n/4.
func I2SScale(tensorData []byte, n int) float32 {
	if n%QKI2S != 0 || len(tensorData) < n/4+4 {
		panic(fmt.Sprintf("quant: I2_S tensor of %d elements needs %d bytes, got %d", n, n/4+32, len(tensorData)))
	}
	return math.Float32frombits(binary.LittleEndian.Uint32(tensorData[n/4:]))
}

// DequantizeI2S decodes len(dst) elements (a multiple of 128) of I2_S codes from src
// (len(dst)/4 bytes, e.g. one row of the tensor) as (code − 1)·scale.
func DequantizeI2S(src []byte, dst []float32, scale float32) {
	checkLen("I2_S", len(dst), QKI2S)
	if len(src) < len(dst)/4 {
		panic(fmt.Sprintf("quant: I2_S: %d elements need %d bytes, got %d", len(dst), len(dst)/4, len(src)))
	}
	for len(dst) > 0 {
		ch := (*[32]byte)(src)
		y := (*[QKI2S]float32)(dst)
		for j := 0; j < 32; j++ {
			b := ch[j]
			y[j] = float32(int(b>>6)-1) * scale
			y[32+j] = float32(int(b>>4&3)-1) * scale
			y[64+j] = float32(int(b>>2&3)-1) * scale
			y[96+j] = float32(int(b&3)-1) * scale
		}
		src = src[32:]
		dst = dst[QKI2S:]
	}
}
