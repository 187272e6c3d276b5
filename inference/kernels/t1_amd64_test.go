//go:build !purego

package kernels

import (
	"bytes"
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
