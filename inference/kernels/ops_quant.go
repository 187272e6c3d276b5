package kernels

import (
	"math"

	"github.com/aria-node/aria/inference/quant"
)

// The per-token activation quantizers before every ternary matrix product, dispatched to the
// row in use (absMax, quant, t2Sums). The quant package holds the references (QuantizeQ8K, QuantizeI8); the
// assembly tiers compute the same integers and scales: the block max |x| is exact in any order,
// the rounding is nearestInt's 1.5·2²³ addition (round half to even, for any input), and the
// narrowing to int8 takes the low byte as the reference's int8(q) does.
// I2_S results equal the reference for inputs without NaN (where max's NaN rules differ).

// quantizeQ8K is quant.QuantizeQ8K.
func quantizeQ8K(x []float32, dst *quant.Q8K) {
	k := active
	if k.absMax == nil || len(x)%quant.QK != 0 {
		quant.QuantizeQ8K(x, dst) // also its length check
		return
	}
	nb := len(x) / quant.QK
	dst.Q = growInt8(dst.Q, len(x))
	dst.D = grow(dst.D, nb)
	dst.Sum = growInt32(dst.Sum, nb)
	for b := range nb {
		xb := x[b*quant.QK : (b+1)*quant.QK]
		qb := dst.Q[b*quant.QK : (b+1)*quant.QK]
		amax, first := k.absMax(noescape(&xb[0]), quant.QK)
		if amax == 0 { // all zero (or NaN, which the reference's max skips too)
			clear(qb)
			dst.D[b], dst.Sum[b] = 0, 0
			continue
		}
		iscale := -127 / xb[first]
		dst.Sum[b] = k.quant(noescape(&xb[0]), noescape(&qb[0]), quant.QK, iscale, math.MinInt32, 127)
		dst.D[b] = 1 / iscale
	}
}

// quantizeI8 is quant.QuantizeI8.
func quantizeI8(x []float32, dst *quant.I8Row) {
	k := active
	if k.absMax == nil || len(x) < 16 {
		quant.QuantizeI8(x, dst)
		return
	}
	dst.Q = growInt8(dst.Q, len(x))
	n := len(x) &^ 15
	m32, _ := k.absMax(noescape(&x[0]), n)
	for _, v := range x[n:] {
		m32 = max(m32, math.Float32frombits(math.Float32bits(v)&0x7fffffff))
	}
	s := float32(127 / max(1e-5, float64(m32)))
	sum := k.quant(noescape(&x[0]), noescape(&dst.Q[0]), n, s, -128, 127)
	for i := n; i < len(x); i++ {
		r := max(-128, min(127, nearestInt(x[i]*s)))
		dst.Q[i] = int8(r)
		sum += r
	}
	dst.Scale, dst.Sum = s, sum
}

// nearestInt is quant's rounding: v rounded half to even through the f32 addition of 1.5·2²³
// (exact for |v| < 2²²; other inputs give the same bits as the reference and the assembly).
func nearestInt(v float32) int32 {
	return int32(math.Float32bits(v+12582912)&0x7fffff) - 0x400000
}

// t2Sums sets c[16g + l] = −Σ of the 16 int8 of group g of p that lane l multiplies (t2Act).
func t2Sums(p []int8, c []int32, groups int) {
	if f := active.t2Sums; f != nil && groups > 0 {
		f(noescape(&p[0]), groups, noescape(&c[0]))
		return
	}
	for g := 0; g < groups; g++ {
		pg := (*[256]int8)(p[g*256:])
		cg := (*[16]int32)(c[g*16:])
		for l := range 16 {
			var s int32
			for n := 0; n < 4; n++ {
				for k := 0; k < 4; k++ {
					s += int32(pg[64*n+4*l+k])
				}
			}
			cg[l] = -s
		}
	}
}
