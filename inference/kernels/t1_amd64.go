//go:build !purego

package kernels

// The amd64 T1 decoders (t1.go): tq1_avx512_amd64.s for the avx512 tier (AVX-512 F/BW; no VBMI
// needed), tq1_avx2_amd64.s for avxvnni and avx2. Preconditions: rows ≥ 1, groups ≥ 1, dst
// holds rows·groups·64 bytes and src rows·T1RowBytes(groups).

//go:noescape
func decodeT1AVX512(dst, src *byte, rows, groups int)

//go:noescape
func decodeT1AVX2(dst, src *byte, rows, groups int)
