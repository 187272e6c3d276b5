package kernels

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// The X4 layout of F16 matrices (f16x4.go): the layout itself, and every tier against the plain
// reference f16RowsGo, bit for bit.

var x4Rows = []int{1, 3, 4, 5, 7, 8, 9, 12, 128}

// x4Pair returns a random rows×cols F16 matrix, plain and in X4.
func x4Pair(rng *rand.Rand, rows, cols int) (plain, x4 []byte) {
	plain = make([]byte, 2*rows*cols)
	putHalves(rng, plain)
	x4 = make([]byte, len(plain))
	x4Interleave(x4, plain, rows, cols)
	return plain, x4
}

// TestX4Layout checks where x4Interleave puts each element (against the layout as documented),
// and that x4DequantizeRow reads every row back.
func TestX4Layout(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	for _, cols := range fopsCols {
		for _, rows := range x4Rows {
			plain, x4 := x4Pair(rng, rows, cols)
			nb, left := cols/32, cols%32
			for r := range rows {
				for c := range cols {
					off := 2 * (r*cols + c) // plain, and X4 for rows after the last group
					if r < rows&^3 {
						g, k := r&^3, r&3
						if c < 32*nb {
							off = 2*g*cols + 256*(c/32) + 64*k + 2*(c%32)
						} else {
							off = 2*g*cols + 256*nb + 2*left*k + 2*(c-32*nb)
						}
					}
					if x4[off] != plain[2*(r*cols+c)] || x4[off+1] != plain[2*(r*cols+c)+1] {
						t.Fatalf("rows=%d cols=%d: element (%d, %d) not at byte %d", rows, cols, r, c, off)
					}
				}
				got, want := make([]float32, cols), make([]float32, cols)
				x4DequantizeRow(x4, rows, cols, r, got)
				if err := quant.DequantizeRow(gguf.TypeF16, plain[2*r*cols:2*(r+1)*cols], want); err != nil {
					t.Fatal(err)
				}
				for c := range want {
					if !sameBits(got[c], want[c]) {
						t.Fatalf("rows=%d cols=%d: row %d [%d] = %g, want %g", rows, cols, r, c, got[c], want[c])
					}
				}
			}
		}
	}
}

// TestF16RowsX4Tiers: f16RowsX4 on every tier equals the reference on the plain rows, for
// awkward shapes, unaligned data, several assembly calls (1000 × 2560 is over f16CallBytes) and a
// row range starting at a later group; nothing is written past the outputs.
func TestF16RowsX4Tiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	type shape struct{ rows, cols int }
	var shapes []shape
	for _, cols := range fopsCols {
		for _, rows := range x4Rows {
			if rows < 128 || cols <= 64 {
				shapes = append(shapes, shape{rows, cols})
			}
		}
	}
	shapes = append(shapes, shape{1000, 2560}, shape{130, 2560 + 7}, shape{64, 2560 + 16})
	for _, sh := range shapes {
		plain, x4 := x4Pair(rng, sh.rows, sh.cols)
		off := rng.IntN(4) // the kernels must not rely on alignment
		buf := make([]byte, off+len(x4))
		copy(buf[off:], x4)
		w := buf[off:]
		x := halfVector(rng, sh.cols)
		want := make([]float32, sh.rows)
		f16RowsGo(plain, 2*sh.cols, sh.rows, sh.cols, x, want)
		eachFops(t, func(t *testing.T, _ *Tier) {
			for _, start := range []int{0, 4, 8} {
				if start >= sh.rows {
					continue
				}
				got := make([]float32, sh.rows-start+1)
				got[sh.rows-start] = 12345
				f16RowsX4(w[2*start*sh.cols:], sh.rows-start, sh.cols, x, got)
				for r := range sh.rows - start {
					if !sameBits(got[r], want[start+r]) {
						t.Fatalf("rows=%d cols=%d from %d: row %d = %g, reference %g", sh.rows, sh.cols, start, start+r, got[r], want[start+r])
					}
				}
				if got[sh.rows-start] != 12345 {
					t.Fatalf("rows=%d cols=%d: wrote past the last output", sh.rows, sh.cols)
				}
			}
		})
	}
}

// TestMoveToX4 moves F16 matrices into an arena: the data is in X4 (pieces of whole groups
// reported in order), rows read back, MatVec and MatMul (several threads, blocks of rows) give the
// reference's bits on every tier, and other types are copied as they are. 4099 × 4096 is over
// 32 MiB: two pieces, the second ending in 3 plain rows.
func TestMoveToX4(t *testing.T) {
	rng := rand.New(rand.NewPCG(35, 36))
	for _, sh := range [][2]int{{1, 16}, {7, 33}, {130, 2560}, {257, 100}, {4, 31}, {4099, 4096}} {
		rows, cols := sh[0], sh[1]
		t.Run(fmt.Sprintf("%dx%d", rows, cols), func(t *testing.T) {
			m := newTestMatrix(t, rng, gguf.TypeF16, rows, cols)
			orig := m.Data
			a := NewArena(ArenaSize(64, len(orig)))
			defer a.Free()
			if _, err := a.Alloc(64); err != nil { // the head does not start the arena in the model
				t.Fatal(err)
			}
			var moved, calls int
			if err := m.moveTo(a, func(old []byte) {
				if &old[0] != &orig[moved] || moved+len(old) != len(orig) && len(old)%(8*cols) != 0 {
					t.Errorf("piece of %d bytes at %d", len(old), moved)
				}
				moved += len(old)
				calls++
			}, true); err != nil {
				t.Fatal(err)
			}
			if pieces := (len(orig) + 32<<20 - 1) / (32 << 20); calls != pieces {
				t.Errorf("%d pieces reported, want %d", calls, pieces)
			}
			if moved != len(orig) || !m.X4 {
				t.Fatalf("moved %d of %d bytes, X4 %v", moved, len(orig), m.X4)
			}
			want := make([]byte, len(orig))
			x4Interleave(want, orig, rows, cols)
			if string(m.Data) != string(want) {
				t.Fatal("data not in the X4 layout")
			}
			plain := &Matrix{Type: gguf.TypeF16, Rows: rows, Cols: cols, Data: orig}
			got, exp := make([]float32, cols), make([]float32, cols)
			for r := range rows {
				if err := m.DequantizeRow(r, got); err != nil {
					t.Fatal(err)
				}
				if err := plain.DequantizeRow(r, exp); err != nil {
					t.Fatal(err)
				}
				for c := range exp {
					if !sameBits(got[c], exp[c]) {
						t.Fatalf("DequantizeRow(%d)[%d] = %g, want %g", r, c, got[c], exp[c])
					}
				}
			}
			var act Activation
			act.Set(testActivation(rng, "normal", cols))
			act.prepare(gguf.TypeF16)
			ref := make([]float32, rows)
			for r := range ref {
				ref[r] = dotF16Go(plain.Row(r), act.h16)
			}
			eachFops(t, func(t *testing.T, _ *Tier) {
				for _, threads := range []int{1, 3} {
					p := NewPool(threads)
					y := make([]float32, rows)
					MatVec(p, m, &act, y)
					ys := [][]float32{make([]float32, rows), make([]float32, rows)}
					MatMul(p, m, []*Activation{&act, &act}, ys)
					p.Close()
					for r := range ref {
						if !sameBits(y[r], ref[r]) || !sameBits(ys[1][r], ref[r]) {
							t.Fatalf("%d threads: row %d = %g / %g, reference %g", threads, r, y[r], ys[1][r], ref[r])
						}
					}
				}
			})
		})
	}
	// Other types keep their layout, and F16 does on the portable tier; MoveTo picks X4 on the
	// others.
	for _, tc := range []struct {
		typ    gguf.Type
		tier   *Tier
		wantX4 bool
	}{
		{gguf.TypeF32, floatRows()[0], false},
		{gguf.TypeF16, portableRow(), false},
		{gguf.TypeF16, floatRows()[0], floatRows()[0].Float != "portable"},
	} {
		restore := useTier(tc.tier)
		m := newTestMatrix(t, rng, tc.typ, 9, 40)
		orig := append([]byte(nil), m.Data...)
		a := NewArena(len(orig))
		err := m.MoveTo(a, nil)
		restore()
		if err != nil {
			t.Fatal(err)
		}
		if m.X4 != tc.wantX4 || !m.X4 && string(m.Data) != string(orig) {
			t.Errorf("%s on %s: X4 %v, want %v (or data changed)", tc.typ, tc.tier.Name, m.X4, tc.wantX4)
		}
		a.Free()
	}
}

// TestX4Misuse: a row of an X4 matrix cannot be taken as bytes, and rows not starting on a group
// are refused rather than computed wrong.
func TestX4Misuse(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	m := newTestMatrix(t, rng, gguf.TypeF16, 12, 64)
	a := NewArena(len(m.Data))
	defer a.Free()
	if err := m.moveTo(a, nil, true); err != nil {
		t.Fatal(err)
	}
	var act Activation
	act.Set(testActivation(rng, "normal", 64))
	y := make([]float32, 12)
	for name, f := range map[string]func(){
		"Row": func() { m.Row(1) },
		"rows from 2": func() {
			task := mulTask{w: m, as: []*Activation{&act}, ys: [][]float32{y}}
			task.check()
			task.run(2, 12)
		},
		"F32 marked X4": func() {
			f32 := newTestMatrix(t, rng, gguf.TypeF32, 4, 64)
			f32.X4 = true
			MatVec(nil, f32, &act, y[:4])
		},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			f()
		}()
	}
}
