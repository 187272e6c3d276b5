package kernels

import (
	"math/rand/v2"
	"testing"

	"github.com/aria-node/aria/inference/quant"
)

// BenchmarkOps times each element-wise kernel at the 2B4T sizes (2560, 6912) on every tier;
// bytes are those read and written, so that MB/s compares across tiers in the same run.
func BenchmarkOps(b *testing.B) {
	rng := rand.New(rand.NewPCG(85, 86))
	x := opsInput(rng, 6912, 1, false, false)
	w := opsInput(rng, 6912, 1, false, false)
	y := make([]float32, 6912)
	cs, sn := make([]float32, 64), make([]float32, 64)
	RoPEAngles(cs, sn, 128, 77, 500000)
	var i8 quant.I8Row
	var k8 quant.Q8K
	var a Activation
	cases := []struct {
		name  string
		bytes int
		run   func()
	}{
		{"RMSNorm/2560", 3 * 4 * 2560, func() { RMSNorm(y[:2560], x[:2560], w[:2560], 1e-5) }},
		{"Softmax/160", 2 * 4 * 160, func() { copy(y, x[:160]); Softmax(y[:160]) }},
		{"SiLU/6912", 2 * 4 * 6912, func() { copy(y, x); SiLU(y) }},
		{"ReLU2/6912", 2 * 4 * 6912, func() { copy(y, x); ReLU2(y) }},
		{"Mul/6912", 3 * 4 * 6912, func() { Mul(y, x) }},
		{"Add/2560", 3 * 4 * 2560, func() { Add(y[:2560], x[:2560]) }},
		{"RoPE/20x128", 2 * 4 * 2560, func() { RoPENeoxTable(y[:2560], 20, 128, cs, sn) }},
		{"QuantI8/2560", 5 * 2560, func() { quantizeI8(x[:2560], &i8) }},
		{"QuantQ8K/6912", 5 * 6912, func() { quantizeQ8K(x, &k8) }},
		{"T2ActTQ/2560", 7 * 2560, func() { a.Set(x[:2560]); a.prepareT2(false) }},
		{"T2ActI2S/6912", 7 * 6912, func() { a.Set(x); a.prepareT2(true) }},
	}
	for _, c := range cases {
		for _, tier := range []*Tier{portableRow(), floatRows()[0]} {
			b.Run(c.name+"/"+tier.Float, func(b *testing.B) {
				defer useTier(tier)()
				b.SetBytes(int64(c.bytes))
				for b.Loop() {
					c.run()
				}
			})
		}
	}
}
