package kernels

import (
	"math/rand/v2"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// ternaryMatrix builds a rows×cols matrix of type t from random ternary weights with scale s
// (zeroRows rows entirely zero), returning it and the float weights.
func ternaryMatrix(t *testing.T, rng *rand.Rand, typ gguf.Type, rows, cols int, s float32, zeroRows int) (*Matrix, []float32) {
	t.Helper()
	w := make([]float32, rows*cols)
	for i := range w {
		if i/cols < zeroRows {
			continue
		}
		w[i] = float32(int(rng.IntN(3))-1) * s
	}
	var data []byte
	if typ == gguf.TypeI2_S {
		data = quant.QuantizeI2S(w)
	} else {
		for r := 0; r < rows; r++ {
			b, err := quant.Quantize(typ, w[r*cols:(r+1)*cols])
			if err != nil {
				t.Fatal(err)
			}
			data = append(data, b...)
		}
	}
	m, err := NewMatrix(typ, cols, rows, data)
	if err != nil {
		t.Fatal(err)
	}
	return m, w
}

// The repacked codes decode to the same ternary weights as the file format.
func TestRepackDecodes(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, c := range []struct {
		typ        gguf.Type
		rows, cols int
	}{
		{gguf.TypeTQ2_0, 3, 256}, {gguf.TypeTQ2_0, 5, 768}, {gguf.TypeTQ1_0, 4, 512},
		{gguf.TypeI2_S, 3, 384}, {gguf.TypeI2_S, 2, 128}, {gguf.TypeI2_S, 7, 512},
	} {
		m, w := ternaryMatrix(t, rng, c.typ, c.rows, c.cols, 0.25, 1)
		if err := m.Repack(nil, true); err != nil {
			t.Fatal(err)
		}
		for r := 0; r < c.rows; r++ {
			for col := 0; col < c.cols; col++ {
				want := 0
				if w[r*c.cols+col] > 0 {
					want = 1
				} else if w[r*c.cols+col] < 0 {
					want = -1
				}
				if got := m.T2.decode(r, col); got != want {
					t.Fatalf("%s %dx%d: element (%d,%d) = %d, want %d", c.typ, c.rows, c.cols, r, col, got, want)
				}
			}
			for col := c.cols; col < m.T2.Groups*256; col++ {
				if m.T2.decode(r, col) != 0 {
					t.Fatalf("%s: padding element (%d,%d) is not zero", c.typ, r, col)
				}
			}
		}
		if c.typ != gguf.TypeI2_S && (m.T2.DW != nil || m.T2.Scale != quant.F16ToF32(quant.F32ToF16(0.25))) {
			t.Fatalf("%s: uniform scale not detected: %v %v", c.typ, m.T2.Scale, m.T2.DW != nil)
		}
	}
}

// T2 products agree with the file-format reference within float rounding (the order of the
// float sums differs: 16 lanes per block instead of one sum per block), and exactly for I2_S.
func TestT2MatchesFileFormat(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, typ := range []gguf.Type{gguf.TypeTQ2_0, gguf.TypeTQ1_0, gguf.TypeI2_S} {
		for _, cols := range []int{256, 768, 2560} {
			if typ != gguf.TypeI2_S && cols%256 != 0 {
				continue
			}
			m, _ := ternaryMatrix(t, rng, typ, 37, cols, 0.125, 2)
			x := make([]float32, cols)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			var a Activation
			a.Set(x)
			want := make([]float32, m.Rows)
			MatVec(nil, m, &a, want)
			if err := m.Repack(nil, true); err != nil {
				t.Fatal(err)
			}
			got := make([]float32, m.Rows)
			a.Set(x)
			MatVec(nil, m, &a, got)
			for r := range got {
				tol := float32(1e-5) * (1 + abs32(want[r]))
				if typ == gguf.TypeI2_S {
					tol = 0
				}
				if d := abs32(got[r] - want[r]); d > tol {
					t.Fatalf("%s K=%d row %d: T2 %v, file format %v", typ, cols, r, got[r], want[r])
				}
			}
		}
	}
}

func abs32(x float32) float32 {
	if x < 0 {
		return -x
	}
	return x
}

// Non-uniform block scales (files not written from BitNet checkpoints) still work.
func TestT2NonUniformScales(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rows, cols := 9, 512
	w := make([]float32, rows*cols)
	for i := range w {
		w[i] = float32(rng.IntN(3)-1) * float32(1+i/256) / 8 // a different scale per block
	}
	var data []byte
	for r := 0; r < rows; r++ {
		data = append(data, quant.QuantizeTQ2_0(w[r*cols:(r+1)*cols])...)
	}
	m, err := NewMatrix(gguf.TypeTQ2_0, cols, rows, data)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, cols)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	var a Activation
	a.Set(x)
	want := make([]float32, rows)
	MatVec(nil, m, &a, want)
	m.Repack(nil, true)
	if m.T2.DW == nil {
		t.Fatal("non-uniform scales not detected")
	}
	got := make([]float32, rows)
	p := NewPool(2)
	defer p.Close()
	a.Set(x)
	MatVec(p, m, &a, got)
	for r := range got {
		if d := abs32(got[r] - want[r]); d > 1e-5*(1+abs32(want[r])) {
			t.Fatalf("row %d: %v vs %v", r, got[r], want[r])
		}
	}
}

// Every available tier equals the portable T2 kernels bit for bit, for GEMV and GEMM, over
// awkward shapes and thread counts.
func TestT2TiersBitExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	type result [][]float32
	run := func(m *Matrix, xs [][]float32, threads int) result {
		p := NewPool(threads)
		defer p.Close()
		out := make([]float32, len(xs)*m.Rows)
		as := make([]*Activation, len(xs))
		ys := make([][]float32, len(xs))
		for i, x := range xs {
			as[i] = new(Activation)
			as[i].Set(x)
			ys[i] = out[i*m.Rows : (i+1)*m.Rows]
		}
		if len(xs) == 1 {
			MatVec(p, m, as[0], ys[0])
		} else {
			MatMul(p, m, as, ys)
		}
		return ys
	}
	for _, typ := range []gguf.Type{gguf.TypeTQ2_0, gguf.TypeTQ1_0, gguf.TypeI2_S} {
		for _, shape := range [][2]int{{1, 256}, {17, 512}, {65, 2560}, {3, 256 * 33}, {640, 2560}, {5, 384}} {
			if typ != gguf.TypeI2_S && shape[1]%256 != 0 {
				continue
			}
			m, _ := ternaryMatrix(t, rng, typ, shape[0], shape[1], 0.0625, 1)
			if err := m.Repack(nil, true); err != nil {
				t.Fatal(err)
			}
			for _, ntok := range []int{1, 3, 6} {
				xs := make([][]float32, ntok)
				for i := range xs {
					xs[i] = make([]float32, shape[1])
					for j := range xs[i] {
						switch i % 3 {
						case 0:
							xs[i][j] = float32(rng.NormFloat64())
						case 1:
							xs[i][j] = float32(rng.IntN(2)*2-1) * 1e4 // extreme: q = ±127 everywhere
						default:
							if j%7 == 0 {
								xs[i][j] = float32(rng.NormFloat64())
							}
						}
					}
				}
				restore, _ := Use("portable")
				want := run(m, xs, 1)
				restore()
				for _, tier := range Tiers() {
					restore, err := Use(tier)
					if err != nil {
						t.Fatal(err)
					}
					for _, threads := range []int{1, 2, 3} {
						got := run(m, xs, threads)
						for i := range got {
							for r := range got[i] {
								if got[i][r] != want[i][r] {
									restore()
									t.Fatalf("%s %v ntok=%d tier %s threads %d: token %d row %d = %v, portable %v",
										typ, shape, ntok, tier, threads, i, r, got[i][r], want[i][r])
								}
							}
						}
					}
					restore()
				}
			}
		}
	}
}
