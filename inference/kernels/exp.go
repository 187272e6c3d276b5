package kernels

import "math"

// expf is the canonical f32 exponential of Softmax and SiLU, computed identically by the
// portable Go and every assembly tier (ops_*.s), within 2 ulp of the correctly rounded exp
// (TestExpfAccuracy). Every step is an unfused f32 operation in this order:
//
//	x = min(max(x, −104), 89)          below −104 exp rounds to 0, above 89 it overflows; NaN stays
//	n = round_half_even(x·log2e)       by adding and subtracting 1.5·2²³
//	r = (x − n·c1) − n·c2              c1 = 0.693359375 (n·c1 exact), c1 + c2 ≈ ln 2 (Cody–Waite)
//	p = Cephes' expf polynomial in r (Horner), y = (p·r² + r) + 1
//	y = (y·2^(n>>1))·2^(n−n>>1)         two normal scale factors, so that a subnormal result is
//	                                   rounded once, and 0 below 2^−150
//
// −Inf gives 0, +Inf gives +Inf, NaN gives NaN.
func expf(x float32) float32 {
	if x < expLo {
		x = expLo
	}
	if x > expHi {
		x = expHi
	}
	nf := float32(float32(x*expLog2e)+expMagic) - expMagic
	r := x - float32(nf*expC1)
	r -= float32(nf * expC2)
	r2 := float32(r * r)
	p := float32(expP0*r) + expP1
	p = float32(p*r) + expP2
	p = float32(p*r) + expP3
	p = float32(p*r) + expP4
	p = float32(p*r) + expP5
	y := float32(float32(p*r2)+r) + 1
	n := int32(nf)
	n1 := n >> 1
	y = float32(y * math.Float32frombits(uint32(n1+127)<<23))
	return y * math.Float32frombits(uint32(n-n1+127)<<23)
}

// The constants of expf (the assembly holds the same bits).
const (
	expLo    float32 = -104
	expHi    float32 = 89
	expLog2e float32 = 1.44269504088896341
	expMagic float32 = 12582912 // 1.5·2²³
	expC1    float32 = 0.693359375
	expC2    float32 = -2.12194440e-4
	expP0    float32 = 1.9875691500e-4
	expP1    float32 = 1.3981999507e-3
	expP2    float32 = 8.3334519073e-3
	expP3    float32 = 4.1665795894e-2
	expP4    float32 = 1.6666665459e-1
	expP5    float32 = 5.0000001201e-1
)
