package kernels

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// Tests of the T1 layout (t1.go): T1 must give exactly the bits of T2 on every tier.

// The compare form of the trit decoder equals the TQ1_0 definition for every byte and trit.
func TestT1TritCompareForm(t *testing.T) {
	for b := 0; b < 256; b++ {
		m := uint8(b)
		for n := 0; n < 5; n++ {
			var c uint8
			if m >= 86 {
				c++
			}
			if m >= 171 {
				c++
			}
			if want := quant.TQ1Trit(uint8(b), n); c != want {
				t.Fatalf("byte %d trit %d: compare form %d, TQ1Trit %d", b, n, c, want)
			}
			// The halving-add form of the NEON decoder.
			if h := uint8((uint16(m)+uint16(m>>1))>>1) >> 6; h != c {
				t.Fatalf("byte %d trit %d: halving-add form %d, want %d", b, n, h, c)
			}
			m *= 3
		}
	}
}

func TestT1Bytes(t *testing.T) {
	for _, c := range []struct{ rows, cols, want int }{
		{1, 256, 64}, {1, 1280, 256}, {2, 2560, 1024}, {3, 6912, 3 * (5*256 + 2*64)}, {1, 1536, 320},
	} {
		if got := T1Bytes(c.rows, c.cols); got != c.want {
			t.Errorf("T1Bytes(%d, %d) = %d, want %d", c.rows, c.cols, got, c.want)
		}
	}
	if got, want := T2Bytes(2560, 2560), 2560*10*64; got != want {
		t.Errorf("T2Bytes(2560, 2560) = %d, want %d", got, want)
	}
}

// tq1Matrix is a random TQ1_0 matrix; with mixed, every block has its own scale.
func tq1Matrix(t *testing.T, rng *rand.Rand, rows, cols int, mixed bool) *Matrix {
	t.Helper()
	w := make([]float32, rows*cols)
	for i := range w {
		s := float32(0.5)
		if mixed {
			s = 0.1 + float32(i/256%7)*0.05
		}
		if i/cols == 1 && i%cols < 256 {
			continue // an all-zero block
		}
		w[i] = float32(int(rng.IntN(3))-1) * s
	}
	var data []byte
	for r := 0; r < rows; r++ {
		data = append(data, quant.QuantizeTQ1_0(w[r*cols:(r+1)*cols])...)
	}
	m, err := NewMatrix(gguf.TypeTQ1_0, cols, rows, data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Expanding T1 gives the T2 codes, on every tier.
func TestT1DecodesToT2(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, sh := range [][2]int{{1, 256}, {3, 1280}, {2, 1536}, {5, 2560}, {4, 6912}, {3, 256 * 33}} {
		m := tq1Matrix(t, rng, sh[0], sh[1], false)
		t2, err := Repack(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		t1, err := RepackT1(m, nil)
		if err != nil {
			t.Fatal(err)
		}
		if t1.Scale != t2.Scale || t1.DW != nil || t2.DW != nil {
			t.Fatalf("%v: scales T1 %v %v, T2 %v %v", sh, t1.Scale, t1.DW, t2.Scale, t2.DW)
		}
		for _, name := range Tiers() {
			im := tierByName(t, name)
			got := make([]byte, len(t2.Codes))
			im.decodeT1(got, t1.Packed, t1.Rows, t1.Groups)
			if !bytes.Equal(got, t2.Codes) {
				t.Fatalf("%v, tier %s: T1 expands to other codes than T2", sh, name)
			}
		}
	}
}

func tierByName(t *testing.T, name string) *Tier {
	t.Helper()
	s := choose(name)
	if s.Impl.Name != name {
		t.Fatalf("tier %s not available", name)
	}
	return s.Impl
}

// Every tier expands any bytes (also ones TQ1Pack never writes) as the portable decoder does.
func TestT1DecodeTiersRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, groups := range []int{1, 2, 4, 5, 6, 9, 10, 11, 27, 33} {
		for _, rows := range []int{1, 2, 3, 17} {
			src := make([]byte, rows*T1RowBytes(groups))
			for i := range src {
				src[i] = byte(rng.Uint32())
			}
			want := make([]byte, rows*groups*GroupBytes)
			decodeT1Go(want, src, rows, groups)
			for _, name := range Tiers() {
				got := make([]byte, len(want))
				tierByName(t, name).decodeT1(got, src, rows, groups)
				if !bytes.Equal(got, want) {
					t.Fatalf("groups=%d rows=%d tier %s: differs from portable", groups, rows, name)
				}
			}
		}
	}
}

// A TQ1_0 matrix gives bit-identical products as T1 and as T2, on every tier, for one token
// and for batches, with and without a pool, with uniform and per-block scales.
func TestT1MatchesT2(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	pool := NewPool(3)
	defer pool.Close()
	shapes := [][2]int{{1, 256}, {3, 1280}, {17, 512}, {65, 2560}, {33, 6912}, {40, 256 * 33}, {640, 1536}}
	if testing.Short() {
		shapes = shapes[:4]
	}
	for _, sh := range shapes {
		for _, mixed := range []bool{false, true} {
			m := tq1Matrix(t, rng, sh[0], sh[1], mixed)
			m2 := *m
			if err := m2.Repack(nil, true); err != nil {
				t.Fatal(err)
			}
			m1 := *m
			if err := m1.Repack(nil, false); err != nil {
				t.Fatal(err)
			}
			if m1.T2.Packed == nil || m2.T2.Packed != nil {
				t.Fatal("Repack chose the wrong layout")
			}
			const ntok = 6
			xs := make([]*Activation, ntok)
			for i := range xs {
				xs[i] = new(Activation)
				xs[i].Set(testActivation(rng, "normal", sh[1]))
			}
			for _, name := range Tiers() {
				restore, err := Use(name)
				if err != nil {
					t.Fatal(err)
				}
				for _, c := range t1Paths(active) {
					undo := c.set(active)
					for _, p := range []*Pool{nil, pool} {
						for _, n := range []int{1, 2, 4, 5, 6} {
							y1, y2 := outputs(n, sh[0]), outputs(n, sh[0])
							if n == 1 {
								MatVec(p, &m1, xs[0], y1[0])
								MatVec(p, &m2, xs[0], y2[0])
							} else {
								MatMul(p, &m1, xs[:n], y1)
								MatMul(p, &m2, xs[:n], y2)
							}
							if err := sameBitsRows(y1, y2); err != nil {
								undo()
								restore()
								t.Fatalf("%v mixed=%v tier %s %s pool=%v ntok=%d: %v", sh, mixed, name, c.name, p != nil, n, err)
							}
						}
					}
					undo()
				}
				restore()
			}
		}
	}
}

// outputs returns n rows of one buffer, as the model lays out a batch.
func outputs(n, rows int) [][]float32 {
	buf := make([]float32, n*rows)
	ys := make([][]float32, n)
	for i := range ys {
		ys[i] = buf[i*rows : (i+1)*rows]
	}
	return ys
}

func sameBitsRows(a, b [][]float32) error {
	for i := range a {
		for r := range a[i] {
			if math.Float32bits(a[i][r]) != math.Float32bits(b[i][r]) {
				return fmt.Errorf("token %d row %d: T1 %v, T2 %v", i, r, a[i][r], b[i][r])
			}
		}
	}
	return nil
}

// withoutFusedT1 makes im take the expand path for T1 until the returned function runs.
func withoutFusedT1(im *Tier) (restore func()) {
	gemv, gemm := im.gemvT1, im.gemmT1
	im.gemvT1, im.gemmT1 = nil, nil
	return func() { im.gemvT1, im.gemmT1 = gemv, gemm }
}

// t1Path is one way a tier multiplies T1 matrices.
type t1Path struct {
	name string
	set  func(*Tier) (undo func())
}

// t1Paths lists the T1 paths of im: its fused kernels when it has them, and the expand path.
func t1Paths(im *Tier) []t1Path {
	expand := t1Path{"expand", withoutFusedT1}
	if im.gemvT1 == nil {
		return []t1Path{expand}
	}
	return []t1Path{{"fused", func(*Tier) func() { return func() {} }}, expand}
}
