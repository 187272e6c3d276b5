package quant

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestNearestInt(t *testing.T) {
	for _, c := range []struct {
		in   float32
		want int32
	}{{0.5, 0}, {1.5, 2}, {2.5, 2}, {-0.5, 0}, {-1.5, -2}, {-2.5, -2}, {126.5, 126}, {127.49, 127}, {-127, -127}, {0.49999997, 0}, {4194303, 4194303}} {
		if got := nearestInt(c.in); got != c.want {
			t.Errorf("nearestInt(%v) = %d, want %d", c.in, got, c.want)
		}
	}
}

func block(vals map[int]float32) []float32 {
	x := make([]float32, QK)
	for i, v := range vals {
		x[i] = v
	}
	return x
}

func TestQuantizeQ8K(t *testing.T) {
	cases := []struct {
		name  string
		x     []float32
		wantD float32
		wantQ map[int]int8
	}{
		{"zero block", block(nil), 0, map[int]int8{0: 0, 255: 0}},
		{"negative max: iscale = 1, half-even rounding", block(map[int]float32{3: -127, 4: 2.5, 5: 3.5, 6: -2.5, 7: 0.5, 8: 126.5}),
			1, map[int]int8{3: -127, 4: 2, 5: 4, 6: -2, 7: 0, 8: 126}},
		{"positive max: q flips sign, d negative", block(map[int]float32{0: 127, 1: 2.5, 2: -1}),
			-1, map[int]int8{0: -127, 1: -2, 2: 1}},
		{"first signed max on ties (positive first)", block(map[int]float32{10: 4, 20: -4}),
			-4.0 / 127, map[int]int8{10: -127, 20: 127}},
		{"first signed max on ties (negative first)", block(map[int]float32{10: -4, 20: 4}),
			4.0 / 127, map[int]int8{10: -127, 20: 127}},
	}
	for _, c := range cases {
		var q Q8K
		QuantizeQ8K(c.x, &q)
		if len(q.Q) != QK || len(q.D) != 1 || len(q.Sum) != 1 {
			t.Fatalf("%s: sizes %d %d %d", c.name, len(q.Q), len(q.D), len(q.Sum))
		}
		if q.D[0] != c.wantD {
			// d = 1/iscale in f32: compare with the exact f32 formula
			if mx := c.x[argFirstAbsMax(c.x)]; q.D[0] != 1/(-127/mx) {
				t.Errorf("%s: d = %g, want %g", c.name, q.D[0], c.wantD)
			}
		}
		for i, w := range c.wantQ {
			if q.Q[i] != w {
				t.Errorf("%s: q[%d] = %d, want %d", c.name, i, q.Q[i], w)
			}
		}
		var sum int32
		for _, v := range q.Q {
			sum += int32(v)
		}
		if sum != q.Sum[0] {
			t.Errorf("%s: Sum %d, want %d", c.name, q.Sum[0], sum)
		}
	}
}

func argFirstAbsMax(x []float32) int {
	best, amax := 0, float32(0)
	for i, v := range x {
		if a := float32(math.Abs(float64(v))); a > amax {
			best, amax = i, a
		}
	}
	return best
}

// TestQuantizeQ8KRandom checks the rules on random blocks: |q| ≤ 127, q·d within half a step
// of x, and the block's signed max maps to exactly −127.
func TestQuantizeQ8KRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, QK*20)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * math.Pow(10, float64(i/QK%7-3)))
	}
	var q Q8K
	QuantizeQ8K(x, &q)
	for b := 0; b < 20; b++ {
		xb := x[b*QK : (b+1)*QK]
		m := argFirstAbsMax(xb)
		if q.Q[b*QK+m] != -127 {
			t.Errorf("block %d: max element quantized to %d", b, q.Q[b*QK+m])
		}
		d := float64(q.D[b])
		for j, v := range xb {
			if err := math.Abs(float64(q.Q[b*QK+j])*d - float64(v)); err > 0.5001*math.Abs(d) {
				t.Fatalf("block %d elem %d: %g vs %d·%g", b, j, v, q.Q[b*QK+j], d)
			}
		}
	}
	// steady state: no allocation
	if n := testing.AllocsPerRun(10, func() { QuantizeQ8K(x, &q) }); n != 0 {
		t.Errorf("QuantizeQ8K allocates %v times per call", n)
	}
}

func TestQuantizeI8(t *testing.T) {
	t.Run("scale and rounding", func(t *testing.T) {
		x := []float32{127, 2.5, -3.5, 0.5, -127, 1.5}
		var r I8Row
		QuantizeI8(x, &r)
		if r.Scale != 1 {
			t.Fatalf("scale %g", r.Scale)
		}
		want := []int8{127, 2, -4, 0, -127, 2}
		var sum int32
		for i := range want {
			if r.Q[i] != want[i] {
				t.Errorf("q[%d] = %d, want %d", i, r.Q[i], want[i])
			}
			sum += int32(want[i])
		}
		if r.Sum != sum {
			t.Errorf("sum %d, want %d", r.Sum, sum)
		}
	})
	t.Run("floor 1e-5", func(t *testing.T) {
		x := []float32{0, 1e-6, -1e-6}
		var r I8Row
		QuantizeI8(x, &r)
		if r.Scale != float32(127/1e-5) {
			t.Errorf("scale %g", r.Scale)
		}
		if r.Q[1] != 13 || r.Q[2] != -13 { // 1e-6 · 1.27e7 = 12.7
			t.Errorf("q = %v", r.Q)
		}
	})
	t.Run("max in float64", func(t *testing.T) {
		x := []float32{0.3, -0.7, 0.1}
		var r I8Row
		QuantizeI8(x, &r)
		if want := float32(127 / float64(float32(0.7))); r.Scale != want {
			t.Errorf("scale %g, want %g", r.Scale, want)
		}
		if r.Q[1] != -127 {
			t.Errorf("q = %v", r.Q)
		}
	})
	t.Run("reuse", func(t *testing.T) {
		x := make([]float32, 2560)
		for i := range x {
			x[i] = float32(i%17) - 8
		}
		var r I8Row
		QuantizeI8(x, &r)
		if n := testing.AllocsPerRun(10, func() { QuantizeI8(x, &r) }); n != 0 {
			t.Errorf("QuantizeI8 allocates %v times per call", n)
		}
		for _, v := range r.Q {
			if v < -127 {
				t.Fatalf("q %d", v)
			}
		}
	})
}

func TestQuantizeQ80(t *testing.T) {
	x := make([]float32, 64)
	for i := range x {
		x[i] = float32(i) - 20.5
	}
	var a Q80
	QuantizeQ80(x, &a)
	w := QuantizeQ8_0(x) // the same quantizer writes the weight bytes
	for b := 0; b < 2; b++ {
		if a.D[b] != F16ToF32(uint16(w[34*b])|uint16(w[34*b+1])<<8) {
			t.Errorf("block %d: d %g", b, a.D[b])
		}
		for j := 0; j < 32; j++ {
			if a.Q[32*b+j] != int8(w[34*b+2+j]) {
				t.Errorf("block %d: q[%d] %d vs %d", b, j, a.Q[32*b+j], int8(w[34*b+2+j]))
			}
		}
	}
	// roundf: half away from zero (x·id = ±0.5 exactly when amax = 127)
	y := make([]float32, 32)
	y[0], y[1], y[2] = 127, 0.5, -0.5
	QuantizeQ80(y, &a)
	if a.Q[1] != 1 || a.Q[2] != -1 {
		t.Errorf("roundf: %d %d", a.Q[1], a.Q[2])
	}
}

// TestActivationRoundingUnfused checks q = round_half_even(float32(x·s)): the product is rounded
// to f32 before rounding to an integer. Built with FMA fusion allowed (arm64, GOAMD64=v3), a
// fused x·s + 1.5·2^23 would break this.
func TestActivationRoundingUnfused(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	// Values k/4096 make products land close to .5 often, where fused and unfused rounding differ.
	x := make([]float32, QK*64)
	for i := range x {
		x[i] = float32(int(rng.Uint32()%20001)-10000) / 4096 * float32(1+i/QK%5)
	}
	var r I8Row
	QuantizeI8(x, &r)
	var k Q8K
	QuantizeQ8K(x, &k)
	for i, v := range x {
		p := float32(v * r.Scale)
		if want := int8(max(-128, min(127, math.RoundToEven(float64(p))))); r.Q[i] != want {
			t.Fatalf("I8 element %d: %d, want %d", i, r.Q[i], want)
		}
		b := i / QK
		xb := x[b*QK : (b+1)*QK]
		iscale := -127 / xb[argFirstAbsMax(xb)]
		p = float32(iscale * v)
		if want := int8(min(127, math.RoundToEven(float64(p)))); k.Q[i] != want {
			t.Fatalf("Q8K element %d: %d, want %d", i, k.Q[i], want)
		}
	}
}
