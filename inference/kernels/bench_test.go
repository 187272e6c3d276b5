package kernels

import (
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// The benchmarks use a 2B4T gate/up shape: 6912 rows of 2560. b.SetBytes is the weight size,
// so MB/s is weight throughput, the figure later assembly kernels are compared against.
const benchRows, benchCols = 6912, 2560

var benchMatrices sync.Map // gguf.Type → *Matrix

func benchMatrix(b *testing.B, t gguf.Type) *Matrix {
	if m, ok := benchMatrices.Load(t); ok {
		return m.(*Matrix)
	}
	rng := rand.New(rand.NewPCG(uint64(t), 99))
	m := newTestMatrix(b, rng, t, benchRows, benchCols)
	benchMatrices.Store(t, m)
	return m
}

func benchMatVec(b *testing.B, t gguf.Type) {
	m := benchMatrix(b, t)
	rng := rand.New(rand.NewPCG(1, 1))
	x := testActivation(rng, "normal", benchCols)
	y := make([]float32, benchRows)
	for _, threads := range []int{1, 2} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			p := NewPool(threads)
			defer p.Close()
			var a Activation
			a.Set(x)
			MatVec(p, m, &a, y) // grow the buffers once
			b.SetBytes(int64(len(m.Data)))
			b.ReportAllocs()
			for b.Loop() {
				a.Set(x) // includes the activation quantization, as in the model
				MatVec(p, m, &a, y)
			}
		})
	}
}

func BenchmarkMatVecTQ2_0(b *testing.B) { benchMatVec(b, gguf.TypeTQ2_0) }
func BenchmarkMatVecTQ1_0(b *testing.B) { benchMatVec(b, gguf.TypeTQ1_0) }
func BenchmarkMatVecI2_S(b *testing.B)  { benchMatVec(b, gguf.TypeI2_S) }
func BenchmarkMatVecF16(b *testing.B)   { benchMatVec(b, gguf.TypeF16) }
func BenchmarkMatVecF32(b *testing.B)   { benchMatVec(b, gguf.TypeF32) }
func BenchmarkMatVecBF16(b *testing.B)  { benchMatVec(b, gguf.TypeBF16) }
func BenchmarkMatVecQ8_0(b *testing.B)  { benchMatVec(b, gguf.TypeQ8_0) }
func BenchmarkMatVecQ6_K(b *testing.B)  { benchMatVec(b, gguf.TypeQ6_K) }

// BenchmarkMatMulTQ2_0 is a prefill batch of 8 tokens; SetBytes counts the weights once per
// token, so MB/s compares directly with MatVec.
func BenchmarkMatMulTQ2_0(b *testing.B) {
	m := benchMatrix(b, gguf.TypeTQ2_0)
	rng := rand.New(rand.NewPCG(2, 2))
	const batch = 8
	as := make([]*Activation, batch)
	ys := make([][]float32, batch)
	for i := range as {
		as[i] = new(Activation)
		as[i].Set(testActivation(rng, "normal", benchCols))
		ys[i] = make([]float32, benchRows)
	}
	p := NewPool(2)
	defer p.Close()
	b.SetBytes(int64(len(m.Data)) * batch)
	for b.Loop() {
		MatMul(p, m, as, ys)
	}
}

func BenchmarkQuantizeQ8K(b *testing.B) {
	x := testActivation(rand.New(rand.NewPCG(3, 3)), "normal", benchCols)
	var q quant.Q8K
	b.SetBytes(4 * benchCols)
	for b.Loop() {
		quant.QuantizeQ8K(x, &q)
	}
}

func BenchmarkPoolFor(b *testing.B) {
	p := NewPool(2)
	defer p.Close()
	var sink [2]int
	fn := func(s, e int) { sink[s&1] += e - s }
	for b.Loop() {
		p.For(2, fn)
	}
}
