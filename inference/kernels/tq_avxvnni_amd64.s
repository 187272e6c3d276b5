//go:build !purego

#include "textflag.h"

// PFDIST: how far PREFETCHT0 runs ahead of the code stream, in bytes (as in tq_avx512_amd64.s).
#define PFDIST 4096

// T2 ternary kernels, AVX-VNNI tier (VEX ymm VPDPBUSD: Alder Lake and later client cores,
// Zen 5; no AVX-512 needed). The same flow as the AVX2 tier (tq_avx2_amd64.s: two 32-byte halves
// per group, lanes 0–7 from bytes 0–31, lanes 8–15 from bytes 32–63), with VPDPBUSD in place of
// VPMADDUBSW + int16 adds + VPMADDWD. Bit-exact with the portable kernels of t2gemv.go.
//
// The Go assembler only knows the EVEX form of VPDPBUSD, so the VEX form is emitted as bytes by
// VDP below, always with a memory operand [base + index·2^ss + disp32]:
//
//	C4  R̄X̄B̄ 00010         three-byte VEX, map 0F38 (R, X, B: bit 3 of dst, index, base)
//	    0 v̄v̄v̄v̄ 1 01       W0, vvvv = ~src1 (the unsigned operand), L = 256, pp = 66
//	50                       opcode
//	10 ddd 100               ModRM: mod = disp32, reg = dst, rm = SIB
//	ss iii bbb               SIB (index 100 = none)
//	disp32
//
// i.e. {vex} vpdpbusd disp(base,index,2^ss), src1, dst: dst += Σ src1 (u8) × mem (s8) per
// int32 lane. Checked against llvm-mc -triple=x86_64 -mattr=+avxvnni -show-encoding (which picks
// disp8 where it can; the disp32 form is equivalent), e.g. 0x40(%rdi,%rdx,4), %ymm1, %ymm0 =
// c4 e2 75 50 84 97 40000000. Register numbers: AX 0, CX 1, DX 2, BX 3, none 4, SI 6, DI 7, R8 8;
// Y0–Y15 = 0–15.
#define VDP(disp, base, index, ss, src1, dst) \
	BYTE $0xC4; \
	BYTE $(0x02 | ((~(dst>>3)&1)<<7) | ((~(index>>3)&1)<<6) | ((~(base>>3)&1)<<5)); \
	BYTE $((((~src1)&15)<<3) | 0x05); \
	BYTE $0x50; \
	BYTE $(0x84 | ((dst&7)<<3)); \
	BYTE $((ss<<6) | ((index&7)<<3) | (base&7)); \
	LONG $(disp)

// Token t's activations are at DI + t·4·DX (DX = groups·64, R8 = 3·DX): as (base, index, ss)
// for VDP, token 0 = (7, 4, 0), token 1 = (7, 2, 2), token 2 = (7, 2, 3), token 3 = (7, 8, 2).
// (The assembler's macros split arguments before expanding them, so these are spelled out.)

// PLANES(T0, T1, T2, T3): the four planes of the 32 code bytes in T0 into T0–T3 (Y15 = 0x03).
#define PLANES(T0, T1, T2, T3) \
	VPSRLW $2, T0, T1;  \
	VPSRLW $4, T0, T2;  \
	VPSRLW $6, T0, T3;  \
	VPAND  Y15, T0, T0; \
	VPAND  Y15, T1, T1; \
	VPAND  Y15, T2, T2; \
	VPAND  Y15, T3, T3

// DOT4(h, b, i, ss, t0..t3, acc): acc += the four planes (registers t0–t3) of half h against P.
#define DOT4(h, b, i, ss, t0, t1, t2, t3, acc) \
	VDP(h, b, i, ss, t0, acc);     \
	VDP(64+h, b, i, ss, t1, acc);  \
	VDP(128+h, b, i, ss, t2, acc); \
	VDP(192+h, b, i, ss, t3, acc)

// TQHALF: half h of one row's group: F += float32(float32(C + Σ)·s). T0–T3/ACC are the
// registers, t0–t3/acc their numbers.
#define TQHALF(h, code, sbm, F, T0, T1, T2, T3, ACC, t0, t1, t2, t3, acc) \
	VMOVDQU      h code, T0;                \
	PLANES(T0, T1, T2, T3);                 \
	VMOVDQU      h(CX), ACC;                \
	DOT4(h, 7, 4, 0, t0, t1, t2, t3, acc);      \
	VCVTDQ2PS    ACC, ACC;                  \
	VBROADCASTSS sbm, T0;                   \
	VMULPS       T0, ACC, ACC;              \
	VADDPS       ACC, F, F

// RED2(lo, hi, lox, T, U): the canonical tree over lo = F[0..7], hi = F[8..15] (lox = lo as
// xmm); result in lane 0 of T.
#define RED2(lo, hi, lox, T, U) \
	VADDPS       hi, lo, lo;   \
	VEXTRACTF128 $1, lo, T;    \
	VADDPS       T, lox, T;    \
	VPERMILPS    $0xEE, T, U;  \
	VADDPS       U, T, T;      \
	VMOVSHDUP    T, U;         \
	VADDSS       U, T, T

// IHSUM(A, Ax, T, U): the sum of the 8 int32 lanes of A (Ax = A as xmm) into lane 0 of T.
#define IHSUM(A, Ax, T, U) \
	VEXTRACTI128 $1, A, T;    \
	VPADDD       Ax, T, T;    \
	VPSHUFD      $0xEE, T, U; \
	VPADDD       U, T, T;     \
	VPSHUFD      $0x55, T, U; \
	VPADDD       U, T, T

// I2EPI(T, SQ, S, WS): lane 0 of T = ((float32(T) − SQ) / S) · WS.
#define I2EPI(T, SQ, S, WS) \
	VCVTDQ2PS T, T;     \
	VSUBSS    SQ, T, T; \
	VDIVSS    S, T, T;  \
	VMULSS    WS, T, T

// I2 shift-free half: masks 0x03, 0x0C, 0x30, 0xC0 in Y8–Y11; accumulator n (numbers a0–a3)
// gets 4ⁿ × the plane-n sum. Temporaries Y12–Y15 (12–15).
#define I2HALF(h, code, a0, a1, a2, a3) \
	VPAND h code, Y8, Y12;  \
	VPAND h code, Y9, Y13;  \
	VPAND h code, Y10, Y14; \
	VPAND h code, Y11, Y15; \
	VDP(h, 7, 4, 0, 12, a0);     \
	VDP(64+h, 7, 4, 0, 13, a1);  \
	VDP(128+h, 7, 4, 0, 14, a2); \
	VDP(192+h, 7, 4, 0, 15, a3)

// I2COMBINE: A0 = A0 + A1>>2 + A2>>4 + A3>>6.
#define I2COMBINE(A0, A1, A2, A3) \
	VPSRAD $2, A1, A1; \
	VPSRAD $4, A2, A2; \
	VPSRAD $6, A3, A3; \
	VPADDD A1, A0, A0; \
	VPADDD A3, A2, A2; \
	VPADDD A2, A0, A0

#define MASK03 \
	MOVL         $0x03030303, AX; \
	MOVQ         AX, X15;         \
	VPBROADCASTD X15, Y15

// GEMM, TQ: token t (P at (b, i, ss), C at cm, scale at sbm) on half h of the row, planes in Y0–Y3.
#define GTQTOK(h, b, i, ss, cm, sbm, F) \
	VMOVDQU      h cm, Y4;          \
	DOT4(h, b, i, ss, 0, 1, 2, 3, 4);     \
	VCVTDQ2PS    Y4, Y4;            \
	VBROADCASTSS sbm, Y5;           \
	VMULPS       Y5, Y4, Y4;        \
	VADDPS       Y4, F, F

// GEMM, I2_S: token t on half h, planes in Y0–Y3 (shifted): planes 0, 1 into accumulator a,
// planes 2, 3 into b.
#define GI2TOK(h, pb, pi, ps, a, b) \
	VDP(h, pb, pi, ps, 0, a);      \
	VDP(64+h, pb, pi, ps, 1, a);   \
	VDP(128+h, pb, pi, ps, 2, b);  \
	VDP(192+h, pb, pi, ps, 3, b)

// func gemvTQAVXVNNI(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)
//
// Two rows per iteration (F in Y8/Y9 and Y10/Y11; row a Y0–Y4, row b Y5–Y7, Y12, Y13), then
// one. Registers as in gemvTQAVX512.
TEXT ·gemvTQAVXVNNI(SB), NOSPLIT, $0-64
	MOVQ codes+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ groups+16(FP), DX
	MOVQ sb+40(FP), R14
	MOVQ sbStride+48(FP), R9
	MOVQ y+56(FP), R13
	SHLQ $2, R9
	SHLQ $6, DX
	MASK03

vt2:
	CMPQ R12, $2
	JLT  vt1
	MOVQ p+24(FP), DI
	MOVQ c+32(FP), CX
	MOVQ R14, BX
	MOVQ groups+16(FP), R11
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

	LEAQ PFDIST(SI)(DX*2), AX

vt2g:
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	ADDQ $128, AX
	TQHALF(0, (SI), (BX), Y8, Y0, Y1, Y2, Y3, Y4, 0, 1, 2, 3, 4)
	TQHALF(0, (SI)(DX*1), (BX)(R9*1), Y10, Y5, Y6, Y7, Y12, Y13, 5, 6, 7, 12, 13)
	TQHALF(32, (SI), (BX), Y9, Y0, Y1, Y2, Y3, Y4, 0, 1, 2, 3, 4)
	TQHALF(32, (SI)(DX*1), (BX)(R9*1), Y11, Y5, Y6, Y7, Y12, Y13, 5, 6, 7, 12, 13)
	ADDQ $64, SI
	ADDQ $256, DI
	ADDQ $64, CX
	ADDQ $4, BX
	DECQ R11
	JNZ  vt2g

	RED2(Y8, Y9, X8, X0, X1)
	VMOVSS X0, (R13)
	RED2(Y10, Y11, X10, X0, X1)
	VMOVSS X0, 4(R13)
	ADDQ DX, SI
	LEAQ (R14)(R9*2), R14
	ADDQ $8, R13
	SUBQ $2, R12
	JMP  vt2

vt1:
	TESTQ R12, R12
	JZ    vtdone
	MOVQ  p+24(FP), DI
	MOVQ  c+32(FP), CX
	MOVQ  R14, BX
	MOVQ  groups+16(FP), R11
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9

vt1g:
	PREFETCHT0 PFDIST(SI)
	TQHALF(0, (SI), (BX), Y8, Y0, Y1, Y2, Y3, Y4, 0, 1, 2, 3, 4)
	TQHALF(32, (SI), (BX), Y9, Y5, Y6, Y7, Y12, Y13, 5, 6, 7, 12, 13)
	ADDQ $64, SI
	ADDQ $256, DI
	ADDQ $64, CX
	ADDQ $4, BX
	DECQ R11
	JNZ  vt1g

	RED2(Y8, Y9, X8, X0, X1)
	VMOVSS X0, (R13)

vtdone:
	VZEROUPPER
	RET

// func gemvI2SAVXVNNI(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)
//
// The shift-free variant (as in the avx512 tier), one row per iteration with four accumulators
// Y0–Y3 (both halves add into them: only the total counts); per lane and group they grow by
// ≤ 2·4·192·128, so groups ≤ 10922 stay exact (the wrapper checks). X5–X7 hold float32(sumq),
// s, ws.
TEXT ·gemvI2SAVXVNNI(SB), NOSPLIT, $0-56
	MOVQ codes+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ groups+16(FP), DX
	MOVQ y+48(FP), R13
	SHLQ $6, DX
	MOVL $0x03030303, AX
	MOVQ AX, X8
	VPBROADCASTD X8, Y8
	VPSLLW $2, Y8, Y9
	VPSLLW $4, Y8, Y10
	VPSLLW $6, Y8, Y11
	MOVL sumq+32(FP), AX
	VXORPS X5, X5, X5
	VCVTSI2SSL AX, X5, X5
	VMOVSS s+36(FP), X6
	VMOVSS ws+40(FP), X7

vi1:
	MOVQ p+24(FP), DI
	MOVQ groups+16(FP), R11
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3

vi1g:
	PREFETCHT0 PFDIST(SI)
	I2HALF(0, (SI), 0, 1, 2, 3)
	I2HALF(32, (SI), 0, 1, 2, 3)
	ADDQ $64, SI
	ADDQ $256, DI
	DECQ R11
	JNZ  vi1g

	I2COMBINE(Y0, Y1, Y2, Y3)
	IHSUM(Y0, X0, X4, X1)
	I2EPI(X4, X5, X6, X7)
	VMOVSS X4, (R13)
	ADDQ   $4, R13
	DECQ   R12
	JNZ    vi1
	VZEROUPPER
	RET

// func gemmTQAVXVNNI(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)
//
// One row at a time; per group and half the planes (Y0–Y3) are unpacked once and applied to
// every token: F_lo of token t in Y6+2t... laid out as Y6/Y7 (t0), Y8/Y9 (t1), Y10/Y11 (t2),
// Y12/Y13 (t3). SI codes, DI P, CX C, BX scales (at group g), DX = groups·64, R8 = 3·DX,
// R9 = groups·4, R10 = 3·R9, R11 groups left, R12 rows left, R13 y, R14 yStride·4, AX ntok.
TEXT ·gemmTQAVXVNNI(SB), NOSPLIT, $0-72
	MOVQ codes+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ groups+16(FP), DX
	MOVQ y+56(FP), R13
	MOVQ yStride+64(FP), R14
	SHLQ $2, R14
	MOVQ DX, R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	SHLQ $6, DX
	LEAQ (DX)(DX*2), R8
	MASK03
	MOVQ ntok+24(FP), AX

vgrow:
	MOVQ p+32(FP), DI
	MOVQ c+40(FP), CX
	MOVQ sb+48(FP), BX
	MOVQ groups+16(FP), R11
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13

vgg:
	PREFETCHT0 PFDIST(SI)
	VMOVDQU (SI), Y0
	PLANES(Y0, Y1, Y2, Y3)
	GTQTOK(0, 7, 4, 0, (CX), (BX), Y6)
	CMPQ AX, $2
	JLT  vglo
	GTQTOK(0, 7, 2, 2, (CX)(DX*1), (BX)(R9*1), Y8)
	CMPQ AX, $3
	JLT  vglo
	GTQTOK(0, 7, 2, 3, (CX)(DX*2), (BX)(R9*2), Y10)
	CMPQ AX, $4
	JLT  vglo
	GTQTOK(0, 7, 8, 2, (CX)(R8*1), (BX)(R10*1), Y12)

vglo:
	VMOVDQU 32(SI), Y0
	PLANES(Y0, Y1, Y2, Y3)
	GTQTOK(32, 7, 4, 0, (CX), (BX), Y7)
	CMPQ AX, $2
	JLT  vghi
	GTQTOK(32, 7, 2, 2, (CX)(DX*1), (BX)(R9*1), Y9)
	CMPQ AX, $3
	JLT  vghi
	GTQTOK(32, 7, 2, 3, (CX)(DX*2), (BX)(R9*2), Y11)
	CMPQ AX, $4
	JLT  vghi
	GTQTOK(32, 7, 8, 2, (CX)(R8*1), (BX)(R10*1), Y13)

vghi:
	ADDQ $64, SI
	ADDQ $256, DI
	ADDQ $64, CX
	ADDQ $4, BX
	DECQ R11
	JNZ  vgg

	RED2(Y6, Y7, X6, X0, X1)
	VMOVSS X0, (R13)
	CMPQ AX, $2
	JLT  vgnext
	RED2(Y8, Y9, X8, X0, X1)
	VMOVSS X0, (R13)(R14*1)
	CMPQ AX, $3
	JLT  vgnext
	RED2(Y10, Y11, X10, X0, X1)
	VMOVSS X0, (R13)(R14*2)
	CMPQ AX, $4
	JLT  vgnext
	RED2(Y12, Y13, X12, X0, X1)
	LEAQ (R14)(R14*2), BX
	VMOVSS X0, (R13)(BX*1)

vgnext:
	ADDQ $4, R13
	DECQ R12
	JNZ  vgrow
	VZEROUPPER
	RET

// func gemmI2SAVXVNNI(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)
//
// One row at a time; shifted planes (Y0–Y3) unpacked once per half and applied to every token,
// token t accumulating planes 0, 1 in Y6+2t and planes 2, 3 in Y7+2t (plain int32 sums, which
// wrap exactly like the portable int32 sum: no group limit). CX = sumq, BX = s.
TEXT ·gemmI2SAVXVNNI(SB), NOSPLIT, $0-80
	MOVQ codes+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ groups+16(FP), DX
	MOVQ y+64(FP), R13
	MOVQ yStride+72(FP), R14
	SHLQ $2, R14
	SHLQ $6, DX
	LEAQ (DX)(DX*2), R8
	MASK03
	MOVQ ntok+24(FP), AX
	MOVQ sumq+40(FP), CX
	MOVQ s+48(FP), BX
	VMOVSS ws+56(FP), X14

virow:
	MOVQ p+32(FP), DI
	MOVQ groups+16(FP), R11
	VPXOR Y6, Y6, Y6
	VPXOR Y7, Y7, Y7
	VPXOR Y8, Y8, Y8
	VPXOR Y9, Y9, Y9
	VPXOR Y10, Y10, Y10
	VPXOR Y11, Y11, Y11
	VPXOR Y12, Y12, Y12
	VPXOR Y13, Y13, Y13

vig:
	PREFETCHT0 PFDIST(SI)
	VMOVDQU (SI), Y0
	PLANES(Y0, Y1, Y2, Y3)
	GI2TOK(0, 7, 4, 0, 6, 7)
	CMPQ AX, $2
	JLT  vilo
	GI2TOK(0, 7, 2, 2, 8, 9)
	CMPQ AX, $3
	JLT  vilo
	GI2TOK(0, 7, 2, 3, 10, 11)
	CMPQ AX, $4
	JLT  vilo
	GI2TOK(0, 7, 8, 2, 12, 13)

vilo:
	VMOVDQU 32(SI), Y0
	PLANES(Y0, Y1, Y2, Y3)
	GI2TOK(32, 7, 4, 0, 6, 7)
	CMPQ AX, $2
	JLT  vihi
	GI2TOK(32, 7, 2, 2, 8, 9)
	CMPQ AX, $3
	JLT  vihi
	GI2TOK(32, 7, 2, 3, 10, 11)
	CMPQ AX, $4
	JLT  vihi
	GI2TOK(32, 7, 8, 2, 12, 13)

vihi:
	ADDQ $64, SI
	ADDQ $256, DI
	DECQ R11
	JNZ  vig

	VPADDD Y7, Y6, Y6
	IHSUM(Y6, X6, X0, X1)
	VCVTSI2SSL (CX), X4, X4
	VMOVSS (BX), X5
	I2EPI(X0, X4, X5, X14)
	VMOVSS X0, (R13)
	CMPQ AX, $2
	JLT  vinext
	VPADDD Y9, Y8, Y8
	IHSUM(Y8, X8, X0, X1)
	VCVTSI2SSL 4(CX), X4, X4
	VMOVSS 4(BX), X5
	I2EPI(X0, X4, X5, X14)
	VMOVSS X0, (R13)(R14*1)
	CMPQ AX, $3
	JLT  vinext
	VPADDD Y11, Y10, Y10
	IHSUM(Y10, X10, X0, X1)
	VCVTSI2SSL 8(CX), X4, X4
	VMOVSS 8(BX), X5
	I2EPI(X0, X4, X5, X14)
	VMOVSS X0, (R13)(R14*2)
	CMPQ AX, $4
	JLT  vinext
	VPADDD Y13, Y12, Y12
	IHSUM(Y12, X12, X0, X1)
	VCVTSI2SSL 12(CX), X4, X4
	VMOVSS 12(BX), X5
	I2EPI(X0, X4, X5, X14)
	LEAQ (R14)(R14*2), R9
	VMOVSS X0, (R13)(R9*1)

vinext:
	ADDQ $4, R13
	DECQ R12
	JNZ  virow
	VZEROUPPER
	RET
