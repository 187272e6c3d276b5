package kernels

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/aria-node/aria/inference/quant"
)

// eachTier runs f with every ternary/quantized tier this CPU supports forced in turn.
func eachTier(t *testing.T, f func(t *testing.T)) {
	for _, name := range Tiers() {
		t.Run(name, func(t *testing.T) {
			restore, err := Use(name)
			if err != nil {
				t.Fatal(err)
			}
			defer restore()
			f(t)
		})
	}
}

// randScale returns a finite fp16 scale of either sign, sometimes 0 or subnormal.
func randScale(rng *rand.Rand) uint16 {
	switch rng.IntN(16) {
	case 0:
		return 0
	case 1:
		return uint16(rng.IntN(1024)) | uint16(rng.IntN(2))<<15 // subnormal
	}
	return quant.F32ToF16(float32(rng.NormFloat64()) / 64)
}

// fillQ8_0 writes random Q8_0 blocks (every int8 value, -128 included) into b.
func fillQ8_0(rng *rand.Rand, b []byte) {
	for o := 0; o+quant.BlockBytesQ8_0 <= len(b); o += quant.BlockBytesQ8_0 {
		binary.LittleEndian.PutUint16(b[o:], randScale(rng))
		for j := 2; j < quant.BlockBytesQ8_0; j++ {
			b[o+j] = byte(rng.Uint32())
		}
	}
}

// fillQ6_K writes random Q6_K blocks (any quants, any int8 scale) into b; extreme blocks hold
// the largest magnitudes (value −32, scale −128).
func fillQ6_K(rng *rand.Rand, b []byte, extreme bool) {
	for o := 0; o+quant.BlockBytesQ6_K <= len(b); o += quant.BlockBytesQ6_K {
		for j := range 208 {
			b[o+j] = byte(rng.Uint32())
			if extreme {
				b[o+j] = map[bool]byte{true: 0x80, false: 0}[j >= 192]
			}
		}
		binary.LittleEndian.PutUint16(b[o+208:], randScale(rng))
	}
}

// randQ fills q with int8 values in [−127, 127] (the quantizers' range), or all −127 (extreme).
func randQ(rng *rand.Rand, q []int8, extreme bool) {
	for i := range q {
		q[i] = int8(rng.IntN(255) - 127)
		if extreme {
			q[i] = -127
		}
	}
}

func randD(rng *rand.Rand, d []float32) {
	for i := range d {
		d[i] = float32(rng.NormFloat64()) / 100
		if rng.IntN(20) == 0 {
			d[i] = 0
		}
	}
}

// checkQRows compares q80Rows / q6kRows with their references over rows stride bytes apart.
func checkQRows(t *testing.T, q6 bool, w []byte, stride, rows int, q []int8, d []float32, y []float32) {
	t.Helper()
	want := make([]float32, rows)
	if q6 {
		a := &quant.Q8K{Q: q, D: d}
		q6kRows(w, stride, rows, a, y)
		q6kRowsGo(w, stride, rows, a, want)
	} else {
		a := &quant.Q80{Q: q, D: d}
		q80Rows(w, stride, rows, a, y)
		q80RowsGo(w, stride, rows, a, want)
	}
	for r := range want {
		if !sameBits(y[r], want[r]) {
			t.Fatalf("q6=%v rows=%d blocks=%d stride=%d: row %d = %g (%#x), reference %g (%#x)",
				q6, rows, len(d), stride, r, y[r], y[r], want[r], want[r])
		}
	}
}

// TestQRowsTiers: random Q8_0 and Q6_K rows on every tier, bit-identical to the references,
// for awkward row counts, block counts and strides (0 … padding between rows).
func TestQRowsTiers(t *testing.T) {
	eachTier(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(31, 32))
		for _, q6 := range []bool{false, true} {
			qk, bb := quant.QK8_0, quant.BlockBytesQ8_0
			if q6 {
				qk, bb = quant.QK, quant.BlockBytesQ6_K
			}
			for _, nb := range []int{1, 2, 3, 8, 80, 97} {
				for _, rows := range []int{1, 2, 3, 4, 5, 7, 8, 33, 64} {
					for _, pad := range []int{0, 2, 64} {
						for _, extreme := range []bool{false, true} {
							stride := nb*bb + pad
							w := make([]byte, rows*stride)
							if q6 {
								fillQ6_K(rng, w, extreme)
							} else {
								fillQ8_0(rng, w)
							}
							q := make([]int8, nb*qk)
							randQ(rng, q, extreme)
							d := make([]float32, nb)
							randD(rng, d)
							checkQRows(t, q6, w, stride, rows, q, d, make([]float32, rows))
						}
					}
				}
			}
		}
	})
}

// TestQRowsLarge: a head-sized row count split across several assembly calls, and rows of
// 128000 elements.
func TestQRowsLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	eachTier(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(33, 34))
		for _, q6 := range []bool{false, true} {
			for _, sh := range []shape{{2051, 2560}, {7, 128000}} { // > f16CallBytes of weights, rows % 4 = 3
				qk, bb := quant.QK8_0, quant.BlockBytesQ8_0
				if q6 {
					qk, bb = quant.QK, quant.BlockBytesQ6_K
				}
				nb := sh.cols / qk
				w := make([]byte, sh.rows*nb*bb)
				if q6 {
					fillQ6_K(rng, w, false)
				} else {
					fillQ8_0(rng, w)
				}
				q := make([]int8, sh.cols)
				randQ(rng, q, false)
				d := make([]float32, nb)
				randD(rng, d)
				checkQRows(t, q6, w, nb*bb, sh.rows, q, d, make([]float32, sh.rows))
			}
		}
	})
}

// TestQRowsBounds: short buffers panic instead of being over-read.
func TestQRowsBounds(t *testing.T) {
	eachTier(t, func(t *testing.T) {
		for _, tc := range []struct {
			name string
			f    func()
		}{
			{"q8 weights", func() {
				q80Rows(make([]byte, 4*34-1), 34, 4, &quant.Q80{Q: make([]int8, 32), D: make([]float32, 1)}, make([]float32, 4))
			}},
			{"q8 act", func() {
				q80Rows(make([]byte, 4*68), 68, 4, &quant.Q80{Q: make([]int8, 63), D: make([]float32, 2)}, make([]float32, 4))
			}},
			{"q8 y", func() {
				q80Rows(make([]byte, 4*34), 34, 4, &quant.Q80{Q: make([]int8, 32), D: make([]float32, 1)}, make([]float32, 3))
			}},
			{"q6 weights", func() {
				q6kRows(make([]byte, 5*210-1), 210, 5, &quant.Q8K{Q: make([]int8, 256), D: make([]float32, 1)}, make([]float32, 5))
			}},
			{"q6 stride", func() {
				q6kRows(make([]byte, 5*210), 209, 5, &quant.Q8K{Q: make([]int8, 256), D: make([]float32, 1)}, make([]float32, 5))
			}},
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("%s: no panic", tc.name)
					}
				}()
				tc.f()
			}()
		}
	})
}

// BenchmarkQRows: single-threaded, MB/s of weight bytes. head: ≥ 300 MB of rows 2560 long (the
// 2B4T head is 128256 × 2560), streamed from DRAM; l2: 96 rows (about 250 KB, cache-resident:
// the compute ceiling).
func BenchmarkQRows(b *testing.B) {
	const cols = 2560
	for _, q6 := range []bool{false, true} {
		qk, bb, name := quant.QK8_0, quant.BlockBytesQ8_0, "Q8_0"
		if q6 {
			qk, bb, name = quant.QK, quant.BlockBytesQ6_K, "Q6_K"
		}
		nb := cols / qk
		for _, size := range []string{"head", "l2"} {
			rows := 96
			if size == "head" {
				rows = ((300<<20)/(nb*bb) + 3) &^ 3
			}
			rng := rand.New(rand.NewPCG(1, 2))
			w := make([]byte, rows*nb*bb)
			if q6 {
				fillQ6_K(rng, w, false)
			} else {
				fillQ8_0(rng, w)
			}
			q := make([]int8, cols)
			randQ(rng, q, false)
			d := make([]float32, nb)
			randD(rng, d)
			y := make([]float32, rows)
			for _, tier := range Tiers() {
				b.Run(fmt.Sprintf("%s/%s/%s", name, size, tier), func(b *testing.B) {
					restore, err := Use(tier)
					if err != nil {
						b.Fatal(err)
					}
					defer restore()
					b.SetBytes(int64(len(w)))
					for b.Loop() {
						if q6 {
							q6kRows(w, nb*bb, rows, &quant.Q8K{Q: q, D: d}, y)
						} else {
							q80Rows(w, nb*bb, rows, &quant.Q80{Q: q, D: d}, y)
						}
					}
				})
			}
		}
	}
}

// TestQdotArmEncodings checks the hand-encoded NEON words of qdot_arm64.s with llvm-mc.
func TestQdotArmEncodings(t *testing.T) { checkArmWords(t, "qdot_arm64.s") }
