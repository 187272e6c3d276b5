package kernels

import (
	"fmt"
	"sync/atomic"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// T1 is the compact in-memory layout of TQ1_0 weights (1.625 bits per weight against T2's 2):
// the kernels expand it, a chunk of rows at a time, into T2 codes in a small cache-resident
// buffer and run the T2 kernels of the active tier on that, so T1 and T2 give the same bits by
// construction.
//
// A row of G groups of 256 weights is G/5 "super groups" of 256 bytes, then the G%5 remaining
// groups as T2 code groups (64 bytes each), so every row starts 64-byte aligned. A super group
// holds the 5 T2 groups 5s..5s+4 as 4 vectors of 64 bytes: trits 0–3 of byte j of vector k are
// bit pairs 0–3 of byte j of T2 group k (so one 256-entry table gives that T2 byte), trit 4 is
// bit pair k of byte j of T2 group 4. A byte packs
// its five codes as TQ1_0 does (quant.TQ1Pack: c[0] most significant, ceil(v·256/243)), so
// code n = ((b·3ⁿ mod 256)·3) >> 8 = [m ≥ 86] + [m ≥ 171] with m = b·3ⁿ mod 256: one 8-bit
// multiply by 3 (two byte additions) and two byte comparisons per trit plane on any SIMD ISA.
const (
	superGroups = 5   // T2 groups per super group
	superBytes  = 256 // T1 bytes per super group
)

// T1RowBytes is the size of a T1 row of groups groups.
func T1RowBytes(groups int) int {
	return groups/superGroups*superBytes + groups%superGroups*GroupBytes
}

// T1Bytes is the size of the T1 codes of a rows×cols ternary matrix.
func T1Bytes(rows, cols int) int { return rows * T1RowBytes((cols+255)/256) }

// RepackT1 converts a TQ1_0 matrix into the T1 layout (in T2.Packed), in memory from the
// arena, or from the Go heap when a is nil.
func RepackT1(m *Matrix, a *Arena) (*T2, error) {
	if m.Type != gguf.TypeTQ1_0 {
		return nil, fmt.Errorf("repack to T1: %s is not TQ1_0", m.Type)
	}
	groups := (m.Cols + 255) / 256
	t := &T2{Rows: m.Rows, Cols: m.Cols, Groups: groups}
	n := T1Bytes(m.Rows, m.Cols)
	if a != nil {
		b, err := a.Alloc(n)
		if err != nil {
			return nil, fmt.Errorf("repack to T1: %w", err)
		}
		t.Packed = b
	} else {
		t.Packed = alignedHeap(n)
	}
	rb := T1RowBytes(groups)
	parallelRows(m.Rows, func(r0, r1 int) {
		codes := make([]byte, groups*GroupBytes)
		for r := r0; r < r1; r++ {
			row := m.Row(r)
			for g := 0; g < groups; g++ {
				unpackTQ1((*[GroupBytes]byte)(codes[g*GroupBytes:]), row[g*quant.BlockBytesTQ1_0:(g+1)*quant.BlockBytesTQ1_0])
			}
			packT1Row(t.Packed[r*rb:(r+1)*rb], codes, groups)
		}
	})
	t.scales(m, quant.BlockBytesTQ1_0, 52, func(r, g int) bool {
		var c [GroupBytes]byte
		unpackTQ1(&c, m.Row(r)[g*quant.BlockBytesTQ1_0:])
		return isZeroCodes(&c)
	})
	return t, nil
}

// packT1Row encodes one row of T2 codes (groups·64 bytes) into dst (T1RowBytes(groups)).
func packT1Row(dst, codes []byte, groups int) {
	s := 0
	for ; s < groups/superGroups; s++ {
		src := codes[s*superGroups*GroupBytes:]
		out := dst[s*superBytes:]
		for k := 0; k < 4; k++ {
			for j := 0; j < 64; j++ {
				var c [5]uint8
				for n := 0; n < 4; n++ {
					c[n] = src[k*GroupBytes+j] >> (2 * n) & 3
				}
				c[4] = src[4*GroupBytes+j] >> (2 * k) & 3
				out[64*k+j] = quant.TQ1Pack(c)
			}
		}
	}
	copy(dst[s*superBytes:], codes[s*superGroups*GroupBytes:groups*GroupBytes])
}

// decodeT1Go is the portable expansion of rows T1 rows of groups groups from src into T2 codes
// in dst (rows·groups·64 bytes).
func decodeT1Go(dst, src []byte, rows, groups int) {
	rb := T1RowBytes(groups)
	src = src[:rows*rb]
	dst = dst[:rows*groups*GroupBytes]
	supers := groups / superGroups
	for r := 0; r < rows; r++ {
		in := src[r*rb : (r+1)*rb]
		out := dst[r*groups*GroupBytes : (r+1)*groups*GroupBytes]
		for s := 0; s < supers; s++ {
			decodeSuperGo((*[superGroups * GroupBytes]byte)(out[s*superGroups*GroupBytes:]), (*[superBytes]byte)(in[s*superBytes:]))
		}
		copy(out[supers*superGroups*GroupBytes:], in[supers*superBytes:])
	}
}

// decodeSuperGo expands one super group into its 5 T2 groups.
func decodeSuperGo(out *[superGroups * GroupBytes]byte, in *[superBytes]byte) {
	*out = [superGroups * GroupBytes]byte{}
	for k := 0; k < 4; k++ {
		for j := 0; j < 64; j++ {
			m := in[64*k+j]
			for n := 0; n < 5; n++ {
				var c byte
				if m >= 86 {
					c++
				}
				if m >= 171 {
					c++
				}
				g, p := k, n // trit n of vector k: group k, plane n; trit 4: group 4, plane k
				if n == 4 {
					g, p = 4, k
				}
				out[g*GroupBytes+j] |= c << (2 * p)
				m *= 3
			}
		}
	}
}

// decodeT1Func expands rows T1 rows (see decodeT1Go).
type decodeT1Func func(dst, src []byte, rows, groups int)

// t1ChunkBytes is the size of the T2 codes one kernel call expands into: small enough to stay
// in L1/L2 between the expansion and the product, large enough that the two calls per chunk
// cost little.
const t1ChunkBytes = 32 << 10

// t1Scratch are the expansion buffers, one per goroutine running a T1 product at a time, taken
// without locks or allocation per call (beyond the first use of a slot).
var t1Scratch [64]struct {
	busy atomic.Bool
	buf  *[t1ChunkBytes]byte
	_    [48]byte
}

// getT1Scratch takes a free buffer and its slot, for putT1Scratch.
func getT1Scratch() (buf []byte, slot int) {
	for i := range t1Scratch {
		s := &t1Scratch[i]
		if s.busy.CompareAndSwap(false, true) {
			if s.buf == nil {
				s.buf = new([t1ChunkBytes]byte)
			}
			return s.buf[:], i
		}
	}
	return make([]byte, t1ChunkBytes), -1 // more concurrent products than slots
}

func putT1Scratch(slot int) {
	if slot >= 0 {
		t1Scratch[slot].busy.Store(false)
	}
}

// t1ChunkRows is the number of rows expanded at a time.
func t1ChunkRows(groups int) int { return max(1, t1ChunkBytes/(groups*GroupBytes)) }

// gemvT1Go is the portable reference of the fused T1 GEMV (Tier.gemvT1): gemvTQGo on the
// expanded rows, so a fused kernel is checked against the expand path by construction.
func gemvT1Go(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
	rb := T1RowBytes(groups)
	buf := make([]byte, groups*GroupBytes)
	for r := 0; r < rows; r++ {
		decodeT1Go(buf, codes[r*rb:], 1, groups)
		gemvTQGo(buf, 1, groups, p, c, sb[r*sbStride:], 0, y[r:])
	}
}

// gemmT1Go is the portable reference of the fused T1 GEMM (Tier.gemmT1).
func gemmT1Go(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
	for t := 0; t < ntok; t++ {
		gemvT1Go(codes, rows, groups, p[t*groups*256:], c[t*groups*16:], sb[t*groups:], 0, y[t*yStride:])
	}
}

// runT1 computes rows [start, end) of a T1 matrix: with the tier's fused kernels directly,
// else expanding a chunk of rows at a time and multiplying it with the T2 kernels of the
// active tier, exactly as runT2 does for the whole range.
func (t *mulTask) runT1(start, end int) {
	w, b := t.w.T2, t.t2
	g := w.Groups
	k := active
	rb := T1RowBytes(g)
	if !b.batch && k.gemvT1 != nil {
		t.gemv(k.gemvT1, w.Packed[start*rb:end*rb], start, end)
		return
	}
	if b.batch && k.gemmT1 != nil {
		t.gemm(k.gemmT1, w.Packed[start*rb:end*rb], start, end)
		return
	}
	buf, slot := getT1Scratch()
	defer putT1Scratch(slot)
	if g*GroupBytes > len(buf) {
		buf = make([]byte, g*GroupBytes) // rows of more than 131072 columns
	}
	step := t1ChunkRows(g)
	for r0 := start; r0 < end; r0 += step {
		r1 := min(r0+step, end)
		codes := buf[:(r1-r0)*g*GroupBytes]
		k.decodeT1(codes, w.Packed[r0*rb:r1*rb], r1-r0, g)
		if b.batch {
			t.gemm(k.gemmTQ, codes, r0, r1)
		} else {
			t.gemv(k.gemvTQ, codes, r0, r1)
		}
	}
}

// gemv runs f (gemvTQ, or gemvT1 on T1 codes) for rows [r0, r1), whose codes are given, and
// every activation of t.
func (t *mulTask) gemv(f gemvTQFunc, codes []byte, r0, r1 int) {
	w, b := t.w.T2, t.t2
	g := w.Groups
	for i, a := range t.as {
		y := t.ys[i][r0:r1]
		if w.DW == nil {
			f(codes, r1-r0, g, a.t2.p, a.t2.c, b.sb[i*g:(i+1)*g], 0, y)
		} else {
			per := w.Rows * g
			f(codes, r1-r0, g, a.t2.p, a.t2.c, b.sb[i*per+r0*g:(i+1)*per], g, y)
		}
	}
}

// gemm runs f (gemmTQ or gemmT1) for rows [r0, r1) and the batch of t, MaxGemmTokens at a time.
func (t *mulTask) gemm(f gemmTQFunc, codes []byte, r0, r1 int) {
	b, g := t.t2, t.w.T2.Groups
	for t0 := 0; t0 < len(t.as); t0 += MaxGemmTokens {
		n := min(MaxGemmTokens, len(t.as)-t0)
		f(codes, r1-r0, g, n, b.p[t0*g*256:], b.c[t0*g*16:], b.sb[t0*g:], b.y[t0*b.ys+r0:], b.ys)
	}
}
