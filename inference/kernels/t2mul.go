package kernels

import "unsafe"

// t2Batch is the scratch of one T2 matrix product: the per-block scales of every token and,
// for a batch, the activations laid out back to back as the GEMM kernels take them.
type t2Batch struct {
	sb    []float32 // TQ: ntok·groups (uniform) or ntok·rows·groups scales
	p     []int8
	c     []int32
	sumq  []int32
	s     []float32
	batch bool      // GEMM over packed activations
	y     []float32 // the outputs of the batch as one slice (the model's are rows of one buffer)
	ys    int       // their stride
}

// prepareT2 readies the activations and the scales for multiplying w (which has a T2).
func (t *mulTask) prepareT2(b *t2Batch) {
	w := t.w.T2
	nt := len(t.as)
	for _, a := range t.as {
		a.prepareT2(w.I2S)
	}
	g := w.Groups
	if !w.I2S {
		per := g
		if w.DW != nil {
			per = w.Rows * g
		}
		b.sb = grow(b.sb, nt*per)
		for i, a := range t.as {
			d := a.t2.d
			sb := b.sb[i*per : (i+1)*per]
			if w.DW == nil {
				for j := range g {
					sb[j] = d[j] * w.Scale
				}
				continue
			}
			for r := 0; r < w.Rows; r++ {
				for j := range g {
					sb[r*g+j] = d[j] * w.DW[r*g+j]
				}
			}
		}
	}
	b.batch = false
	if nt > 1 && w.DW == nil {
		b.y, b.ys, b.batch = evenRows(t.ys)
	}
	if !b.batch {
		return
	}
	b.p = growInt8(b.p, nt*g*256)
	if w.I2S {
		b.sumq = growInt32(b.sumq, nt)
		b.s = grow(b.s, nt)
	} else {
		b.c = growInt32(b.c, nt*g*16)
	}
	for i, a := range t.as {
		copy(b.p[i*g*256:], a.t2.p)
		if w.I2S {
			b.sumq[i], b.s[i] = a.t2.sumq, a.t2.s
		} else {
			copy(b.c[i*g*16:], a.t2.c)
		}
	}
}

// runT2 computes rows [start, end) with the active kernel tier.
func (t *mulTask) runT2(start, end int) {
	w, b := t.w.T2, t.t2
	if w.Packed != nil {
		t.runT1(start, end)
		return
	}
	g := w.Groups
	codes := w.Codes[start*g*GroupBytes : end*g*GroupBytes]
	rows := end - start
	k := active
	if !b.batch {
		for i, a := range t.as {
			y := t.ys[i][start:end]
			if w.I2S {
				k.gemvI2S(codes, rows, g, a.t2.p, a.t2.sumq, a.t2.s, w.Scale, y)
				continue
			}
			if w.DW == nil {
				k.gemvTQ(codes, rows, g, a.t2.p, a.t2.c, b.sb[i*g:(i+1)*g], 0, y)
			} else {
				per := w.Rows * g
				k.gemvTQ(codes, rows, g, a.t2.p, a.t2.c, b.sb[i*per+start*g:(i+1)*per], g, y)
			}
		}
		return
	}
	for t0 := 0; t0 < len(t.as); t0 += MaxGemmTokens {
		n := min(MaxGemmTokens, len(t.as)-t0)
		y := b.y[t0*b.ys+start:]
		if w.I2S {
			k.gemmI2S(codes, rows, g, n, b.p[t0*g*256:], b.sumq[t0:], b.s[t0:], w.Scale, y, b.ys)
		} else {
			k.gemmTQ(codes, rows, g, n, b.p[t0*g*256:], b.c[t0*g*16:], b.sb[t0*g:], y, b.ys)
		}
	}
}

// evenRows reports whether the outputs are evenly spaced rows of one buffer (as the model
// lays them out) and returns them as one slice with the stride.
func evenRows(ys [][]float32) ([]float32, int, bool) {
	base := unsafe.Pointer(unsafe.SliceData(ys[0]))
	stride := (uintptr(unsafe.Pointer(unsafe.SliceData(ys[1]))) - uintptr(base)) / 4
	if stride < uintptr(len(ys[0])) {
		return nil, 0, false
	}
	for i := range ys {
		if uintptr(unsafe.Pointer(unsafe.SliceData(ys[i]))) != uintptr(base)+uintptr(i)*stride*4 || len(ys[i]) != len(ys[0]) {
			return nil, 0, false
		}
	}
	return unsafe.Slice((*float32)(base), (len(ys)-1)*int(stride)+len(ys[0])), int(stride), true
}
