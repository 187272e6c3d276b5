//go:build !purego

#include "textflag.h"

// Float kernels for arm64 (Go declarations and the contract in f16_arm64.go / f16_ops.go).
//
// Row dots keep the canonical 16 f32 lanes per row in four q registers (lanes 0-3, 4-7, 8-11,
// 12-15). Four rows are processed per iteration, sharing the loads of x; each row has its own
// accumulators, updated group after group in column order. F16 products are exact, so FMLA
// gives the reference's bits; F32 products are rounded by a separate FMUL before the FADD.
// Then the tree (l, l+8), (l, l+4), (l, l+2), (l, l+1) and the tail columns in order.
//
// The Go assembler has no FCVTL/FCVTL2, vector FADD/FMUL or scalar FADDP: they are WORDs, the
// instruction in the comment (TestF16ArmEncodings checks them with llvm-mc when installed).
//
// Registers (row kernels): R0 block base, R1 stride, R2 rows left, R3 cols, R4 x, R5 y,
// R6 16-column groups, R7 tail columns, R8-R11 rows 0-3, R12 x cursor, R13 counter,
// R14 scratch, R19-R22 rows 4-7 (prefetch). V0-V3, V4-V7, V8-V11, V12-V15: accumulators of
// rows 0-3; V16-V19: x; V20-V31: temporaries. ABI0: all of them are caller-saved; R18 and
// R26-R30 are not used.

// Prefetching: the 4-row loops prefetch the lines of the next 4 rows that they read themselves
// (correct for any stride); the 1-row loops prefetch PFD bytes ahead in the row.
#define PFD 1024

// PFX4 is the prefetch distance of the X4 loop (one sequential stream), as on amd64.
#define PFX4 4096

// func f16RowsNEON(w *byte, stride, rows, cols int, x, y *float32)
TEXT ·f16RowsNEON(SB), NOSPLIT, $0-48
	MOVD w+0(FP), R0
	MOVD stride+8(FP), R1
	MOVD rows+16(FP), R2
	MOVD cols+24(FP), R3
	MOVD x+32(FP), R4
	MOVD y+40(FP), R5
	LSR  $4, R3, R6
	AND  $15, R3, R7
	CMP  $4, R2
	BLT  h_one

h_four:
	MOVD R0, R8
	ADD  R1, R8, R9
	ADD  R1, R9, R10
	ADD  R1, R10, R11
	ADD  R1, R11, R19
	ADD  R1, R19, R20
	ADD  R1, R20, R21
	ADD  R1, R21, R22
	MOVD R4, R12
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	MOVD R6, R13
	CBZ  R13, h_four_red

h_four_g:
	VLD1.P 64(R12), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 32(R8), [V20.H8, V21.H8]
	VLD1.P 32(R9), [V26.H8, V27.H8]
	WORD $0x0e217a96 // fcvtl v22.4s, v20.4h
	WORD $0x4e217a97 // fcvtl2 v23.4s, v20.8h
	WORD $0x0e217ab8 // fcvtl v24.4s, v21.4h
	WORD $0x4e217ab9 // fcvtl2 v25.4s, v21.8h
	WORD $0x0e217b5c // fcvtl v28.4s, v26.4h
	WORD $0x4e217b5d // fcvtl2 v29.4s, v26.8h
	WORD $0x0e217b7e // fcvtl v30.4s, v27.4h
	WORD $0x4e217b7f // fcvtl2 v31.4s, v27.8h
	VFMLA  V16.S4, V22.S4, V0.S4
	VFMLA  V17.S4, V23.S4, V1.S4
	VFMLA  V18.S4, V24.S4, V2.S4
	VFMLA  V19.S4, V25.S4, V3.S4
	VFMLA  V16.S4, V28.S4, V4.S4
	VFMLA  V17.S4, V29.S4, V5.S4
	VFMLA  V18.S4, V30.S4, V6.S4
	VFMLA  V19.S4, V31.S4, V7.S4
	VLD1.P 32(R10), [V20.H8, V21.H8]
	VLD1.P 32(R11), [V26.H8, V27.H8]
	WORD $0x0e217a96 // fcvtl v22.4s, v20.4h
	WORD $0x4e217a97 // fcvtl2 v23.4s, v20.8h
	WORD $0x0e217ab8 // fcvtl v24.4s, v21.4h
	WORD $0x4e217ab9 // fcvtl2 v25.4s, v21.8h
	WORD $0x0e217b5c // fcvtl v28.4s, v26.4h
	WORD $0x4e217b5d // fcvtl2 v29.4s, v26.8h
	WORD $0x0e217b7e // fcvtl v30.4s, v27.4h
	WORD $0x4e217b7f // fcvtl2 v31.4s, v27.8h
	VFMLA  V16.S4, V22.S4, V8.S4
	VFMLA  V17.S4, V23.S4, V9.S4
	VFMLA  V18.S4, V24.S4, V10.S4
	VFMLA  V19.S4, V25.S4, V11.S4
	VFMLA  V16.S4, V28.S4, V12.S4
	VFMLA  V17.S4, V29.S4, V13.S4
	VFMLA  V18.S4, V30.S4, V14.S4
	VFMLA  V19.S4, V31.S4, V15.S4
	PRFM   (R19), PLDL1KEEP // the same columns of the next 4 rows
	PRFM   (R20), PLDL1KEEP
	PRFM   (R21), PLDL1KEEP
	PRFM   (R22), PLDL1KEEP
	ADD    $32, R19
	ADD    $32, R20
	ADD    $32, R21
	ADD    $32, R22
	SUBS   $1, R13, R13
	BNE    h_four_g

h_four_red:
	// v0-v3: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s0
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VEXT $8, V0.B16, V0.B16, V1.B16
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	// v4-v7: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s4
	WORD $0x4e26d484 // fadd v4.4s, v4.4s, v6.4s
	WORD $0x4e27d4a5 // fadd v5.4s, v5.4s, v7.4s
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	VEXT $8, V4.B16, V4.B16, V5.B16
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	WORD $0x7e30d884 // faddp s4, v4.2s
	// v8-v11: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s8
	WORD $0x4e2ad508 // fadd v8.4s, v8.4s, v10.4s
	WORD $0x4e2bd529 // fadd v9.4s, v9.4s, v11.4s
	WORD $0x4e29d508 // fadd v8.4s, v8.4s, v9.4s
	VEXT $8, V8.B16, V8.B16, V9.B16
	WORD $0x4e29d508 // fadd v8.4s, v8.4s, v9.4s
	WORD $0x7e30d908 // faddp s8, v8.2s
	// v12-v15: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s12
	WORD $0x4e2ed58c // fadd v12.4s, v12.4s, v14.4s
	WORD $0x4e2fd5ad // fadd v13.4s, v13.4s, v15.4s
	WORD $0x4e2dd58c // fadd v12.4s, v12.4s, v13.4s
	VEXT $8, V12.B16, V12.B16, V13.B16
	WORD $0x4e2dd58c // fadd v12.4s, v12.4s, v13.4s
	WORD $0x7e30d98c // faddp s12, v12.2s
	CBZ R7, h_four_store
	MOVD R7, R13

h_four_tail:
	FMOVS.P 4(R12), F16
	MOVHU.P 2(R8), R14
	FMOVS   R14, F20
	MOVHU.P 2(R9), R14
	FMOVS   R14, F21
	MOVHU.P 2(R10), R14
	FMOVS   R14, F22
	MOVHU.P 2(R11), R14
	FMOVS   R14, F23
	FCVTHS  F20, F20
	FCVTHS  F21, F21
	FCVTHS  F22, F22
	FCVTHS  F23, F23
	FMULS   F16, F20, F20
	FMULS   F16, F21, F21
	FMULS   F16, F22, F22
	FMULS   F16, F23, F23
	FADDS   F20, F0, F0
	FADDS   F21, F4, F4
	FADDS   F22, F8, F8
	FADDS   F23, F12, F12
	SUBS    $1, R13, R13
	BNE     h_four_tail

h_four_store:
	FMOVS.P F0, 4(R5)
	FMOVS.P F4, 4(R5)
	FMOVS.P F8, 4(R5)
	FMOVS.P F12, 4(R5)
	ADD     R1<<2, R0, R0
	SUB     $4, R2, R2
	CMP     $4, R2
	BGE     h_four

h_one:
	CBZ R2, h_done

h_one_row:
	MOVD R0, R8
	MOVD R4, R12
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	MOVD R6, R13
	CBZ  R13, h_one_red

h_one_g:
	VLD1.P 64(R12), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 32(R8), [V20.H8, V21.H8]
	WORD $0x0e217a96 // fcvtl v22.4s, v20.4h
	WORD $0x4e217a97 // fcvtl2 v23.4s, v20.8h
	WORD $0x0e217ab8 // fcvtl v24.4s, v21.4h
	WORD $0x4e217ab9 // fcvtl2 v25.4s, v21.8h
	VFMLA  V16.S4, V22.S4, V0.S4
	VFMLA  V17.S4, V23.S4, V1.S4
	VFMLA  V18.S4, V24.S4, V2.S4
	VFMLA  V19.S4, V25.S4, V3.S4
	PRFM   PFD(R8), PLDL1KEEP
	SUBS   $1, R13, R13
	BNE    h_one_g

h_one_red:
	// v0-v3: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s0
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VEXT $8, V0.B16, V0.B16, V1.B16
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	CBZ  R7, h_one_store
	MOVD R7, R13

h_one_tail:
	FMOVS.P 4(R12), F16
	MOVHU.P 2(R8), R14
	FMOVS   R14, F20
	FCVTHS  F20, F20
	FMULS   F16, F20, F20
	FADDS   F20, F0, F0
	SUBS    $1, R13, R13
	BNE     h_one_tail

h_one_store:
	FMOVS.P F0, 4(R5)
	ADD     R1, R0, R0
	SUBS    $1, R2, R2
	BNE     h_one_row

h_done:
	RET

// func f16RowsX4NEON(w *byte, groups, cols int, x, y *float32)
// Whole groups of 4 rows in the X4 layout (f16x4.go), read as one stream: per 32-column block
// the two 16-column groups of rows 0-3, 64 bytes apart. Registers as in f16RowsNEON; R8-R11 point
// at rows 0-3 in the current block, R6 counts the blocks, R7 is cols%32 and R1 its byte count.
TEXT ·f16RowsX4NEON(SB), NOSPLIT, $0-40
	MOVD w+0(FP), R0
	MOVD groups+8(FP), R2
	MOVD cols+16(FP), R3
	MOVD x+24(FP), R4
	MOVD y+32(FP), R5
	LSR  $5, R3, R6
	AND  $31, R3, R7
	LSL  $1, R7, R1

x4_group:
	MOVD R0, R8
	ADD  $64, R0, R9
	ADD  $128, R0, R10
	ADD  $192, R0, R11
	MOVD R4, R12
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	MOVD R6, R13
	CBZ  R13, x4_left

x4_block:
	// columns 0-15 of the block, then 16-31 (the row pointers have moved 32 bytes)
	VLD1.P 64(R12), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 32(R8), [V20.H8, V21.H8]
	VLD1.P 32(R9), [V26.H8, V27.H8]
	WORD $0x0e217a96 // fcvtl v22.4s, v20.4h
	WORD $0x4e217a97 // fcvtl2 v23.4s, v20.8h
	WORD $0x0e217ab8 // fcvtl v24.4s, v21.4h
	WORD $0x4e217ab9 // fcvtl2 v25.4s, v21.8h
	WORD $0x0e217b5c // fcvtl v28.4s, v26.4h
	WORD $0x4e217b5d // fcvtl2 v29.4s, v26.8h
	WORD $0x0e217b7e // fcvtl v30.4s, v27.4h
	WORD $0x4e217b7f // fcvtl2 v31.4s, v27.8h
	VFMLA  V16.S4, V22.S4, V0.S4
	VFMLA  V17.S4, V23.S4, V1.S4
	VFMLA  V18.S4, V24.S4, V2.S4
	VFMLA  V19.S4, V25.S4, V3.S4
	VFMLA  V16.S4, V28.S4, V4.S4
	VFMLA  V17.S4, V29.S4, V5.S4
	VFMLA  V18.S4, V30.S4, V6.S4
	VFMLA  V19.S4, V31.S4, V7.S4
	VLD1.P 32(R10), [V20.H8, V21.H8]
	VLD1.P 32(R11), [V26.H8, V27.H8]
	WORD $0x0e217a96 // fcvtl v22.4s, v20.4h
	WORD $0x4e217a97 // fcvtl2 v23.4s, v20.8h
	WORD $0x0e217ab8 // fcvtl v24.4s, v21.4h
	WORD $0x4e217ab9 // fcvtl2 v25.4s, v21.8h
	WORD $0x0e217b5c // fcvtl v28.4s, v26.4h
	WORD $0x4e217b5d // fcvtl2 v29.4s, v26.8h
	WORD $0x0e217b7e // fcvtl v30.4s, v27.4h
	WORD $0x4e217b7f // fcvtl2 v31.4s, v27.8h
	VFMLA  V16.S4, V22.S4, V8.S4
	VFMLA  V17.S4, V23.S4, V9.S4
	VFMLA  V18.S4, V24.S4, V10.S4
	VFMLA  V19.S4, V25.S4, V11.S4
	VFMLA  V16.S4, V28.S4, V12.S4
	VFMLA  V17.S4, V29.S4, V13.S4
	VFMLA  V18.S4, V30.S4, V14.S4
	VFMLA  V19.S4, V31.S4, V15.S4
	VLD1.P 64(R12), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 32(R8), [V20.H8, V21.H8]
	VLD1.P 32(R9), [V26.H8, V27.H8]
	WORD $0x0e217a96 // fcvtl v22.4s, v20.4h
	WORD $0x4e217a97 // fcvtl2 v23.4s, v20.8h
	WORD $0x0e217ab8 // fcvtl v24.4s, v21.4h
	WORD $0x4e217ab9 // fcvtl2 v25.4s, v21.8h
	WORD $0x0e217b5c // fcvtl v28.4s, v26.4h
	WORD $0x4e217b5d // fcvtl2 v29.4s, v26.8h
	WORD $0x0e217b7e // fcvtl v30.4s, v27.4h
	WORD $0x4e217b7f // fcvtl2 v31.4s, v27.8h
	VFMLA  V16.S4, V22.S4, V0.S4
	VFMLA  V17.S4, V23.S4, V1.S4
	VFMLA  V18.S4, V24.S4, V2.S4
	VFMLA  V19.S4, V25.S4, V3.S4
	VFMLA  V16.S4, V28.S4, V4.S4
	VFMLA  V17.S4, V29.S4, V5.S4
	VFMLA  V18.S4, V30.S4, V6.S4
	VFMLA  V19.S4, V31.S4, V7.S4
	VLD1.P 32(R10), [V20.H8, V21.H8]
	VLD1.P 32(R11), [V26.H8, V27.H8]
	WORD $0x0e217a96 // fcvtl v22.4s, v20.4h
	WORD $0x4e217a97 // fcvtl2 v23.4s, v20.8h
	WORD $0x0e217ab8 // fcvtl v24.4s, v21.4h
	WORD $0x4e217ab9 // fcvtl2 v25.4s, v21.8h
	WORD $0x0e217b5c // fcvtl v28.4s, v26.4h
	WORD $0x4e217b5d // fcvtl2 v29.4s, v26.8h
	WORD $0x0e217b7e // fcvtl v30.4s, v27.4h
	WORD $0x4e217b7f // fcvtl2 v31.4s, v27.8h
	VFMLA  V16.S4, V22.S4, V8.S4
	VFMLA  V17.S4, V23.S4, V9.S4
	VFMLA  V18.S4, V24.S4, V10.S4
	VFMLA  V19.S4, V25.S4, V11.S4
	VFMLA  V16.S4, V28.S4, V12.S4
	VFMLA  V17.S4, V29.S4, V13.S4
	VFMLA  V18.S4, V30.S4, V14.S4
	VFMLA  V19.S4, V31.S4, V15.S4
	PRFM   PFX4(R8), PLDL1KEEP
	PRFM   PFX4(R9), PLDL1KEEP
	PRFM   PFX4(R10), PLDL1KEEP
	PRFM   PFX4(R11), PLDL1KEEP
	ADD    $192, R8
	ADD    $192, R9
	ADD    $192, R10
	ADD    $192, R11
	SUBS   $1, R13, R13
	BNE    x4_block

x4_left:
	// the leftover columns of rows 0-3, R1 bytes each, back to back from R8
	ADD R1, R8, R9
	ADD R1, R9, R10
	ADD R1, R10, R11
	CMP $16, R7
	BLT x4_red
	VLD1.P 64(R12), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 32(R8), [V20.H8, V21.H8]
	VLD1.P 32(R9), [V26.H8, V27.H8]
	WORD $0x0e217a96 // fcvtl v22.4s, v20.4h
	WORD $0x4e217a97 // fcvtl2 v23.4s, v20.8h
	WORD $0x0e217ab8 // fcvtl v24.4s, v21.4h
	WORD $0x4e217ab9 // fcvtl2 v25.4s, v21.8h
	WORD $0x0e217b5c // fcvtl v28.4s, v26.4h
	WORD $0x4e217b5d // fcvtl2 v29.4s, v26.8h
	WORD $0x0e217b7e // fcvtl v30.4s, v27.4h
	WORD $0x4e217b7f // fcvtl2 v31.4s, v27.8h
	VFMLA  V16.S4, V22.S4, V0.S4
	VFMLA  V17.S4, V23.S4, V1.S4
	VFMLA  V18.S4, V24.S4, V2.S4
	VFMLA  V19.S4, V25.S4, V3.S4
	VFMLA  V16.S4, V28.S4, V4.S4
	VFMLA  V17.S4, V29.S4, V5.S4
	VFMLA  V18.S4, V30.S4, V6.S4
	VFMLA  V19.S4, V31.S4, V7.S4
	VLD1.P 32(R10), [V20.H8, V21.H8]
	VLD1.P 32(R11), [V26.H8, V27.H8]
	WORD $0x0e217a96 // fcvtl v22.4s, v20.4h
	WORD $0x4e217a97 // fcvtl2 v23.4s, v20.8h
	WORD $0x0e217ab8 // fcvtl v24.4s, v21.4h
	WORD $0x4e217ab9 // fcvtl2 v25.4s, v21.8h
	WORD $0x0e217b5c // fcvtl v28.4s, v26.4h
	WORD $0x4e217b5d // fcvtl2 v29.4s, v26.8h
	WORD $0x0e217b7e // fcvtl v30.4s, v27.4h
	WORD $0x4e217b7f // fcvtl2 v31.4s, v27.8h
	VFMLA  V16.S4, V22.S4, V8.S4
	VFMLA  V17.S4, V23.S4, V9.S4
	VFMLA  V18.S4, V24.S4, V10.S4
	VFMLA  V19.S4, V25.S4, V11.S4
	VFMLA  V16.S4, V28.S4, V12.S4
	VFMLA  V17.S4, V29.S4, V13.S4
	VFMLA  V18.S4, V30.S4, V14.S4
	VFMLA  V19.S4, V31.S4, V15.S4

x4_red:
	// v0-v3: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s0
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VEXT $8, V0.B16, V0.B16, V1.B16
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	// v4-v7: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s4
	WORD $0x4e26d484 // fadd v4.4s, v4.4s, v6.4s
	WORD $0x4e27d4a5 // fadd v5.4s, v5.4s, v7.4s
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	VEXT $8, V4.B16, V4.B16, V5.B16
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	WORD $0x7e30d884 // faddp s4, v4.2s
	// v8-v11: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s8
	WORD $0x4e2ad508 // fadd v8.4s, v8.4s, v10.4s
	WORD $0x4e2bd529 // fadd v9.4s, v9.4s, v11.4s
	WORD $0x4e29d508 // fadd v8.4s, v8.4s, v9.4s
	VEXT $8, V8.B16, V8.B16, V9.B16
	WORD $0x4e29d508 // fadd v8.4s, v8.4s, v9.4s
	WORD $0x7e30d908 // faddp s8, v8.2s
	// v12-v15: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s12
	WORD $0x4e2ed58c // fadd v12.4s, v12.4s, v14.4s
	WORD $0x4e2fd5ad // fadd v13.4s, v13.4s, v15.4s
	WORD $0x4e2dd58c // fadd v12.4s, v12.4s, v13.4s
	VEXT $8, V12.B16, V12.B16, V13.B16
	WORD $0x4e2dd58c // fadd v12.4s, v12.4s, v13.4s
	WORD $0x7e30d98c // faddp s12, v12.2s
	AND  $15, R7, R13
	CBZ  R13, x4_store

x4_tail:
	FMOVS.P 4(R12), F16
	MOVHU.P 2(R8), R14
	FMOVS   R14, F20
	MOVHU.P 2(R9), R14
	FMOVS   R14, F21
	MOVHU.P 2(R10), R14
	FMOVS   R14, F22
	MOVHU.P 2(R11), R14
	FMOVS   R14, F23
	FCVTHS  F20, F20
	FCVTHS  F21, F21
	FCVTHS  F22, F22
	FCVTHS  F23, F23
	FMULS   F16, F20, F20
	FMULS   F16, F21, F21
	FMULS   F16, F22, F22
	FMULS   F16, F23, F23
	FADDS   F20, F0, F0
	FADDS   F21, F4, F4
	FADDS   F22, F8, F8
	FADDS   F23, F12, F12
	SUBS    $1, R13, R13
	BNE     x4_tail

x4_store:
	FMOVS.P F0, 4(R5)
	FMOVS.P F4, 4(R5)
	FMOVS.P F8, 4(R5)
	FMOVS.P F12, 4(R5)
	ADD     R3<<3, R0, R0
	SUBS    $1, R2, R2
	BNE     x4_group
	RET

// func f32RowsNEON(w *byte, stride, rows, cols int, x, y *float32)
// As f16RowsNEON; temporaries V20-V23 (rows 0, 2) and V24-V27 (rows 1, 3).
TEXT ·f32RowsNEON(SB), NOSPLIT, $0-48
	MOVD w+0(FP), R0
	MOVD stride+8(FP), R1
	MOVD rows+16(FP), R2
	MOVD cols+24(FP), R3
	MOVD x+32(FP), R4
	MOVD y+40(FP), R5
	LSR  $4, R3, R6
	AND  $15, R3, R7
	CMP  $4, R2
	BLT  s_one

s_four:
	MOVD R0, R8
	ADD  R1, R8, R9
	ADD  R1, R9, R10
	ADD  R1, R10, R11
	ADD  R1, R11, R19
	ADD  R1, R19, R20
	ADD  R1, R20, R21
	ADD  R1, R21, R22
	MOVD R4, R12
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	VEOR V4.B16, V4.B16, V4.B16
	VEOR V5.B16, V5.B16, V5.B16
	VEOR V6.B16, V6.B16, V6.B16
	VEOR V7.B16, V7.B16, V7.B16
	VEOR V8.B16, V8.B16, V8.B16
	VEOR V9.B16, V9.B16, V9.B16
	VEOR V10.B16, V10.B16, V10.B16
	VEOR V11.B16, V11.B16, V11.B16
	VEOR V12.B16, V12.B16, V12.B16
	VEOR V13.B16, V13.B16, V13.B16
	VEOR V14.B16, V14.B16, V14.B16
	VEOR V15.B16, V15.B16, V15.B16
	MOVD R6, R13
	CBZ  R13, s_four_red

s_four_g:
	VLD1.P 64(R12), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R8), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1.P 64(R9), [V24.S4, V25.S4, V26.S4, V27.S4]
	WORD $0x6e30de94 // fmul v20.4s, v20.4s, v16.4s
	WORD $0x6e31deb5 // fmul v21.4s, v21.4s, v17.4s
	WORD $0x6e32ded6 // fmul v22.4s, v22.4s, v18.4s
	WORD $0x6e33def7 // fmul v23.4s, v23.4s, v19.4s
	WORD $0x6e30df18 // fmul v24.4s, v24.4s, v16.4s
	WORD $0x6e31df39 // fmul v25.4s, v25.4s, v17.4s
	WORD $0x6e32df5a // fmul v26.4s, v26.4s, v18.4s
	WORD $0x6e33df7b // fmul v27.4s, v27.4s, v19.4s
	WORD $0x4e34d400 // fadd v0.4s, v0.4s, v20.4s
	WORD $0x4e35d421 // fadd v1.4s, v1.4s, v21.4s
	WORD $0x4e36d442 // fadd v2.4s, v2.4s, v22.4s
	WORD $0x4e37d463 // fadd v3.4s, v3.4s, v23.4s
	WORD $0x4e38d484 // fadd v4.4s, v4.4s, v24.4s
	WORD $0x4e39d4a5 // fadd v5.4s, v5.4s, v25.4s
	WORD $0x4e3ad4c6 // fadd v6.4s, v6.4s, v26.4s
	WORD $0x4e3bd4e7 // fadd v7.4s, v7.4s, v27.4s
	VLD1.P 64(R10), [V20.S4, V21.S4, V22.S4, V23.S4]
	VLD1.P 64(R11), [V24.S4, V25.S4, V26.S4, V27.S4]
	WORD $0x6e30de94 // fmul v20.4s, v20.4s, v16.4s
	WORD $0x6e31deb5 // fmul v21.4s, v21.4s, v17.4s
	WORD $0x6e32ded6 // fmul v22.4s, v22.4s, v18.4s
	WORD $0x6e33def7 // fmul v23.4s, v23.4s, v19.4s
	WORD $0x6e30df18 // fmul v24.4s, v24.4s, v16.4s
	WORD $0x6e31df39 // fmul v25.4s, v25.4s, v17.4s
	WORD $0x6e32df5a // fmul v26.4s, v26.4s, v18.4s
	WORD $0x6e33df7b // fmul v27.4s, v27.4s, v19.4s
	WORD $0x4e34d508 // fadd v8.4s, v8.4s, v20.4s
	WORD $0x4e35d529 // fadd v9.4s, v9.4s, v21.4s
	WORD $0x4e36d54a // fadd v10.4s, v10.4s, v22.4s
	WORD $0x4e37d56b // fadd v11.4s, v11.4s, v23.4s
	WORD $0x4e38d58c // fadd v12.4s, v12.4s, v24.4s
	WORD $0x4e39d5ad // fadd v13.4s, v13.4s, v25.4s
	WORD $0x4e3ad5ce // fadd v14.4s, v14.4s, v26.4s
	WORD $0x4e3bd5ef // fadd v15.4s, v15.4s, v27.4s
	PRFM   (R19), PLDL1KEEP
	PRFM   (R20), PLDL1KEEP
	PRFM   (R21), PLDL1KEEP
	PRFM   (R22), PLDL1KEEP
	ADD    $64, R19
	ADD    $64, R20
	ADD    $64, R21
	ADD    $64, R22
	SUBS   $1, R13, R13
	BNE    s_four_g

s_four_red:
	// v0-v3: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s0
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VEXT $8, V0.B16, V0.B16, V1.B16
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	// v4-v7: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s4
	WORD $0x4e26d484 // fadd v4.4s, v4.4s, v6.4s
	WORD $0x4e27d4a5 // fadd v5.4s, v5.4s, v7.4s
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	VEXT $8, V4.B16, V4.B16, V5.B16
	WORD $0x4e25d484 // fadd v4.4s, v4.4s, v5.4s
	WORD $0x7e30d884 // faddp s4, v4.2s
	// v8-v11: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s8
	WORD $0x4e2ad508 // fadd v8.4s, v8.4s, v10.4s
	WORD $0x4e2bd529 // fadd v9.4s, v9.4s, v11.4s
	WORD $0x4e29d508 // fadd v8.4s, v8.4s, v9.4s
	VEXT $8, V8.B16, V8.B16, V9.B16
	WORD $0x4e29d508 // fadd v8.4s, v8.4s, v9.4s
	WORD $0x7e30d908 // faddp s8, v8.2s
	// v12-v15: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s12
	WORD $0x4e2ed58c // fadd v12.4s, v12.4s, v14.4s
	WORD $0x4e2fd5ad // fadd v13.4s, v13.4s, v15.4s
	WORD $0x4e2dd58c // fadd v12.4s, v12.4s, v13.4s
	VEXT $8, V12.B16, V12.B16, V13.B16
	WORD $0x4e2dd58c // fadd v12.4s, v12.4s, v13.4s
	WORD $0x7e30d98c // faddp s12, v12.2s
	CBZ  R7, s_four_store
	MOVD R7, R13

s_four_tail:
	FMOVS.P 4(R12), F16
	FMOVS.P 4(R8), F20
	FMOVS.P 4(R9), F21
	FMOVS.P 4(R10), F22
	FMOVS.P 4(R11), F23
	FMULS   F16, F20, F20
	FMULS   F16, F21, F21
	FMULS   F16, F22, F22
	FMULS   F16, F23, F23
	FADDS   F20, F0, F0
	FADDS   F21, F4, F4
	FADDS   F22, F8, F8
	FADDS   F23, F12, F12
	SUBS    $1, R13, R13
	BNE     s_four_tail

s_four_store:
	FMOVS.P F0, 4(R5)
	FMOVS.P F4, 4(R5)
	FMOVS.P F8, 4(R5)
	FMOVS.P F12, 4(R5)
	ADD     R1<<2, R0, R0
	SUB     $4, R2, R2
	CMP     $4, R2
	BGE     s_four

s_one:
	CBZ R2, s_done

s_one_row:
	MOVD R0, R8
	MOVD R4, R12
	VEOR V0.B16, V0.B16, V0.B16
	VEOR V1.B16, V1.B16, V1.B16
	VEOR V2.B16, V2.B16, V2.B16
	VEOR V3.B16, V3.B16, V3.B16
	MOVD R6, R13
	CBZ  R13, s_one_red

s_one_g:
	VLD1.P 64(R12), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1.P 64(R8), [V20.S4, V21.S4, V22.S4, V23.S4]
	WORD $0x6e30de94 // fmul v20.4s, v20.4s, v16.4s
	WORD $0x6e31deb5 // fmul v21.4s, v21.4s, v17.4s
	WORD $0x6e32ded6 // fmul v22.4s, v22.4s, v18.4s
	WORD $0x6e33def7 // fmul v23.4s, v23.4s, v19.4s
	WORD $0x4e34d400 // fadd v0.4s, v0.4s, v20.4s
	WORD $0x4e35d421 // fadd v1.4s, v1.4s, v21.4s
	WORD $0x4e36d442 // fadd v2.4s, v2.4s, v22.4s
	WORD $0x4e37d463 // fadd v3.4s, v3.4s, v23.4s
	PRFM   PFD(R8), PLDL1KEEP
	SUBS   $1, R13, R13
	BNE    s_one_g

s_one_red:
	// v0-v3: (l, l+8), (l, l+4), (l, l+2), (l, l+1) into s0
	WORD $0x4e22d400 // fadd v0.4s, v0.4s, v2.4s
	WORD $0x4e23d421 // fadd v1.4s, v1.4s, v3.4s
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	VEXT $8, V0.B16, V0.B16, V1.B16
	WORD $0x4e21d400 // fadd v0.4s, v0.4s, v1.4s
	WORD $0x7e30d800 // faddp s0, v0.2s
	CBZ  R7, s_one_store
	MOVD R7, R13

s_one_tail:
	FMOVS.P 4(R12), F16
	FMOVS.P 4(R8), F20
	FMULS   F16, F20, F20
	FADDS   F20, F0, F0
	SUBS    $1, R13, R13
	BNE     s_one_tail

s_one_store:
	FMOVS.P F0, 4(R5)
	ADD     R1, R0, R0
	SUBS    $1, R2, R2
	BNE     s_one_row

s_done:
	RET

// func addScaledNEON(dst, x *float32, n int, s float32)
// dst[i] = dst[i] + round(s·x[i]); element-wise (dst == x is fine: both are loaded first).
TEXT ·addScaledNEON(SB), NOSPLIT, $0-28
	MOVD  dst+0(FP), R0
	MOVD  x+8(FP), R1
	MOVD  n+16(FP), R2
	FMOVS s+24(FP), F1
	VDUP  V1.S[0], V1.S4
	LSR   $4, R2, R3
	AND   $15, R2, R2
	CBZ   R3, as_tail

as_loop:
	VLD1.P 64(R1), [V16.S4, V17.S4, V18.S4, V19.S4]
	VLD1   (R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	WORD $0x6e21de10 // fmul v16.4s, v16.4s, v1.4s
	WORD $0x6e21de31 // fmul v17.4s, v17.4s, v1.4s
	WORD $0x6e21de52 // fmul v18.4s, v18.4s, v1.4s
	WORD $0x6e21de73 // fmul v19.4s, v19.4s, v1.4s
	WORD $0x4e30d694 // fadd v20.4s, v20.4s, v16.4s
	WORD $0x4e31d6b5 // fadd v21.4s, v21.4s, v17.4s
	WORD $0x4e32d6d6 // fadd v22.4s, v22.4s, v18.4s
	WORD $0x4e33d6f7 // fadd v23.4s, v23.4s, v19.4s
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R0)
	SUBS   $1, R3, R3
	BNE    as_loop

as_tail:
	CBZ R2, as_done

as_tail1:
	FMOVS.P 4(R1), F16
	FMOVS   (R0), F20
	FMULS   F1, F16, F16
	FADDS   F16, F20, F20
	FMOVS.P F20, 4(R0)
	SUBS    $1, R2, R2
	BNE     as_tail1

as_done:
	RET

// func addScaledF16NEON(dst *float32, src *byte, n int, a float32)
// dst[i] = dst[i] + round(a·fp16(src[i])), unfused (exact for any a).
TEXT ·addScaledF16NEON(SB), NOSPLIT, $0-28
	MOVD  dst+0(FP), R0
	MOVD  src+8(FP), R1
	MOVD  n+16(FP), R2
	FMOVS a+24(FP), F1
	VDUP  V1.S[0], V1.S4
	LSR   $4, R2, R3
	AND   $15, R2, R2
	CBZ   R3, ah_tail

ah_loop:
	VLD1.P 32(R1), [V24.H8, V25.H8]
	VLD1   (R0), [V20.S4, V21.S4, V22.S4, V23.S4]
	WORD $0x0e217b10 // fcvtl v16.4s, v24.4h
	WORD $0x4e217b11 // fcvtl2 v17.4s, v24.8h
	WORD $0x0e217b32 // fcvtl v18.4s, v25.4h
	WORD $0x4e217b33 // fcvtl2 v19.4s, v25.8h
	WORD $0x6e21de10 // fmul v16.4s, v16.4s, v1.4s
	WORD $0x6e21de31 // fmul v17.4s, v17.4s, v1.4s
	WORD $0x6e21de52 // fmul v18.4s, v18.4s, v1.4s
	WORD $0x6e21de73 // fmul v19.4s, v19.4s, v1.4s
	WORD $0x4e30d694 // fadd v20.4s, v20.4s, v16.4s
	WORD $0x4e31d6b5 // fadd v21.4s, v21.4s, v17.4s
	WORD $0x4e32d6d6 // fadd v22.4s, v22.4s, v18.4s
	WORD $0x4e33d6f7 // fadd v23.4s, v23.4s, v19.4s
	VST1.P [V20.S4, V21.S4, V22.S4, V23.S4], 64(R0)
	SUBS   $1, R3, R3
	BNE    ah_loop

ah_tail:
	CBZ R2, ah_done

ah_tail1:
	MOVHU.P 2(R1), R3
	FMOVS   R3, F16
	FCVTHS  F16, F16
	FMOVS   (R0), F20
	FMULS   F1, F16, F16
	FADDS   F16, F20, F20
	FMOVS.P F20, 4(R0)
	SUBS    $1, R2, R2
	BNE     ah_tail1

ah_done:
	RET
