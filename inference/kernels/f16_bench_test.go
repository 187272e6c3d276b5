package kernels

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
)

// Float kernel benchmarks per tier, single-threaded. b.SetBytes counts the weight bytes, so
// MB/s is weight throughput.
//
//	head: the 2B4T tied F16 head, 128256 × 2560 (657 MB, DRAM-bound);
//	l2:   96 × 2560 F16 (480 KB, L2-resident: the compute ceiling);
//	…-x4: the same in the X4 layout of the model's head (f16x4.go);
//	attn: attention scores over an F16 K cache, 1024 positions × 128 dims, 640 apart.

var (
	benchHeadOnce sync.Once
	benchHead     []byte
)

// randomHalves fills b with fp16 values of magnitude < 2 (random bits, top exponent bit clear).
func randomHalves(rng *rand.Rand, b []byte) {
	i := 0
	for ; i+8 <= len(b); i += 8 {
		binary.LittleEndian.PutUint64(b[i:], rng.Uint64()&0xbfffbfffbfffbfff)
	}
	for ; i < len(b); i++ {
		b[i] = 0
	}
}

func BenchmarkF16Rows(b *testing.B) {
	type shape struct {
		name               string
		rows, cols, stride int
		x4                 bool // the rows in the X4 layout (f16x4.go), as the model's head
	}
	shapes := []shape{
		{"head", 128256, 2560, 2 * 2560, false},
		{"head-x4", 128256, 2560, 2 * 2560, true},
		{"l2", 96, 2560, 2 * 2560, false},
		{"l2-x4", 96, 2560, 2 * 2560, true},
		{"attn", 1024, 128, 2 * 640, false},
	}
	for _, sh := range shapes {
		n := (sh.rows-1)*sh.stride + 2*sh.cols
		var w []byte
		if sh.rows == 128256 {
			benchHeadOnce.Do(func() {
				benchHead = make([]byte, n)
				randomHalves(rand.New(rand.NewPCG(1, 2)), benchHead)
			})
			w = benchHead
		} else {
			w = make([]byte, n)
			randomHalves(rand.New(rand.NewPCG(3, 4)), w)
		}
		if sh.x4 {
			plain := w
			w = make([]byte, n)
			x4Interleave(w, plain, sh.rows, sh.cols)
		}
		rng := rand.New(rand.NewPCG(5, 6))
		x := halfVector(rng, sh.cols)
		y := make([]float32, sh.rows)
		for _, tier := range floatRows() {
			b.Run(fmt.Sprintf("%s/%s", sh.name, tier.Float), func(b *testing.B) {
				defer useTier(tier)()
				b.SetBytes(int64(sh.rows * sh.cols * 2))
				for b.Loop() {
					if sh.x4 {
						f16RowsX4(w, sh.rows, sh.cols, x, y)
					} else {
						f16Rows(w, sh.stride, sh.rows, sh.cols, x, y)
					}
				}
			})
		}
	}
}

// BenchmarkFloatOps: the small per-head operations of attention (F32 cache and F16 cache) and
// the residual-sized AddScaled; SetBytes counts the bytes of the vectors read.
func BenchmarkFloatOps(b *testing.B) {
	rng := rand.New(rand.NewPCG(7, 8))
	a, v := f32Vector(rng, 2560), f32Vector(rng, 2560)
	h := make([]byte, 2*128)
	randomHalves(rng, h)
	for _, tier := range floatRows() {
		b.Run("Dot128/"+tier.Float, func(b *testing.B) {
			defer useTier(tier)()
			b.SetBytes(2 * 4 * 128)
			for b.Loop() {
				_ = Dot(a[:128], v[:128])
			}
		})
		b.Run("AddScaled2560/"+tier.Float, func(b *testing.B) {
			defer useTier(tier)()
			b.SetBytes(2 * 4 * 2560)
			for b.Loop() {
				AddScaled(a, v, 0.5)
			}
		})
		b.Run("AddScaledF16x128/"+tier.Float, func(b *testing.B) {
			defer useTier(tier)()
			b.SetBytes(2 * 128)
			for b.Loop() {
				addScaledF16(a[:128], h, 0.5)
			}
		})
	}
}
