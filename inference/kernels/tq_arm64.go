//go:build !purego

package kernels

// The arm64 NEON tiers of the T2 kernels (tq_arm64.s), bit-identical to the portable ones in
// t2gemv.go:
//   - neondot: SDOT (FEAT_DotProd: Cortex-A55/A76+, Neoverse, Apple M1+, Graviton 2+);
//   - neon:    SMULL/SMLAL into int16 + SADALP, any ARMv8-A with Advanced SIMD (Cortex-A53/A72).
//
// The wrappers check the slice bounds the way the portable kernels would, hand degenerate
// shapes (no rows, no groups, odd strides) to the portable code, and send one-token GEMMs to the
// GEMV, which shares activation loads between four rows.

var (
	neonDotTier = &Impl{
		Name:   "neondot",
		Detail: "NEON + dot product (SDOT, FEAT_DotProd)",
		gemvTQ: func(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
			gemvTQArm64(true, codes, rows, groups, p, c, sb, sbStride, y)
		},
		gemvI2S: func(codes []byte, rows, groups int, p []int8, sumq int32, s, ws float32, y []float32) {
			gemvI2SArm64(true, codes, rows, groups, p, sumq, s, ws, y)
		},
		gemmTQ: func(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
			gemmTQArm64(true, codes, rows, groups, ntok, p, c, sb, y, yStride)
		},
		gemmI2S: func(codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int) {
			gemmI2SArm64(true, codes, rows, groups, ntok, p, sumq, s, ws, y, yStride)
		},
	}
	neonTier = &Impl{
		Name:   "neon",
		Detail: "NEON (SMULL/SMLAL, SADALP)",
		gemvTQ: func(codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
			gemvTQArm64(false, codes, rows, groups, p, c, sb, sbStride, y)
		},
		gemvI2S: func(codes []byte, rows, groups int, p []int8, sumq int32, s, ws float32, y []float32) {
			gemvI2SArm64(false, codes, rows, groups, p, sumq, s, ws, y)
		},
		gemmTQ: func(codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
			gemmTQArm64(false, codes, rows, groups, ntok, p, c, sb, y, yStride)
		},
		gemmI2S: func(codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int) {
			gemmI2SArm64(false, codes, rows, groups, ntok, p, sumq, s, ws, y, yStride)
		},
	}
)

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

func gemvTQArm64(dot bool, codes []byte, rows, groups int, p []int8, c []int32, sb []float32, sbStride int, y []float32) {
	if rows <= 0 || groups <= 0 || sbStride < 0 {
		gemvTQGo(codes, rows, groups, p, c, sb, sbStride, y)
		return
	}
	codes = codes[:rows*groups*GroupBytes]
	p = p[:groups*256]
	c = c[:groups*16]
	sb = sb[:(rows-1)*sbStride+groups]
	y = y[:rows]
	if dot {
		gemvTQDot(&codes[0], rows, groups, &p[0], &c[0], &sb[0], sbStride, &y[0])
	} else {
		gemvTQNeon(&codes[0], rows, groups, &p[0], &c[0], &sb[0], sbStride, &y[0])
	}
}

func gemvI2SArm64(dot bool, codes []byte, rows, groups int, p []int8, sumq int32, s, ws float32, y []float32) {
	if rows <= 0 || groups <= 0 {
		gemvI2SGo(codes, rows, groups, p, sumq, s, ws, y)
		return
	}
	codes = codes[:rows*groups*GroupBytes]
	p = p[:groups*256]
	y = y[:rows]
	if dot {
		gemvI2SDot(&codes[0], rows, groups, &p[0], sumq, s, ws, &y[0])
	} else {
		gemvI2SNeon(&codes[0], rows, groups, &p[0], sumq, s, ws, &y[0])
	}
}

func gemmTQArm64(dot bool, codes []byte, rows, groups, ntok int, p []int8, c []int32, sb []float32, y []float32, yStride int) {
	if rows <= 0 || groups <= 0 {
		gemmTQGo(codes, rows, groups, ntok, p, c, sb, y, yStride)
		return
	}
	for ntok > MaxGemmTokens && yStride >= rows { // beyond the contract, but cheap to honour
		gemmTQArm64(dot, codes, rows, groups, MaxGemmTokens, p, c, sb, y, yStride)
		p, c, sb = p[MaxGemmTokens*groups*256:], c[MaxGemmTokens*groups*16:], sb[MaxGemmTokens*groups:]
		y = y[MaxGemmTokens*yStride:]
		ntok -= MaxGemmTokens
	}
	switch {
	case ntok <= 0:
		return
	case ntok == 1:
		gemvTQArm64(dot, codes, rows, groups, p, c, sb, 0, y)
		return
	case yStride < rows: // overlapping outputs: keep the reference's token order
		gemmTQGo(codes, rows, groups, ntok, p, c, sb, y, yStride)
		return
	}
	codes = codes[:rows*groups*GroupBytes]
	p = p[:ntok*groups*256]
	c = c[:ntok*groups*16]
	sb = sb[:ntok*groups]
	y = y[:(ntok-1)*yStride+rows]
	if dot {
		gemmTQDot(&codes[0], rows, groups, ntok, &p[0], &c[0], &sb[0], &y[0], yStride)
	} else {
		gemmTQNeon(&codes[0], rows, groups, ntok, &p[0], &c[0], &sb[0], &y[0], yStride)
	}
}

func gemmI2SArm64(dot bool, codes []byte, rows, groups, ntok int, p []int8, sumq []int32, s []float32, ws float32, y []float32, yStride int) {
	if rows <= 0 || groups <= 0 {
		gemmI2SGo(codes, rows, groups, ntok, p, sumq, s, ws, y, yStride)
		return
	}
	for ntok > MaxGemmTokens && yStride >= rows {
		gemmI2SArm64(dot, codes, rows, groups, MaxGemmTokens, p, sumq, s, ws, y, yStride)
		p, sumq, s = p[MaxGemmTokens*groups*256:], sumq[MaxGemmTokens:], s[MaxGemmTokens:]
		y = y[MaxGemmTokens*yStride:]
		ntok -= MaxGemmTokens
	}
	switch {
	case ntok <= 0:
		return
	case ntok == 1:
		gemvI2SArm64(dot, codes, rows, groups, p, sumq[0], s[0], ws, y)
		return
	case yStride < rows: // overlapping outputs: keep the reference's token order
		gemmI2SGo(codes, rows, groups, ntok, p, sumq, s, ws, y, yStride)
		return
	}
	codes = codes[:rows*groups*GroupBytes]
	p = p[:ntok*groups*256]
	sumq = sumq[:ntok]
	s = s[:ntok]
	y = y[:(ntok-1)*yStride+rows]
	if dot {
		gemmI2SDot(&codes[0], rows, groups, ntok, &p[0], &sumq[0], &s[0], ws, &y[0], yStride)
	} else {
		gemmI2SNeon(&codes[0], rows, groups, ntok, &p[0], &sumq[0], &s[0], ws, &y[0], yStride)
	}
}
