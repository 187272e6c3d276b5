//go:build !purego

#include "textflag.h"

// NEON T2 kernels for arm64. Each function computes exactly the bits of its portable
// counterpart in t2gemv.go (gemvTQGo, gemvI2SGo, gemmTQGo, gemmI2SGo); see the contract there
// and docs/kernels.md §2–3.
//
// Lanes. A 64-byte code group is four 16-byte slices r = 0..3. For slice r the four bit planes
// n = 0..3 (plane 0 = z & 3, planes 1–2 = (z >> 2n) & 3, plane 3 = z >> 6) multiply the P slices
// P[64n + 16r ..]. Both tiers sum four consecutive code bytes into one int32 lane, so 32-bit lane
// l of slice r is canonical lane 4r + l (code bytes 16r + 4l .. +3):
//   - neondot: SDOT (FEAT_DotProd) of the plane bytes (0..3, valid as signed bytes) with P;
//   - neon:    SMULL/SMLAL(2) of the planes into int16 (|lane| ≤ 4 planes · 3 · 128 = 1536),
//              ADDP of the low and high halves (bytes 2k, 2k+1; ≤ 3072), then SADALP into int32.
// TQ starts each group's lanes at C[g] and then, per slice, SCVTF, FMUL by the block scale,
// FADD into the row's 16 float lanes (never fused). Row i's float lanes 4r..4r+3 live in
// V(16 + 4i + r); at the row end the tree (l, l+8), (l, l+4), (l, l+2), (l, l+1) is
// FADD V16+V18, V17+V19; FADD V16+V17; EXT #8 + FADD; FADDP (REDUCE16).
// I2_S accumulates the int32 lanes over the whole row in V16..V31 and converts once.
//
// GEMV: four rows per iteration share each activation load, then single rows for the rest.
// GEMM (2..4 tokens; one token goes to the GEMV): one row per iteration, each 16-byte slice of
// codes unpacked once into its four planes (V1..V4) and used for every token.
//
// Registers: R0–R15 and R19–R25 only (R18 is the platform register, R26–R29 and R30 have
// special roles, R16/R17 are left to the linker). All functions are leaves without a frame.

// ---- Hand-encoded instructions: the Go assembler has no mnemonic for these. Each
// `// llvm-mc:` line gives the instruction in LLVM syntax for the macro right below it;
// TestArm64WordEncodings (tq_arm64_test.go) re-derives every emitted word with llvm-mc.
// Arguments are register numbers (I: an element index).

// llvm-mc: sdot v{D}.4s, v{N}.16b, v{M}.16b
#define SDOT(D, N, M) WORD $(0x4e809400 | (M)<<16 | (N)<<5 | (D))
// llvm-mc: smull v{D}.8h, v{N}.8b, v{M}.8b
#define SMULL8H(D, N, M) WORD $(0x0e20c000 | (M)<<16 | (N)<<5 | (D))
// llvm-mc: smull2 v{D}.8h, v{N}.16b, v{M}.16b
#define SMULL28H(D, N, M) WORD $(0x4e20c000 | (M)<<16 | (N)<<5 | (D))
// llvm-mc: smlal v{D}.8h, v{N}.8b, v{M}.8b
#define SMLAL8H(D, N, M) WORD $(0x0e208000 | (M)<<16 | (N)<<5 | (D))
// llvm-mc: smlal2 v{D}.8h, v{N}.16b, v{M}.16b
#define SMLAL28H(D, N, M) WORD $(0x4e208000 | (M)<<16 | (N)<<5 | (D))
// llvm-mc: sadalp v{D}.4s, v{N}.8h
#define SADALP4S(D, N) WORD $(0x4e606800 | (N)<<5 | (D))
// llvm-mc: scvtf v{D}.4s, v{N}.4s
#define SCVTF4S(D, N) WORD $(0x4e21d800 | (N)<<5 | (D))
// llvm-mc: fmul v{D}.4s, v{N}.4s, v{M}.s[{I}]
#define FMULE4S(D, N, M, I) WORD $(0x4f809000 | ((I)&1)<<21 | (M)<<16 | ((I)>>1)<<11 | (N)<<5 | (D))
// llvm-mc: fadd v{D}.4s, v{N}.4s, v{M}.4s
#define FADD4S(D, N, M) WORD $(0x4e20d400 | (M)<<16 | (N)<<5 | (D))
// llvm-mc: ext v{D}.16b, v{N}.16b, v{M}.16b, #8
#define EXT8(D, N, M) WORD $(0x6e004000 | (M)<<16 | (N)<<5 | (D))
// llvm-mc: faddp s{D}, v{N}.2s
#define FADDP2S(D, N) WORD $(0x7e30d800 | (N)<<5 | (D))

// ---- Shared pieces.

// ZERO16 clears the 16 accumulators V16..V31.
#define ZERO16 \
	VEOR V16.B16, V16.B16, V16.B16; VEOR V17.B16, V17.B16, V17.B16; \
	VEOR V18.B16, V18.B16, V18.B16; VEOR V19.B16, V19.B16, V19.B16; \
	VEOR V20.B16, V20.B16, V20.B16; VEOR V21.B16, V21.B16, V21.B16; \
	VEOR V22.B16, V22.B16, V22.B16; VEOR V23.B16, V23.B16, V23.B16; \
	VEOR V24.B16, V24.B16, V24.B16; VEOR V25.B16, V25.B16, V25.B16; \
	VEOR V26.B16, V26.B16, V26.B16; VEOR V27.B16, V27.B16, V27.B16; \
	VEOR V28.B16, V28.B16, V28.B16; VEOR V29.B16, V29.B16, V29.B16; \
	VEOR V30.B16, V30.B16, V30.B16; VEOR V31.B16, V31.B16, V31.B16

// PLOAD(OFF): V11..V14 = the P slices of planes 0..3 at byte OFF (16r) of the group at R4.
#define PLOAD(OFF) \
	FMOVQ OFF(R4), F11; \
	FMOVQ (OFF+64)(R4), F12; \
	FMOVQ (OFF+128)(R4), F13; \
	FMOVQ (OFF+192)(R4), F14

// REDUCE16(A, B, C, D): S8 = the canonical tree sum of the float lanes in VA (lanes 0–3),
// VB (4–7), VC (8–11), VD (12–15). Clobbers VA, VB, V9.
#define REDUCE16(A, B, C, D) \
	FADD4S(A, A, C); \
	FADD4S(B, B, D); \
	FADD4S(A, A, B); \
	EXT8(9, A, A); \
	FADD4S(A, A, 9); \
	FADDP2S(8, A)

// I2SSUM(A, B, C, D, R): F8 = float32 of the int32 sum of the 16 lanes VA..VD (via R).
#define I2SSUM(A, B, C, D, R) \
	VADD B.S4, A.S4, A.S4; \
	VADD D.S4, C.S4, C.S4; \
	VADD C.S4, A.S4, A.S4; \
	VADDV A.S4, A; \
	VMOV A.S[0], R; \
	SCVTFWS R, F8

// GEMM_UNPACK: V0 = the next 16 code bytes of the row (R0), V1..V4 = its planes 0..3.
#define GEMM_UNPACK \
	VLD1.P 16(R0), [V0.B16]; \
	VAND V15.B16, V0.B16, V1.B16; \
	VUSHR $2, V0.B16, V2.B16; \
	VUSHR $4, V0.B16, V3.B16; \
	VUSHR $6, V0.B16, V4.B16; \
	VAND V15.B16, V2.B16, V2.B16; \
	VAND V15.B16, V3.B16, V3.B16

// ---- neondot pieces.

// DOT4_LOAD(OFF): P slices (PLOAD) and the next 16 code bytes of rows 0..3 (R0..R3) in V0..V3.
#define DOT4_LOAD(OFF) \
	PLOAD(OFF); \
	VLD1.P 16(R0), [V0.B16]; \
	VLD1.P 16(R1), [V1.B16]; \
	VLD1.P 16(R2), [V2.B16]; \
	VLD1.P 16(R3), [V3.B16]

// DOT4_PLANES(A0, A1, A2, A3): VAi += the 4 planes of Vi · P (V11..V14), temporaries V8, V9.
#define DOT4_PLANES(A0, A1, A2, A3) \
	VAND V15.B16, V0.B16, V8.B16; SDOT(A0, 8, 11); \
	VAND V15.B16, V1.B16, V9.B16; SDOT(A1, 9, 11); \
	VAND V15.B16, V2.B16, V8.B16; SDOT(A2, 8, 11); \
	VAND V15.B16, V3.B16, V9.B16; SDOT(A3, 9, 11); \
	VUSHR $2, V0.B16, V8.B16; VAND V15.B16, V8.B16, V8.B16; SDOT(A0, 8, 12); \
	VUSHR $2, V1.B16, V9.B16; VAND V15.B16, V9.B16, V9.B16; SDOT(A1, 9, 12); \
	VUSHR $2, V2.B16, V8.B16; VAND V15.B16, V8.B16, V8.B16; SDOT(A2, 8, 12); \
	VUSHR $2, V3.B16, V9.B16; VAND V15.B16, V9.B16, V9.B16; SDOT(A3, 9, 12); \
	VUSHR $4, V0.B16, V8.B16; VAND V15.B16, V8.B16, V8.B16; SDOT(A0, 8, 13); \
	VUSHR $4, V1.B16, V9.B16; VAND V15.B16, V9.B16, V9.B16; SDOT(A1, 9, 13); \
	VUSHR $4, V2.B16, V8.B16; VAND V15.B16, V8.B16, V8.B16; SDOT(A2, 8, 13); \
	VUSHR $4, V3.B16, V9.B16; VAND V15.B16, V9.B16, V9.B16; SDOT(A3, 9, 13); \
	VUSHR $6, V0.B16, V8.B16; SDOT(A0, 8, 14); \
	VUSHR $6, V1.B16, V9.B16; SDOT(A1, 9, 14); \
	VUSHR $6, V2.B16, V8.B16; SDOT(A2, 8, 14); \
	VUSHR $6, V3.B16, V9.B16; SDOT(A3, 9, 14)

// TQDOT4(OFF, F0, F1, F2, F3): slice OFF/16 of the group for rows 0..3: V4..V7 = C slice +
// Σ planes·P, then Fi += float32(Vi) · (row i's scale, lane i of V10).
#define TQDOT4(OFF, F0, F1, F2, F3) \
	DOT4_LOAD(OFF); \
	FMOVQ OFF(R5), F4; \
	FMOVQ OFF(R5), F5; \
	FMOVQ OFF(R5), F6; \
	FMOVQ OFF(R5), F7; \
	DOT4_PLANES(4, 5, 6, 7); \
	SCVTF4S(4, 4); SCVTF4S(5, 5); SCVTF4S(6, 6); SCVTF4S(7, 7); \
	FMULE4S(4, 4, 10, 0); FMULE4S(5, 5, 10, 1); FMULE4S(6, 6, 10, 2); FMULE4S(7, 7, 10, 3); \
	FADD4S(F0, F0, 4); FADD4S(F1, F1, 5); FADD4S(F2, F2, 6); FADD4S(F3, F3, 7)

// DOT1_LOAD(OFF): P slices and the next 16 code bytes of the row at R0 in V0.
#define DOT1_LOAD(OFF) \
	PLOAD(OFF); \
	VLD1.P 16(R0), [V0.B16]

// DOT1_PLANES(A): VA += the 4 planes of V0 · P; temporaries V1, V2, V8, V9.
#define DOT1_PLANES(A) \
	VAND V15.B16, V0.B16, V8.B16; \
	VUSHR $2, V0.B16, V9.B16; \
	VUSHR $4, V0.B16, V1.B16; \
	VUSHR $6, V0.B16, V2.B16; \
	VAND V15.B16, V9.B16, V9.B16; \
	VAND V15.B16, V1.B16, V1.B16; \
	SDOT(A, 8, 11); \
	SDOT(A, 9, 12); \
	SDOT(A, 1, 13); \
	SDOT(A, 2, 14)

// TQDOT1(OFF, F): one row's slice OFF/16, scale in lane 0 of V10.
#define TQDOT1(OFF, F) \
	DOT1_LOAD(OFF); \
	FMOVQ OFF(R5), F4; \
	DOT1_PLANES(4); \
	SCVTF4S(4, 4); \
	FMULE4S(4, 4, 10, 0); \
	FADD4S(F, F, 4)

// GEMM_TQ_TOKEN(OFF, RP, RC, FA, A, I, F): one token of a GEMM slice (planes in V1..V4):
// VA = C slice (RC) + Σ planes·P (RP), F += float32(VA) · lane I of V9.
#define GEMM_TQ_TOKEN(OFF, RP, RC, FA, A, I, F) \
	FMOVQ OFF(RC), FA; \
	FMOVQ OFF(RP), F10; \
	FMOVQ (OFF+64)(RP), F11; \
	FMOVQ (OFF+128)(RP), F12; \
	FMOVQ (OFF+192)(RP), F13; \
	SDOT(A, 1, 10); \
	SDOT(A, 2, 11); \
	SDOT(A, 3, 12); \
	SDOT(A, 4, 13); \
	SCVTF4S(A, A); \
	FMULE4S(A, A, 9, I); \
	FADD4S(F, F, A)

// GEMM_I2S_TOKEN(OFF, RP, A): VA += Σ planes·P (RP).
#define GEMM_I2S_TOKEN(OFF, RP, A) \
	FMOVQ OFF(RP), F10; \
	FMOVQ (OFF+64)(RP), F11; \
	FMOVQ (OFF+128)(RP), F12; \
	FMOVQ (OFF+192)(RP), F13; \
	SDOT(A, 1, 10); \
	SDOT(A, 2, 11); \
	SDOT(A, 3, 12); \
	SDOT(A, 4, 13)

// ---- neon (no dotprod) pieces.

// NEON_MUL2(RA, RB): the next 16 code bytes of two rows (RA → V0, RB → V5), times P (V11..V14)
// over the 4 planes into int16 (V2:V3, V7:V8), then pairwise: V2 (row A) and V7 (row B) hold
// int16 lane k = code bytes 2k, 2k+1 of the slice. Temporaries V1, V6.
#define NEON_MUL2(RA, RB) \
	VLD1.P 16(RA), [V0.B16]; \
	VLD1.P 16(RB), [V5.B16]; \
	VAND V15.B16, V0.B16, V1.B16; \
	VAND V15.B16, V5.B16, V6.B16; \
	SMULL8H(2, 1, 11); SMULL28H(3, 1, 11); \
	SMULL8H(7, 6, 11); SMULL28H(8, 6, 11); \
	VUSHR $2, V0.B16, V1.B16; \
	VUSHR $2, V5.B16, V6.B16; \
	VAND V15.B16, V1.B16, V1.B16; \
	VAND V15.B16, V6.B16, V6.B16; \
	SMLAL8H(2, 1, 12); SMLAL28H(3, 1, 12); \
	SMLAL8H(7, 6, 12); SMLAL28H(8, 6, 12); \
	VUSHR $4, V0.B16, V1.B16; \
	VUSHR $4, V5.B16, V6.B16; \
	VAND V15.B16, V1.B16, V1.B16; \
	VAND V15.B16, V6.B16, V6.B16; \
	SMLAL8H(2, 1, 13); SMLAL28H(3, 1, 13); \
	SMLAL8H(7, 6, 13); SMLAL28H(8, 6, 13); \
	VUSHR $6, V0.B16, V1.B16; \
	VUSHR $6, V5.B16, V6.B16; \
	SMLAL8H(2, 1, 14); SMLAL28H(3, 1, 14); \
	SMLAL8H(7, 6, 14); SMLAL28H(8, 6, 14); \
	VADDP V3.H8, V2.H8, V2.H8; \
	VADDP V8.H8, V7.H8, V7.H8

// NEON_TQ2(OFF, FA, FB, IA, IB): lanes = C slice + SADALP of V2 / V7, then the epilogue
// into FA / FB with the scales in lanes IA / IB of V10.
#define NEON_TQ2(OFF, FA, FB, IA, IB) \
	FMOVQ OFF(R5), F4; \
	FMOVQ OFF(R5), F9; \
	SADALP4S(4, 2); \
	SADALP4S(9, 7); \
	SCVTF4S(4, 4); \
	SCVTF4S(9, 9); \
	FMULE4S(4, 4, 10, IA); \
	FMULE4S(9, 9, 10, IB); \
	FADD4S(FA, FA, 4); \
	FADD4S(FB, FB, 9)

// NTQ4(OFF, F0, F1, F2, F3): slice OFF/16 of the group for rows 0..3.
#define NTQ4(OFF, F0, F1, F2, F3) \
	PLOAD(OFF); \
	NEON_MUL2(R0, R1); \
	NEON_TQ2(OFF, F0, F1, 0, 1); \
	NEON_MUL2(R2, R3); \
	NEON_TQ2(OFF, F2, F3, 2, 3)

// NI2S4(OFF, F0, F1, F2, F3): I2_S slice OFF/16 for rows 0..3, accumulated into F0..F3.
#define NI2S4(OFF, F0, F1, F2, F3) \
	PLOAD(OFF); \
	NEON_MUL2(R0, R1); \
	SADALP4S(F0, 2); \
	SADALP4S(F1, 7); \
	NEON_MUL2(R2, R3); \
	SADALP4S(F2, 2); \
	SADALP4S(F3, 7)

// NEON_MUL1: NEON_MUL2 for the single row at R0; result in V2. Temporaries V0, V1, V3, V5–V7.
#define NEON_MUL1 \
	VLD1.P 16(R0), [V0.B16]; \
	VAND V15.B16, V0.B16, V1.B16; \
	VUSHR $2, V0.B16, V5.B16; \
	VUSHR $4, V0.B16, V6.B16; \
	VUSHR $6, V0.B16, V7.B16; \
	VAND V15.B16, V5.B16, V5.B16; \
	VAND V15.B16, V6.B16, V6.B16; \
	SMULL8H(2, 1, 11); SMULL28H(3, 1, 11); \
	SMLAL8H(2, 5, 12); SMLAL28H(3, 5, 12); \
	SMLAL8H(2, 6, 13); SMLAL28H(3, 6, 13); \
	SMLAL8H(2, 7, 14); SMLAL28H(3, 7, 14); \
	VADDP V3.H8, V2.H8, V2.H8

// NTQ1(OFF, F): one row's slice OFF/16, scale in lane 0 of V10.
#define NTQ1(OFF, F) \
	PLOAD(OFF); \
	NEON_MUL1; \
	FMOVQ OFF(R5), F4; \
	SADALP4S(4, 2); \
	SCVTF4S(4, 4); \
	FMULE4S(4, 4, 10, 0); \
	FADD4S(F, F, 4)

// NI2S1(OFF, F): one row's I2_S slice OFF/16.
#define NI2S1(OFF, F) \
	PLOAD(OFF); \
	NEON_MUL1; \
	SADALP4S(F, 2)

// NGEMM_MUL(OFF, RP): V5 = pairwise int16 sums of the planes V1..V4 times the token's P (RP).
#define NGEMM_MUL(OFF, RP) \
	FMOVQ OFF(RP), F10; \
	FMOVQ (OFF+64)(RP), F11; \
	FMOVQ (OFF+128)(RP), F12; \
	FMOVQ (OFF+192)(RP), F13; \
	SMULL8H(5, 1, 10); SMULL28H(6, 1, 10); \
	SMLAL8H(5, 2, 11); SMLAL28H(6, 2, 11); \
	SMLAL8H(5, 3, 12); SMLAL28H(6, 3, 12); \
	SMLAL8H(5, 4, 13); SMLAL28H(6, 4, 13); \
	VADDP V6.H8, V5.H8, V5.H8

// NGEMM_TQ_TOKEN(OFF, RP, RC, I, F): F += float32(C slice + SADALP(V5)) · lane I of V9.
#define NGEMM_TQ_TOKEN(OFF, RP, RC, I, F) \
	NGEMM_MUL(OFF, RP); \
	FMOVQ OFF(RC), F7; \
	SADALP4S(7, 5); \
	SCVTF4S(7, 7); \
	FMULE4S(7, 7, 9, I); \
	FADD4S(F, F, 7)

// NGEMM_I2S_TOKEN(OFF, RP, F): VF += SADALP of the token's products.
#define NGEMM_I2S_TOKEN(OFF, RP, F) \
	NGEMM_MUL(OFF, RP); \
	SADALP4S(F, 5)

// ---- GEMV, TQ.
// Registers: R0..R3 code pointers of rows 0..3, R4 P, R5 C, R6..R9 scale pointers of rows
// 0..3, R10 group counter, R11 rows left, R12 y, R13 groups, R14 bytes per row,
// R15 sbStride in bytes, R21 scale pointer of the current row 0.
// V0..V9 work, V10 scales (lane i = row i), V11..V14 P, V15 bytes of 3, V16..V31 float lanes.

// The wrappers (tq_arm64.go) guarantee rows ≥ 1, groups ≥ 1 and in-bounds slices.

// func gemvTQDot(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)
TEXT ·gemvTQDot(SB), NOSPLIT, $0-64
	MOVD codes+0(FP), R0
	MOVD rows+8(FP), R11
	MOVD groups+16(FP), R13
	MOVD sb+40(FP), R21
	MOVD sbStride+48(FP), R15
	MOVD y+56(FP), R12
	LSL  $2, R15, R15
	LSL  $6, R13, R14
	VMOVI $3, V15.B16
	CMP  $4, R11
	BLT  dtq_tail

dtq_block:
	ADD  R14, R0, R1
	ADD  R14, R1, R2
	ADD  R14, R2, R3
	MOVD R21, R6
	ADD  R15, R6, R7
	ADD  R15, R7, R8
	ADD  R15, R8, R9
	MOVD p+24(FP), R4
	MOVD c+32(FP), R5
	MOVD R13, R10
	ZERO16

dtq_group:
	FMOVS.P 4(R6), F10
	VLD1.P  4(R7), V10.S[1]
	VLD1.P  4(R8), V10.S[2]
	VLD1.P  4(R9), V10.S[3]
	TQDOT4(0, 16, 20, 24, 28)
	TQDOT4(16, 17, 21, 25, 29)
	TQDOT4(32, 18, 22, 26, 30)
	TQDOT4(48, 19, 23, 27, 31)
	ADD  $256, R4
	ADD  $64, R5
	SUBS $1, R10
	BNE  dtq_group

	REDUCE16(16, 17, 18, 19)
	FMOVS.P F8, 4(R12)
	REDUCE16(20, 21, 22, 23)
	FMOVS.P F8, 4(R12)
	REDUCE16(24, 25, 26, 27)
	FMOVS.P F8, 4(R12)
	REDUCE16(28, 29, 30, 31)
	FMOVS.P F8, 4(R12)
	MOVD R3, R0               // R3 ended at row 4 of the block
	ADD  R15<<2, R21, R21
	SUB  $4, R11
	CMP  $4, R11
	BGE  dtq_block

dtq_tail:
	CBZ  R11, dtq_done

dtq_row:
	MOVD R21, R6
	MOVD p+24(FP), R4
	MOVD c+32(FP), R5
	MOVD R13, R10
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16

dtq_rgroup:
	FMOVS.P 4(R6), F10
	TQDOT1(0, 16)
	TQDOT1(16, 17)
	TQDOT1(32, 18)
	TQDOT1(48, 19)
	ADD  $256, R4
	ADD  $64, R5
	SUBS $1, R10
	BNE  dtq_rgroup

	REDUCE16(16, 17, 18, 19)
	FMOVS.P F8, 4(R12)
	ADD  R15, R21, R21
	SUBS $1, R11
	BNE  dtq_row

dtq_done:
	RET

// func gemvTQNeon(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)
TEXT ·gemvTQNeon(SB), NOSPLIT, $0-64
	MOVD codes+0(FP), R0
	MOVD rows+8(FP), R11
	MOVD groups+16(FP), R13
	MOVD sb+40(FP), R21
	MOVD sbStride+48(FP), R15
	MOVD y+56(FP), R12
	LSL  $2, R15, R15
	LSL  $6, R13, R14
	VMOVI $3, V15.B16
	CMP  $4, R11
	BLT  ntq_tail

ntq_block:
	ADD  R14, R0, R1
	ADD  R14, R1, R2
	ADD  R14, R2, R3
	MOVD R21, R6
	ADD  R15, R6, R7
	ADD  R15, R7, R8
	ADD  R15, R8, R9
	MOVD p+24(FP), R4
	MOVD c+32(FP), R5
	MOVD R13, R10
	ZERO16

ntq_group:
	FMOVS.P 4(R6), F10
	VLD1.P  4(R7), V10.S[1]
	VLD1.P  4(R8), V10.S[2]
	VLD1.P  4(R9), V10.S[3]
	NTQ4(0, 16, 20, 24, 28)
	NTQ4(16, 17, 21, 25, 29)
	NTQ4(32, 18, 22, 26, 30)
	NTQ4(48, 19, 23, 27, 31)
	ADD  $256, R4
	ADD  $64, R5
	SUBS $1, R10
	BNE  ntq_group

	REDUCE16(16, 17, 18, 19)
	FMOVS.P F8, 4(R12)
	REDUCE16(20, 21, 22, 23)
	FMOVS.P F8, 4(R12)
	REDUCE16(24, 25, 26, 27)
	FMOVS.P F8, 4(R12)
	REDUCE16(28, 29, 30, 31)
	FMOVS.P F8, 4(R12)
	MOVD R3, R0
	ADD  R15<<2, R21, R21
	SUB  $4, R11
	CMP  $4, R11
	BGE  ntq_block

ntq_tail:
	CBZ  R11, ntq_done

ntq_row:
	MOVD R21, R6
	MOVD p+24(FP), R4
	MOVD c+32(FP), R5
	MOVD R13, R10
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16

ntq_rgroup:
	FMOVS.P 4(R6), F10
	NTQ1(0, 16)
	NTQ1(16, 17)
	NTQ1(32, 18)
	NTQ1(48, 19)
	ADD  $256, R4
	ADD  $64, R5
	SUBS $1, R10
	BNE  ntq_rgroup

	REDUCE16(16, 17, 18, 19)
	FMOVS.P F8, 4(R12)
	ADD  R15, R21, R21
	SUBS $1, R11
	BNE  ntq_row

ntq_done:
	RET

// ---- GEMV, I2_S.
// Registers as for TQ without C and scales; V16..V31 are int32 accumulators over the row;
// R22, R23, R24 hold the bits of float32(sumq), s and ws.
// y = (float32(acc) − float32(sumq)) / s · ws.
// (Macros do not address arguments: go vet cannot attribute them to a function.)
#define I2S_STORE \
	FMOVS   R22, F9; \
	FSUBS   F9, F8, F8; \
	FMOVS   R23, F9; \
	FDIVS   F9, F8, F8; \
	FMOVS   R24, F9; \
	FMULS   F9, F8, F8; \
	FMOVS.P F8, 4(R12)

// func gemvI2SDot(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)
TEXT ·gemvI2SDot(SB), NOSPLIT, $0-56
	MOVD codes+0(FP), R0
	MOVD rows+8(FP), R11
	MOVD groups+16(FP), R13
	MOVW sumq+32(FP), R22
	MOVWU s+36(FP), R23
	MOVWU ws+40(FP), R24
	MOVD y+48(FP), R12
	SCVTFWS R22, F9
	FMOVS F9, R22
	LSL  $6, R13, R14
	VMOVI $3, V15.B16
	CMP  $4, R11
	BLT  di_tail

di_block:
	ADD  R14, R0, R1
	ADD  R14, R1, R2
	ADD  R14, R2, R3
	MOVD p+24(FP), R4
	MOVD R13, R10
	ZERO16

di_group:
	DOT4_LOAD(0)
	DOT4_PLANES(16, 20, 24, 28)
	DOT4_LOAD(16)
	DOT4_PLANES(17, 21, 25, 29)
	DOT4_LOAD(32)
	DOT4_PLANES(18, 22, 26, 30)
	DOT4_LOAD(48)
	DOT4_PLANES(19, 23, 27, 31)
	ADD  $256, R4
	SUBS $1, R10
	BNE  di_group

	I2SSUM(V16, V17, V18, V19, R9)
	I2S_STORE
	I2SSUM(V20, V21, V22, V23, R9)
	I2S_STORE
	I2SSUM(V24, V25, V26, V27, R9)
	I2S_STORE
	I2SSUM(V28, V29, V30, V31, R9)
	I2S_STORE
	MOVD R3, R0
	SUB  $4, R11
	CMP  $4, R11
	BGE  di_block

di_tail:
	CBZ  R11, di_done

di_row:
	MOVD p+24(FP), R4
	MOVD R13, R10
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16

di_rgroup:
	DOT1_LOAD(0)
	DOT1_PLANES(16)
	DOT1_LOAD(16)
	DOT1_PLANES(17)
	DOT1_LOAD(32)
	DOT1_PLANES(18)
	DOT1_LOAD(48)
	DOT1_PLANES(19)
	ADD  $256, R4
	SUBS $1, R10
	BNE  di_rgroup

	I2SSUM(V16, V17, V18, V19, R9)
	I2S_STORE
	SUBS $1, R11
	BNE  di_row

di_done:
	RET

// func gemvI2SNeon(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)
TEXT ·gemvI2SNeon(SB), NOSPLIT, $0-56
	MOVD codes+0(FP), R0
	MOVD rows+8(FP), R11
	MOVD groups+16(FP), R13
	MOVW sumq+32(FP), R22
	MOVWU s+36(FP), R23
	MOVWU ws+40(FP), R24
	MOVD y+48(FP), R12
	SCVTFWS R22, F9
	FMOVS F9, R22
	LSL  $6, R13, R14
	VMOVI $3, V15.B16
	CMP  $4, R11
	BLT  ni_tail

ni_block:
	ADD  R14, R0, R1
	ADD  R14, R1, R2
	ADD  R14, R2, R3
	MOVD p+24(FP), R4
	MOVD R13, R10
	ZERO16

ni_group:
	NI2S4(0, 16, 20, 24, 28)
	NI2S4(16, 17, 21, 25, 29)
	NI2S4(32, 18, 22, 26, 30)
	NI2S4(48, 19, 23, 27, 31)
	ADD  $256, R4
	SUBS $1, R10
	BNE  ni_group

	I2SSUM(V16, V17, V18, V19, R9)
	I2S_STORE
	I2SSUM(V20, V21, V22, V23, R9)
	I2S_STORE
	I2SSUM(V24, V25, V26, V27, R9)
	I2S_STORE
	I2SSUM(V28, V29, V30, V31, R9)
	I2S_STORE
	MOVD R3, R0
	SUB  $4, R11
	CMP  $4, R11
	BGE  ni_block

ni_tail:
	CBZ  R11, ni_done

ni_row:
	MOVD p+24(FP), R4
	MOVD R13, R10
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16

ni_rgroup:
	NI2S1(0, 16)
	NI2S1(16, 17)
	NI2S1(32, 18)
	NI2S1(48, 19)
	ADD  $256, R4
	SUBS $1, R10
	BNE  ni_rgroup

	I2SSUM(V16, V17, V18, V19, R9)
	I2S_STORE
	SUBS $1, R11
	BNE  ni_row

ni_done:
	RET

// ---- GEMM (2..4 tokens), one row per iteration.
// Registers: R0 codes, R1 rows left, R2 group counter, R3 ntok, R4..R7 P of tokens 0..3,
// R8..R11 C (TQ), R12 y of token 0 at the current row, R13 yStride in bytes, R14 P bytes per
// token, R15 C bytes per token, R19..R22 scale pointers (TQ), R23 scale bytes per token,
// R24 groups, R25 store address. I2_S: R8 sumq, R9 s, F7 ws.
// V0 codes, V1..V4 planes, V5..V8 work, V9 scales (lane t = token t), V10..V13 P,
// V15 bytes of 3, V16..V31 accumulators (token t, slice r in V(16 + 4t + r)).
// Tokens 2 and 3 are skipped when ntok < 3 or < 4; their pointers are then never dereferenced.

// GEMM_TQ_SLICE(OFF, F0, F1, F2, F3, SKIP): slice OFF/16 for every token.
#define GEMM_TQ_SLICE(OFF, F0, F1, F2, F3, SKIP) \
	GEMM_UNPACK; \
	GEMM_TQ_TOKEN(OFF, R4, R8, F5, 5, 0, F0); \
	GEMM_TQ_TOKEN(OFF, R5, R9, F6, 6, 1, F1); \
	CMP $3, R3; \
	BLT SKIP; \
	GEMM_TQ_TOKEN(OFF, R6, R10, F7, 7, 2, F2); \
	CMP $4, R3; \
	BLT SKIP; \
	GEMM_TQ_TOKEN(OFF, R7, R11, F8, 8, 3, F3); \
SKIP:

#define NGEMM_TQ_SLICE(OFF, F0, F1, F2, F3, SKIP) \
	GEMM_UNPACK; \
	NGEMM_TQ_TOKEN(OFF, R4, R8, 0, F0); \
	NGEMM_TQ_TOKEN(OFF, R5, R9, 1, F1); \
	CMP $3, R3; \
	BLT SKIP; \
	NGEMM_TQ_TOKEN(OFF, R6, R10, 2, F2); \
	CMP $4, R3; \
	BLT SKIP; \
	NGEMM_TQ_TOKEN(OFF, R7, R11, 3, F3); \
SKIP:

#define GEMM_I2S_SLICE(OFF, F0, F1, F2, F3, SKIP) \
	GEMM_UNPACK; \
	GEMM_I2S_TOKEN(OFF, R4, F0); \
	GEMM_I2S_TOKEN(OFF, R5, F1); \
	CMP $3, R3; \
	BLT SKIP; \
	GEMM_I2S_TOKEN(OFF, R6, F2); \
	CMP $4, R3; \
	BLT SKIP; \
	GEMM_I2S_TOKEN(OFF, R7, F3); \
SKIP:

#define NGEMM_I2S_SLICE(OFF, F0, F1, F2, F3, SKIP) \
	GEMM_UNPACK; \
	NGEMM_I2S_TOKEN(OFF, R4, F0); \
	NGEMM_I2S_TOKEN(OFF, R5, F1); \
	CMP $3, R3; \
	BLT SKIP; \
	NGEMM_I2S_TOKEN(OFF, R6, F2); \
	CMP $4, R3; \
	BLT SKIP; \
	NGEMM_I2S_TOKEN(OFF, R7, F3); \
SKIP:

// GEMM_TQ_ROW: at a row start R4, R8, R19 point at token 0's P, C and scales; derive the
// other tokens' pointers and clear the accumulators.
#define GEMM_TQ_ROW \
	ADD  R14, R4, R5; \
	ADD  R14, R5, R6; \
	ADD  R14, R6, R7; \
	ADD  R15, R8, R9; \
	ADD  R15, R9, R10; \
	ADD  R15, R10, R11; \
	ADD  R23, R19, R20; \
	ADD  R23, R20, R21; \
	ADD  R23, R21, R22; \
	MOVD R24, R2; \
	ZERO16

// GEMM_SCALES(SKIP): V9 lane t = this group's scale of token t (t < ntok).
#define GEMM_SCALES(SKIP) \
	FMOVS.P 4(R19), F9; \
	VLD1.P  4(R20), V9.S[1]; \
	CMP $3, R3; \
	BLT SKIP; \
	VLD1.P  4(R21), V9.S[2]; \
	CMP $4, R3; \
	BLT SKIP; \
	VLD1.P  4(R22), V9.S[3]; \
SKIP:

// GEMM_TQ_NEXT: advance the P and C pointers to the next group.
#define GEMM_TQ_NEXT \
	ADD $256, R4; \
	ADD $256, R5; \
	ADD $256, R6; \
	ADD $256, R7; \
	ADD $64, R8; \
	ADD $64, R9; \
	ADD $64, R10; \
	ADD $64, R11

// GEMM_TQ_END(SKIP): reduce and store the row of every token (R25 = address); rewind R4, R8,
// R19 to token 0's first group; next row.
#define GEMM_TQ_END(SKIP) \
	REDUCE16(16, 17, 18, 19); \
	FMOVS F8, (R12); \
	REDUCE16(20, 21, 22, 23); \
	ADD  R13, R12, R25; \
	FMOVS F8, (R25); \
	CMP  $3, R3; \
	BLT  SKIP; \
	REDUCE16(24, 25, 26, 27); \
	ADD  R13, R25; \
	FMOVS F8, (R25); \
	CMP  $4, R3; \
	BLT  SKIP; \
	REDUCE16(28, 29, 30, 31); \
	ADD  R13, R25; \
	FMOVS F8, (R25); \
SKIP: \
	ADD  $4, R12; \
	SUB  R14, R4; \
	SUB  R15, R8; \
	SUB  R23, R19

// func gemmTQDot(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)
TEXT ·gemmTQDot(SB), NOSPLIT, $0-72
	MOVD codes+0(FP), R0
	MOVD rows+8(FP), R1
	MOVD groups+16(FP), R24
	MOVD ntok+24(FP), R3
	MOVD p+32(FP), R4
	MOVD c+40(FP), R8
	MOVD sb+48(FP), R19
	MOVD y+56(FP), R12
	MOVD yStride+64(FP), R13
	LSL  $2, R13, R13
	LSL  $8, R24, R14
	LSL  $6, R24, R15
	LSL  $2, R24, R23
	VMOVI $3, V15.B16

dgt_row:
	GEMM_TQ_ROW

dgt_group:
	GEMM_SCALES(dgt_s)
	GEMM_TQ_SLICE(0, 16, 20, 24, 28, dgt_k0)
	GEMM_TQ_SLICE(16, 17, 21, 25, 29, dgt_k1)
	GEMM_TQ_SLICE(32, 18, 22, 26, 30, dgt_k2)
	GEMM_TQ_SLICE(48, 19, 23, 27, 31, dgt_k3)
	GEMM_TQ_NEXT
	SUBS $1, R2
	BNE  dgt_group

	GEMM_TQ_END(dgt_e)
	SUBS $1, R1
	BNE  dgt_row
	RET

// func gemmTQNeon(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)
TEXT ·gemmTQNeon(SB), NOSPLIT, $0-72
	MOVD codes+0(FP), R0
	MOVD rows+8(FP), R1
	MOVD groups+16(FP), R24
	MOVD ntok+24(FP), R3
	MOVD p+32(FP), R4
	MOVD c+40(FP), R8
	MOVD sb+48(FP), R19
	MOVD y+56(FP), R12
	MOVD yStride+64(FP), R13
	LSL  $2, R13, R13
	LSL  $8, R24, R14
	LSL  $6, R24, R15
	LSL  $2, R24, R23
	VMOVI $3, V15.B16

ngt_row:
	GEMM_TQ_ROW

ngt_group:
	GEMM_SCALES(ngt_s)
	NGEMM_TQ_SLICE(0, 16, 20, 24, 28, ngt_k0)
	NGEMM_TQ_SLICE(16, 17, 21, 25, 29, ngt_k1)
	NGEMM_TQ_SLICE(32, 18, 22, 26, 30, ngt_k2)
	NGEMM_TQ_SLICE(48, 19, 23, 27, 31, ngt_k3)
	GEMM_TQ_NEXT
	SUBS $1, R2
	BNE  ngt_group

	GEMM_TQ_END(ngt_e)
	SUBS $1, R1
	BNE  ngt_row
	RET

// GEMM_I2S_ROW / _NEXT / _END: as for TQ.
#define GEMM_I2S_ROW \
	ADD  R14, R4, R5; \
	ADD  R14, R5, R6; \
	ADD  R14, R6, R7; \
	MOVD R24, R2; \
	ZERO16

#define GEMM_I2S_NEXT \
	ADD $256, R4; \
	ADD $256, R5; \
	ADD $256, R6; \
	ADD $256, R7

// I2S_TOKEN_STORE(T4, Y): F8 (float32(acc) of token T4/4) → y, with sumq[t], s[t] from R8, R9.
#define I2S_TOKEN_STORE(T4, Y) \
	MOVW    T4(R8), R10; \
	SCVTFWS R10, F9; \
	FSUBS   F9, F8, F8; \
	FMOVS   T4(R9), F9; \
	FDIVS   F9, F8, F8; \
	FMULS   F7, F8, F8; \
	FMOVS   F8, (Y)

#define GEMM_I2S_END(SKIP) \
	I2SSUM(V16, V17, V18, V19, R10); \
	I2S_TOKEN_STORE(0, R12); \
	I2SSUM(V20, V21, V22, V23, R10); \
	ADD   R13, R12, R11; \
	I2S_TOKEN_STORE(4, R11); \
	CMP   $3, R3; \
	BLT   SKIP; \
	I2SSUM(V24, V25, V26, V27, R10); \
	ADD   R13, R11; \
	I2S_TOKEN_STORE(8, R11); \
	CMP   $4, R3; \
	BLT   SKIP; \
	I2SSUM(V28, V29, V30, V31, R10); \
	ADD   R13, R11; \
	I2S_TOKEN_STORE(12, R11); \
SKIP: \
	ADD   $4, R12; \
	SUB   R14, R4

// func gemmI2SDot(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)
TEXT ·gemmI2SDot(SB), NOSPLIT, $0-80
	MOVD  codes+0(FP), R0
	MOVD  rows+8(FP), R1
	MOVD  groups+16(FP), R24
	MOVD  ntok+24(FP), R3
	MOVD  p+32(FP), R4
	MOVD  sumq+40(FP), R8
	MOVD  s+48(FP), R9
	FMOVS ws+56(FP), F7
	MOVD  y+64(FP), R12
	MOVD  yStride+72(FP), R13
	LSL   $2, R13, R13
	LSL   $8, R24, R14
	VMOVI $3, V15.B16

dgi_row:
	GEMM_I2S_ROW

dgi_group:
	GEMM_I2S_SLICE(0, 16, 20, 24, 28, dgi_k0)
	GEMM_I2S_SLICE(16, 17, 21, 25, 29, dgi_k1)
	GEMM_I2S_SLICE(32, 18, 22, 26, 30, dgi_k2)
	GEMM_I2S_SLICE(48, 19, 23, 27, 31, dgi_k3)
	GEMM_I2S_NEXT
	SUBS $1, R2
	BNE  dgi_group

	GEMM_I2S_END(dgi_e)
	SUBS $1, R1
	BNE  dgi_row
	RET

// func gemmI2SNeon(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)
TEXT ·gemmI2SNeon(SB), NOSPLIT, $0-80
	MOVD  codes+0(FP), R0
	MOVD  rows+8(FP), R1
	MOVD  groups+16(FP), R24
	MOVD  ntok+24(FP), R3
	MOVD  p+32(FP), R4
	MOVD  sumq+40(FP), R8
	MOVD  s+48(FP), R9
	FMOVS ws+56(FP), F7
	MOVD  y+64(FP), R12
	MOVD  yStride+72(FP), R13
	LSL   $2, R13, R13
	LSL   $8, R24, R14
	VMOVI $3, V15.B16

ngi_row:
	GEMM_I2S_ROW

ngi_group:
	NGEMM_I2S_SLICE(0, 16, 20, 24, 28, ngi_k0)
	NGEMM_I2S_SLICE(16, 17, 21, 25, 29, ngi_k1)
	NGEMM_I2S_SLICE(32, 18, 22, 26, 30, ngi_k2)
	NGEMM_I2S_SLICE(48, 19, 23, 27, 31, ngi_k3)
	GEMM_I2S_NEXT
	SUBS $1, R2
	BNE  ngi_group

	GEMM_I2S_END(ngi_e)
	SUBS $1, R1
	BNE  ngi_row
	RET
