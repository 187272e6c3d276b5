package kernels

import (
	"math/rand/v2"
	"testing"
)

// The table form gives exactly the bits of RoPENeox.
func TestRoPETableMatches(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, hd := range []int{32, 64, 128} {
		for _, pos := range []int{0, 1, 7, 511, 4095} {
			x := make([]float32, 5*hd)
			for i := range x {
				x[i] = float32(rng.NormFloat64())
			}
			y := append([]float32(nil), x...)
			RoPENeox(x, 5, hd, pos, 500000)
			cs, sn := make([]float32, hd/2), make([]float32, hd/2)
			RoPEAngles(cs, sn, hd, pos, 500000)
			RoPENeoxTable(y, 5, hd, cs, sn)
			for i := range x {
				if x[i] != y[i] {
					t.Fatalf("hd %d pos %d: element %d: %v vs %v", hd, pos, i, x[i], y[i])
				}
			}
		}
	}
}
