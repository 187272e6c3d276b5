package kernels

import (
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// Activation is an input vector together with the forms the weight formats need, each prepared
// on first use and reused by every matrix that multiplies the same input (Q, K and V share one,
// gate and up share one): Q8_K blocks for TQ1_0/TQ2_0/Q6_K, int8 with one scale for I2_S,
// fp16- or bf16-rounded values for F16/BF16, Q8_0 blocks for Q8_0.
//
// The zero value is ready to use. Buffers grow once and are then reused, so steady-state use
// does not allocate. An Activation is not safe for concurrent use; MatVec prepares it on the
// calling goroutine before the workers start.
type Activation struct {
	x     []float32
	ready uint8
	q8k   quant.Q8K
	i8    quant.I8Row
	q80   quant.Q80
	h16   []float32 // x rounded to fp16, as float32
	b16   []float32 // x rounded to bf16, as float32
	t2    t2Act     // the T2 form (TQ or I2_S, whichever was prepared last)
	t2i2s bool      // which one t2 holds
}

const (
	haveQ8K = 1 << iota
	haveI8
	haveQ80
	haveF16
	haveBF16
	haveT2
)

// prepareT2 builds the T2 form for TQ (Q8_K) or I2_S activations, once per Set and kind.
func (a *Activation) prepareT2(i2s bool) {
	if a.ready&haveT2 != 0 && a.t2i2s == i2s {
		return
	}
	if i2s {
		a.prepare(gguf.TypeI2_S)
		a.t2.fromI8(&a.i8)
	} else {
		a.prepare(gguf.TypeTQ2_0)
		a.t2.fromQ8K(&a.q8k)
	}
	a.t2i2s = i2s
	a.ready |= haveT2
}

// Set makes x the input (kept, not copied) and invalidates the prepared forms. Call Set again
// after changing the contents of x.
func (a *Activation) Set(x []float32) {
	a.x = x
	a.ready = 0
}

// Len is the length of the input vector.
func (a *Activation) Len() int { return len(a.x) }

// prepare builds the form that matrices of type t consume, once per Set.
func (a *Activation) prepare(t gguf.Type) {
	switch t {
	case gguf.TypeTQ1_0, gguf.TypeTQ2_0, gguf.TypeQ6_K:
		if a.ready&haveQ8K == 0 {
			quantizeQ8K(a.x, &a.q8k)
			a.ready |= haveQ8K
		}
	case gguf.TypeI2_S:
		if a.ready&haveI8 == 0 {
			quantizeI8(a.x, &a.i8)
			a.ready |= haveI8
		}
	case gguf.TypeQ8_0:
		if a.ready&haveQ80 == 0 {
			quant.QuantizeQ80(a.x, &a.q80)
			a.ready |= haveQ80
		}
	case gguf.TypeF16:
		if a.ready&haveF16 == 0 {
			a.h16 = grow(a.h16, len(a.x))
			for i, v := range a.x {
				a.h16[i] = quant.F16ToF32(quant.F32ToF16(v))
			}
			a.ready |= haveF16
		}
	case gguf.TypeBF16:
		if a.ready&haveBF16 == 0 {
			a.b16 = grow(a.b16, len(a.x))
			for i, v := range a.x {
				a.b16[i] = quant.BF16ToF32(quant.F32ToBF16(v))
			}
			a.ready |= haveBF16
		}
	}
}

func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}
