package kernels

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkT1MatVec: one thread, a 2B4T ffn_down-like matrix (2560 rows × 6912, L2/L3 sized
// at 4.4 MB T2), T1 against T2 per tier; MB/s counts the weight bytes each layout reads.
// T1expand is T1 through the expand path on tiers that have fused T1 kernels.
func BenchmarkT1MatVec(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	t := &testing.T{}
	m := tq1Matrix(t, rng, 2560, 6912, false)
	m1, m2 := *m, *m
	if err := m1.Repack(nil, false); err != nil {
		b.Fatal(err)
	}
	if err := m2.Repack(nil, true); err != nil {
		b.Fatal(err)
	}
	a := new(Activation)
	a.Set(testActivation(rng, "normal", 6912))
	y := make([]float32, 2560)
	for _, tier := range Tiers() {
		for _, c := range []struct {
			name   string
			m      *Matrix
			expand bool
		}{{"T1", &m1, false}, {"T1expand", &m1, true}, {"T2", &m2, false}} {
			if c.expand && choose(tier).Impl.gemvT1 == nil {
				continue
			}
			b.Run(tier+"/"+c.name, func(b *testing.B) {
				restore, err := Use(tier)
				if err != nil {
					b.Fatal(err)
				}
				defer restore()
				if c.expand {
					defer withoutFusedT1(active)()
				}
				b.SetBytes(int64(c.m.T2.Bytes()))
				for b.Loop() {
					MatVec(nil, c.m, a, y)
				}
			})
		}
	}
}

// BenchmarkT1MatMul4: the same matrix times a batch of 4 tokens (prefill), fused against the
// expand path and T2, one thread.
func BenchmarkT1MatMul4(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	m := tq1Matrix(&testing.T{}, rng, 2560, 6912, false)
	m1, m2 := *m, *m
	if err := m1.Repack(nil, false); err != nil {
		b.Fatal(err)
	}
	if err := m2.Repack(nil, true); err != nil {
		b.Fatal(err)
	}
	xs := make([]*Activation, 4)
	for i := range xs {
		xs[i] = new(Activation)
		xs[i].Set(testActivation(rng, "normal", 6912))
	}
	ys := outputs(4, 2560)
	for _, tier := range Tiers() {
		if choose(tier).Impl.gemmT1 == nil {
			continue
		}
		for _, c := range []struct {
			name   string
			m      *Matrix
			expand bool
		}{{"T1", &m1, false}, {"T1expand", &m1, true}, {"T2", &m2, false}} {
			b.Run(tier+"/"+c.name, func(b *testing.B) {
				restore, err := Use(tier)
				if err != nil {
					b.Fatal(err)
				}
				defer restore()
				if c.expand {
					defer withoutFusedT1(active)()
				}
				b.SetBytes(int64(c.m.T2.Bytes()))
				for b.Loop() {
					MatMul(nil, c.m, xs, ys)
				}
			})
		}
	}
}
