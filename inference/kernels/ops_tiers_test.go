package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/aria-node/aria/inference/quant"
)

// opsLens are the awkward lengths every element-wise kernel is tested at.
var opsLens = []int{0, 1, 15, 16, 17, 31, 33, 255, 256, 257, 1001, 2560, 6912}

// opsInput returns n values: mostly Gaussian of the given scale, with some ±0, subnormals, huge
// values, ±Inf and (when nan) NaN sprinkled in when special.
func opsInput(rng *rand.Rand, n int, scale float64, special, nan bool) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64() * scale)
		if !special || rng.IntN(8) != 0 {
			continue
		}
		switch rng.IntN(7) {
		case 0:
			x[i] = float32(math.Copysign(0, rng.NormFloat64()))
		case 1:
			x[i] = math.Float32frombits(rng.Uint32() & 0x807fffff) // subnormal
		case 2:
			x[i] = float32(rng.NormFloat64() * 1e30)
		case 3:
			x[i] = float32(math.Inf(1 - 2*rng.IntN(2)))
		case 4:
			if nan {
				x[i] = float32(math.NaN())
			}
		case 5:
			x[i] = float32(rng.IntN(200)-100) + 0.5 // halfway cases
		default:
			x[i] = float32(rng.NormFloat64() * 100)
		}
	}
	return x
}

// opsSame compares two outputs bit for bit, any NaN matching any NaN.
func opsSame(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: length %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if math.Float32bits(g) != math.Float32bits(w) && !(g != g && w != w) {
			t.Fatalf("%s: [%d] = %g (%#x), want %g (%#x)", what, i, g, math.Float32bits(g), w, math.Float32bits(w))
		}
	}
}

// onPortable runs f on the portable tier.
func onPortable(f func()) {
	defer useTier(portableRow())()
	f()
}

func TestOpsTiers(t *testing.T) {
	type op struct {
		name    string
		special bool // Inf, subnormal, huge values
		nan     bool
		run     func(x, y []float32) // changes x, may read y (same length)
	}
	ops := []op{
		{"RMSNorm", false, false, func(x, y []float32) { RMSNorm(x, x, y, 1e-5) }},
		{"RMSNorm/special", true, true, func(x, y []float32) { RMSNorm(x, x, y, 1e-6) }},
		{"RMSNorm/noweight", false, false, func(x, y []float32) { RMSNorm(x, slices.Clone(x), nil, 1e-5) }},
		{"Softmax", false, false, func(x, _ []float32) { Softmax(x) }},
		{"Softmax/wide", false, false, func(x, _ []float32) {
			for i := range x {
				x[i] *= 40
			}
			Softmax(x)
		}},
		{"Softmax/masked", false, false, func(x, _ []float32) {
			for i := 1; i < len(x); i += 3 {
				x[i] = float32(math.Inf(-1))
			}
			Softmax(x)
		}},
		{"SiLU", true, true, func(x, _ []float32) { SiLU(x) }},
		{"SiLU/wide", false, false, func(x, _ []float32) {
			for i := range x {
				x[i] *= 50
			}
			SiLU(x)
		}},
		{"ReLU2", true, true, func(x, _ []float32) { ReLU2(x) }},
		{"Mul", true, true, func(x, y []float32) { Mul(x, y) }},
		{"Add", true, true, func(x, y []float32) { Add(x, y) }},
	}
	rng := rand.New(rand.NewPCG(71, 72))
	for _, o := range ops {
		for _, n := range opsLens {
			for trial := range 3 {
				x := opsInput(rng, n, 2, o.special, o.nan)
				y := opsInput(rng, n, 1, o.special, o.nan)
				want := slices.Clone(x)
				onPortable(func() { o.run(want, y) })
				eachFopsQuiet(func(tier *Tier) {
					got := slices.Clone(x)
					o.run(got, y)
					opsSame(t, fmt.Sprintf("%s %s n=%d trial %d", tier.Float, o.name, n, trial), got, want)
				})
			}
		}
	}
}

// eachFopsQuiet runs f once per available assembly tier, the tier switched on.
func eachFopsQuiet(f func(tier *Tier)) {
	for _, tier := range floatRows() {
		if tier != portableRow() {
			func() {
				defer useTier(tier)()
				f(tier)
			}()
		}
	}
}

func TestRoPETiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 74))
	for _, hd := range []int{2, 30, 32, 34, 64, 128, 160, 256} {
		for _, heads := range []int{0, 1, 3, 20} {
			cs := make([]float32, hd/2)
			sn := make([]float32, hd/2)
			RoPEAngles(cs, sn, hd, rng.IntN(4096), 500000)
			x := opsInput(rng, heads*hd, 3, true, true)
			want := slices.Clone(x)
			onPortable(func() { RoPENeoxTable(want, heads, hd, cs, sn) })
			eachFopsQuiet(func(tier *Tier) {
				got := slices.Clone(x)
				RoPENeoxTable(got, heads, hd, cs, sn)
				opsSame(t, fmt.Sprintf("%s RoPE %d×%d", tier.Float, heads, hd), got, want)
			})
		}
	}
}

func TestQuantizeTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(75, 76))
	for _, n := range opsLens {
		for trial := range 6 {
			x := opsInput(rng, n, math.Pow(10, float64(rng.IntN(9)-4)), trial%2 == 1, false)
			if trial == 2 && n >= 256 {
				clear(x[:256]) // an all-zero block
			}
			if trial == 4 && n >= 32 {
				x[3], x[20] = 7, -7 // ties of max |x|: the first one sets the sign
			}
			var want quant.I8Row
			quant.QuantizeI8(x, &want)
			eachFopsQuiet(func(tier *Tier) {
				var got quant.I8Row
				quantizeI8(x, &got)
				if !slices.Equal(got.Q, want.Q) || got.Sum != want.Sum || math.Float32bits(got.Scale) != math.Float32bits(want.Scale) {
					t.Fatalf("%s I8 n=%d trial %d: sum %d scale %g, want %d %g", tier.Float, n, trial, got.Sum, got.Scale, want.Sum, want.Scale)
				}
			})
			if n%quant.QK != 0 {
				continue
			}
			if trial == 5 {
				for i := range x {
					if rng.IntN(16) == 0 {
						x[i] = float32(math.NaN()) // Q8_K skips NaN in its max
					}
				}
			}
			var wantK quant.Q8K
			quant.QuantizeQ8K(x, &wantK)
			eachFopsQuiet(func(tier *Tier) {
				var got quant.Q8K
				quantizeQ8K(x, &got)
				if !slices.Equal(got.Q, wantK.Q) || !slices.Equal(got.Sum, wantK.Sum) {
					t.Fatalf("%s Q8K n=%d trial %d: values differ", tier.Float, n, trial)
				}
				opsSame(t, fmt.Sprintf("%s Q8K d n=%d", tier.Float, n), got.D, wantK.D)
			})
		}
	}
}

func TestT2ActTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 78))
	for _, n := range []int{256, 512, 2560, 6912, 300, 17} {
		x := opsInput(rng, n, 1, false, false)
		for _, i2s := range []bool{false, true} {
			if !i2s && n%256 != 0 {
				continue
			}
			var want Activation
			want.Set(x)
			onPortable(func() { want.prepareT2(i2s) })
			// the reference layout, element by element
			q := want.i8.Q
			if !i2s {
				q = want.q8k.Q
			}
			for g := 0; g < want.t2.groups; g++ {
				for k := 0; k < 256; k++ {
					var v int8
					if i := g*256 + srcIndex(k/64, k%64); i < len(q) {
						v = q[i]
					}
					if want.t2.p[g*256+k] != v {
						t.Fatalf("n=%d: P[%d] = %d, want %d", n, g*256+k, want.t2.p[g*256+k], v)
					}
				}
			}
			eachFopsQuiet(func(tier *Tier) {
				var got Activation
				got.Set(x)
				got.prepareT2(i2s)
				if !slices.Equal(got.t2.p, want.t2.p) || !slices.Equal(got.t2.c, want.t2.c) ||
					!slices.Equal(got.t2.d, want.t2.d) || got.t2.sumq != want.t2.sumq || got.t2.s != want.t2.s {
					t.Fatalf("%s T2 activation n=%d i2s=%v differs", tier.Float, n, i2s)
				}
			})
		}
	}
}

// ulps is the distance between two non-negative floats in units in the last place.
func ulps(a, b float32) int64 {
	return int64(math.Float32bits(a)) - int64(math.Float32bits(b))
}

// TestExpfAccuracy bounds the canonical expf against the correctly rounded exp: ≤ 2 ulp on a
// dense sweep of the whole range, including overflow and the subnormal results.
func TestExpfAccuracy(t *testing.T) {
	worst := int64(0)
	var worstX float32
	check := func(x float32) {
		got := expf(x)
		want := float32(math.Exp(float64(x)))
		d := ulps(got, want)
		if d < 0 {
			d = -d
		}
		if d > worst {
			worst, worstX = d, x
		}
	}
	for x := float32(-110); x < 95; x = math.Nextafter32(x, 100) + 1e-4*float32(math.Abs(float64(x))) {
		check(x)
	}
	rng := rand.New(rand.NewPCG(79, 80))
	for range 1 << 20 {
		check(float32(rng.Float64()*200 - 110))
		check(float32(rng.NormFloat64()))
	}
	for _, x := range []float32{0, -0.0, 1e-30, -1e-30, 88.72283, 88.72284, -87.33654, -103.9720, -103.2789, -104, -149 * math.Ln2} {
		check(x)
	}
	t.Logf("worst %d ulp at %g", worst, worstX)
	if worst > 2 {
		t.Errorf("expf: %d ulp at %g (exp %g, want %g)", worst, worstX, expf(worstX), math.Exp(float64(worstX)))
	}
	for _, c := range []struct{ x, want float32 }{
		{float32(math.Inf(-1)), 0}, {-200, 0}, {-104.5, 0}, {0, 1}, {100, float32(math.Inf(1))}, {float32(math.Inf(1)), float32(math.Inf(1))},
	} {
		if got := expf(c.x); got != c.want {
			t.Errorf("expf(%g) = %g, want %g", c.x, got, c.want)
		}
	}
	if v := expf(float32(math.NaN())); v == v {
		t.Errorf("expf(NaN) = %g", v)
	}
}

// TestOpsNoAllocs checks that the dispatched element-wise kernels do not allocate.
func TestOpsNoAllocs(t *testing.T) {
	x := opsInput(rand.New(rand.NewPCG(81, 82)), 2560, 1, false, false)
	y := slices.Clone(x)
	var a Activation
	eachFops(t, func(t *testing.T, _ *Tier) {
		n := testing.AllocsPerRun(10, func() {
			RMSNorm(y, x, x, 1e-5)
			Softmax(y)
			Add(y, x)
			a.Set(x)
			a.prepareT2(false)
			a.prepareT2(true)
		})
		if n != 0 {
			t.Errorf("%v allocations per run", n)
		}
	})
}
