//go:build !purego

package kernels

// decodeT1Neon is the T1 decoder of both arm64 tiers (tq1_arm64.s; plain Advanced SIMD).
// Preconditions: rows ≥ 1, groups ≥ 1, dst holds rows·groups·64 bytes and src
// rows·T1RowBytes(groups).
//
//go:noescape
func decodeT1Neon(dst, src *byte, rows, groups int)
