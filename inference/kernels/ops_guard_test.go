//go:build unix

package kernels

import (
	"math/rand/v2"
	"testing"

	"github.com/aria-node/aria/inference/quant"
)

// TestOpsGuardPages places the inputs and outputs of the element-wise kernels against
// inaccessible pages, so that a read or write past either end faults.
func TestOpsGuardPages(t *testing.T) {
	eachFops(t, func(t *testing.T, _ *Tier) {
		rng := rand.New(rand.NewPCG(83, 84))
		for _, atEnd := range []bool{true, false} {
			for _, n := range []int{16, 17, 256, 512, 2560} {
				x := guardedF32(t, n, atEnd)
				y := guardedF32(t, n, atEnd)
				copy(x, opsInput(rng, n, 1, false, false))
				copy(y, opsInput(rng, n, 1, false, false))
				RMSNorm(y, x, y, 1e-5)
				Add(y, x)
				Mul(y, x)
				ReLU2(y)
				SiLU(y)
				Softmax(y)
				RMSNorm(y, x, nil, 1e-5)
				h := n / 2
				RoPENeoxTable(y[n-2*h:], 1, 2*h, x[:h], x[n-h:])
				var i8 quant.I8Row
				i8.Q = make([]int8, 0, n) // exactly n: a kernel writing more would corrupt the heap
				quantizeI8(x, &i8)
				if n%256 == 0 {
					var k quant.Q8K
					quantizeQ8K(x, &k)
					var a Activation
					a.Set(x)
					a.prepareT2(false)
				}
			}
		}
	})
}
