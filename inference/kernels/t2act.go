package kernels

import "github.com/aria-node/aria/inference/quant"

// t2Act is an activation prepared for the T2 kernels (docs/kernels.md §2): the int8 values
// in the permuted block layout P — for group g, plane n ∈ 0..3 is 64 bytes holding elements
// [32n, 32n+32) then [128+32n, 128+32n+32) of the group — so that code byte j, bit pair n of a
// T2 group multiplies P[64n + j] on every ISA.
//
// TQ (Q8_K) activations also carry, per group, the block scale D and a 16-lane correction
// C[l] = −(sum of the 16 activations that lane l multiplies), lane l covering code bytes
// 4l..4l+3. Starting lane l at C[l] turns Σ code·q into the exact ternary sum Σ t·q of that
// lane (code = t + 1); an all-zero block then gives 0 in every lane.
// I2_S activations carry the row's sum of q and its scale instead.
type t2Act struct {
	groups int
	p      []int8    // groups·256
	c      []int32   // groups·16 (TQ)
	d      []float32 // groups (TQ)
	sumq   int32     // I2_S
	s      float32   // I2_S
}

// srcIndex is the element of a group that P position 64n + j holds.
func srcIndex(n, j int) int { return (j/32)*128 + 32*n + j%32 }

// permute writes q (len ≤ groups·256, zero padded) into P order: 32-byte runs, copied.
func (t *t2Act) permute(q []int8, groups int) {
	t.groups = groups
	t.p = growInt8(t.p, groups*256)
	for g := 0; g < groups; g++ {
		dst := t.p[g*256 : (g+1)*256]
		base := g * 256
		for n := 0; n < 4; n++ {
			for h := 0; h < 2; h++ {
				d := dst[64*n+32*h : 64*n+32*h+32]
				src := base + srcIndex(n, 32*h)
				c := copy(d, q[min(src, len(q)):min(src+32, len(q))])
				clear(d[c:])
			}
		}
	}
}

// fromQ8K prepares a TQ activation from its Q8_K blocks.
func (t *t2Act) fromQ8K(a *quant.Q8K) {
	groups := len(a.D)
	t.permute(a.Q, groups)
	t.c = growInt32(t.c, groups*16)
	t.d = grow(t.d, groups)
	copy(t.d, a.D)
	t2Sums(t.p, t.c, groups)
}

// fromI8 prepares an I2_S activation of a row of cols elements.
func (t *t2Act) fromI8(a *quant.I8Row) {
	t.permute(a.Q, (len(a.Q)+255)/256)
	t.sumq, t.s = a.Sum, a.Scale
}

func growInt8(s []int8, n int) []int8 {
	if cap(s) < n {
		return make([]int8, n)
	}
	return s[:n]
}

func growInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
