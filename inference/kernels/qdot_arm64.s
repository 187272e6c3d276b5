//go:build !purego

#include "textflag.h"

// Q8_0 and Q6_K row dots for arm64 (contract in qdot.go, declarations in qdot_arm64.go).
//
// Four rows per iteration share the activation loads; rows sit in the 4 lanes of one float
// accumulator (V16 for Q8_0, V28 for Q6_K), so each lane follows the canonical per-row order:
// per block the exact int32 sum (4 int32 lanes per row, reduced with ADDP), SCVTF, times
// (d_w·d_act) rounded (FMUL), added (FADD, never fused).
//   - neondot: SDOT of the signed weights with the activation (FEAT_DotProd);
//   - neon:    SMULL/SMLAL2 into int16 (two products, |sum| ≤ 2·128·127), then SADALP (Q8_0)
//              or SMLAL/SMLAL2 by the sub-block scale (Q6_K) into int32.
// Q6_K: each 16-byte vector of unpacked weights (value − 32) is one sub-block of 16, whose scale
// multiplies its sums (MLA / SMLAL by element).
//
// Registers: R0 group base, R1 stride, R2 rows left, R3 blocks, R4 activation, R5 its scales,
// R6 y, R7–R10 rows 0–3, R19–R22 rows 4–7 (prefetched while rows 0–3 are read: 4 rows ahead
// for the contiguous head, as on amd64), R11 activation cursor, R12 scale cursor, R13 block
// counter, R14 scratch.
// A stride of 0 gives 4 copies of one row. The Go assembler lacks most of these NEON
// instructions, so they are WORDs with the instruction in a comment (checked against llvm-mc by
// TestQdotArmEncodings).

// func q80RowsDot(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
// rows: a positive multiple of 4.
TEXT ·q80RowsDot(SB), NOSPLIT, $0-56
	MOVD w+0(FP), R0
	MOVD stride+8(FP), R1
	MOVD rows+16(FP), R2
	MOVD nb+24(FP), R3
	MOVD q+32(FP), R4
	MOVD d+40(FP), R5
	MOVD y+48(FP), R6

q80RowsDot_group:
	MOVD R0, R7
	ADD  R1, R7, R8
	ADD  R1, R8, R9
	ADD  R1, R9, R10
	LSL  $2, R1, R14
	ADD  R14, R7, R19
	ADD  R1, R19, R20
	ADD  R1, R20, R21
	ADD  R1, R21, R22
	MOVD R4, R11
	MOVD R5, R12
	MOVD R3, R13
	WORD $0x6f00e410 // movi v16.2d, #0

q80RowsDot_block:
	WORD $0x4cdfa160 // ld1 {v0.16b, v1.16b}, [x11], #32
	WORD $0x3cc020e2 // ldur q2, [x7, #2]
	WORD $0x3cc120e3 // ldur q3, [x7, #18]
	WORD $0x6f00e404 // movi v4.2d, #0
	WORD $0x4e809444 // sdot v4.4s, v2.16b, v0.16b
	WORD $0x4e819464 // sdot v4.4s, v3.16b, v1.16b
	WORD $0xf9800260 // prfm pldl1keep, [x19]
	WORD $0x3cc02102 // ldur q2, [x8, #2]
	WORD $0x3cc12103 // ldur q3, [x8, #18]
	WORD $0x6f00e405 // movi v5.2d, #0
	WORD $0x4e809445 // sdot v5.4s, v2.16b, v0.16b
	WORD $0x4e819465 // sdot v5.4s, v3.16b, v1.16b
	WORD $0xf9800280 // prfm pldl1keep, [x20]
	WORD $0x3cc02122 // ldur q2, [x9, #2]
	WORD $0x3cc12123 // ldur q3, [x9, #18]
	WORD $0x6f00e406 // movi v6.2d, #0
	WORD $0x4e809446 // sdot v6.4s, v2.16b, v0.16b
	WORD $0x4e819466 // sdot v6.4s, v3.16b, v1.16b
	WORD $0xf98002a0 // prfm pldl1keep, [x21]
	WORD $0x3cc02142 // ldur q2, [x10, #2]
	WORD $0x3cc12143 // ldur q3, [x10, #18]
	WORD $0x6f00e407 // movi v7.2d, #0
	WORD $0x4e809447 // sdot v7.4s, v2.16b, v0.16b
	WORD $0x4e819467 // sdot v7.4s, v3.16b, v1.16b
	WORD $0xf98002c0 // prfm pldl1keep, [x22]
	WORD $0x4ea5bc84 // addp v4.4s, v4.4s, v5.4s
	WORD $0x4ea7bcc6 // addp v6.4s, v6.4s, v7.4s
	WORD $0x4ea6bc84 // addp v4.4s, v4.4s, v6.4s
	WORD $0x4e21d884 // scvtf v4.4s, v4.4s
	WORD $0x0d4040e8 // ld1 {v8.h}[0], [x7]
	WORD $0x0d404908 // ld1 {v8.h}[1], [x8]
	WORD $0x0d405128 // ld1 {v8.h}[2], [x9]
	WORD $0x0d405948 // ld1 {v8.h}[3], [x10]
	WORD $0x0e217908 // fcvtl v8.4s, v8.4h
	WORD $0x4ddfc989 // ld1r {v9.4s}, [x12], #4
	WORD $0x6e29dd08 // fmul v8.4s, v8.4s, v9.4s
	WORD $0x6e28dc84 // fmul v4.4s, v4.4s, v8.4s
	WORD $0x4e24d610 // fadd v16.4s, v16.4s, v4.4s
	ADD  $34, R7
	ADD  $34, R8
	ADD  $34, R9
	ADD  $34, R10
	ADD  $34, R19
	ADD  $34, R20
	ADD  $34, R21
	ADD  $34, R22
	SUBS $1, R13
	BNE  q80RowsDot_block

	WORD $0x3c8104d0 // str q16, [x6], #16
	LSL  $2, R1, R14
	ADD  R14, R0
	SUBS $4, R2
	BNE  q80RowsDot_group
	RET

// func q80RowsNEON(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
// rows: a positive multiple of 4.
TEXT ·q80RowsNEON(SB), NOSPLIT, $0-56
	MOVD w+0(FP), R0
	MOVD stride+8(FP), R1
	MOVD rows+16(FP), R2
	MOVD nb+24(FP), R3
	MOVD q+32(FP), R4
	MOVD d+40(FP), R5
	MOVD y+48(FP), R6

q80RowsNEON_group:
	MOVD R0, R7
	ADD  R1, R7, R8
	ADD  R1, R8, R9
	ADD  R1, R9, R10
	LSL  $2, R1, R14
	ADD  R14, R7, R19
	ADD  R1, R19, R20
	ADD  R1, R20, R21
	ADD  R1, R21, R22
	MOVD R4, R11
	MOVD R5, R12
	MOVD R3, R13
	WORD $0x6f00e410 // movi v16.2d, #0

q80RowsNEON_block:
	WORD $0x4cdfa160 // ld1 {v0.16b, v1.16b}, [x11], #32
	WORD $0x3cc020e2 // ldur q2, [x7, #2]
	WORD $0x3cc120e3 // ldur q3, [x7, #18]
	WORD $0x0e20c04a // smull v10.8h, v2.8b, v0.8b
	WORD $0x4e20804a // smlal2 v10.8h, v2.16b, v0.16b
	WORD $0x0e21c06b // smull v11.8h, v3.8b, v1.8b
	WORD $0x4e21806b // smlal2 v11.8h, v3.16b, v1.16b
	WORD $0x4e602944 // saddlp v4.4s, v10.8h
	WORD $0x4e606964 // sadalp v4.4s, v11.8h
	WORD $0xf9800260 // prfm pldl1keep, [x19]
	WORD $0x3cc02102 // ldur q2, [x8, #2]
	WORD $0x3cc12103 // ldur q3, [x8, #18]
	WORD $0x0e20c04a // smull v10.8h, v2.8b, v0.8b
	WORD $0x4e20804a // smlal2 v10.8h, v2.16b, v0.16b
	WORD $0x0e21c06b // smull v11.8h, v3.8b, v1.8b
	WORD $0x4e21806b // smlal2 v11.8h, v3.16b, v1.16b
	WORD $0x4e602945 // saddlp v5.4s, v10.8h
	WORD $0x4e606965 // sadalp v5.4s, v11.8h
	WORD $0xf9800280 // prfm pldl1keep, [x20]
	WORD $0x3cc02122 // ldur q2, [x9, #2]
	WORD $0x3cc12123 // ldur q3, [x9, #18]
	WORD $0x0e20c04a // smull v10.8h, v2.8b, v0.8b
	WORD $0x4e20804a // smlal2 v10.8h, v2.16b, v0.16b
	WORD $0x0e21c06b // smull v11.8h, v3.8b, v1.8b
	WORD $0x4e21806b // smlal2 v11.8h, v3.16b, v1.16b
	WORD $0x4e602946 // saddlp v6.4s, v10.8h
	WORD $0x4e606966 // sadalp v6.4s, v11.8h
	WORD $0xf98002a0 // prfm pldl1keep, [x21]
	WORD $0x3cc02142 // ldur q2, [x10, #2]
	WORD $0x3cc12143 // ldur q3, [x10, #18]
	WORD $0x0e20c04a // smull v10.8h, v2.8b, v0.8b
	WORD $0x4e20804a // smlal2 v10.8h, v2.16b, v0.16b
	WORD $0x0e21c06b // smull v11.8h, v3.8b, v1.8b
	WORD $0x4e21806b // smlal2 v11.8h, v3.16b, v1.16b
	WORD $0x4e602947 // saddlp v7.4s, v10.8h
	WORD $0x4e606967 // sadalp v7.4s, v11.8h
	WORD $0xf98002c0 // prfm pldl1keep, [x22]
	WORD $0x4ea5bc84 // addp v4.4s, v4.4s, v5.4s
	WORD $0x4ea7bcc6 // addp v6.4s, v6.4s, v7.4s
	WORD $0x4ea6bc84 // addp v4.4s, v4.4s, v6.4s
	WORD $0x4e21d884 // scvtf v4.4s, v4.4s
	WORD $0x0d4040e8 // ld1 {v8.h}[0], [x7]
	WORD $0x0d404908 // ld1 {v8.h}[1], [x8]
	WORD $0x0d405128 // ld1 {v8.h}[2], [x9]
	WORD $0x0d405948 // ld1 {v8.h}[3], [x10]
	WORD $0x0e217908 // fcvtl v8.4s, v8.4h
	WORD $0x4ddfc989 // ld1r {v9.4s}, [x12], #4
	WORD $0x6e29dd08 // fmul v8.4s, v8.4s, v9.4s
	WORD $0x6e28dc84 // fmul v4.4s, v4.4s, v8.4s
	WORD $0x4e24d610 // fadd v16.4s, v16.4s, v4.4s
	ADD  $34, R7
	ADD  $34, R8
	ADD  $34, R9
	ADD  $34, R10
	ADD  $34, R19
	ADD  $34, R20
	ADD  $34, R21
	ADD  $34, R22
	SUBS $1, R13
	BNE  q80RowsNEON_block

	WORD $0x3c8104d0 // str q16, [x6], #16
	LSL  $2, R1, R14
	ADD  R14, R0
	SUBS $4, R2
	BNE  q80RowsNEON_group
	RET

// func q6kRowsDot(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
// rows: a positive multiple of 4.
TEXT ·q6kRowsDot(SB), NOSPLIT, $0-56
	MOVD w+0(FP), R0
	MOVD stride+8(FP), R1
	MOVD rows+16(FP), R2
	MOVD nb+24(FP), R3
	MOVD q+32(FP), R4
	MOVD d+40(FP), R5
	MOVD y+48(FP), R6
	WORD $0x4f00e5fd // movi v29.16b, #0x0f
	WORD $0x4f01e61e // movi v30.16b, #0x30
	WORD $0x4f01e41f // movi v31.16b, #0x20

q6kRowsDot_group:
	MOVD R0, R7
	ADD  R1, R7, R8
	ADD  R1, R8, R9
	ADD  R1, R9, R10
	LSL  $2, R1, R14
	ADD  R14, R7, R19
	ADD  R1, R19, R20
	ADD  R1, R20, R21
	ADD  R1, R21, R22
	MOVD R4, R11
	MOVD R5, R12
	MOVD R3, R13
	WORD $0x6f00e41c // movi v28.2d, #0

q6kRowsDot_block:
	// row 0
	WORD $0x3dc030e0 // ldr q0, [x7, #192]
	WORD $0x0f08a401 // sxtl v1.8h, v0.8b
	WORD $0x4f08a402 // sxtl2 v2.8h, v0.16b
	WORD $0x0f10a423 // sxtl v3.4s, v1.4h
	WORD $0x4f10a424 // sxtl2 v4.4s, v1.8h
	WORD $0x0f10a445 // sxtl v5.4s, v2.4h
	WORD $0x4f10a446 // sxtl2 v6.4s, v2.8h
	WORD $0x6f00e418 // movi v24.2d, #0
	WORD $0x3dc000e7 // ldr q7, [x7, #0]
	WORD $0x3dc004e8 // ldr q8, [x7, #16]
	WORD $0x3dc008e9 // ldr q9, [x7, #32]
	WORD $0x3dc00cea // ldr q10, [x7, #48]
	WORD $0x3dc020eb // ldr q11, [x7, #128]
	WORD $0x3dc024ec // ldr q12, [x7, #144]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0016e // ldr q14, [x11, #0]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8301f8 // mla v24.4s, v15.4s, v3.s[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0096e // ldr q14, [x11, #32]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8309f8 // mla v24.4s, v15.4s, v3.s[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0116e // ldr q14, [x11, #64]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8401f8 // mla v24.4s, v15.4s, v4.s[0]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0196e // ldr q14, [x11, #96]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8409f8 // mla v24.4s, v15.4s, v4.s[2]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0056e // ldr q14, [x11, #16]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa301f8 // mla v24.4s, v15.4s, v3.s[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc00d6e // ldr q14, [x11, #48]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa309f8 // mla v24.4s, v15.4s, v3.s[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0156e // ldr q14, [x11, #80]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa401f8 // mla v24.4s, v15.4s, v4.s[1]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc01d6e // ldr q14, [x11, #112]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa409f8 // mla v24.4s, v15.4s, v4.s[3]
	WORD $0x3dc010e7 // ldr q7, [x7, #64]
	WORD $0x3dc014e8 // ldr q8, [x7, #80]
	WORD $0x3dc018e9 // ldr q9, [x7, #96]
	WORD $0x3dc01cea // ldr q10, [x7, #112]
	WORD $0x3dc028eb // ldr q11, [x7, #160]
	WORD $0x3dc02cec // ldr q12, [x7, #176]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0216e // ldr q14, [x11, #128]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8501f8 // mla v24.4s, v15.4s, v5.s[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0296e // ldr q14, [x11, #160]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8509f8 // mla v24.4s, v15.4s, v5.s[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0316e // ldr q14, [x11, #192]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8601f8 // mla v24.4s, v15.4s, v6.s[0]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0396e // ldr q14, [x11, #224]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8609f8 // mla v24.4s, v15.4s, v6.s[2]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0256e // ldr q14, [x11, #144]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa501f8 // mla v24.4s, v15.4s, v5.s[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc02d6e // ldr q14, [x11, #176]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa509f8 // mla v24.4s, v15.4s, v5.s[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0356e // ldr q14, [x11, #208]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa601f8 // mla v24.4s, v15.4s, v6.s[1]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc03d6e // ldr q14, [x11, #240]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa609f8 // mla v24.4s, v15.4s, v6.s[3]
	WORD $0xf9800260 // prfm pldl1keep, [x19, #0]
	WORD $0xf9802260 // prfm pldl1keep, [x19, #64]
	WORD $0xf9804260 // prfm pldl1keep, [x19, #128]
	WORD $0xf9806260 // prfm pldl1keep, [x19, #192]
	// row 1
	WORD $0x3dc03100 // ldr q0, [x8, #192]
	WORD $0x0f08a401 // sxtl v1.8h, v0.8b
	WORD $0x4f08a402 // sxtl2 v2.8h, v0.16b
	WORD $0x0f10a423 // sxtl v3.4s, v1.4h
	WORD $0x4f10a424 // sxtl2 v4.4s, v1.8h
	WORD $0x0f10a445 // sxtl v5.4s, v2.4h
	WORD $0x4f10a446 // sxtl2 v6.4s, v2.8h
	WORD $0x6f00e419 // movi v25.2d, #0
	WORD $0x3dc00107 // ldr q7, [x8, #0]
	WORD $0x3dc00508 // ldr q8, [x8, #16]
	WORD $0x3dc00909 // ldr q9, [x8, #32]
	WORD $0x3dc00d0a // ldr q10, [x8, #48]
	WORD $0x3dc0210b // ldr q11, [x8, #128]
	WORD $0x3dc0250c // ldr q12, [x8, #144]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0016e // ldr q14, [x11, #0]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8301f9 // mla v25.4s, v15.4s, v3.s[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0096e // ldr q14, [x11, #32]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8309f9 // mla v25.4s, v15.4s, v3.s[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0116e // ldr q14, [x11, #64]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8401f9 // mla v25.4s, v15.4s, v4.s[0]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0196e // ldr q14, [x11, #96]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8409f9 // mla v25.4s, v15.4s, v4.s[2]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0056e // ldr q14, [x11, #16]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa301f9 // mla v25.4s, v15.4s, v3.s[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc00d6e // ldr q14, [x11, #48]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa309f9 // mla v25.4s, v15.4s, v3.s[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0156e // ldr q14, [x11, #80]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa401f9 // mla v25.4s, v15.4s, v4.s[1]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc01d6e // ldr q14, [x11, #112]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa409f9 // mla v25.4s, v15.4s, v4.s[3]
	WORD $0x3dc01107 // ldr q7, [x8, #64]
	WORD $0x3dc01508 // ldr q8, [x8, #80]
	WORD $0x3dc01909 // ldr q9, [x8, #96]
	WORD $0x3dc01d0a // ldr q10, [x8, #112]
	WORD $0x3dc0290b // ldr q11, [x8, #160]
	WORD $0x3dc02d0c // ldr q12, [x8, #176]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0216e // ldr q14, [x11, #128]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8501f9 // mla v25.4s, v15.4s, v5.s[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0296e // ldr q14, [x11, #160]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8509f9 // mla v25.4s, v15.4s, v5.s[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0316e // ldr q14, [x11, #192]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8601f9 // mla v25.4s, v15.4s, v6.s[0]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0396e // ldr q14, [x11, #224]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8609f9 // mla v25.4s, v15.4s, v6.s[2]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0256e // ldr q14, [x11, #144]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa501f9 // mla v25.4s, v15.4s, v5.s[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc02d6e // ldr q14, [x11, #176]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa509f9 // mla v25.4s, v15.4s, v5.s[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0356e // ldr q14, [x11, #208]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa601f9 // mla v25.4s, v15.4s, v6.s[1]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc03d6e // ldr q14, [x11, #240]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa609f9 // mla v25.4s, v15.4s, v6.s[3]
	WORD $0xf9800280 // prfm pldl1keep, [x20, #0]
	WORD $0xf9802280 // prfm pldl1keep, [x20, #64]
	WORD $0xf9804280 // prfm pldl1keep, [x20, #128]
	WORD $0xf9806280 // prfm pldl1keep, [x20, #192]
	// row 2
	WORD $0x3dc03120 // ldr q0, [x9, #192]
	WORD $0x0f08a401 // sxtl v1.8h, v0.8b
	WORD $0x4f08a402 // sxtl2 v2.8h, v0.16b
	WORD $0x0f10a423 // sxtl v3.4s, v1.4h
	WORD $0x4f10a424 // sxtl2 v4.4s, v1.8h
	WORD $0x0f10a445 // sxtl v5.4s, v2.4h
	WORD $0x4f10a446 // sxtl2 v6.4s, v2.8h
	WORD $0x6f00e41a // movi v26.2d, #0
	WORD $0x3dc00127 // ldr q7, [x9, #0]
	WORD $0x3dc00528 // ldr q8, [x9, #16]
	WORD $0x3dc00929 // ldr q9, [x9, #32]
	WORD $0x3dc00d2a // ldr q10, [x9, #48]
	WORD $0x3dc0212b // ldr q11, [x9, #128]
	WORD $0x3dc0252c // ldr q12, [x9, #144]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0016e // ldr q14, [x11, #0]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8301fa // mla v26.4s, v15.4s, v3.s[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0096e // ldr q14, [x11, #32]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8309fa // mla v26.4s, v15.4s, v3.s[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0116e // ldr q14, [x11, #64]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8401fa // mla v26.4s, v15.4s, v4.s[0]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0196e // ldr q14, [x11, #96]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8409fa // mla v26.4s, v15.4s, v4.s[2]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0056e // ldr q14, [x11, #16]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa301fa // mla v26.4s, v15.4s, v3.s[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc00d6e // ldr q14, [x11, #48]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa309fa // mla v26.4s, v15.4s, v3.s[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0156e // ldr q14, [x11, #80]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa401fa // mla v26.4s, v15.4s, v4.s[1]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc01d6e // ldr q14, [x11, #112]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa409fa // mla v26.4s, v15.4s, v4.s[3]
	WORD $0x3dc01127 // ldr q7, [x9, #64]
	WORD $0x3dc01528 // ldr q8, [x9, #80]
	WORD $0x3dc01929 // ldr q9, [x9, #96]
	WORD $0x3dc01d2a // ldr q10, [x9, #112]
	WORD $0x3dc0292b // ldr q11, [x9, #160]
	WORD $0x3dc02d2c // ldr q12, [x9, #176]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0216e // ldr q14, [x11, #128]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8501fa // mla v26.4s, v15.4s, v5.s[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0296e // ldr q14, [x11, #160]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8509fa // mla v26.4s, v15.4s, v5.s[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0316e // ldr q14, [x11, #192]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8601fa // mla v26.4s, v15.4s, v6.s[0]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0396e // ldr q14, [x11, #224]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8609fa // mla v26.4s, v15.4s, v6.s[2]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0256e // ldr q14, [x11, #144]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa501fa // mla v26.4s, v15.4s, v5.s[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc02d6e // ldr q14, [x11, #176]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa509fa // mla v26.4s, v15.4s, v5.s[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0356e // ldr q14, [x11, #208]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa601fa // mla v26.4s, v15.4s, v6.s[1]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc03d6e // ldr q14, [x11, #240]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa609fa // mla v26.4s, v15.4s, v6.s[3]
	WORD $0xf98002a0 // prfm pldl1keep, [x21, #0]
	WORD $0xf98022a0 // prfm pldl1keep, [x21, #64]
	WORD $0xf98042a0 // prfm pldl1keep, [x21, #128]
	WORD $0xf98062a0 // prfm pldl1keep, [x21, #192]
	// row 3
	WORD $0x3dc03140 // ldr q0, [x10, #192]
	WORD $0x0f08a401 // sxtl v1.8h, v0.8b
	WORD $0x4f08a402 // sxtl2 v2.8h, v0.16b
	WORD $0x0f10a423 // sxtl v3.4s, v1.4h
	WORD $0x4f10a424 // sxtl2 v4.4s, v1.8h
	WORD $0x0f10a445 // sxtl v5.4s, v2.4h
	WORD $0x4f10a446 // sxtl2 v6.4s, v2.8h
	WORD $0x6f00e41b // movi v27.2d, #0
	WORD $0x3dc00147 // ldr q7, [x10, #0]
	WORD $0x3dc00548 // ldr q8, [x10, #16]
	WORD $0x3dc00949 // ldr q9, [x10, #32]
	WORD $0x3dc00d4a // ldr q10, [x10, #48]
	WORD $0x3dc0214b // ldr q11, [x10, #128]
	WORD $0x3dc0254c // ldr q12, [x10, #144]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0016e // ldr q14, [x11, #0]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8301fb // mla v27.4s, v15.4s, v3.s[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0096e // ldr q14, [x11, #32]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8309fb // mla v27.4s, v15.4s, v3.s[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0116e // ldr q14, [x11, #64]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8401fb // mla v27.4s, v15.4s, v4.s[0]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0196e // ldr q14, [x11, #96]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8409fb // mla v27.4s, v15.4s, v4.s[2]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0056e // ldr q14, [x11, #16]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa301fb // mla v27.4s, v15.4s, v3.s[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc00d6e // ldr q14, [x11, #48]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa309fb // mla v27.4s, v15.4s, v3.s[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0156e // ldr q14, [x11, #80]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa401fb // mla v27.4s, v15.4s, v4.s[1]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc01d6e // ldr q14, [x11, #112]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa409fb // mla v27.4s, v15.4s, v4.s[3]
	WORD $0x3dc01147 // ldr q7, [x10, #64]
	WORD $0x3dc01548 // ldr q8, [x10, #80]
	WORD $0x3dc01949 // ldr q9, [x10, #96]
	WORD $0x3dc01d4a // ldr q10, [x10, #112]
	WORD $0x3dc0294b // ldr q11, [x10, #160]
	WORD $0x3dc02d4c // ldr q12, [x10, #176]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0216e // ldr q14, [x11, #128]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8501fb // mla v27.4s, v15.4s, v5.s[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0296e // ldr q14, [x11, #160]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8509fb // mla v27.4s, v15.4s, v5.s[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0316e // ldr q14, [x11, #192]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8601fb // mla v27.4s, v15.4s, v6.s[0]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0396e // ldr q14, [x11, #224]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6f8609fb // mla v27.4s, v15.4s, v6.s[2]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0256e // ldr q14, [x11, #144]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa501fb // mla v27.4s, v15.4s, v5.s[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc02d6e // ldr q14, [x11, #176]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa509fb // mla v27.4s, v15.4s, v5.s[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0356e // ldr q14, [x11, #208]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa601fb // mla v27.4s, v15.4s, v6.s[1]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc03d6e // ldr q14, [x11, #240]
	WORD $0x6f00e40f // movi v15.2d, #0
	WORD $0x4e8e962f // sdot v15.4s, v17.16b, v14.16b
	WORD $0x6fa609fb // mla v27.4s, v15.4s, v6.s[3]
	WORD $0xf98002c0 // prfm pldl1keep, [x22, #0]
	WORD $0xf98022c0 // prfm pldl1keep, [x22, #64]
	WORD $0xf98042c0 // prfm pldl1keep, [x22, #128]
	WORD $0xf98062c0 // prfm pldl1keep, [x22, #192]
	WORD $0x4eb9bf18 // addp v24.4s, v24.4s, v25.4s
	WORD $0x4ebbbf5a // addp v26.4s, v26.4s, v27.4s
	WORD $0x4ebabf18 // addp v24.4s, v24.4s, v26.4s
	WORD $0x4e21db18 // scvtf v24.4s, v24.4s
	WORD $0x7d41a0f3 // ldr h19, [x7, #208]
	WORD $0x7d41a114 // ldr h20, [x8, #208]
	WORD $0x6e060693 // mov v19.h[1], v20.h[0]
	WORD $0x7d41a134 // ldr h20, [x9, #208]
	WORD $0x6e0a0693 // mov v19.h[2], v20.h[0]
	WORD $0x7d41a154 // ldr h20, [x10, #208]
	WORD $0x6e0e0693 // mov v19.h[3], v20.h[0]
	WORD $0x0e217a73 // fcvtl v19.4s, v19.4h
	WORD $0x4ddfc994 // ld1r {v20.4s}, [x12], #4
	WORD $0x6e34de73 // fmul v19.4s, v19.4s, v20.4s
	WORD $0x6e33df18 // fmul v24.4s, v24.4s, v19.4s
	WORD $0x4e38d79c // fadd v28.4s, v28.4s, v24.4s
	ADD  $256, R11
	ADD  $210, R7
	ADD  $210, R8
	ADD  $210, R9
	ADD  $210, R10
	ADD  $210, R19
	ADD  $210, R20
	ADD  $210, R21
	ADD  $210, R22
	SUBS $1, R13
	BNE  q6kRowsDot_block

	WORD $0x3c8104dc // str q28, [x6], #16
	LSL  $2, R1, R14
	ADD  R14, R0
	SUBS $4, R2
	BNE  q6kRowsDot_group
	RET

// func q6kRowsNEON(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
// rows: a positive multiple of 4.
TEXT ·q6kRowsNEON(SB), NOSPLIT, $0-56
	MOVD w+0(FP), R0
	MOVD stride+8(FP), R1
	MOVD rows+16(FP), R2
	MOVD nb+24(FP), R3
	MOVD q+32(FP), R4
	MOVD d+40(FP), R5
	MOVD y+48(FP), R6
	WORD $0x4f00e5fd // movi v29.16b, #0x0f
	WORD $0x4f01e61e // movi v30.16b, #0x30
	WORD $0x4f01e41f // movi v31.16b, #0x20

q6kRowsNEON_group:
	MOVD R0, R7
	ADD  R1, R7, R8
	ADD  R1, R8, R9
	ADD  R1, R9, R10
	LSL  $2, R1, R14
	ADD  R14, R7, R19
	ADD  R1, R19, R20
	ADD  R1, R20, R21
	ADD  R1, R21, R22
	MOVD R4, R11
	MOVD R5, R12
	MOVD R3, R13
	WORD $0x6f00e41c // movi v28.2d, #0

q6kRowsNEON_block:
	// row 0
	WORD $0x3dc030e0 // ldr q0, [x7, #192]
	WORD $0x0f08a401 // sxtl v1.8h, v0.8b
	WORD $0x4f08a402 // sxtl2 v2.8h, v0.16b
	WORD $0x6f00e418 // movi v24.2d, #0
	WORD $0x3dc000e7 // ldr q7, [x7, #0]
	WORD $0x3dc004e8 // ldr q8, [x7, #16]
	WORD $0x3dc008e9 // ldr q9, [x7, #32]
	WORD $0x3dc00cea // ldr q10, [x7, #48]
	WORD $0x3dc020eb // ldr q11, [x7, #128]
	WORD $0x3dc024ec // ldr q12, [x7, #144]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0016e // ldr q14, [x11, #0]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4121f8 // smlal v24.4s, v15.4h, v1.h[0]
	WORD $0x4f4121f8 // smlal2 v24.4s, v15.8h, v1.h[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0096e // ldr q14, [x11, #32]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6121f8 // smlal v24.4s, v15.4h, v1.h[2]
	WORD $0x4f6121f8 // smlal2 v24.4s, v15.8h, v1.h[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0116e // ldr q14, [x11, #64]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4129f8 // smlal v24.4s, v15.4h, v1.h[4]
	WORD $0x4f4129f8 // smlal2 v24.4s, v15.8h, v1.h[4]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0196e // ldr q14, [x11, #96]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6129f8 // smlal v24.4s, v15.4h, v1.h[6]
	WORD $0x4f6129f8 // smlal2 v24.4s, v15.8h, v1.h[6]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0056e // ldr q14, [x11, #16]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5121f8 // smlal v24.4s, v15.4h, v1.h[1]
	WORD $0x4f5121f8 // smlal2 v24.4s, v15.8h, v1.h[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc00d6e // ldr q14, [x11, #48]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7121f8 // smlal v24.4s, v15.4h, v1.h[3]
	WORD $0x4f7121f8 // smlal2 v24.4s, v15.8h, v1.h[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0156e // ldr q14, [x11, #80]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5129f8 // smlal v24.4s, v15.4h, v1.h[5]
	WORD $0x4f5129f8 // smlal2 v24.4s, v15.8h, v1.h[5]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc01d6e // ldr q14, [x11, #112]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7129f8 // smlal v24.4s, v15.4h, v1.h[7]
	WORD $0x4f7129f8 // smlal2 v24.4s, v15.8h, v1.h[7]
	WORD $0x3dc010e7 // ldr q7, [x7, #64]
	WORD $0x3dc014e8 // ldr q8, [x7, #80]
	WORD $0x3dc018e9 // ldr q9, [x7, #96]
	WORD $0x3dc01cea // ldr q10, [x7, #112]
	WORD $0x3dc028eb // ldr q11, [x7, #160]
	WORD $0x3dc02cec // ldr q12, [x7, #176]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0216e // ldr q14, [x11, #128]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4221f8 // smlal v24.4s, v15.4h, v2.h[0]
	WORD $0x4f4221f8 // smlal2 v24.4s, v15.8h, v2.h[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0296e // ldr q14, [x11, #160]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6221f8 // smlal v24.4s, v15.4h, v2.h[2]
	WORD $0x4f6221f8 // smlal2 v24.4s, v15.8h, v2.h[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0316e // ldr q14, [x11, #192]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4229f8 // smlal v24.4s, v15.4h, v2.h[4]
	WORD $0x4f4229f8 // smlal2 v24.4s, v15.8h, v2.h[4]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0396e // ldr q14, [x11, #224]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6229f8 // smlal v24.4s, v15.4h, v2.h[6]
	WORD $0x4f6229f8 // smlal2 v24.4s, v15.8h, v2.h[6]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0256e // ldr q14, [x11, #144]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5221f8 // smlal v24.4s, v15.4h, v2.h[1]
	WORD $0x4f5221f8 // smlal2 v24.4s, v15.8h, v2.h[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc02d6e // ldr q14, [x11, #176]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7221f8 // smlal v24.4s, v15.4h, v2.h[3]
	WORD $0x4f7221f8 // smlal2 v24.4s, v15.8h, v2.h[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0356e // ldr q14, [x11, #208]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5229f8 // smlal v24.4s, v15.4h, v2.h[5]
	WORD $0x4f5229f8 // smlal2 v24.4s, v15.8h, v2.h[5]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc03d6e // ldr q14, [x11, #240]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7229f8 // smlal v24.4s, v15.4h, v2.h[7]
	WORD $0x4f7229f8 // smlal2 v24.4s, v15.8h, v2.h[7]
	WORD $0xf9800260 // prfm pldl1keep, [x19, #0]
	WORD $0xf9802260 // prfm pldl1keep, [x19, #64]
	WORD $0xf9804260 // prfm pldl1keep, [x19, #128]
	WORD $0xf9806260 // prfm pldl1keep, [x19, #192]
	// row 1
	WORD $0x3dc03100 // ldr q0, [x8, #192]
	WORD $0x0f08a401 // sxtl v1.8h, v0.8b
	WORD $0x4f08a402 // sxtl2 v2.8h, v0.16b
	WORD $0x6f00e419 // movi v25.2d, #0
	WORD $0x3dc00107 // ldr q7, [x8, #0]
	WORD $0x3dc00508 // ldr q8, [x8, #16]
	WORD $0x3dc00909 // ldr q9, [x8, #32]
	WORD $0x3dc00d0a // ldr q10, [x8, #48]
	WORD $0x3dc0210b // ldr q11, [x8, #128]
	WORD $0x3dc0250c // ldr q12, [x8, #144]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0016e // ldr q14, [x11, #0]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4121f9 // smlal v25.4s, v15.4h, v1.h[0]
	WORD $0x4f4121f9 // smlal2 v25.4s, v15.8h, v1.h[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0096e // ldr q14, [x11, #32]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6121f9 // smlal v25.4s, v15.4h, v1.h[2]
	WORD $0x4f6121f9 // smlal2 v25.4s, v15.8h, v1.h[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0116e // ldr q14, [x11, #64]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4129f9 // smlal v25.4s, v15.4h, v1.h[4]
	WORD $0x4f4129f9 // smlal2 v25.4s, v15.8h, v1.h[4]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0196e // ldr q14, [x11, #96]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6129f9 // smlal v25.4s, v15.4h, v1.h[6]
	WORD $0x4f6129f9 // smlal2 v25.4s, v15.8h, v1.h[6]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0056e // ldr q14, [x11, #16]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5121f9 // smlal v25.4s, v15.4h, v1.h[1]
	WORD $0x4f5121f9 // smlal2 v25.4s, v15.8h, v1.h[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc00d6e // ldr q14, [x11, #48]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7121f9 // smlal v25.4s, v15.4h, v1.h[3]
	WORD $0x4f7121f9 // smlal2 v25.4s, v15.8h, v1.h[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0156e // ldr q14, [x11, #80]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5129f9 // smlal v25.4s, v15.4h, v1.h[5]
	WORD $0x4f5129f9 // smlal2 v25.4s, v15.8h, v1.h[5]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc01d6e // ldr q14, [x11, #112]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7129f9 // smlal v25.4s, v15.4h, v1.h[7]
	WORD $0x4f7129f9 // smlal2 v25.4s, v15.8h, v1.h[7]
	WORD $0x3dc01107 // ldr q7, [x8, #64]
	WORD $0x3dc01508 // ldr q8, [x8, #80]
	WORD $0x3dc01909 // ldr q9, [x8, #96]
	WORD $0x3dc01d0a // ldr q10, [x8, #112]
	WORD $0x3dc0290b // ldr q11, [x8, #160]
	WORD $0x3dc02d0c // ldr q12, [x8, #176]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0216e // ldr q14, [x11, #128]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4221f9 // smlal v25.4s, v15.4h, v2.h[0]
	WORD $0x4f4221f9 // smlal2 v25.4s, v15.8h, v2.h[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0296e // ldr q14, [x11, #160]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6221f9 // smlal v25.4s, v15.4h, v2.h[2]
	WORD $0x4f6221f9 // smlal2 v25.4s, v15.8h, v2.h[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0316e // ldr q14, [x11, #192]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4229f9 // smlal v25.4s, v15.4h, v2.h[4]
	WORD $0x4f4229f9 // smlal2 v25.4s, v15.8h, v2.h[4]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0396e // ldr q14, [x11, #224]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6229f9 // smlal v25.4s, v15.4h, v2.h[6]
	WORD $0x4f6229f9 // smlal2 v25.4s, v15.8h, v2.h[6]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0256e // ldr q14, [x11, #144]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5221f9 // smlal v25.4s, v15.4h, v2.h[1]
	WORD $0x4f5221f9 // smlal2 v25.4s, v15.8h, v2.h[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc02d6e // ldr q14, [x11, #176]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7221f9 // smlal v25.4s, v15.4h, v2.h[3]
	WORD $0x4f7221f9 // smlal2 v25.4s, v15.8h, v2.h[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0356e // ldr q14, [x11, #208]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5229f9 // smlal v25.4s, v15.4h, v2.h[5]
	WORD $0x4f5229f9 // smlal2 v25.4s, v15.8h, v2.h[5]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc03d6e // ldr q14, [x11, #240]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7229f9 // smlal v25.4s, v15.4h, v2.h[7]
	WORD $0x4f7229f9 // smlal2 v25.4s, v15.8h, v2.h[7]
	WORD $0xf9800280 // prfm pldl1keep, [x20, #0]
	WORD $0xf9802280 // prfm pldl1keep, [x20, #64]
	WORD $0xf9804280 // prfm pldl1keep, [x20, #128]
	WORD $0xf9806280 // prfm pldl1keep, [x20, #192]
	// row 2
	WORD $0x3dc03120 // ldr q0, [x9, #192]
	WORD $0x0f08a401 // sxtl v1.8h, v0.8b
	WORD $0x4f08a402 // sxtl2 v2.8h, v0.16b
	WORD $0x6f00e41a // movi v26.2d, #0
	WORD $0x3dc00127 // ldr q7, [x9, #0]
	WORD $0x3dc00528 // ldr q8, [x9, #16]
	WORD $0x3dc00929 // ldr q9, [x9, #32]
	WORD $0x3dc00d2a // ldr q10, [x9, #48]
	WORD $0x3dc0212b // ldr q11, [x9, #128]
	WORD $0x3dc0252c // ldr q12, [x9, #144]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0016e // ldr q14, [x11, #0]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4121fa // smlal v26.4s, v15.4h, v1.h[0]
	WORD $0x4f4121fa // smlal2 v26.4s, v15.8h, v1.h[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0096e // ldr q14, [x11, #32]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6121fa // smlal v26.4s, v15.4h, v1.h[2]
	WORD $0x4f6121fa // smlal2 v26.4s, v15.8h, v1.h[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0116e // ldr q14, [x11, #64]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4129fa // smlal v26.4s, v15.4h, v1.h[4]
	WORD $0x4f4129fa // smlal2 v26.4s, v15.8h, v1.h[4]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0196e // ldr q14, [x11, #96]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6129fa // smlal v26.4s, v15.4h, v1.h[6]
	WORD $0x4f6129fa // smlal2 v26.4s, v15.8h, v1.h[6]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0056e // ldr q14, [x11, #16]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5121fa // smlal v26.4s, v15.4h, v1.h[1]
	WORD $0x4f5121fa // smlal2 v26.4s, v15.8h, v1.h[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc00d6e // ldr q14, [x11, #48]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7121fa // smlal v26.4s, v15.4h, v1.h[3]
	WORD $0x4f7121fa // smlal2 v26.4s, v15.8h, v1.h[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0156e // ldr q14, [x11, #80]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5129fa // smlal v26.4s, v15.4h, v1.h[5]
	WORD $0x4f5129fa // smlal2 v26.4s, v15.8h, v1.h[5]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc01d6e // ldr q14, [x11, #112]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7129fa // smlal v26.4s, v15.4h, v1.h[7]
	WORD $0x4f7129fa // smlal2 v26.4s, v15.8h, v1.h[7]
	WORD $0x3dc01127 // ldr q7, [x9, #64]
	WORD $0x3dc01528 // ldr q8, [x9, #80]
	WORD $0x3dc01929 // ldr q9, [x9, #96]
	WORD $0x3dc01d2a // ldr q10, [x9, #112]
	WORD $0x3dc0292b // ldr q11, [x9, #160]
	WORD $0x3dc02d2c // ldr q12, [x9, #176]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0216e // ldr q14, [x11, #128]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4221fa // smlal v26.4s, v15.4h, v2.h[0]
	WORD $0x4f4221fa // smlal2 v26.4s, v15.8h, v2.h[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0296e // ldr q14, [x11, #160]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6221fa // smlal v26.4s, v15.4h, v2.h[2]
	WORD $0x4f6221fa // smlal2 v26.4s, v15.8h, v2.h[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0316e // ldr q14, [x11, #192]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4229fa // smlal v26.4s, v15.4h, v2.h[4]
	WORD $0x4f4229fa // smlal2 v26.4s, v15.8h, v2.h[4]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0396e // ldr q14, [x11, #224]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6229fa // smlal v26.4s, v15.4h, v2.h[6]
	WORD $0x4f6229fa // smlal2 v26.4s, v15.8h, v2.h[6]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0256e // ldr q14, [x11, #144]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5221fa // smlal v26.4s, v15.4h, v2.h[1]
	WORD $0x4f5221fa // smlal2 v26.4s, v15.8h, v2.h[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc02d6e // ldr q14, [x11, #176]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7221fa // smlal v26.4s, v15.4h, v2.h[3]
	WORD $0x4f7221fa // smlal2 v26.4s, v15.8h, v2.h[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0356e // ldr q14, [x11, #208]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5229fa // smlal v26.4s, v15.4h, v2.h[5]
	WORD $0x4f5229fa // smlal2 v26.4s, v15.8h, v2.h[5]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc03d6e // ldr q14, [x11, #240]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7229fa // smlal v26.4s, v15.4h, v2.h[7]
	WORD $0x4f7229fa // smlal2 v26.4s, v15.8h, v2.h[7]
	WORD $0xf98002a0 // prfm pldl1keep, [x21, #0]
	WORD $0xf98022a0 // prfm pldl1keep, [x21, #64]
	WORD $0xf98042a0 // prfm pldl1keep, [x21, #128]
	WORD $0xf98062a0 // prfm pldl1keep, [x21, #192]
	// row 3
	WORD $0x3dc03140 // ldr q0, [x10, #192]
	WORD $0x0f08a401 // sxtl v1.8h, v0.8b
	WORD $0x4f08a402 // sxtl2 v2.8h, v0.16b
	WORD $0x6f00e41b // movi v27.2d, #0
	WORD $0x3dc00147 // ldr q7, [x10, #0]
	WORD $0x3dc00548 // ldr q8, [x10, #16]
	WORD $0x3dc00949 // ldr q9, [x10, #32]
	WORD $0x3dc00d4a // ldr q10, [x10, #48]
	WORD $0x3dc0214b // ldr q11, [x10, #128]
	WORD $0x3dc0254c // ldr q12, [x10, #144]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0016e // ldr q14, [x11, #0]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4121fb // smlal v27.4s, v15.4h, v1.h[0]
	WORD $0x4f4121fb // smlal2 v27.4s, v15.8h, v1.h[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0096e // ldr q14, [x11, #32]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6121fb // smlal v27.4s, v15.4h, v1.h[2]
	WORD $0x4f6121fb // smlal2 v27.4s, v15.8h, v1.h[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0116e // ldr q14, [x11, #64]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4129fb // smlal v27.4s, v15.4h, v1.h[4]
	WORD $0x4f4129fb // smlal2 v27.4s, v15.8h, v1.h[4]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0196e // ldr q14, [x11, #96]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6129fb // smlal v27.4s, v15.4h, v1.h[6]
	WORD $0x4f6129fb // smlal2 v27.4s, v15.8h, v1.h[6]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0056e // ldr q14, [x11, #16]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5121fb // smlal v27.4s, v15.4h, v1.h[1]
	WORD $0x4f5121fb // smlal2 v27.4s, v15.8h, v1.h[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc00d6e // ldr q14, [x11, #48]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7121fb // smlal v27.4s, v15.4h, v1.h[3]
	WORD $0x4f7121fb // smlal2 v27.4s, v15.8h, v1.h[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0156e // ldr q14, [x11, #80]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5129fb // smlal v27.4s, v15.4h, v1.h[5]
	WORD $0x4f5129fb // smlal2 v27.4s, v15.8h, v1.h[5]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc01d6e // ldr q14, [x11, #112]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7129fb // smlal v27.4s, v15.4h, v1.h[7]
	WORD $0x4f7129fb // smlal2 v27.4s, v15.8h, v1.h[7]
	WORD $0x3dc01147 // ldr q7, [x10, #64]
	WORD $0x3dc01548 // ldr q8, [x10, #80]
	WORD $0x3dc01949 // ldr q9, [x10, #96]
	WORD $0x3dc01d4a // ldr q10, [x10, #112]
	WORD $0x3dc0294b // ldr q11, [x10, #160]
	WORD $0x3dc02d4c // ldr q12, [x10, #176]
	WORD $0x4e3d1cf1 // and v17.16b, v7.16b, v29.16b
	WORD $0x4f0c5572 // shl v18.16b, v11.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0216e // ldr q14, [x11, #128]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4221fb // smlal v27.4s, v15.4h, v2.h[0]
	WORD $0x4f4221fb // smlal2 v27.4s, v15.8h, v2.h[0]
	WORD $0x4e3d1d31 // and v17.16b, v9.16b, v29.16b
	WORD $0x4f0a5572 // shl v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0296e // ldr q14, [x11, #160]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6221fb // smlal v27.4s, v15.4h, v2.h[2]
	WORD $0x4f6221fb // smlal2 v27.4s, v15.8h, v2.h[2]
	WORD $0x6f0c04f1 // ushr v17.16b, v7.16b, #4
	WORD $0x4e3e1d72 // and v18.16b, v11.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0316e // ldr q14, [x11, #192]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f4229fb // smlal v27.4s, v15.4h, v2.h[4]
	WORD $0x4f4229fb // smlal2 v27.4s, v15.8h, v2.h[4]
	WORD $0x6f0c0531 // ushr v17.16b, v9.16b, #4
	WORD $0x6f0e0572 // ushr v18.16b, v11.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0396e // ldr q14, [x11, #224]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f6229fb // smlal v27.4s, v15.4h, v2.h[6]
	WORD $0x4f6229fb // smlal2 v27.4s, v15.8h, v2.h[6]
	WORD $0x4e3d1d11 // and v17.16b, v8.16b, v29.16b
	WORD $0x4f0c5592 // shl v18.16b, v12.16b, #4
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0256e // ldr q14, [x11, #144]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5221fb // smlal v27.4s, v15.4h, v2.h[1]
	WORD $0x4f5221fb // smlal2 v27.4s, v15.8h, v2.h[1]
	WORD $0x4e3d1d51 // and v17.16b, v10.16b, v29.16b
	WORD $0x4f0a5592 // shl v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc02d6e // ldr q14, [x11, #176]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7221fb // smlal v27.4s, v15.4h, v2.h[3]
	WORD $0x4f7221fb // smlal2 v27.4s, v15.8h, v2.h[3]
	WORD $0x6f0c0511 // ushr v17.16b, v8.16b, #4
	WORD $0x4e3e1d92 // and v18.16b, v12.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc0356e // ldr q14, [x11, #208]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f5229fb // smlal v27.4s, v15.4h, v2.h[5]
	WORD $0x4f5229fb // smlal2 v27.4s, v15.8h, v2.h[5]
	WORD $0x6f0c0551 // ushr v17.16b, v10.16b, #4
	WORD $0x6f0e0592 // ushr v18.16b, v12.16b, #2
	WORD $0x4e3e1e52 // and v18.16b, v18.16b, v30.16b
	WORD $0x4eb21e31 // orr v17.16b, v17.16b, v18.16b
	WORD $0x6e3f8631 // sub v17.16b, v17.16b, v31.16b
	WORD $0x3dc03d6e // ldr q14, [x11, #240]
	WORD $0x0e2ec22f // smull v15.8h, v17.8b, v14.8b
	WORD $0x4e2e822f // smlal2 v15.8h, v17.16b, v14.16b
	WORD $0x0f7229fb // smlal v27.4s, v15.4h, v2.h[7]
	WORD $0x4f7229fb // smlal2 v27.4s, v15.8h, v2.h[7]
	WORD $0xf98002c0 // prfm pldl1keep, [x22, #0]
	WORD $0xf98022c0 // prfm pldl1keep, [x22, #64]
	WORD $0xf98042c0 // prfm pldl1keep, [x22, #128]
	WORD $0xf98062c0 // prfm pldl1keep, [x22, #192]
	WORD $0x4eb9bf18 // addp v24.4s, v24.4s, v25.4s
	WORD $0x4ebbbf5a // addp v26.4s, v26.4s, v27.4s
	WORD $0x4ebabf18 // addp v24.4s, v24.4s, v26.4s
	WORD $0x4e21db18 // scvtf v24.4s, v24.4s
	WORD $0x7d41a0f3 // ldr h19, [x7, #208]
	WORD $0x7d41a114 // ldr h20, [x8, #208]
	WORD $0x6e060693 // mov v19.h[1], v20.h[0]
	WORD $0x7d41a134 // ldr h20, [x9, #208]
	WORD $0x6e0a0693 // mov v19.h[2], v20.h[0]
	WORD $0x7d41a154 // ldr h20, [x10, #208]
	WORD $0x6e0e0693 // mov v19.h[3], v20.h[0]
	WORD $0x0e217a73 // fcvtl v19.4s, v19.4h
	WORD $0x4ddfc994 // ld1r {v20.4s}, [x12], #4
	WORD $0x6e34de73 // fmul v19.4s, v19.4s, v20.4s
	WORD $0x6e33df18 // fmul v24.4s, v24.4s, v19.4s
	WORD $0x4e38d79c // fadd v28.4s, v28.4s, v24.4s
	ADD  $256, R11
	ADD  $210, R7
	ADD  $210, R8
	ADD  $210, R9
	ADD  $210, R10
	ADD  $210, R19
	ADD  $210, R20
	ADD  $210, R21
	ADD  $210, R22
	SUBS $1, R13
	BNE  q6kRowsNEON_block

	WORD $0x3c8104dc // str q28, [x6], #16
	LSL  $2, R1, R14
	ADD  R14, R0
	SUBS $4, R2
	BNE  q6kRowsNEON_group
	RET
