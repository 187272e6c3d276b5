//go:build !purego

#include "textflag.h"

// Element-wise kernels for arm64 (Go declarations in ops_arm64.go, canonical definitions in
// ops_dispatch.go, ops_quant.go and exp.go). n is a positive multiple of 16 elements, handled
// as four q registers; the 16 float64 lanes of the sums are eight q registers of two.
// Every float operation is the reference's, unfused, in its order. FMAX/FMIN propagate NaN,
// so where the reference's comparison drops NaN (ReLU2, the Q8_K max) a compare and a mask
// are used instead.
//
// The Go assembler lacks most vector instructions: they are WORDs with the instruction in the
// comment, checked with llvm-mc by TestOpsArmEncodings. (Generated from a listing in that
// syntax; the exp sequence is repeated where it is used.)

// Constants, 4 copies each: lo, hi, log2e, magic, c1, c2, p0-p5, 1.0, 127, 0x7fffff, 0x400000
// (loaded as V16-V31), then the indices 0-15.
DATA opsc<>+0(SB)/4, $0xc2d00000
DATA opsc<>+4(SB)/4, $0xc2d00000
DATA opsc<>+8(SB)/4, $0xc2d00000
DATA opsc<>+12(SB)/4, $0xc2d00000
DATA opsc<>+16(SB)/4, $0x42b20000
DATA opsc<>+20(SB)/4, $0x42b20000
DATA opsc<>+24(SB)/4, $0x42b20000
DATA opsc<>+28(SB)/4, $0x42b20000
DATA opsc<>+32(SB)/4, $0x3fb8aa3b
DATA opsc<>+36(SB)/4, $0x3fb8aa3b
DATA opsc<>+40(SB)/4, $0x3fb8aa3b
DATA opsc<>+44(SB)/4, $0x3fb8aa3b
DATA opsc<>+48(SB)/4, $0x4b400000
DATA opsc<>+52(SB)/4, $0x4b400000
DATA opsc<>+56(SB)/4, $0x4b400000
DATA opsc<>+60(SB)/4, $0x4b400000
DATA opsc<>+64(SB)/4, $0x3f318000
DATA opsc<>+68(SB)/4, $0x3f318000
DATA opsc<>+72(SB)/4, $0x3f318000
DATA opsc<>+76(SB)/4, $0x3f318000
DATA opsc<>+80(SB)/4, $0xb95e8083
DATA opsc<>+84(SB)/4, $0xb95e8083
DATA opsc<>+88(SB)/4, $0xb95e8083
DATA opsc<>+92(SB)/4, $0xb95e8083
DATA opsc<>+96(SB)/4, $0x39506967
DATA opsc<>+100(SB)/4, $0x39506967
DATA opsc<>+104(SB)/4, $0x39506967
DATA opsc<>+108(SB)/4, $0x39506967
DATA opsc<>+112(SB)/4, $0x3ab743ce
DATA opsc<>+116(SB)/4, $0x3ab743ce
DATA opsc<>+120(SB)/4, $0x3ab743ce
DATA opsc<>+124(SB)/4, $0x3ab743ce
DATA opsc<>+128(SB)/4, $0x3c088908
DATA opsc<>+132(SB)/4, $0x3c088908
DATA opsc<>+136(SB)/4, $0x3c088908
DATA opsc<>+140(SB)/4, $0x3c088908
DATA opsc<>+144(SB)/4, $0x3d2aa9c1
DATA opsc<>+148(SB)/4, $0x3d2aa9c1
DATA opsc<>+152(SB)/4, $0x3d2aa9c1
DATA opsc<>+156(SB)/4, $0x3d2aa9c1
DATA opsc<>+160(SB)/4, $0x3e2aaaaa
DATA opsc<>+164(SB)/4, $0x3e2aaaaa
DATA opsc<>+168(SB)/4, $0x3e2aaaaa
DATA opsc<>+172(SB)/4, $0x3e2aaaaa
DATA opsc<>+176(SB)/4, $0x3f000000
DATA opsc<>+180(SB)/4, $0x3f000000
DATA opsc<>+184(SB)/4, $0x3f000000
DATA opsc<>+188(SB)/4, $0x3f000000
DATA opsc<>+192(SB)/4, $0x3f800000
DATA opsc<>+196(SB)/4, $0x3f800000
DATA opsc<>+200(SB)/4, $0x3f800000
DATA opsc<>+204(SB)/4, $0x3f800000
DATA opsc<>+208(SB)/4, $0x0000007f
DATA opsc<>+212(SB)/4, $0x0000007f
DATA opsc<>+216(SB)/4, $0x0000007f
DATA opsc<>+220(SB)/4, $0x0000007f
DATA opsc<>+224(SB)/4, $0x007fffff
DATA opsc<>+228(SB)/4, $0x007fffff
DATA opsc<>+232(SB)/4, $0x007fffff
DATA opsc<>+236(SB)/4, $0x007fffff
DATA opsc<>+240(SB)/4, $0x00400000
DATA opsc<>+244(SB)/4, $0x00400000
DATA opsc<>+248(SB)/4, $0x00400000
DATA opsc<>+252(SB)/4, $0x00400000
DATA opsc<>+256(SB)/4, $0
DATA opsc<>+260(SB)/4, $1
DATA opsc<>+264(SB)/4, $2
DATA opsc<>+268(SB)/4, $3
DATA opsc<>+272(SB)/4, $4
DATA opsc<>+276(SB)/4, $5
DATA opsc<>+280(SB)/4, $6
DATA opsc<>+284(SB)/4, $7
DATA opsc<>+288(SB)/4, $8
DATA opsc<>+292(SB)/4, $9
DATA opsc<>+296(SB)/4, $10
DATA opsc<>+300(SB)/4, $11
DATA opsc<>+304(SB)/4, $12
DATA opsc<>+308(SB)/4, $13
DATA opsc<>+312(SB)/4, $14
DATA opsc<>+316(SB)/4, $15
GLOBL opsc<>(SB), RODATA|NOPTR, $320

// LOADCONSTS loads the 16 constants into V16-V31 (R5 scratch).
#define LOADCONSTS \
	MOVD   $opsc<>(SB), R5; \
	VLD1.P 64(R5), [V16.S4, V17.S4, V18.S4, V19.S4]; \
	VLD1.P 64(R5), [V20.S4, V21.S4, V22.S4, V23.S4]; \
	VLD1.P 64(R5), [V24.S4, V25.S4, V26.S4, V27.S4]; \
	VLD1   (R5), [V28.S4, V29.S4, V30.S4, V31.S4]

// func opsSumSqNEON(x *float32, n int) float64
TEXT ·opsSumSqNEON(SB), NOSPLIT, $0-24
	MOVD x+0(FP), R0
	MOVD n+8(FP), R1
	WORD $0x6f00e408 // movi v8.2d, #0000000000000000
	WORD $0x6f00e409 // movi v9.2d, #0000000000000000
	WORD $0x6f00e40a // movi v10.2d, #0000000000000000
	WORD $0x6f00e40b // movi v11.2d, #0000000000000000
	WORD $0x6f00e40c // movi v12.2d, #0000000000000000
	WORD $0x6f00e40d // movi v13.2d, #0000000000000000
	WORD $0x6f00e40e // movi v14.2d, #0000000000000000
	WORD $0x6f00e40f // movi v15.2d, #0000000000000000

sqneon:
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x6e20dc00 // fmul v0.4s, v0.4s, v0.4s
	WORD $0x6e21dc21 // fmul v1.4s, v1.4s, v1.4s
	WORD $0x6e22dc42 // fmul v2.4s, v2.4s, v2.4s
	WORD $0x6e23dc63 // fmul v3.4s, v3.4s, v3.4s
	WORD $0x0e617804 // fcvtl v4.2d, v0.2s
	WORD $0x4e617805 // fcvtl2 v5.2d, v0.4s
	WORD $0x4e64d508 // fadd v8.2d, v8.2d, v4.2d
	WORD $0x4e65d529 // fadd v9.2d, v9.2d, v5.2d
	WORD $0x0e617824 // fcvtl v4.2d, v1.2s
	WORD $0x4e617825 // fcvtl2 v5.2d, v1.4s
	WORD $0x4e64d54a // fadd v10.2d, v10.2d, v4.2d
	WORD $0x4e65d56b // fadd v11.2d, v11.2d, v5.2d
	WORD $0x0e617844 // fcvtl v4.2d, v2.2s
	WORD $0x4e617845 // fcvtl2 v5.2d, v2.4s
	WORD $0x4e64d58c // fadd v12.2d, v12.2d, v4.2d
	WORD $0x4e65d5ad // fadd v13.2d, v13.2d, v5.2d
	WORD $0x0e617864 // fcvtl v4.2d, v3.2s
	WORD $0x4e617865 // fcvtl2 v5.2d, v3.4s
	WORD $0x4e64d5ce // fadd v14.2d, v14.2d, v4.2d
	WORD $0x4e65d5ef // fadd v15.2d, v15.2d, v5.2d
	SUBS $16, R1, R1
	BNE  sqneon
	WORD $0x4e6cd508 // fadd v8.2d, v8.2d, v12.2d
	WORD $0x4e6dd529 // fadd v9.2d, v9.2d, v13.2d
	WORD $0x4e6ed54a // fadd v10.2d, v10.2d, v14.2d
	WORD $0x4e6fd56b // fadd v11.2d, v11.2d, v15.2d
	WORD $0x4e6ad508 // fadd v8.2d, v8.2d, v10.2d
	WORD $0x4e6bd529 // fadd v9.2d, v9.2d, v11.2d
	WORD $0x4e69d508 // fadd v8.2d, v8.2d, v9.2d
	WORD $0x7e70d908 // faddp d8, v8.2d
	FMOVD F8, ret+16(FP)
	RET

// func opsScaleNEON(dst, x *float32, n int, s float32)
TEXT ·opsScaleNEON(SB), NOSPLIT, $0-28
	MOVD  dst+0(FP), R0
	MOVD  x+8(FP), R1
	MOVD  n+16(FP), R2
	FMOVS s+24(FP), F4
	WORD $0x4e040484 // dup v4.4s, v4.s[0]

scneon:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	WORD $0x6e24dc21 // fmul v1.4s, v1.4s, v4.4s
	WORD $0x6e24dc42 // fmul v2.4s, v2.4s, v4.4s
	WORD $0x6e24dc63 // fmul v3.4s, v3.4s, v4.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $16, R2, R2
	BNE    scneon
	RET

// func opsScaleMulNEON(dst, x, w *float32, n int, s float32)
TEXT ·opsScaleMulNEON(SB), NOSPLIT, $0-36
	MOVD  dst+0(FP), R0
	MOVD  x+8(FP), R1
	MOVD  w+16(FP), R3
	MOVD  n+24(FP), R2
	FMOVS s+32(FP), F16
	WORD $0x4e040610 // dup v16.4s, v16.s[0]

smneon:
	VLD1.P 64(R1), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R3), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD $0x6e30dc00 // fmul v0.4s, v0.4s, v16.4s
	WORD $0x6e30dc21 // fmul v1.4s, v1.4s, v16.4s
	WORD $0x6e30dc42 // fmul v2.4s, v2.4s, v16.4s
	WORD $0x6e30dc63 // fmul v3.4s, v3.4s, v16.4s
	WORD $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	WORD $0x6e25dc21 // fmul v1.4s, v1.4s, v5.4s
	WORD $0x6e26dc42 // fmul v2.4s, v2.4s, v6.4s
	WORD $0x6e27dc63 // fmul v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R0)
	SUBS   $16, R2, R2
	BNE    smneon
	RET

// func opsMulNEON(dst, x *float32, n int)
TEXT ·opsMulNEON(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD x+8(FP), R1
	MOVD n+16(FP), R2
	MOVD R0, R3

mulneon:
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	WORD $0x6e25dc21 // fmul v1.4s, v1.4s, v5.4s
	WORD $0x6e26dc42 // fmul v2.4s, v2.4s, v6.4s
	WORD $0x6e27dc63 // fmul v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R3)
	SUBS   $16, R2, R2
	BNE    mulneon
	RET

// func opsAddNEON(dst, x *float32, n int)
TEXT ·opsAddNEON(SB), NOSPLIT, $0-24
	MOVD dst+0(FP), R0
	MOVD x+8(FP), R1
	MOVD n+16(FP), R2
	MOVD R0, R3

addneon:
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R1), [V4.S4, V5.S4, V6.S4, V7.S4]
	WORD $0x4e24d400 // fadd v0.4s, v0.4s, v4.4s
	WORD $0x4e25d421 // fadd v1.4s, v1.4s, v5.4s
	WORD $0x4e26d442 // fadd v2.4s, v2.4s, v6.4s
	WORD $0x4e27d463 // fadd v3.4s, v3.4s, v7.4s
	VST1.P [V0.S4, V1.S4, V2.S4, V3.S4], 64(R3)
	SUBS   $16, R2, R2
	BNE    addneon
	RET

// func opsReLU2NEON(x *float32, n int)
// x·x masked by x > 0 (false for NaN), as the reference's comparison.
TEXT ·opsReLU2NEON(SB), NOSPLIT, $0-16
	MOVD x+0(FP), R0
	MOVD n+8(FP), R1
	MOVD R0, R3

reluneon:
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x6e20dc04 // fmul v4.4s, v0.4s, v0.4s
	WORD $0x4ea0c808 // fcmgt v8.4s, v0.4s, #0.0
	WORD $0x4e281c84 // and v4.16b, v4.16b, v8.16b
	WORD $0x6e21dc25 // fmul v5.4s, v1.4s, v1.4s
	WORD $0x4ea0c829 // fcmgt v9.4s, v1.4s, #0.0
	WORD $0x4e291ca5 // and v5.16b, v5.16b, v9.16b
	WORD $0x6e22dc46 // fmul v6.4s, v2.4s, v2.4s
	WORD $0x4ea0c84a // fcmgt v10.4s, v2.4s, #0.0
	WORD $0x4e2a1cc6 // and v6.16b, v6.16b, v10.16b
	WORD $0x6e23dc67 // fmul v7.4s, v3.4s, v3.4s
	WORD $0x4ea0c86b // fcmgt v11.4s, v3.4s, #0.0
	WORD $0x4e2b1ce7 // and v7.16b, v7.16b, v11.16b
	VST1.P [V4.S4, V5.S4, V6.S4, V7.S4], 64(R3)
	SUBS   $16, R1, R1
	BNE    reluneon
	RET

// func opsSiLUNEON(x *float32, n int)
TEXT ·opsSiLUNEON(SB), NOSPLIT, $0-16
	MOVD x+0(FP), R0
	MOVD n+8(FP), R1
	MOVD R0, R3
	LOADCONSTS

siluneon:
	VLD1.P 64(R0), [V8.S4, V9.S4, V10.S4, V11.S4]
	WORD $0x6ea0f900 // fneg v0.4s, v8.4s
	// expf(v0), scratch v1 v2 v3 v4 v5 v6
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x6e32dc01 // fmul v1.4s, v0.4s, v18.4s
	WORD $0x4e33d421 // fadd v1.4s, v1.4s, v19.4s
	WORD $0x4eb3d421 // fsub v1.4s, v1.4s, v19.4s
	WORD $0x6e34dc22 // fmul v2.4s, v1.4s, v20.4s
	WORD $0x4ea2d402 // fsub v2.4s, v0.4s, v2.4s
	WORD $0x6e35dc23 // fmul v3.4s, v1.4s, v21.4s
	WORD $0x4ea3d442 // fsub v2.4s, v2.4s, v3.4s
	WORD $0x6e22dc43 // fmul v3.4s, v2.4s, v2.4s
	WORD $0x6e36dc44 // fmul v4.4s, v2.4s, v22.4s
	WORD $0x4e37d484 // fadd v4.4s, v4.4s, v23.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e38d484 // fadd v4.4s, v4.4s, v24.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e39d484 // fadd v4.4s, v4.4s, v25.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3ad484 // fadd v4.4s, v4.4s, v26.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3bd484 // fadd v4.4s, v4.4s, v27.4s
	WORD $0x6e23dc84 // fmul v4.4s, v4.4s, v3.4s
	WORD $0x4e22d484 // fadd v4.4s, v4.4s, v2.4s
	WORD $0x4e3cd484 // fadd v4.4s, v4.4s, v28.4s
	WORD $0x4ea1b825 // fcvtzs v5.4s, v1.4s
	WORD $0x4f3f04a6 // sshr v6.4s, v5.4s, #1
	WORD $0x6ea684a5 // sub v5.4s, v5.4s, v6.4s
	WORD $0x4ebd84c6 // add v6.4s, v6.4s, v29.4s
	WORD $0x4f3754c6 // shl v6.4s, v6.4s, #23
	WORD $0x4ebd84a5 // add v5.4s, v5.4s, v29.4s
	WORD $0x4f3754a5 // shl v5.4s, v5.4s, #23
	WORD $0x6e26dc84 // fmul v4.4s, v4.4s, v6.4s
	WORD $0x6e25dc80 // fmul v0.4s, v4.4s, v5.4s
	WORD $0x4e3cd400 // fadd v0.4s, v0.4s, v28.4s
	WORD $0x6e20fd08 // fdiv v8.4s, v8.4s, v0.4s
	WORD $0x6ea0f920 // fneg v0.4s, v9.4s
	// expf(v0), scratch v1 v2 v3 v4 v5 v6
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x6e32dc01 // fmul v1.4s, v0.4s, v18.4s
	WORD $0x4e33d421 // fadd v1.4s, v1.4s, v19.4s
	WORD $0x4eb3d421 // fsub v1.4s, v1.4s, v19.4s
	WORD $0x6e34dc22 // fmul v2.4s, v1.4s, v20.4s
	WORD $0x4ea2d402 // fsub v2.4s, v0.4s, v2.4s
	WORD $0x6e35dc23 // fmul v3.4s, v1.4s, v21.4s
	WORD $0x4ea3d442 // fsub v2.4s, v2.4s, v3.4s
	WORD $0x6e22dc43 // fmul v3.4s, v2.4s, v2.4s
	WORD $0x6e36dc44 // fmul v4.4s, v2.4s, v22.4s
	WORD $0x4e37d484 // fadd v4.4s, v4.4s, v23.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e38d484 // fadd v4.4s, v4.4s, v24.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e39d484 // fadd v4.4s, v4.4s, v25.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3ad484 // fadd v4.4s, v4.4s, v26.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3bd484 // fadd v4.4s, v4.4s, v27.4s
	WORD $0x6e23dc84 // fmul v4.4s, v4.4s, v3.4s
	WORD $0x4e22d484 // fadd v4.4s, v4.4s, v2.4s
	WORD $0x4e3cd484 // fadd v4.4s, v4.4s, v28.4s
	WORD $0x4ea1b825 // fcvtzs v5.4s, v1.4s
	WORD $0x4f3f04a6 // sshr v6.4s, v5.4s, #1
	WORD $0x6ea684a5 // sub v5.4s, v5.4s, v6.4s
	WORD $0x4ebd84c6 // add v6.4s, v6.4s, v29.4s
	WORD $0x4f3754c6 // shl v6.4s, v6.4s, #23
	WORD $0x4ebd84a5 // add v5.4s, v5.4s, v29.4s
	WORD $0x4f3754a5 // shl v5.4s, v5.4s, #23
	WORD $0x6e26dc84 // fmul v4.4s, v4.4s, v6.4s
	WORD $0x6e25dc80 // fmul v0.4s, v4.4s, v5.4s
	WORD $0x4e3cd400 // fadd v0.4s, v0.4s, v28.4s
	WORD $0x6e20fd29 // fdiv v9.4s, v9.4s, v0.4s
	WORD $0x6ea0f940 // fneg v0.4s, v10.4s
	// expf(v0), scratch v1 v2 v3 v4 v5 v6
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x6e32dc01 // fmul v1.4s, v0.4s, v18.4s
	WORD $0x4e33d421 // fadd v1.4s, v1.4s, v19.4s
	WORD $0x4eb3d421 // fsub v1.4s, v1.4s, v19.4s
	WORD $0x6e34dc22 // fmul v2.4s, v1.4s, v20.4s
	WORD $0x4ea2d402 // fsub v2.4s, v0.4s, v2.4s
	WORD $0x6e35dc23 // fmul v3.4s, v1.4s, v21.4s
	WORD $0x4ea3d442 // fsub v2.4s, v2.4s, v3.4s
	WORD $0x6e22dc43 // fmul v3.4s, v2.4s, v2.4s
	WORD $0x6e36dc44 // fmul v4.4s, v2.4s, v22.4s
	WORD $0x4e37d484 // fadd v4.4s, v4.4s, v23.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e38d484 // fadd v4.4s, v4.4s, v24.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e39d484 // fadd v4.4s, v4.4s, v25.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3ad484 // fadd v4.4s, v4.4s, v26.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3bd484 // fadd v4.4s, v4.4s, v27.4s
	WORD $0x6e23dc84 // fmul v4.4s, v4.4s, v3.4s
	WORD $0x4e22d484 // fadd v4.4s, v4.4s, v2.4s
	WORD $0x4e3cd484 // fadd v4.4s, v4.4s, v28.4s
	WORD $0x4ea1b825 // fcvtzs v5.4s, v1.4s
	WORD $0x4f3f04a6 // sshr v6.4s, v5.4s, #1
	WORD $0x6ea684a5 // sub v5.4s, v5.4s, v6.4s
	WORD $0x4ebd84c6 // add v6.4s, v6.4s, v29.4s
	WORD $0x4f3754c6 // shl v6.4s, v6.4s, #23
	WORD $0x4ebd84a5 // add v5.4s, v5.4s, v29.4s
	WORD $0x4f3754a5 // shl v5.4s, v5.4s, #23
	WORD $0x6e26dc84 // fmul v4.4s, v4.4s, v6.4s
	WORD $0x6e25dc80 // fmul v0.4s, v4.4s, v5.4s
	WORD $0x4e3cd400 // fadd v0.4s, v0.4s, v28.4s
	WORD $0x6e20fd4a // fdiv v10.4s, v10.4s, v0.4s
	WORD $0x6ea0f960 // fneg v0.4s, v11.4s
	// expf(v0), scratch v1 v2 v3 v4 v5 v6
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x6e32dc01 // fmul v1.4s, v0.4s, v18.4s
	WORD $0x4e33d421 // fadd v1.4s, v1.4s, v19.4s
	WORD $0x4eb3d421 // fsub v1.4s, v1.4s, v19.4s
	WORD $0x6e34dc22 // fmul v2.4s, v1.4s, v20.4s
	WORD $0x4ea2d402 // fsub v2.4s, v0.4s, v2.4s
	WORD $0x6e35dc23 // fmul v3.4s, v1.4s, v21.4s
	WORD $0x4ea3d442 // fsub v2.4s, v2.4s, v3.4s
	WORD $0x6e22dc43 // fmul v3.4s, v2.4s, v2.4s
	WORD $0x6e36dc44 // fmul v4.4s, v2.4s, v22.4s
	WORD $0x4e37d484 // fadd v4.4s, v4.4s, v23.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e38d484 // fadd v4.4s, v4.4s, v24.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e39d484 // fadd v4.4s, v4.4s, v25.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3ad484 // fadd v4.4s, v4.4s, v26.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3bd484 // fadd v4.4s, v4.4s, v27.4s
	WORD $0x6e23dc84 // fmul v4.4s, v4.4s, v3.4s
	WORD $0x4e22d484 // fadd v4.4s, v4.4s, v2.4s
	WORD $0x4e3cd484 // fadd v4.4s, v4.4s, v28.4s
	WORD $0x4ea1b825 // fcvtzs v5.4s, v1.4s
	WORD $0x4f3f04a6 // sshr v6.4s, v5.4s, #1
	WORD $0x6ea684a5 // sub v5.4s, v5.4s, v6.4s
	WORD $0x4ebd84c6 // add v6.4s, v6.4s, v29.4s
	WORD $0x4f3754c6 // shl v6.4s, v6.4s, #23
	WORD $0x4ebd84a5 // add v5.4s, v5.4s, v29.4s
	WORD $0x4f3754a5 // shl v5.4s, v5.4s, #23
	WORD $0x6e26dc84 // fmul v4.4s, v4.4s, v6.4s
	WORD $0x6e25dc80 // fmul v0.4s, v4.4s, v5.4s
	WORD $0x4e3cd400 // fadd v0.4s, v0.4s, v28.4s
	WORD $0x6e20fd6b // fdiv v11.4s, v11.4s, v0.4s
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R3)
	SUBS   $16, R1, R1
	BNE    siluneon
	RET

// func opsMaxNEON(x *float32, n int) float32
TEXT ·opsMaxNEON(SB), NOSPLIT, $0-20
	MOVD x+0(FP), R0
	MOVD n+8(FP), R1
	VLD1 (R0), [V4.S4, V5.S4, V6.S4, V7.S4]

maxneon:
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x4e20f484 // fmax v4.4s, v4.4s, v0.4s
	WORD $0x4e21f4a5 // fmax v5.4s, v5.4s, v1.4s
	WORD $0x4e22f4c6 // fmax v6.4s, v6.4s, v2.4s
	WORD $0x4e23f4e7 // fmax v7.4s, v7.4s, v3.4s
	SUBS $16, R1, R1
	BNE  maxneon
	WORD $0x4e25f484 // fmax v4.4s, v4.4s, v5.4s
	WORD $0x4e27f4c6 // fmax v6.4s, v6.4s, v7.4s
	WORD $0x4e26f484 // fmax v4.4s, v4.4s, v6.4s
	WORD $0x6e30f884 // fmaxv s4, v4.4s
	FMOVS F4, ret+16(FP)
	RET

// func opsExpSumNEON(x *float32, n int, m float32) float64
TEXT ·opsExpSumNEON(SB), NOSPLIT, $0-32
	MOVD  x+0(FP), R0
	MOVD  n+8(FP), R1
	FMOVS m+16(FP), F7
	MOVD  R0, R3
	LOADCONSTS
	WORD $0x4e0404e7 // dup v7.4s, v7.s[0]
	WORD $0x6f00e408 // movi v8.2d, #0000000000000000
	WORD $0x6f00e409 // movi v9.2d, #0000000000000000
	WORD $0x6f00e40a // movi v10.2d, #0000000000000000
	WORD $0x6f00e40b // movi v11.2d, #0000000000000000
	WORD $0x6f00e40c // movi v12.2d, #0000000000000000
	WORD $0x6f00e40d // movi v13.2d, #0000000000000000
	WORD $0x6f00e40e // movi v14.2d, #0000000000000000
	WORD $0x6f00e40f // movi v15.2d, #0000000000000000

esneon:
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	// expf(v0), scratch v1 v2 v3 v4 v5 v6
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x6e32dc01 // fmul v1.4s, v0.4s, v18.4s
	WORD $0x4e33d421 // fadd v1.4s, v1.4s, v19.4s
	WORD $0x4eb3d421 // fsub v1.4s, v1.4s, v19.4s
	WORD $0x6e34dc22 // fmul v2.4s, v1.4s, v20.4s
	WORD $0x4ea2d402 // fsub v2.4s, v0.4s, v2.4s
	WORD $0x6e35dc23 // fmul v3.4s, v1.4s, v21.4s
	WORD $0x4ea3d442 // fsub v2.4s, v2.4s, v3.4s
	WORD $0x6e22dc43 // fmul v3.4s, v2.4s, v2.4s
	WORD $0x6e36dc44 // fmul v4.4s, v2.4s, v22.4s
	WORD $0x4e37d484 // fadd v4.4s, v4.4s, v23.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e38d484 // fadd v4.4s, v4.4s, v24.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e39d484 // fadd v4.4s, v4.4s, v25.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3ad484 // fadd v4.4s, v4.4s, v26.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3bd484 // fadd v4.4s, v4.4s, v27.4s
	WORD $0x6e23dc84 // fmul v4.4s, v4.4s, v3.4s
	WORD $0x4e22d484 // fadd v4.4s, v4.4s, v2.4s
	WORD $0x4e3cd484 // fadd v4.4s, v4.4s, v28.4s
	WORD $0x4ea1b825 // fcvtzs v5.4s, v1.4s
	WORD $0x4f3f04a6 // sshr v6.4s, v5.4s, #1
	WORD $0x6ea684a5 // sub v5.4s, v5.4s, v6.4s
	WORD $0x4ebd84c6 // add v6.4s, v6.4s, v29.4s
	WORD $0x4f3754c6 // shl v6.4s, v6.4s, #23
	WORD $0x4ebd84a5 // add v5.4s, v5.4s, v29.4s
	WORD $0x4f3754a5 // shl v5.4s, v5.4s, #23
	WORD $0x6e26dc84 // fmul v4.4s, v4.4s, v6.4s
	WORD $0x6e25dc80 // fmul v0.4s, v4.4s, v5.4s
	VST1.P [V0.S4], 16(R3)
	WORD $0x0e617801 // fcvtl v1.2d, v0.2s
	WORD $0x4e617802 // fcvtl2 v2.2d, v0.4s
	WORD $0x4e61d508 // fadd v8.2d, v8.2d, v1.2d
	WORD $0x4e62d529 // fadd v9.2d, v9.2d, v2.2d
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	// expf(v0), scratch v1 v2 v3 v4 v5 v6
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x6e32dc01 // fmul v1.4s, v0.4s, v18.4s
	WORD $0x4e33d421 // fadd v1.4s, v1.4s, v19.4s
	WORD $0x4eb3d421 // fsub v1.4s, v1.4s, v19.4s
	WORD $0x6e34dc22 // fmul v2.4s, v1.4s, v20.4s
	WORD $0x4ea2d402 // fsub v2.4s, v0.4s, v2.4s
	WORD $0x6e35dc23 // fmul v3.4s, v1.4s, v21.4s
	WORD $0x4ea3d442 // fsub v2.4s, v2.4s, v3.4s
	WORD $0x6e22dc43 // fmul v3.4s, v2.4s, v2.4s
	WORD $0x6e36dc44 // fmul v4.4s, v2.4s, v22.4s
	WORD $0x4e37d484 // fadd v4.4s, v4.4s, v23.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e38d484 // fadd v4.4s, v4.4s, v24.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e39d484 // fadd v4.4s, v4.4s, v25.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3ad484 // fadd v4.4s, v4.4s, v26.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3bd484 // fadd v4.4s, v4.4s, v27.4s
	WORD $0x6e23dc84 // fmul v4.4s, v4.4s, v3.4s
	WORD $0x4e22d484 // fadd v4.4s, v4.4s, v2.4s
	WORD $0x4e3cd484 // fadd v4.4s, v4.4s, v28.4s
	WORD $0x4ea1b825 // fcvtzs v5.4s, v1.4s
	WORD $0x4f3f04a6 // sshr v6.4s, v5.4s, #1
	WORD $0x6ea684a5 // sub v5.4s, v5.4s, v6.4s
	WORD $0x4ebd84c6 // add v6.4s, v6.4s, v29.4s
	WORD $0x4f3754c6 // shl v6.4s, v6.4s, #23
	WORD $0x4ebd84a5 // add v5.4s, v5.4s, v29.4s
	WORD $0x4f3754a5 // shl v5.4s, v5.4s, #23
	WORD $0x6e26dc84 // fmul v4.4s, v4.4s, v6.4s
	WORD $0x6e25dc80 // fmul v0.4s, v4.4s, v5.4s
	VST1.P [V0.S4], 16(R3)
	WORD $0x0e617801 // fcvtl v1.2d, v0.2s
	WORD $0x4e617802 // fcvtl2 v2.2d, v0.4s
	WORD $0x4e61d54a // fadd v10.2d, v10.2d, v1.2d
	WORD $0x4e62d56b // fadd v11.2d, v11.2d, v2.2d
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	// expf(v0), scratch v1 v2 v3 v4 v5 v6
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x6e32dc01 // fmul v1.4s, v0.4s, v18.4s
	WORD $0x4e33d421 // fadd v1.4s, v1.4s, v19.4s
	WORD $0x4eb3d421 // fsub v1.4s, v1.4s, v19.4s
	WORD $0x6e34dc22 // fmul v2.4s, v1.4s, v20.4s
	WORD $0x4ea2d402 // fsub v2.4s, v0.4s, v2.4s
	WORD $0x6e35dc23 // fmul v3.4s, v1.4s, v21.4s
	WORD $0x4ea3d442 // fsub v2.4s, v2.4s, v3.4s
	WORD $0x6e22dc43 // fmul v3.4s, v2.4s, v2.4s
	WORD $0x6e36dc44 // fmul v4.4s, v2.4s, v22.4s
	WORD $0x4e37d484 // fadd v4.4s, v4.4s, v23.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e38d484 // fadd v4.4s, v4.4s, v24.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e39d484 // fadd v4.4s, v4.4s, v25.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3ad484 // fadd v4.4s, v4.4s, v26.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3bd484 // fadd v4.4s, v4.4s, v27.4s
	WORD $0x6e23dc84 // fmul v4.4s, v4.4s, v3.4s
	WORD $0x4e22d484 // fadd v4.4s, v4.4s, v2.4s
	WORD $0x4e3cd484 // fadd v4.4s, v4.4s, v28.4s
	WORD $0x4ea1b825 // fcvtzs v5.4s, v1.4s
	WORD $0x4f3f04a6 // sshr v6.4s, v5.4s, #1
	WORD $0x6ea684a5 // sub v5.4s, v5.4s, v6.4s
	WORD $0x4ebd84c6 // add v6.4s, v6.4s, v29.4s
	WORD $0x4f3754c6 // shl v6.4s, v6.4s, #23
	WORD $0x4ebd84a5 // add v5.4s, v5.4s, v29.4s
	WORD $0x4f3754a5 // shl v5.4s, v5.4s, #23
	WORD $0x6e26dc84 // fmul v4.4s, v4.4s, v6.4s
	WORD $0x6e25dc80 // fmul v0.4s, v4.4s, v5.4s
	VST1.P [V0.S4], 16(R3)
	WORD $0x0e617801 // fcvtl v1.2d, v0.2s
	WORD $0x4e617802 // fcvtl2 v2.2d, v0.4s
	WORD $0x4e61d58c // fadd v12.2d, v12.2d, v1.2d
	WORD $0x4e62d5ad // fadd v13.2d, v13.2d, v2.2d
	VLD1.P 16(R0), [V0.S4]
	WORD $0x4ea7d400 // fsub v0.4s, v0.4s, v7.4s
	// expf(v0), scratch v1 v2 v3 v4 v5 v6
	WORD $0x4e30f400 // fmax v0.4s, v0.4s, v16.4s
	WORD $0x4eb1f400 // fmin v0.4s, v0.4s, v17.4s
	WORD $0x6e32dc01 // fmul v1.4s, v0.4s, v18.4s
	WORD $0x4e33d421 // fadd v1.4s, v1.4s, v19.4s
	WORD $0x4eb3d421 // fsub v1.4s, v1.4s, v19.4s
	WORD $0x6e34dc22 // fmul v2.4s, v1.4s, v20.4s
	WORD $0x4ea2d402 // fsub v2.4s, v0.4s, v2.4s
	WORD $0x6e35dc23 // fmul v3.4s, v1.4s, v21.4s
	WORD $0x4ea3d442 // fsub v2.4s, v2.4s, v3.4s
	WORD $0x6e22dc43 // fmul v3.4s, v2.4s, v2.4s
	WORD $0x6e36dc44 // fmul v4.4s, v2.4s, v22.4s
	WORD $0x4e37d484 // fadd v4.4s, v4.4s, v23.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e38d484 // fadd v4.4s, v4.4s, v24.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e39d484 // fadd v4.4s, v4.4s, v25.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3ad484 // fadd v4.4s, v4.4s, v26.4s
	WORD $0x6e22dc84 // fmul v4.4s, v4.4s, v2.4s
	WORD $0x4e3bd484 // fadd v4.4s, v4.4s, v27.4s
	WORD $0x6e23dc84 // fmul v4.4s, v4.4s, v3.4s
	WORD $0x4e22d484 // fadd v4.4s, v4.4s, v2.4s
	WORD $0x4e3cd484 // fadd v4.4s, v4.4s, v28.4s
	WORD $0x4ea1b825 // fcvtzs v5.4s, v1.4s
	WORD $0x4f3f04a6 // sshr v6.4s, v5.4s, #1
	WORD $0x6ea684a5 // sub v5.4s, v5.4s, v6.4s
	WORD $0x4ebd84c6 // add v6.4s, v6.4s, v29.4s
	WORD $0x4f3754c6 // shl v6.4s, v6.4s, #23
	WORD $0x4ebd84a5 // add v5.4s, v5.4s, v29.4s
	WORD $0x4f3754a5 // shl v5.4s, v5.4s, #23
	WORD $0x6e26dc84 // fmul v4.4s, v4.4s, v6.4s
	WORD $0x6e25dc80 // fmul v0.4s, v4.4s, v5.4s
	VST1.P [V0.S4], 16(R3)
	WORD $0x0e617801 // fcvtl v1.2d, v0.2s
	WORD $0x4e617802 // fcvtl2 v2.2d, v0.4s
	WORD $0x4e61d5ce // fadd v14.2d, v14.2d, v1.2d
	WORD $0x4e62d5ef // fadd v15.2d, v15.2d, v2.2d
	SUBS $16, R1, R1
	BNE  esneon
	WORD $0x4e6cd508 // fadd v8.2d, v8.2d, v12.2d
	WORD $0x4e6dd529 // fadd v9.2d, v9.2d, v13.2d
	WORD $0x4e6ed54a // fadd v10.2d, v10.2d, v14.2d
	WORD $0x4e6fd56b // fadd v11.2d, v11.2d, v15.2d
	WORD $0x4e6ad508 // fadd v8.2d, v8.2d, v10.2d
	WORD $0x4e6bd529 // fadd v9.2d, v9.2d, v11.2d
	WORD $0x4e69d508 // fadd v8.2d, v8.2d, v9.2d
	WORD $0x7e70d908 // faddp d8, v8.2d
	FMOVD F8, ret+24(FP)
	RET

// func opsRoPENEON(x *float32, nHeads, headDim, n int, cs, sn *float32)
// Per head: lo' = lo·c − hi·s, hi' = lo·s + hi·c over the first n pairs.
TEXT ·opsRoPENEON(SB), NOSPLIT, $0-48
	MOVD x+0(FP), R0
	MOVD nHeads+8(FP), R1
	MOVD headDim+16(FP), R2
	MOVD n+24(FP), R3
	MOVD cs+32(FP), R4
	MOVD sn+40(FP), R5
	LSL  $1, R2, R6 // the upper half, in bytes
	LSL  $2, R2, R7 // head stride, in bytes

ropeneon_head:
	MOVD R0, R8
	MOVD R0, R9
	ADD  R6, R0, R10
	MOVD R10, R11
	MOVD R4, R12
	MOVD R5, R13
	MOVD R3, R14

ropeneon:
	VLD1.P 64(R8), [V0.S4, V1.S4, V2.S4, V3.S4]
	VLD1.P 64(R10), [V4.S4, V5.S4, V6.S4, V7.S4]
	VLD1.P 64(R12), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R13), [V20.S4, V21.S4, V22.S4, V23.S4]
	WORD $0x6e30dc08 // fmul v8.4s, v0.4s, v16.4s
	WORD $0x6e34dc98 // fmul v24.4s, v4.4s, v20.4s
	WORD $0x4eb8d508 // fsub v8.4s, v8.4s, v24.4s
	WORD $0x6e34dc0c // fmul v12.4s, v0.4s, v20.4s
	WORD $0x6e30dc99 // fmul v25.4s, v4.4s, v16.4s
	WORD $0x4e39d58c // fadd v12.4s, v12.4s, v25.4s
	WORD $0x6e31dc29 // fmul v9.4s, v1.4s, v17.4s
	WORD $0x6e35dcb8 // fmul v24.4s, v5.4s, v21.4s
	WORD $0x4eb8d529 // fsub v9.4s, v9.4s, v24.4s
	WORD $0x6e35dc2d // fmul v13.4s, v1.4s, v21.4s
	WORD $0x6e31dcb9 // fmul v25.4s, v5.4s, v17.4s
	WORD $0x4e39d5ad // fadd v13.4s, v13.4s, v25.4s
	WORD $0x6e32dc4a // fmul v10.4s, v2.4s, v18.4s
	WORD $0x6e36dcd8 // fmul v24.4s, v6.4s, v22.4s
	WORD $0x4eb8d54a // fsub v10.4s, v10.4s, v24.4s
	WORD $0x6e36dc4e // fmul v14.4s, v2.4s, v22.4s
	WORD $0x6e32dcd9 // fmul v25.4s, v6.4s, v18.4s
	WORD $0x4e39d5ce // fadd v14.4s, v14.4s, v25.4s
	WORD $0x6e33dc6b // fmul v11.4s, v3.4s, v19.4s
	WORD $0x6e37dcf8 // fmul v24.4s, v7.4s, v23.4s
	WORD $0x4eb8d56b // fsub v11.4s, v11.4s, v24.4s
	WORD $0x6e37dc6f // fmul v15.4s, v3.4s, v23.4s
	WORD $0x6e33dcf9 // fmul v25.4s, v7.4s, v19.4s
	WORD $0x4e39d5ef // fadd v15.4s, v15.4s, v25.4s
	VST1.P [V8.S4, V9.S4, V10.S4, V11.S4], 64(R9)
	VST1.P [V12.S4, V13.S4, V14.S4, V15.S4], 64(R11)
	SUBS   $16, R14, R14
	BNE    ropeneon
	ADD    R7, R0, R0
	SUBS   $1, R1, R1
	BNE    ropeneon_head
	RET

// func opsAbsMaxNEON(x *float32, n int) (float32, int)
// The largest |x| ignoring NaN (acc replaced where |x| > acc, as the reference), then the first
// index holding it: the minimum over lanes of (index | ^(|x| == max)).
TEXT ·opsAbsMaxNEON(SB), NOSPLIT, $0-32
	MOVD x+0(FP), R0
	MOVD n+8(FP), R1
	MOVD R0, R2
	MOVD R1, R3
	WORD $0x6f00e404 // movi v4.2d, #0000000000000000
	WORD $0x6f00e405 // movi v5.2d, #0000000000000000
	WORD $0x6f00e406 // movi v6.2d, #0000000000000000
	WORD $0x6f00e407 // movi v7.2d, #0000000000000000

amneon:
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x4ea0f800 // fabs v0.4s, v0.4s
	WORD $0x6ea4e408 // fcmgt v8.4s, v0.4s, v4.4s
	WORD $0x6ea81c04 // bit v4.16b, v0.16b, v8.16b
	WORD $0x4ea0f821 // fabs v1.4s, v1.4s
	WORD $0x6ea5e429 // fcmgt v9.4s, v1.4s, v5.4s
	WORD $0x6ea91c25 // bit v5.16b, v1.16b, v9.16b
	WORD $0x4ea0f842 // fabs v2.4s, v2.4s
	WORD $0x6ea6e44a // fcmgt v10.4s, v2.4s, v6.4s
	WORD $0x6eaa1c46 // bit v6.16b, v2.16b, v10.16b
	WORD $0x4ea0f863 // fabs v3.4s, v3.4s
	WORD $0x6ea7e46b // fcmgt v11.4s, v3.4s, v7.4s
	WORD $0x6eab1c67 // bit v7.16b, v3.16b, v11.16b
	SUBS $16, R1, R1
	BNE  amneon
	WORD $0x4e25f484 // fmax v4.4s, v4.4s, v5.4s
	WORD $0x4e27f4c6 // fmax v6.4s, v6.4s, v7.4s
	WORD $0x4e26f484 // fmax v4.4s, v4.4s, v6.4s
	WORD $0x6e30f884 // fmaxv s4, v4.4s
	FMOVS  F4, ret+16(FP)
	WORD $0x4e040484 // dup v4.4s, v4.s[0]
	MOVD   $opsc<>+256(SB), R5
	VLD1   (R5), [V16.S4, V17.S4, V18.S4, V19.S4]
	WORD $0x4f000614 // movi v20.4s, #16
	WORD $0x6f07e7f5 // movi v21.2d, #0xffffffffffffffff

amneon_find:
	VLD1.P 64(R2), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x4ea0f800 // fabs v0.4s, v0.4s
	WORD $0x4e24e408 // fcmeq v8.4s, v0.4s, v4.4s
	WORD $0x4ee81e08 // orn v8.16b, v16.16b, v8.16b
	WORD $0x6ea86eb5 // umin v21.4s, v21.4s, v8.4s
	WORD $0x4ea0f821 // fabs v1.4s, v1.4s
	WORD $0x4e24e429 // fcmeq v9.4s, v1.4s, v4.4s
	WORD $0x4ee91e29 // orn v9.16b, v17.16b, v9.16b
	WORD $0x6ea96eb5 // umin v21.4s, v21.4s, v9.4s
	WORD $0x4ea0f842 // fabs v2.4s, v2.4s
	WORD $0x4e24e44a // fcmeq v10.4s, v2.4s, v4.4s
	WORD $0x4eea1e4a // orn v10.16b, v18.16b, v10.16b
	WORD $0x6eaa6eb5 // umin v21.4s, v21.4s, v10.4s
	WORD $0x4ea0f863 // fabs v3.4s, v3.4s
	WORD $0x4e24e46b // fcmeq v11.4s, v3.4s, v4.4s
	WORD $0x4eeb1e6b // orn v11.16b, v19.16b, v11.16b
	WORD $0x6eab6eb5 // umin v21.4s, v21.4s, v11.4s
	WORD $0x4eb48610 // add v16.4s, v16.4s, v20.4s
	WORD $0x4eb48631 // add v17.4s, v17.4s, v20.4s
	WORD $0x4eb48652 // add v18.4s, v18.4s, v20.4s
	WORD $0x4eb48673 // add v19.4s, v19.4s, v20.4s
	SUBS $16, R3, R3
	BNE  amneon_find
	WORD $0x6eb1aab5 // uminv s21, v21.4s
	WORD $0x0e043ea6 // umov w6, v21.s[0]
	ADDW $1, R6, R7
	CBNZW R7, amneon_done
	MOVD $0, R6 // all NaN: the caller sees max 0

amneon_done:
	MOVD R6, ret1+24(FP)
	RET

// func opsQuantNEON(x *float32, q *int8, n int, s float32, lo, hi int32) int32
// r = clamp(nearestInt(x·s), lo, hi) (min then max), q = low byte of r (XTN); returns Σ r.
TEXT ·opsQuantNEON(SB), NOSPLIT, $0-44
	MOVD  x+0(FP), R0
	MOVD  q+8(FP), R1
	MOVD  n+16(FP), R2
	FMOVS s+24(FP), F4
	MOVW  lo+28(FP), R3
	MOVW  hi+32(FP), R4
	LOADCONSTS
	WORD $0x4e040484 // dup v4.4s, v4.s[0]
	WORD $0x4e040c65 // dup v5.4s, w3
	WORD $0x4e040c86 // dup v6.4s, w4
	WORD $0x6f00e407 // movi v7.2d, #0000000000000000

qneon:
	VLD1.P 64(R0), [V0.S4, V1.S4, V2.S4, V3.S4]
	WORD $0x6e24dc00 // fmul v0.4s, v0.4s, v4.4s
	WORD $0x4e33d400 // fadd v0.4s, v0.4s, v19.4s
	WORD $0x4e3e1c00 // and v0.16b, v0.16b, v30.16b
	WORD $0x6ebf8400 // sub v0.4s, v0.4s, v31.4s
	WORD $0x4ea66c00 // smin v0.4s, v0.4s, v6.4s
	WORD $0x4ea56400 // smax v0.4s, v0.4s, v5.4s
	WORD $0x4ea084e7 // add v7.4s, v7.4s, v0.4s
	WORD $0x6e24dc21 // fmul v1.4s, v1.4s, v4.4s
	WORD $0x4e33d421 // fadd v1.4s, v1.4s, v19.4s
	WORD $0x4e3e1c21 // and v1.16b, v1.16b, v30.16b
	WORD $0x6ebf8421 // sub v1.4s, v1.4s, v31.4s
	WORD $0x4ea66c21 // smin v1.4s, v1.4s, v6.4s
	WORD $0x4ea56421 // smax v1.4s, v1.4s, v5.4s
	WORD $0x4ea184e7 // add v7.4s, v7.4s, v1.4s
	WORD $0x6e24dc42 // fmul v2.4s, v2.4s, v4.4s
	WORD $0x4e33d442 // fadd v2.4s, v2.4s, v19.4s
	WORD $0x4e3e1c42 // and v2.16b, v2.16b, v30.16b
	WORD $0x6ebf8442 // sub v2.4s, v2.4s, v31.4s
	WORD $0x4ea66c42 // smin v2.4s, v2.4s, v6.4s
	WORD $0x4ea56442 // smax v2.4s, v2.4s, v5.4s
	WORD $0x4ea284e7 // add v7.4s, v7.4s, v2.4s
	WORD $0x6e24dc63 // fmul v3.4s, v3.4s, v4.4s
	WORD $0x4e33d463 // fadd v3.4s, v3.4s, v19.4s
	WORD $0x4e3e1c63 // and v3.16b, v3.16b, v30.16b
	WORD $0x6ebf8463 // sub v3.4s, v3.4s, v31.4s
	WORD $0x4ea66c63 // smin v3.4s, v3.4s, v6.4s
	WORD $0x4ea56463 // smax v3.4s, v3.4s, v5.4s
	WORD $0x4ea384e7 // add v7.4s, v7.4s, v3.4s
	WORD $0x0e612808 // xtn v8.4h, v0.4s
	WORD $0x4e612828 // xtn2 v8.8h, v1.4s
	WORD $0x0e612849 // xtn v9.4h, v2.4s
	WORD $0x4e612869 // xtn2 v9.8h, v3.4s
	WORD $0x0e21290a // xtn v10.8b, v8.8h
	WORD $0x4e21292a // xtn2 v10.16b, v9.8h
	VST1.P [V10.B16], 16(R1)
	SUBS   $16, R2, R2
	BNE    qneon
	WORD $0x4eb1b8e7 // addv s7, v7.4s
	WORD $0x0e043ce5 // umov w5, v7.s[0]
	MOVW R5, ret+40(FP)
	RET

// func opsT2SumsNEON(p *int8, groups int, c *int32)
// Per group, q register k of each plane covers lanes 4k..4k+3: pairwise widening adds over the
// four planes (|sum| ≤ 1024 in int16), one more pairwise add to int32, negated.
TEXT ·opsT2SumsNEON(SB), NOSPLIT, $0-24
	MOVD p+0(FP), R0
	MOVD groups+8(FP), R1
	MOVD c+16(FP), R2

t2sneon:
	VLD1.P 64(R0), [V0.B16, V1.B16, V2.B16, V3.B16]
	VLD1.P 64(R0), [V4.B16, V5.B16, V6.B16, V7.B16]
	VLD1.P 64(R0), [V8.B16, V9.B16, V10.B16, V11.B16]
	VLD1.P 64(R0), [V12.B16, V13.B16, V14.B16, V15.B16]
	WORD $0x4e202810 // saddlp v16.8h, v0.16b
	WORD $0x4e206890 // sadalp v16.8h, v4.16b
	WORD $0x4e206910 // sadalp v16.8h, v8.16b
	WORD $0x4e206990 // sadalp v16.8h, v12.16b
	WORD $0x4e602a10 // saddlp v16.4s, v16.8h
	WORD $0x6ea0ba10 // neg v16.4s, v16.4s
	WORD $0x4e202831 // saddlp v17.8h, v1.16b
	WORD $0x4e2068b1 // sadalp v17.8h, v5.16b
	WORD $0x4e206931 // sadalp v17.8h, v9.16b
	WORD $0x4e2069b1 // sadalp v17.8h, v13.16b
	WORD $0x4e602a31 // saddlp v17.4s, v17.8h
	WORD $0x6ea0ba31 // neg v17.4s, v17.4s
	WORD $0x4e202852 // saddlp v18.8h, v2.16b
	WORD $0x4e2068d2 // sadalp v18.8h, v6.16b
	WORD $0x4e206952 // sadalp v18.8h, v10.16b
	WORD $0x4e2069d2 // sadalp v18.8h, v14.16b
	WORD $0x4e602a52 // saddlp v18.4s, v18.8h
	WORD $0x6ea0ba52 // neg v18.4s, v18.4s
	WORD $0x4e202873 // saddlp v19.8h, v3.16b
	WORD $0x4e2068f3 // sadalp v19.8h, v7.16b
	WORD $0x4e206973 // sadalp v19.8h, v11.16b
	WORD $0x4e2069f3 // sadalp v19.8h, v15.16b
	WORD $0x4e602a73 // saddlp v19.4s, v19.8h
	WORD $0x6ea0ba73 // neg v19.4s, v19.4s
	VST1.P [V16.S4, V17.S4, V18.S4, V19.S4], 64(R2)
	SUBS   $1, R1, R1
	BNE    t2sneon
	RET
