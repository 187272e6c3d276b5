//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

// The amd64 T1 decoders (t1.go), in tq1_avx512_amd64.s (avx512 tier: table lookups with VBMI,
// else byte compares with F/BW only) and tq1_avx2_amd64.s (avxvnni and avx2). Preconditions:
// rows ≥ 1, groups ≥ 1, dst holds rows·groups·64 bytes and src rows·T1RowBytes(groups).

func init() {
	if cpuid.CPU.Supports(cpuid.AVX512VBMI) {
		tierAVX512.decodeT1 = asmDecodeT1(decodeT1VBMI)
		tierAVX512.Detail += "; T1 via VBMI"
	}
}

//go:noescape
func decodeT1VBMI(dst, src *byte, rows, groups int)

//go:noescape
func decodeT1AVX512(dst, src *byte, rows, groups int)

//go:noescape
func decodeT1AVX2(dst, src *byte, rows, groups int)
