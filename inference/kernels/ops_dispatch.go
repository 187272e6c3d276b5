package kernels

import "math"

// Dispatched element-wise kernels. Each function below is the canonical definition: the
// portable row runs its Go loops, the assembly rows (ops_amd64.s, ops_arm64.s) process the
// largest multiple of 16 elements (the Tier fields sumSq, scale, …) with the same operations in
// the same order, and the Go loops finish the remaining elements. Element-wise results do not
// depend on the order; the float64 sums follow sumLanes64.

// sumLanes64 is the canonical float64 sum of RMSNorm and Softmax: 16 lanes, lane l adding
// float64(v[i]) (squared: float64(float32(v[i]·v[i]))) for i ≡ l (mod 16) below len(v)&^15 in
// index order, reduced as (l, l+8), (l, l+4), (l, l+2), (l, l+1); the caller then adds the
// remaining elements in order.
func sumLanes64(v []float32, square bool) float64 {
	var acc [16]float64
	for i := 0; i+16 <= len(v); i += 16 {
		g := (*[16]float32)(v[i:])
		if square {
			for l, e := range g {
				acc[l] += float64(e * e)
			}
		} else {
			for l, e := range g {
				acc[l] += float64(e)
			}
		}
	}
	for w := 8; w >= 1; w /= 2 {
		for l := range w {
			acc[l] += acc[l+w]
		}
	}
	return acc[0]
}

// sumSquares is Σ float64(float32(x[i]·x[i])) in the canonical order.
func sumSquares(x []float32) float64 {
	n := len(x) &^ 15
	var s float64
	if f := active.sumSq; f != nil && n > 0 {
		s = f(noescape(&x[0]), n)
	} else {
		s = sumLanes64(x[:n], true)
	}
	for _, v := range x[n:] {
		s += float64(v * v)
	}
	return s
}

// scaleTo sets dst[i] = x[i]·s (len(dst) == len(x)).
func scaleTo(dst, x []float32, s float32) {
	x = x[:len(dst)]
	n := 0
	if f := active.scale; f != nil && len(dst) >= 16 {
		n = len(dst) &^ 15
		f(noescape(&dst[0]), noescape(&x[0]), n, s)
	}
	for i := n; i < len(dst); i++ {
		dst[i] = x[i] * s
	}
}

// scaleMulTo sets dst[i] = float32(x[i]·s)·w[i] (all of one length).
func scaleMulTo(dst, x, w []float32, s float32) {
	x, w = x[:len(dst)], w[:len(dst)]
	n := 0
	if f := active.scaleMul; f != nil && len(dst) >= 16 {
		n = len(dst) &^ 15
		f(noescape(&dst[0]), noescape(&x[0]), noescape(&w[0]), n, s)
	}
	for i := n; i < len(dst); i++ {
		dst[i] = float32(x[i]*s) * w[i]
	}
}

// mulTo sets dst[i] *= x[i].
func mulTo(dst, x []float32) {
	x = x[:len(dst)]
	n := 0
	if f := active.mul; f != nil && len(dst) >= 16 {
		n = len(dst) &^ 15
		f(noescape(&dst[0]), noescape(&x[0]), n)
	}
	for i := n; i < len(dst); i++ {
		dst[i] *= x[i]
	}
}

// addTo sets dst[i] += x[i].
func addTo(dst, x []float32) {
	x = x[:len(dst)]
	n := 0
	if f := active.add; f != nil && len(dst) >= 16 {
		n = len(dst) &^ 15
		f(noescape(&dst[0]), noescape(&x[0]), n)
	}
	for i := n; i < len(dst); i++ {
		dst[i] += x[i]
	}
}

// relu2To sets x[i] = x[i]² for x[i] > 0, else +0 (NaN gives 0, as max(x, 0) with x first).
func relu2To(x []float32) {
	n := 0
	if f := active.relu2; f != nil && len(x) >= 16 {
		n = len(x) &^ 15
		f(noescape(&x[0]), n)
	}
	for i := n; i < len(x); i++ {
		if v := x[i]; v > 0 {
			x[i] = v * v
		} else {
			x[i] = 0
		}
	}
}

// siluTo sets x[i] = x[i] / (1 + expf(−x[i])).
func siluTo(x []float32) {
	n := 0
	if f := active.silu; f != nil && len(x) >= 16 {
		n = len(x) &^ 15
		f(noescape(&x[0]), n)
	}
	for i := n; i < len(x); i++ {
		v := x[i]
		x[i] = v / (1 + expf(-v))
	}
}

// maxF32 is the largest element of x (len ≥ 1; without NaN the order does not matter).
func maxF32(x []float32) float32 {
	m := float32(math.Inf(-1))
	n := 0
	if f := active.maxF32; f != nil && len(x) >= 16 {
		n = len(x) &^ 15
		m = f(noescape(&x[0]), n)
	}
	for _, v := range x[n:] {
		m = max(m, v)
	}
	return m
}

// expSum sets x[i] = expf(x[i] − m) and returns Σ float64(x[i]) in the canonical order.
func expSum(x []float32, m float32) float64 {
	n := len(x) &^ 15
	var s float64
	if f := active.expSum; f != nil && n > 0 {
		s = f(noescape(&x[0]), n, m)
	} else {
		for i := range x[:n] {
			x[i] = expf(x[i] - m)
		}
		s = sumLanes64(x[:n], false)
	}
	for i := n; i < len(x); i++ {
		e := expf(x[i] - m)
		x[i] = e
		s += float64(e)
	}
	return s
}

// ropeTable applies the NEOX rotation (cs, sn of length headDim/2) to every head of x; shapes
// are checked by RoPENeoxTable.
func ropeTable(x []float32, nHeads, headDim int, cs, sn []float32) {
	half := headDim / 2
	cs, sn = cs[:half], sn[:half]
	n := 0
	if f := active.rope; f != nil && half >= 16 && nHeads > 0 {
		n = half &^ 15
		f(noescape(&x[0]), nHeads, headDim, n, noescape(&cs[0]), noescape(&sn[0]))
	}
	for h := 0; h < nHeads; h++ {
		v := x[h*headDim : (h+1)*headDim]
		lo, hi := v[:half], v[half:]
		for i := n; i < half; i++ {
			x0, x1 := lo[i], hi[i]
			lo[i] = float32(x0*cs[i]) - float32(x1*sn[i])
			hi[i] = float32(x0*sn[i]) + float32(x1*cs[i])
		}
	}
}
