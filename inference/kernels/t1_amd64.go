//go:build !purego

package kernels

// The amd64 T1 decoders (t1.go), in tq1_avx512_amd64.s (avx512 row: table lookups with VBMI,
// else byte compares with F/BW only) and tq1_avx2_amd64.s (avxvnni and avx2 rows; tiers_amd64.go
// picks them). Preconditions: rows ≥ 1, groups ≥ 1, dst holds rows·groups·64 bytes and src
// rows·T1RowBytes(groups).

//go:noescape
func decodeT1VBMI(dst, src *byte, rows, groups int)

//go:noescape
func decodeT1AVX512(dst, src *byte, rows, groups int)

//go:noescape
func decodeT1AVX2(dst, src *byte, rows, groups int)

// The fused T1 kernels (gemvTQ/gemmTQ reading T1 rows, decoded in registers) of the avx512
// row, with VBMI table lookups and GFNI plane extraction.

//go:noescape
func gemvT1VBMI(t1 *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemmT1VBMI(t1 *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)
