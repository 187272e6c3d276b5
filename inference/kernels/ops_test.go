package kernels

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestRMSNorm(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, n := range []int{1, 7, 17, 256, 2560, 2575} {
		x := make([]float32, n)
		w := make([]float32, n)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * 3)
			w[i] = float32(1 + 0.1*rng.NormFloat64())
		}
		dst := make([]float32, n)
		RMSNorm(dst, x, w, 1e-5)
		// exact replica of the documented order: 16 float64 lanes, then the tail in order
		var lanes [16]float64
		m := n &^ 15
		for i, v := range x[:m] {
			lanes[i%16] += float64(v * v)
		}
		for w := 8; w >= 1; w /= 2 {
			for l := range w {
				lanes[l] += lanes[l+w]
			}
		}
		sum := lanes[0]
		for _, v := range x[m:] {
			sum += float64(v * v)
		}
		mean := float32(sum / float64(n))
		scale := 1 / float32(math.Sqrt(float64(mean+1e-5)))
		var ss float64
		for _, v := range x {
			ss += float64(v) * float64(v)
		}
		inv := 1 / math.Sqrt(ss/float64(n)+1e-5)
		for i := range x {
			if want := float32(x[i]*scale) * w[i]; dst[i] != want {
				t.Fatalf("n=%d [%d]: %g, want %g", n, i, dst[i], want)
			}
			if d := math.Abs(float64(dst[i]) - float64(x[i])*inv*float64(w[i])); d > 1e-6*math.Abs(float64(dst[i]))+1e-7 {
				t.Fatalf("n=%d [%d]: %g vs float64 %g", n, i, dst[i], float64(x[i])*inv*float64(w[i]))
			}
		}
		// in place, and without weight
		y := append([]float32(nil), x...)
		RMSNorm(y, y, nil, 1e-5)
		for i := range y {
			if y[i] != x[i]*scale {
				t.Fatalf("in place without weight: %g vs %g", y[i], x[i]*scale)
			}
		}
	}
	z := make([]float32, 4)
	RMSNorm(z, z, nil, 1e-5)
	for _, v := range z {
		if v != 0 {
			t.Fatal("RMSNorm of zeros")
		}
	}
}

func TestRoPENeox(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	const heads, hd = 3, 32
	x := make([]float32, heads*hd)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	// position 0 is the identity
	y := append([]float32(nil), x...)
	RoPENeox(y, heads, hd, 0, 500000)
	for i := range y {
		if y[i] != x[i] {
			t.Fatalf("pos 0 changed element %d", i)
		}
	}
	for _, pos := range []int{1, 7, 100, 2047} {
		y := append([]float32(nil), x...)
		RoPENeox(y, heads, hd, pos, 500000)
		for h := 0; h < heads; h++ {
			for i := 0; i < hd/2; i++ {
				ang := float64(pos) * math.Pow(500000, -2*float64(i)/hd)
				c, s := math.Cos(ang), math.Sin(ang)
				x0, x1 := float64(x[h*hd+i]), float64(x[h*hd+i+hd/2])
				w0, w1 := x0*c-x1*s, x0*s+x1*c
				// f32 angle accumulation drifts by ~i·ulp(angle): tolerance grows with pos
				tol := 1e-5 + 2e-7*float64(pos)*(math.Abs(x0)+math.Abs(x1))
				if math.Abs(float64(y[h*hd+i])-w0) > tol || math.Abs(float64(y[h*hd+i+hd/2])-w1) > tol {
					t.Fatalf("pos %d head %d pair %d: (%g, %g), want (%g, %g)", pos, h, i, y[h*hd+i], y[h*hd+i+hd/2], w0, w1)
				}
			}
		}
	}
	// the documented f32 recurrence, bit for bit, for one pair
	y = append([]float32(nil), x...)
	RoPENeox(y, heads, hd, 5, 10000)
	r := float32(math.Pow(10000, float64(float32(-2)/float32(hd))))
	ang := float32(5)
	for i := 0; i < 3; i++ {
		ang *= r
	}
	c, s := float32(math.Cos(float64(ang))), float32(math.Sin(float64(ang)))
	if want := float32(x[3]*c) - float32(x[3+hd/2]*s); y[3] != want {
		t.Fatalf("pair 3: %g, want %g", y[3], want)
	}
}

func TestSoftmax(t *testing.T) {
	x := []float32{1, 2, 3, float32(math.Inf(-1)), -1000, 3}
	Softmax(x)
	var e [6]float64
	var sum float64
	for i, v := range []float64{1, 2, 3, math.Inf(-1), -1000, 3} {
		e[i] = math.Exp(v - 3)
		sum += e[i]
	}
	var total float64
	for i := range x {
		if d := math.Abs(float64(x[i]) - e[i]/sum); d > 1e-7 {
			t.Errorf("[%d] = %g, want %g", i, x[i], e[i]/sum)
		}
		total += float64(x[i])
	}
	if x[3] != 0 || x[4] != 0 || x[2] != x[5] {
		t.Errorf("masked/underflow/ties: %v", x)
	}
	if math.Abs(total-1) > 1e-6 {
		t.Errorf("sum %g", total)
	}
	one := []float32{42}
	Softmax(one)
	if one[0] != 1 {
		t.Errorf("single element: %g", one[0])
	}
	Softmax(nil)
}

func TestElementwise(t *testing.T) {
	x := []float32{-2, -0.5, 0, 0.5, 3, float32(math.Copysign(0, -1))}
	y := append([]float32(nil), x...)
	SiLU(y)
	for i, v := range x {
		want := float32(float64(v) / (1 + math.Exp(-float64(v))))
		if math.Abs(float64(y[i]-want)) > 3e-7*math.Abs(float64(want))+1e-9 {
			t.Errorf("SiLU(%g) = %g, want %g", v, y[i], want)
		}
	}
	y = append(y[:0], x...)
	ReLU2(y)
	for i, want := range []float32{0, 0, 0, 0.25, 9, 0} {
		if y[i] != want || math.Signbit(float64(y[i])) {
			t.Errorf("ReLU2(%g) = %g, want %g", x[i], y[i], want)
		}
	}
	a := []float32{1, 2, 3}
	b := []float32{4, 5, 6}
	Mul(a, b)
	if a[0] != 4 || a[1] != 10 || a[2] != 18 {
		t.Errorf("Mul %v", a)
	}
	Add(a, b)
	if a[0] != 8 || a[1] != 15 || a[2] != 24 {
		t.Errorf("Add %v", a)
	}
	defer func() {
		if recover() == nil {
			t.Error("Add with different lengths did not panic")
		}
	}()
	Add(a, b[:2])
}

func TestDotAndAddScaled(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	for _, n := range []int{0, 1, 15, 16, 17, 100, 2560} {
		a, b := make([]float32, n), make([]float32, n)
		for i := range a {
			a[i], b[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
		}
		// Dot equals the F32 matrix kernel bit for bit
		if got, want := Dot(a, b), dotF32(quantF32(a), b); math.Float32bits(got) != math.Float32bits(want) {
			t.Fatalf("n=%d: Dot %g, dotF32 %g", n, got, want)
		}
		var ref, mag float64
		for i := range a {
			ref += float64(a[i]) * float64(b[i])
			mag += math.Abs(float64(a[i]) * float64(b[i]))
		}
		if d := math.Abs(float64(Dot(a, b)) - ref); d > 1e-6*mag {
			t.Fatalf("n=%d: Dot %g, float64 %g", n, Dot(a, b), ref)
		}
		dst := append([]float32(nil), b...)
		AddScaled(dst, a, 0.5)
		for i := range dst {
			if dst[i] != b[i]+float32(0.5*a[i]) {
				t.Fatalf("AddScaled [%d]", i)
			}
		}
	}
}

func quantF32(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		u := math.Float32bits(v)
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	}
	return b
}
