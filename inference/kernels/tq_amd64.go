//go:build !purego

package kernels

// The amd64 T2 kernels (tq_*_amd64.s), put in the rows of tiers_amd64.go. Each routine takes
// pointers and counts; the wrappers of asmTier (t2asm.go) take the slice signatures of
// t2gemv.go, check the bounds the portable kernels would check (so a short slice panics instead
// of being over-read), and hand the degenerate shapes (no groups, more than MaxGemmTokens
// tokens, absurd group counts) to the portable code.

// The assembly routines: rows ≥ 1, groups ≥ 1, 1 ≤ ntok ≤ MaxGemmTokens, all buffers in bounds.

//go:noescape
func gemvTQAVX512(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvI2SAVX512(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemmTQAVX512(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmI2SAVX512(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)

//go:noescape
func gemvTQAVXVNNI(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvI2SAVXVNNI(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemmTQAVXVNNI(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmI2SAVXVNNI(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)

//go:noescape
func gemvTQAVX2(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)

//go:noescape
func gemvI2SAVX2(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)

//go:noescape
func gemmTQAVX2(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)

//go:noescape
func gemmI2SAVX2(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)

// maxI2SGroups bounds the groups of an I2_S row for the shift-free kernels (avx512, avxvnni):
// accumulator 3 grows by ≤ 4·192·128 per lane and group, which must stay below 2³¹.
const maxI2SGroups = (1<<31 - 1) / (4 * 192 * 128)

// maxI2SGroupsVNNI is the same bound for avxvnni, whose accumulators take both halves of a group.
const maxI2SGroupsVNNI = maxI2SGroups / 2
