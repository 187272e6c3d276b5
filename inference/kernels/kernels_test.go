package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

var allTypes = []gguf.Type{
	gguf.TypeTQ2_0, gguf.TypeTQ1_0, gguf.TypeI2_S,
	gguf.TypeF32, gguf.TypeF16, gguf.TypeBF16, gguf.TypeQ8_0, gguf.TypeQ6_K,
}

func isTernary(t gguf.Type) bool {
	return t == gguf.TypeTQ2_0 || t == gguf.TypeTQ1_0 || t == gguf.TypeI2_S
}

// testWeights returns rows×cols weights: ternary·0.0807 for the ternary types (with the rows
// of block 1 all zero when cols > 256, so TQ blocks with d = 0 occur), Gaussian otherwise.
func testWeights(rng *rand.Rand, t gguf.Type, rows, cols int) []float32 {
	w := make([]float32, rows*cols)
	for i := range w {
		if isTernary(t) {
			if c := i % cols; cols > 256 && c >= 256 && c < 512 {
				continue
			}
			w[i] = float32(rng.IntN(3)-1) * 0.08068848
		} else {
			w[i] = float32(rng.NormFloat64())
		}
	}
	return w
}

func newTestMatrix(tb testing.TB, rng *rand.Rand, t gguf.Type, rows, cols int) *Matrix {
	tb.Helper()
	data, err := quant.Quantize(t, testWeights(rng, t, rows, cols))
	if err != nil {
		tb.Fatal(err)
	}
	m, err := NewMatrix(t, cols, rows, data)
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// activation kinds
var actKinds = []string{"normal", "spike", "zero", "tiny", "huge", "ties", "block-zero"}

func testActivation(rng *rand.Rand, kind string, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch kind {
		case "normal":
			x[i] = float32(rng.NormFloat64())
		case "spike":
			x[i] = float32(rng.NormFloat64()) * 1e-3
		case "tiny":
			x[i] = float32(rng.NormFloat64()) * 1e-38 // subnormal range
		case "huge":
			x[i] = float32(max(-2, min(2, rng.NormFloat64()))) * 3e4 // below the fp16 limit
		case "ties":
			x[i] = float32(rng.IntN(255)-127) + 0.5 // many exact .5 roundings
		case "block-zero":
			if i/256%2 == 1 {
				x[i] = float32(rng.NormFloat64())
			}
		}
	}
	if kind == "spike" {
		x[n/3] = 1000
		x[n-1] = -1000
	}
	return x
}

// oracle computes row · x in float64 from the dequantized weights and the dequantized input form
// that the kernel for this type consumes.
func oracle(t *testing.T, m *Matrix, a *Activation, r int) (dot, mag float64) {
	w := make([]float32, m.Cols)
	if err := m.DequantizeRow(r, w); err != nil {
		t.Fatal(err)
	}
	x := make([]float64, m.Cols)
	switch m.Type {
	case gguf.TypeF32:
		for i, v := range a.x {
			x[i] = float64(v)
		}
	case gguf.TypeF16:
		for i, v := range a.h16 {
			x[i] = float64(v)
		}
	case gguf.TypeBF16:
		for i, v := range a.b16 {
			x[i] = float64(v)
		}
	case gguf.TypeQ8_0:
		for i, q := range a.q80.Q {
			x[i] = float64(q) * float64(a.q80.D[i/32])
		}
	case gguf.TypeI2_S:
		for i, q := range a.i8.Q {
			x[i] = float64(q) / float64(a.i8.Scale)
		}
	default:
		for i, q := range a.q8k.Q {
			x[i] = float64(q) * float64(a.q8k.D[i/256])
		}
	}
	for i := range w {
		dot += float64(w[i]) * x[i]
		mag += math.Abs(float64(w[i]) * x[i])
	}
	return dot, mag
}

// exactTernary recomputes a TQ1_0/TQ2_0/I2_S row from the dequantized weights with the spec's
// integer formulas and float order; the kernels must match it bit for bit.
func exactTernary(t *testing.T, m *Matrix, a *Activation, r int) float32 {
	w := make([]float32, m.Cols)
	if err := m.DequantizeRow(r, w); err != nil {
		t.Fatal(err)
	}
	if m.Type == gguf.TypeI2_S {
		var acc int32 // Σ (t+1)·q
		for i, v := range w {
			acc += int32(math.Round(float64(v/m.Scale))+1) * int32(a.i8.Q[i])
		}
		return (float32(acc) - float32(a.i8.Sum)) / a.i8.Scale * m.Scale
	}
	bb := quant.BlockBytesTQ2_0
	if m.Type == gguf.TypeTQ1_0 {
		bb = quant.BlockBytesTQ1_0
	}
	row := m.Row(r)
	var sumf float32
	for b := 0; b < m.Cols/256; b++ {
		dw := quant.F16ToF32(uint16(row[b*bb+bb-2]) | uint16(row[b*bb+bb-1])<<8)
		var isum int32
		for j := 0; j < 256; j++ {
			var tv int32
			if dw != 0 {
				tv = int32(math.Round(float64(w[256*b+j] / dw)))
			}
			isum += tv * int32(a.q8k.Q[256*b+j])
		}
		sumf += float32(float32(isum) * (a.q8k.D[b] * dw))
	}
	return sumf
}

type shape struct{ rows, cols int }

func shapesFor(t gguf.Type) []shape {
	s := []shape{{1, 256}, {17, 512}, {3, 256 * 33}, {65, 2560}}
	switch t {
	case gguf.TypeI2_S:
		s = append(s, shape{5, 384}, shape{2, 128}) // K % 256 = 128
	case gguf.TypeF32, gguf.TypeF16, gguf.TypeBF16:
		s = append(s, shape{4, 7}, shape{3, 33}) // tails after the 16 lanes
	case gguf.TypeQ8_0:
		s = append(s, shape{4, 96})
	}
	return s
}

func TestMatVecOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	pool := NewPool(3)
	defer pool.Close()
	for _, typ := range allTypes {
		for _, sh := range shapesFor(typ) {
			m := newTestMatrix(t, rng, typ, sh.rows, sh.cols)
			for _, kind := range actKinds {
				if (kind == "block-zero") && sh.cols < 512 {
					continue
				}
				x := testActivation(rng, kind, sh.cols)
				var a Activation
				a.Set(x)
				y := make([]float32, sh.rows)
				MatVec(pool, m, &a, y)
				for r := range y {
					want, mag := oracle(t, m, &a, r)
					tol := 1e-5*mag + 1e-30
					if typ == gguf.TypeF32 && kind == "tiny" {
						tol += 1e-44 * float64(sh.cols) // subnormal products round coarsely
					}
					if d := math.Abs(float64(y[r]) - want); d > tol || math.IsNaN(float64(y[r])) {
						t.Errorf("%s %dx%d %s row %d: got %g, oracle %g (|Σ| %g)", typ, sh.rows, sh.cols, kind, r, y[r], want, mag)
					}
					if typ == gguf.TypeTQ2_0 || typ == gguf.TypeTQ1_0 || typ == gguf.TypeI2_S {
						if e := exactTernary(t, m, &a, r); math.Float32bits(e) != math.Float32bits(y[r]) {
							t.Errorf("%s %dx%d %s row %d: got %g, exact integer formula %g", typ, sh.rows, sh.cols, kind, r, y[r], e)
						}
					}
				}
			}
		}
	}
}

// TestQuantizationVsFloat checks that the quantized paths stay close to the float product
// (the activation quantization error is small relative to |w|·|x|).
func TestQuantizationVsFloat(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const rows, cols = 8, 2560
	for _, typ := range allTypes {
		m := newTestMatrix(t, rng, typ, rows, cols)
		x := testActivation(rng, "normal", cols)
		var a Activation
		a.Set(x)
		y := make([]float32, rows)
		MatVec(nil, m, &a, y)
		w := make([]float32, cols)
		for r := range y {
			m.DequantizeRow(r, w)
			var ref, mag float64
			for i := range w {
				ref += float64(w[i]) * float64(x[i])
				mag += math.Abs(float64(w[i]) * float64(x[i]))
			}
			if d := math.Abs(float64(y[r]) - ref); d > 0.01*mag {
				t.Errorf("%s row %d: %g vs float %g (|Σ| %g)", typ, r, y[r], ref, mag)
			}
		}
	}
}

func TestMatVecThreadsBitIdentical(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	pools := []*Pool{nil, NewPool(1), NewPool(2), NewPool(3)}
	defer func() {
		for _, p := range pools {
			p.Close()
		}
	}()
	for _, typ := range allTypes {
		for _, rows := range []int{1, 17, 100, 1000} {
			m := newTestMatrix(t, rng, typ, rows, 512)
			var a Activation
			a.Set(testActivation(rng, "normal", 512))
			var ref []float32
			for i, p := range pools {
				y := make([]float32, rows)
				MatVec(p, m, &a, y)
				if i == 0 {
					ref = y
					continue
				}
				for r := range y {
					if math.Float32bits(y[r]) != math.Float32bits(ref[r]) {
						t.Fatalf("%s rows %d threads %d: row %d = %g, 1 thread %g", typ, rows, p.Threads(), r, y[r], ref[r])
					}
				}
			}
		}
	}
}

func TestMatMulEqualsMatVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	pool := NewPool(2)
	defer pool.Close()
	for _, typ := range allTypes {
		m := newTestMatrix(t, rng, typ, 77, 768)
		as := make([]*Activation, 5)
		ys := make([][]float32, 5)
		for i := range as {
			as[i] = new(Activation)
			as[i].Set(testActivation(rng, actKinds[i], 768))
			ys[i] = make([]float32, 77)
		}
		MatMul(pool, m, as, ys)
		for i, a := range as {
			y := make([]float32, 77)
			MatVec(nil, m, a, y)
			for r := range y {
				if math.Float32bits(y[r]) != math.Float32bits(ys[i][r]) {
					t.Fatalf("%s token %d row %d: MatMul %g, MatVec %g", typ, i, r, ys[i][r], y[r])
				}
			}
		}
		// an empty batch is fine
		MatMul(pool, m, nil, nil)
	}
}

// TestTernaryCode3 checks that a code 3 (never written by quantizers) is treated as t = 2 in
// every ternary kernel (ggml computes code − 1), so later kernels have a defined target.
func TestTernaryCode3(t *testing.T) {
	x := make([]float32, 256)
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	var a Activation
	a.Set(x)
	check := func(name string, m *Matrix) {
		y := make([]float32, 1)
		MatVec(nil, m, &a, y)
		if e := exactTernary(t, m, &a, 0); math.Float32bits(e) != math.Float32bits(y[0]) {
			t.Errorf("%s with code 3: %g, exact %g", name, y[0], e)
		}
	}
	tq2 := make([]byte, 66)
	for i := 0; i < 64; i++ {
		tq2[i] = 0xff
	}
	tq2[64], tq2[65] = 0x00, 0x3c // d = 1
	m, _ := NewMatrix(gguf.TypeTQ2_0, 256, 1, tq2)
	check("TQ2_0", m)
	i2 := make([]byte, 64+32)
	for i := 0; i < 64; i++ {
		i2[i] = 0xff
	}
	i2[64+2], i2[64+3] = 0x80, 0x3f // scale 1
	m, _ = NewMatrix(gguf.TypeI2_S, 256, 1, i2)
	check("I2_S", m)
}

func TestZeroActivationAndWeights(t *testing.T) {
	for _, typ := range allTypes {
		m, err := NewMatrix(typ, 512, 3, make([]byte, mustSize(t, typ, 3, 512)))
		if err != nil {
			t.Fatal(err)
		}
		var a Activation
		a.Set(make([]float32, 512))
		y := []float32{1, 2, 3}
		MatVec(nil, m, &a, y)
		for _, v := range y {
			if v != 0 {
				t.Errorf("%s: zero × zero = %g", typ, v)
			}
		}
	}
}

func mustSize(t *testing.T, typ gguf.Type, rows, cols int) int {
	s, err := gguf.Size(typ, []uint64{uint64(cols), uint64(rows)})
	if err != nil {
		t.Fatal(err)
	}
	return int(s)
}

func TestActivationSharedAndReset(t *testing.T) {
	rng := rand.New(rand.NewPCG(19, 20))
	wq := newTestMatrix(t, rng, gguf.TypeTQ2_0, 32, 512)
	wk := newTestMatrix(t, rng, gguf.TypeTQ2_0, 16, 512)
	x := testActivation(rng, "normal", 512)
	var a Activation
	a.Set(x)
	yq, yk := make([]float32, 32), make([]float32, 16)
	MatVec(nil, wq, &a, yq)
	q0 := &a.q8k.Q[0]
	MatVec(nil, wk, &a, yk)
	if a.ready&haveQ8K == 0 || q0 != &a.q8k.Q[0] {
		t.Fatal("the Q8_K form was not kept")
	}
	// a shared form must give the same result as a fresh one
	var b Activation
	b.Set(x)
	yk2 := make([]float32, 16)
	MatVec(nil, wk, &b, yk2)
	for i := range yk {
		if yk[i] != yk2[i] {
			t.Fatalf("row %d: shared %g, fresh %g", i, yk[i], yk2[i])
		}
	}
	// Set invalidates: new contents give new results
	for i := range x {
		x[i] = -x[i]
	}
	a.Set(x)
	MatVec(nil, wk, &a, yk2)
	for i := range yk {
		if yk2[i] != -yk[i] {
			t.Fatalf("row %d after Set(−x): %g, want %g", i, yk2[i], -yk[i])
		}
	}
}

func TestMatVecNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	pool := NewPool(2)
	defer pool.Close()
	for _, typ := range allTypes {
		m := newTestMatrix(t, rng, typ, 200, 512)
		x := testActivation(rng, "normal", 512)
		var a Activation
		y := make([]float32, 200)
		a.Set(x)
		MatVec(pool, m, &a, y) // buffers grow once
		for _, p := range []*Pool{pool, nil} {
			n := testing.AllocsPerRun(20, func() {
				a.Set(x)
				MatVec(p, m, &a, y)
			})
			if n != 0 {
				t.Errorf("%s, %d threads: %v allocations per MatVec", typ, p.Threads(), n)
			}
		}
	}
}

func TestNewMatrix(t *testing.T) {
	i2 := quant.QuantizeI2S(make([]float32, 4*128))
	cases := []struct {
		typ        gguf.Type
		cols, rows int
		size       int
		want       string
	}{
		{gguf.TypeTQ2_0, 256, 2, 132, ""},
		{gguf.TypeTQ2_0, 256, 2, 131, "needs 132 bytes, got 131"},
		{gguf.TypeTQ2_0, 300, 2, 132, "multiple of 256"},
		{gguf.TypeI2_S, 128, 4, 128 + 32, ""},
		{gguf.TypeI2_S, 128, 4, 128, "needs 160 bytes"},
		{gguf.TypeI2_S, 64, 8, 160, "multiple of 128"},
		{gguf.TypeQ4_0, 32, 1, 18, "not supported"},
		{gguf.TypeF32, 0, 1, 0, "positive"},
		{gguf.TypeF16, 3, 2, 12, ""},
	}
	for _, c := range cases {
		data := make([]byte, c.size)
		if c.typ == gguf.TypeI2_S && c.size == len(i2) {
			data = i2
		}
		m, err := NewMatrix(c.typ, c.cols, c.rows, data)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s %d×%d: %v", c.typ, c.rows, c.cols, err)
			} else if m.Rows != c.rows || m.Cols != c.cols {
				t.Errorf("%s: dims %d×%d", c.typ, m.Rows, m.Cols)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s %d×%d with %d bytes: err %v, want %q", c.typ, c.rows, c.cols, c.size, err, c.want)
		}
	}
	// I2_S reads the scale from the tail
	x := make([]float32, 256)
	x[3] = -0.5
	m, err := NewMatrix(gguf.TypeI2_S, 128, 2, quant.QuantizeI2S(x))
	if err != nil || m.Scale != 0.5 {
		t.Fatalf("I2_S scale %v, %v", m, err)
	}
	row := make([]float32, 128)
	if err := m.DequantizeRow(0, row); err != nil || row[3] != -0.5 {
		t.Errorf("DequantizeRow: %v %v", row[3], err)
	}
	if err := m.DequantizeRow(2, row); err == nil {
		t.Error("row 2 of 2: no error")
	}
}

func TestMatVecShapePanics(t *testing.T) {
	m, _ := NewMatrix(gguf.TypeF32, 4, 2, make([]byte, 32))
	var a3, a4 Activation
	a3.Set(make([]float32, 3))
	a4.Set(make([]float32, 4))
	p := NewPool(2)
	defer p.Close()
	for name, f := range map[string]func(){
		"short input":  func() { MatVec(nil, m, &a3, make([]float32, 2)) },
		"short output": func() { MatVec(p, m, &a4, make([]float32, 1)) },
		"batch sizes":  func() { MatMul(nil, m, []*Activation{&a4}, nil) },
		"nil matrix":   func() { MatVec(p, nil, &a4, make([]float32, 2)) },
	} {
		func() {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "kernels:") {
					t.Errorf("%s: recovered %v", name, r)
				}
			}()
			f()
		}()
	}
}

// MatVecs runs matrices that share an input as one loop; each output is bit-identical to its
// own MatVec, whatever the threads and however the chunks straddle the matrices.
func TestMatVecsEqualsMatVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	pools := []*Pool{nil, NewPool(1), NewPool(2), NewPool(3)}
	defer func() {
		for _, p := range pools {
			p.Close()
		}
	}()
	for _, typ := range allTypes {
		ms := []*Matrix{newTestMatrix(t, rng, typ, 96, 512), newTestMatrix(t, rng, typ, 33, 512), newTestMatrix(t, rng, typ, 1000, 512)}
		var a Activation
		a.Set(testActivation(rng, "normal", 512))
		want := make([][]float32, len(ms))
		for i, m := range ms {
			want[i] = make([]float32, m.Rows)
			MatVec(nil, m, &a, want[i])
		}
		for _, p := range pools {
			for n := 1; n <= len(ms); n++ {
				ys := make([][]float32, n)
				for i := range ys {
					ys[i] = make([]float32, ms[i].Rows)
				}
				MatVecs(p, ms[:n], &a, ys)
				for i := range ys {
					for r := range ys[i] {
						if math.Float32bits(ys[i][r]) != math.Float32bits(want[i][r]) {
							t.Fatalf("%s, %d threads, %d matrices: matrix %d row %d = %g, MatVec %g", typ, p.Threads(), n, i, r, ys[i][r], want[i][r])
						}
					}
				}
			}
		}
		ys := [][]float32{make([]float32, 96), make([]float32, 33), make([]float32, 1000)}
		if n := testing.AllocsPerRun(10, func() { MatVecs(pools[2], ms, &a, ys) }); n != 0 {
			t.Errorf("%s: %v allocations per MatVecs", typ, n)
		}
	}
}
