//go:build unix

package kernels

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"github.com/aria-node/aria/inference/quant"
)

// TestQRowsGuardPages places Q8_0/Q6_K weights, activations and outputs against inaccessible
// pages on every tier: a kernel reading or writing one byte too far faults.
func TestQRowsGuardPages(t *testing.T) {
	eachTier(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(41, 42))
		for _, atEnd := range []bool{true, false} {
			for _, q6 := range []bool{false, true} {
				qk, bb := quant.QK8_0, quant.BlockBytesQ8_0
				if q6 {
					qk, bb = quant.QK, quant.BlockBytesQ6_K
				}
				for _, nb := range []int{1, 3, 10} {
					for _, rows := range []int{1, 3, 4, 5, 9} {
						stride := nb * bb
						w := guarded(t, rows*stride, atEnd)
						if q6 {
							fillQ6_K(rng, w, false)
						} else {
							fillQ8_0(rng, w)
						}
						qb := guarded(t, nb*qk, atEnd)
						q := unsafe.Slice((*int8)(unsafe.Pointer(&qb[0])), nb*qk)
						randQ(rng, q, false)
						d := guardedF32(t, nb, atEnd)
						randD(rng, d)
						checkQRows(t, q6, w, stride, rows, q, d, guardedF32(t, rows, atEnd))
					}
				}
			}
		}
	})
}
