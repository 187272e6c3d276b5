//go:build unix && !purego

package kernels

import (
	"bytes"
	"github.com/aria-node/aria/inference/quant"
	"math/rand/v2"
	"testing"

	"github.com/klauspost/cpuid/v2"
)

// Every amd64 T1 decoder the CPU can run, also those its tier does not pick (the compare-based
// AVX-512 one when VBMI is present), expands as the portable one.
func TestT1AMD64Decoders(t *testing.T) {
	type dec struct {
		name string
		ok   bool
		f    func(dst, src *byte, rows, groups int)
	}
	for _, d := range []dec{
		{"vbmi", cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VBMI), decodeT1VBMI},
		{"avx512", cpuid.CPU.Supports(cpuid.AVX512F, cpuid.AVX512BW), decodeT1AVX512},
		{"avx2", cpuid.CPU.Supports(cpuid.AVX2), decodeT1AVX2},
	} {
		if !d.ok {
			t.Logf("%s: not supported by this CPU", d.name)
			continue
		}
		rng := rand.New(rand.NewPCG(11, 12))
		f := asmDecodeT1(d.f)
		for _, groups := range []int{1, 3, 5, 6, 10, 27, 33} {
			for _, rows := range []int{1, 2, 5} {
				src := make([]byte, rows*T1RowBytes(groups))
				for i := range src {
					src[i] = byte(rng.Uint32())
				}
				want := make([]byte, rows*groups*GroupBytes)
				decodeT1Go(want, src, rows, groups)
				got := make([]byte, len(want))
				f(got, src, rows, groups)
				if !bytes.Equal(got, want) {
					t.Fatalf("%s groups=%d rows=%d: differs from portable", d.name, groups, rows)
				}
			}
		}
	}
}

// t1Bytes returns the T1 rows of a fused-kernel case: any bytes (also ones TQ1Pack never
// writes, both table halves), or packed trits.
func t1Bytes(rng *rand.Rand, a tqAllocator, rows, groups, kind int) []byte {
	b := a.bytes(rows * T1RowBytes(groups))
	for i := range b {
		if kind == tqDataValid {
			b[i] = quant.TQ1Pack([5]uint8{uint8(rng.IntN(3)), uint8(rng.IntN(3)), uint8(rng.IntN(3)), uint8(rng.IntN(3)), uint8(rng.IntN(3))})
		} else {
			b[i] = byte(rng.Uint32())
		}
	}
	return b
}

// t1CheckFused runs the fused T1 kernels of every tier that has them on the T1 rows t1 with the
// activations of k and compares with the portable reference (expand, then gemvTQGo/gemmTQGo).
func t1CheckFused(t *testing.T, k *tqCase, t1 []byte, yAlloc func(n int) []float32) int {
	t.Helper()
	n := 0
	want := make([]float32, k.yLen())
	for _, im := range asmTiers() {
		if im.gemvT1 == nil {
			continue
		}
		n++
		tqFillSentinel(want)
		gemvT1Go(t1, k.rows, k.groups, k.p, k.c, k.sb, k.sbStride, want)
		got := yAlloc(k.rows)
		tqFillSentinel(got)
		im.gemvT1(t1, k.rows, k.groups, k.p, k.c, k.sb, k.sbStride, got)
		tqCompareY(t, im.Name+" gemvT1", k, got, want[:k.rows])

		tqFillSentinel(want)
		gemmT1Go(t1, k.rows, k.groups, k.ntok, k.p, k.c, k.sb, want, k.yStride)
		got = yAlloc(k.yLen())
		tqFillSentinel(got)
		im.gemmT1(t1, k.rows, k.groups, k.ntok, k.p, k.c, k.sb, got, k.yStride)
		tqCompareY(t, im.Name+" gemmT1", k, got, want)
	}
	return n
}

// The fused T1 kernels against the portable reference: every small shape (super groups and
// plain groups, alone and together), 1–4 tokens, uniform and per-(row, group) scales, every kind
// of data, then the 2B4T shapes.
func TestT1FusedRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	checked := 0
	for i := 0; i < 300; i++ {
		rows, groups := 1+rng.IntN(40), 1+rng.IntN(33)
		if i < 88 {
			rows, groups = 1+i%8, 1+i/8
		}
		if i >= 280 {
			rows, groups = 64+rng.IntN(3), []int{10, 27, 33}[i%3]
		}
		ntok := 1 + i%MaxGemmTokens
		k := newTQCase(rng, tqHeapAlloc{rng}, rows, groups, ntok, groups*(i/2%2), rows+rng.IntN(4), i%tqDataKinds)
		checked += t1CheckFused(t, k, t1Bytes(rng, tqHeapAlloc{rng}, rows, groups, i%tqDataKinds), tqHeapY)
	}
	if checked == 0 {
		t.Skip("no tier with fused T1 kernels on this CPU / build")
	}
}

// The fused T1 kernels read nothing outside T1 rows, activations and scales, and write nothing
// outside y.
func TestT1FusedGuardPages(t *testing.T) {
	rng := rand.New(rand.NewPCG(33, 34))
	for i := 0; i < 80; i++ {
		g := &tqGuardPages{t: t, atStart: i%2 == 1}
		rows, groups := 1+rng.IntN(9), 1+rng.IntN(16)
		if i < 24 {
			rows, groups = 1+i%3, []int{1, 4, 5, 6, 10, 11}[i/4]
		}
		ntok := 1 + i%MaxGemmTokens
		k := newTQCase(rng, g, rows, groups, ntok, groups*(i/4%2), rows+rng.IntN(3), i%tqDataKinds)
		if t1CheckFused(t, k, t1Bytes(rng, g, rows, groups, i%tqDataKinds), g.floats) == 0 {
			g.free()
			t.Skip("no tier with fused T1 kernels on this CPU / build")
		}
		g.free()
	}
}
