//go:build !purego

package kernels

// The arm64 T2 kernels (tq_arm64.s), bit-identical to the portable ones in t2gemv.go and put in
// the rows of tiers_arm64.go: SDOT for neondot, SMULL/SMLAL into int16 + SADALP for neon.
// asmTier (t2asm.go) wraps them: bounds checks, portable fallbacks for degenerate shapes, and
// one-token GEMMs sent to the GEMV, which shares activation loads between four rows.

// Assembly (tq_arm64.s). Preconditions: rows ≥ 1, groups ≥ 1, every pointer covers what the
// portable kernel would read or write; for the GEMMs 2 ≤ ntok ≤ 4.

//go:noescape
func gemvTQDot(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvTQNeon(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvI2SDot(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemvI2SNeon(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemmTQDot(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmTQNeon(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmI2SDot(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)

//go:noescape
func gemmI2SNeon(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)
