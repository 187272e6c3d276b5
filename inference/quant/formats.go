package quant

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/aria-node/aria/inference/gguf"
)

// DequantizeRow decodes one row (or several rows back to back) of type t from src into dst.
// len(dst) is the number of elements: it must be a multiple of t's block size and src must hold
// exactly the bytes of that many elements. Supported: F32, F16, BF16, Q8_0, Q6_K, TQ1_0, TQ2_0.
// I2_S has one scale per tensor: use DequantizeI2S with I2SScale.
func DequantizeRow(t gguf.Type, src []byte, dst []float32) error {
	if t == gguf.TypeI2_S {
		return fmt.Errorf("dequantize I2_S: the scale is per tensor, use DequantizeI2S")
	}
	want, err := t.RowSize(len(dst))
	if err != nil {
		return fmt.Errorf("dequantize %s: %w", t, err)
	}
	if len(src) != want {
		return fmt.Errorf("dequantize %s: %d elements need %d bytes, got %d", t, len(dst), want, len(src))
	}
	switch t {
	case gguf.TypeF32:
		for i := range dst {
			dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(src[4*i:]))
		}
	case gguf.TypeF16:
		for i := range dst {
			dst[i] = F16ToF32(binary.LittleEndian.Uint16(src[2*i:]))
		}
	case gguf.TypeBF16:
		for i := range dst {
			dst[i] = BF16ToF32(binary.LittleEndian.Uint16(src[2*i:]))
		}
	case gguf.TypeQ8_0:
		dequantizeQ8_0(src, dst)
	case gguf.TypeQ6_K:
		dequantizeQ6_K(src, dst)
	case gguf.TypeTQ1_0:
		dequantizeTQ1_0(src, dst)
	case gguf.TypeTQ2_0:
		dequantizeTQ2_0(src, dst)
	default:
		return fmt.Errorf("dequantize %s: type not supported", t)
	}
	return nil
}

// Quantize encodes src (rows back to back) as type t with the reference quantizer of that type
// (see the Quantize* functions). For I2_S, src is the whole tensor and the result includes the
// scale and padding.
func Quantize(t gguf.Type, src []float32) ([]byte, error) {
	if bs := t.BlockSize(); t.Known() && len(src)%bs != 0 {
		return nil, fmt.Errorf("quantize %s: %d elements is not a multiple of %d", t, len(src), bs)
	}
	switch t {
	case gguf.TypeF32:
		return QuantizeF32(src), nil
	case gguf.TypeF16:
		return QuantizeF16(src), nil
	case gguf.TypeBF16:
		return QuantizeBF16(src), nil
	case gguf.TypeQ8_0:
		return QuantizeQ8_0(src), nil
	case gguf.TypeQ6_K:
		return QuantizeQ6_K(src), nil
	case gguf.TypeTQ1_0:
		return QuantizeTQ1_0(src), nil
	case gguf.TypeTQ2_0:
		return QuantizeTQ2_0(src), nil
	case gguf.TypeI2_S:
		return QuantizeI2S(src), nil
	}
	return nil, fmt.Errorf("quantize %s: type not supported", t)
}

// QuantizeF32 returns the little-endian bytes of src.
func QuantizeF32(src []float32) []byte {
	out := make([]byte, 4*len(src))
	for i, v := range src {
		binary.LittleEndian.PutUint32(out[4*i:], math.Float32bits(v))
	}
	return out
}

// QuantizeF16 returns src rounded to fp16 (round-to-nearest-even), little-endian.
func QuantizeF16(src []float32) []byte {
	out := make([]byte, 2*len(src))
	for i, v := range src {
		binary.LittleEndian.PutUint16(out[2*i:], F32ToF16(v))
	}
	return out
}

// QuantizeBF16 returns src rounded to bf16 (round-to-nearest-even), little-endian.
func QuantizeBF16(src []float32) []byte {
	out := make([]byte, 2*len(src))
	for i, v := range src {
		binary.LittleEndian.PutUint16(out[2*i:], F32ToBF16(v))
	}
	return out
}

// QuantizeQ8_0 quantizes src (a multiple of 32 elements) to Q8_0 as ggml's quantize_row_q8_0_ref:
// d = max|x|/127 stored as fp16, q = roundf(x·(1/d)) with the unrounded f32 d (half away from zero).
func QuantizeQ8_0(src []float32) []byte {
	checkLen("Q8_0", len(src), QK8_0)
	out := make([]byte, len(src)/QK8_0*BlockBytesQ8_0)
	var qs [QK8_0]int8
	for b := 0; b < len(src)/QK8_0; b++ {
		d := q8_0Block(src[b*QK8_0:(b+1)*QK8_0], &qs)
		blk := out[b*BlockBytesQ8_0 : (b+1)*BlockBytesQ8_0]
		binary.LittleEndian.PutUint16(blk, d)
		for j, q := range qs {
			blk[2+j] = byte(q)
		}
	}
	return out
}

// q8_0Block is the body of ggml's quantize_row_q8_0_ref for one block of 32; it returns the
// fp16 bits of d.
func q8_0Block(x []float32, qs *[QK8_0]int8) uint16 {
	x = x[:QK8_0]
	var amax float32
	for _, v := range x {
		amax = max(amax, float32(math.Abs(float64(v))))
	}
	d := amax / 127
	var id float32
	if d != 0 {
		id = 1 / d
	}
	for j, v := range x {
		qs[j] = int8(math.Round(float64(v * id)))
	}
	return F32ToF16(d)
}

func dequantizeQ8_0(src []byte, dst []float32) {
	for len(dst) > 0 {
		blk := (*[BlockBytesQ8_0]byte)(src)
		y := (*[QK8_0]float32)(dst)
		d := F16ToF32(binary.LittleEndian.Uint16(blk[:]))
		for j := range y {
			y[j] = float32(int8(blk[2+j])) * d
		}
		src = src[BlockBytesQ8_0:]
		dst = dst[QK8_0:]
	}
}

// nearestInt is ggml's nearest_int: round-half-even of v via the 1.5·2^23 trick, valid for
// |v| ≤ 4194303 (outside that range the result is meaningless, as in ggml).
//
// The explicit float32(v) matters: callers pass a product (iscale·x), and once inlined Go may
// fuse that product with the addition into an FMA (arm64, GOAMD64=v3), which skips the rounding
// of the product and changes q. The conversion forces the rounding on every architecture.
func nearestInt(v float32) int32 {
	return int32(math.Float32bits(float32(v)+12582912)&0x7fffff) - 0x400000
}

// groupMaxEps is ggml's GROUP_MAX_EPS.
const groupMaxEps = 1e-15

// makeQxQuants ports ggml's make_qx_quants for rmse_type 1 and no importance weights: the scale
// search used by the Q6_K reference quantizer. L receives l + nmax ∈ [0, 2·nmax).
func makeQxQuants(x []float32, nmax int32, L []int8) float32 {
	n := len(x)
	var maxv, amax float32
	for _, v := range x {
		if ax := float32(math.Abs(float64(v))); ax > amax {
			amax, maxv = ax, v
		}
	}
	if amax < groupMaxEps {
		for i := range L[:n] {
			L[i] = 0
		}
		return 0
	}
	clamp := func(l int32) int32 { return max(-nmax, min(nmax-1, l)) }
	iscale := -float32(nmax) / maxv
	var sumlx, suml2 float32
	for i, v := range x {
		l := clamp(nearestInt(iscale * v))
		L[i] = int8(l + nmax)
		w := v * v
		sumlx += float32(float32(w*v) * float32(l))
		suml2 += float32(float32(w*float32(l)) * float32(l))
	}
	var scale float32
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	best := scale * sumlx
	for is := -9; is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(float32(nmax) + 0.1*float32(is)) / maxv
		sumlx, suml2 = 0, 0
		for _, v := range x {
			l := clamp(nearestInt(iscale * v))
			w := v * v
			sumlx += float32(float32(w*v) * float32(l))
			suml2 += float32(float32(w*float32(l)) * float32(l))
		}
		if suml2 > 0 && float32(sumlx*sumlx) > float32(best*suml2) {
			for i, v := range x {
				L[i] = int8(clamp(nearestInt(iscale*v)) + nmax)
			}
			scale = sumlx / suml2
			best = scale * sumlx
		}
	}
	return scale
}

// QuantizeQ6_K quantizes src (a multiple of 256 elements) to Q6_K with a port of ggml's
// quantize_row_q6_K_ref (16 sub-blocks of 16 with an int8 scale each, an fp16 super-scale,
// 6-bit values). Float rounding may differ from a C build in the last bit (no FMA here), so the
// bytes are not guaranteed to equal ggml's; the dequantized values are as close.
func QuantizeQ6_K(src []float32) []byte {
	checkLen("Q6_K", len(src), QK)
	out := make([]byte, len(src)/QK*BlockBytesQ6_K)
	var L [QK]int8
	var scales [QK / 16]float32
	for b := 0; b < len(src)/QK; b++ {
		x := src[b*QK : (b+1)*QK]
		blk := (*[BlockBytesQ6_K]byte)(out[b*BlockBytesQ6_K:])
		var maxScale, maxAbsScale float32
		for ib := 0; ib < QK/16; ib++ {
			s := makeQxQuants(x[16*ib:16*ib+16], 32, L[16*ib:16*ib+16])
			scales[ib] = s
			if as := float32(math.Abs(float64(s))); as > maxAbsScale {
				maxAbsScale, maxScale = as, s
			}
		}
		if maxAbsScale < groupMaxEps {
			continue // all zero: the block stays zero (d = 0)
		}
		iscale := -128 / maxScale
		binary.LittleEndian.PutUint16(blk[208:], F32ToF16(1/iscale))
		sc := blk[192:208]
		for ib := range scales {
			sc[ib] = byte(int8(min(127, nearestInt(iscale*scales[ib]))))
		}
		dsup := F16ToF32(binary.LittleEndian.Uint16(blk[208:]))
		for j := 0; j < QK/16; j++ {
			d := dsup * float32(int8(sc[j]))
			if d == 0 {
				continue
			}
			for ii := 0; ii < 16; ii++ {
				l := nearestInt(x[16*j+ii] / d)
				L[16*j+ii] = int8(max(-32, min(31, l)) + 32)
			}
		}
		ql, qh := blk[0:128], blk[128:192]
		for j := 0; j < QK; j += 128 {
			for l := 0; l < 32; l++ {
				q1 := uint8(L[j+l]) & 0xf
				q2 := uint8(L[j+l+32]) & 0xf
				q3 := uint8(L[j+l+64]) & 0xf
				q4 := uint8(L[j+l+96]) & 0xf
				ql[l] = q1 | q3<<4
				ql[l+32] = q2 | q4<<4
				qh[l] = uint8(L[j+l])>>4 | uint8(L[j+l+32])>>4<<2 | uint8(L[j+l+64])>>4<<4 | uint8(L[j+l+96])>>4<<6
			}
			ql = ql[64:]
			qh = qh[32:]
		}
	}
	return out
}

// q6kValue returns the 6-bit value (−32..31) of element e (0..255) of a Q6_K block and the
// index of its sub-block scale.
func q6kValue(blk *[BlockBytesQ6_K]byte, e int) (q int8, sub int) {
	half, r := e/128, e%128
	n, l := r/32, r%32
	qlb := blk[64*half+l+32*(n&1)]
	var lo uint8
	if n < 2 {
		lo = qlb & 0xf
	} else {
		lo = qlb >> 4
	}
	hi := blk[128+32*half+l] >> (2 * n) & 3
	return int8(lo|hi<<4) - 32, 8*half + l/16 + 2*n
}

func dequantizeQ6_K(src []byte, dst []float32) {
	for len(dst) > 0 {
		blk := (*[BlockBytesQ6_K]byte)(src)
		y := (*[QK]float32)(dst)
		d := F16ToF32(binary.LittleEndian.Uint16(blk[208:]))
		for e := range y {
			q, sub := q6kValue(blk, e)
			y[e] = float32(d*float32(int8(blk[192+sub]))) * float32(q)
		}
		src = src[BlockBytesQ6_K:]
		dst = dst[QK:]
	}
}
