//go:build !purego

#include "textflag.h"

// T2 ternary kernels, AVX-512 tier (F, BW, VL, VNNI): zmm VPDPBUSD, one 64-byte code group per
// instruction. They compute exactly the bits of the portable kernels in t2gemv.go (see the
// contract there and docs/kernels.md §2–3); the Go wrappers in t2asm.go check the
// slice bounds and call these with rows ≥ 1, groups ≥ 1, 1 ≤ ntok ≤ 4.
//
// Go operand order: VPDPBUSD signed(zmm/m512), unsigned(zmm), acc — the codes are the unsigned
// operand, the activations P the signed one. A code byte holds 4 planes; plane n (bits 2n..2n+1)
// multiplies P[64n .. 64n+63] of its group.
//
// Float epilogue per group (TQ): F += float32(float32(I)·s), VCVTDQ2PS, VMULPS, VADDPS — a
// rounded product then a rounded sum, never an FMA. Row end: the tree (l,l+8), (l,l+4),
// (l,l+2), (l,l+1), reproduced by REDUCE4 / REDUCE1 below.
//
// Registers: R14 and X15 are free in ABI0 (the wrapper restores them); BP and R15 are not used.
// The macros come first: go vet's asmdecl would otherwise attribute their bodies to the
// preceding TEXT.

// PFDIST: how far PREFETCHT0 runs ahead of the code stream, in bytes, beyond the rows in flight.
// One prefetch per 64-byte line. On the Zen 5 VM, streaming 540 MB one thread at a time
// (BenchmarkT2Kernels/DRAM): 21–23 GB/s without prefetch, 32–35 with PFDIST 0–1024, 36–40 with
// 4096–8192, ≈ 35 with 16384.
#define PFDIST 4096

// ---- Common to TQ kernels

// TQROW: one row's group. code = address of its 64 code bytes, sbm = address of its f32 scale;
// P planes in Z0–Z3, the group's correction C in Z30, the 0x03 byte mask in Z4; F += the group.
#define TQROW(code, sbm, F, A0, A1, A2, A3, ACC) \
	VMOVDQU64   code, A0;       \
	VPSRLW      $2, A0, A1;     \
	VPSRLW      $4, A0, A2;     \
	VPSRLW      $6, A0, A3;     \
	VPANDD      Z4, A0, A0;     \
	VPANDD      Z4, A1, A1;     \
	VPANDD      Z4, A2, A2;     \
	VPANDD      Z4, A3, A3;     \
	VMOVDQA32   Z30, ACC;       \
	VPDPBUSD    Z0, A0, ACC;    \
	VPDPBUSD    Z1, A1, ACC;    \
	VPDPBUSD    Z2, A2, ACC;    \
	VPDPBUSD    Z3, A3, ACC;    \
	VCVTDQ2PS   ACC, ACC;       \
	VMULPS.BCST sbm, ACC, ACC;  \
	VADDPS      ACC, F, F

// LOADP: the four P planes of the group at base into Z0–Z3.
#define LOADP(base) \
	VMOVDQU64 base, Z0;     \
	VMOVDQU64 64 base, Z1;  \
	VMOVDQU64 128 base, Z2; \
	VMOVDQU64 192 base, Z3

// REDUCE4: reduce the 16 float lanes of each of Fa, Fb, Fc, Fd in the canonical tree and leave
// the four results in lanes 0, 4, 8, 12 of Z11 (Z9–Z12 are clobbered).
//   step 1, (l, l+8): 128-bit quarters [a0 a1 b0 b1] + [a2 a3 b2 b3]
//   step 2, (l, l+4): [a'0 b'0 c'0 d'0] + [a'1 b'1 c'1 d'1]
//   step 3, (0,2),(1,3): + the quarter's lanes 2,3 moved to 0,1
//   step 4, (0,1): + lane 1 moved to lane 0
#define REDUCE4(Fa, Fb, Fc, Fd) \
	VSHUFF64X2 $0x44, Fb, Fa, Z9;   \
	VSHUFF64X2 $0xEE, Fb, Fa, Z10;  \
	VADDPS     Z10, Z9, Z9;         \
	VSHUFF64X2 $0x44, Fd, Fc, Z10;  \
	VSHUFF64X2 $0xEE, Fd, Fc, Z11;  \
	VADDPS     Z11, Z10, Z10;       \
	VSHUFF32X4 $0x88, Z10, Z9, Z11; \
	VSHUFF32X4 $0xDD, Z10, Z9, Z12; \
	VADDPS     Z12, Z11, Z11;       \
	VPERMILPS  $0xEE, Z11, Z12;     \
	VADDPS     Z12, Z11, Z11;       \
	VMOVSHDUP  Z11, Z12;            \
	VADDPS     Z12, Z11, Z11

// PACK4: lanes 0, 4, 8, 12 of Z11 into X12 (K1 = 0x1111).
#define PACK4 VPCOMPRESSD Z11, K1, Z12

// REDUCE1: the tree over the 16 lanes of Z5 (a register below 16), result in lane 0 of X9.
#define REDUCE1 \
	VEXTRACTF64X4 $1, Z5, Y9; \
	VADDPS        Y9, Y5, Y9; \
	VEXTRACTF128  $1, Y9, X10; \
	VADDPS        X10, X9, X9; \
	VPERMILPS     $0xEE, X9, X10; \
	VADDPS        X10, X9, X9; \
	VMOVSHDUP     X9, X10; \
	VADDSS        X10, X9, X9

// ---- I2_S (GEMV and GEMM): the shift-free variant. The four planes are masked in place (0x03,
// 0x0C, 0x30, 0xC0), so accumulator n holds 4ⁿ × the plane-n sum, exactly; at row end
// a0 + (a1>>2) + (a2>>4) + (a3>>6) (arithmetic shifts of exact multiples) is the row's Σ code·q.
// Per lane and group |a3| grows by ≤ 4·192·128, so groups ≤ 21845 stay exact (the wrapper checks).

// I2ROW: one row's group into accumulators A0–A3 (P planes in Z0–Z3, temporaries Z24–Z27).
#define I2ROW(code, A0, A1, A2, A3) \
	VMOVDQU64 code, Z31;     \
	VPANDD   Z31, Z4, Z24;  \
	VPANDD   Z31, Z5, Z25;  \
	VPANDD   Z31, Z6, Z26;  \
	VPANDD   Z31, Z7, Z27;  \
	VPDPBUSD Z0, Z24, A0;    \
	VPDPBUSD Z1, Z25, A1;    \
	VPDPBUSD Z2, Z26, A2;    \
	VPDPBUSD Z3, Z27, A3

// I2COMBINE: A0 = A0 + A1>>2 + A2>>4 + A3>>6 (int32 lanes).
#define I2COMBINE(A0, A1, A2, A3) \
	VPSRAD $2, A1, A1;  \
	VPSRAD $4, A2, A2;  \
	VPSRAD $6, A3, A3;  \
	VPADDD A1, A0, A0;  \
	VPADDD A3, A2, A2;  \
	VPADDD A2, A0, A0

// IREDUCE4: the int32 sums of the 16 lanes of Ia, Ib, Ic, Id into lanes 0–3 of X11 (Z9–Z12
// clobbered); integer sums, so the order is free — the same network as REDUCE4, then PACK4.
#define IREDUCE4(Ia, Ib, Ic, Id) \
	VSHUFI64X2 $0x44, Ib, Ia, Z9;   \
	VSHUFI64X2 $0xEE, Ib, Ia, Z10;  \
	VPADDD     Z10, Z9, Z9;         \
	VSHUFI64X2 $0x44, Id, Ic, Z10;  \
	VSHUFI64X2 $0xEE, Id, Ic, Z11;  \
	VPADDD     Z11, Z10, Z10;       \
	VSHUFI32X4 $0x88, Z10, Z9, Z11; \
	VSHUFI32X4 $0xDD, Z10, Z9, Z12; \
	VPADDD     Z12, Z11, Z11;       \
	VPSHUFD    $0xEE, Z11, Z12;     \
	VPADDD     Z12, Z11, Z11;       \
	VPSHUFD    $0x55, Z11, Z12;     \
	VPADDD     Z12, Z11, Z11;       \
	VPCOMPRESSD Z11, K1, Z12;       \
	VMOVDQA32  Z12, Z11

// I2EPI4: X11 = ((float32(X11) − Z28) / Z29) · Z30, lane-wise (packed, same rounding as scalar).
#define I2EPI4 \
	VCVTDQ2PS X11, X11;  \
	VSUBPS    X28, X11, X11; \
	VDIVPS    X29, X11, X11; \
	VMULPS    X30, X11, X11

// ---- GEMM, TQ

// UNPACK: the 4 planes of the code group at code into A0–A3.
#define UNPACK(code, A0, A1, A2, A3) \
	VMOVDQU64 code, A0;   \
	VPSRLW $2, A0, A1;    \
	VPSRLW $4, A0, A2;    \
	VPSRLW $6, A0, A3;    \
	VPANDD Z4, A0, A0;    \
	VPANDD Z4, A1, A1;    \
	VPANDD Z4, A2, A2;    \
	VPANDD Z4, A3, A3

// TQDOT: ACC = C (Z30) + planes · P (Z0–Z3); F += float32(float32(ACC)·s).
#define TQDOT(sbm, F, A0, A1, A2, A3, ACC) \
	VMOVDQA32   Z30, ACC;       \
	VPDPBUSD    Z0, A0, ACC;    \
	VPDPBUSD    Z1, A1, ACC;    \
	VPDPBUSD    Z2, A2, ACC;    \
	VPDPBUSD    Z3, A3, ACC;    \
	VCVTDQ2PS   ACC, ACC;       \
	VMULPS.BCST sbm, ACC, ACC;  \
	VADDPS      ACC, F, F

// TOK2: token t (addresses pm, cm, sbm) on both rows.
#define TOK2(pm, cm, sbm, Fa, Fb) \
	LOADP(pm); \
	VMOVDQU32 cm, Z30; \
	TQDOT(sbm, Fa, Z10, Z11, Z12, Z13, Z26); \
	TQDOT(sbm, Fb, Z14, Z15, Z16, Z17, Z27)

// TOK1: token t on one row.
#define TOK1(pm, cm, sbm, Fa) \
	LOADP(pm); \
	VMOVDQU32 cm, Z30; \
	TQDOT(sbm, Fa, Z10, Z11, Z12, Z13, Z26)

#define TQ_T0_2 TOK2((DI), (CX), (BX), Z18, Z22)

#define TQ_T1_2 TOK2((DI)(DX*4), (CX)(DX*1), (BX)(R9*1), Z19, Z23)

#define TQ_T2_2 TOK2((DI)(DX*8), (CX)(DX*2), (BX)(R9*2), Z20, Z24)

#define TQ_T3_2 TOK2((DI)(R8*4), (CX)(R8*1), (BX)(R10*1), Z21, Z25)

#define TQ_T0_1 TOK1((DI), (CX), (BX), Z18)

#define TQ_T1_1 TOK1((DI)(DX*4), (CX)(DX*1), (BX)(R9*1), Z19)

#define TQ_T2_1 TOK1((DI)(DX*8), (CX)(DX*2), (BX)(R9*2), Z20)

#define TQ_T3_1 TOK1((DI)(R8*4), (CX)(R8*1), (BX)(R10*1), Z21)

#define GADVANCE \
	ADDQ $64, SI;  \
	ADDQ $256, DI; \
	ADDQ $64, CX;  \
	ADDQ $4, BX;   \
	DECQ R11

// STORETOK: lane t of X12 to R13 + t·BX (BX = yStride·4) for t < ntok = AX; CX clobbered.
#define STORETOK(lbl) \
	VMOVSS      X12, (R13);             \
	CMPQ        AX, $2;                 \
	JLT         lbl;                    \
	VEXTRACTPS  $1, X12, (R13)(BX*1);   \
	CMPQ        AX, $3;                 \
	JLT         lbl;                    \
	VEXTRACTPS  $2, X12, (R13)(BX*2);   \
	CMPQ        AX, $4;                 \
	JLT         lbl;                    \
	LEAQ        (BX)(BX*2), CX;         \
	VEXTRACTPS  $3, X12, (R13)(CX*1);   \
lbl:

#define ZEROF \
	VPXORD Z18, Z18, Z18; \
	VPXORD Z19, Z19, Z19; \
	VPXORD Z20, Z20, Z20; \
	VPXORD Z21, Z21, Z21; \
	VPXORD Z22, Z22, Z22; \
	VPXORD Z23, Z23, Z23; \
	VPXORD Z24, Z24, Z24; \
	VPXORD Z25, Z25, Z25

// ---- GEMM, I2_S

// I2TOK: token t's group at pm into accumulators A0–A3 (masked planes in Z24–Z27).
#define I2TOK(pm, A0, A1, A2, A3) \
	VPDPBUSD pm, Z24, A0;      \
	VPDPBUSD 64 pm, Z25, A1;   \
	VPDPBUSD 128 pm, Z26, A2;  \
	VPDPBUSD 192 pm, Z27, A3

#define I2MASK(code) \
	VMOVDQU64 code, Z31;  \
	VPANDD Z31, Z4, Z24; \
	VPANDD Z31, Z5, Z25; \
	VPANDD Z31, Z6, Z26; \
	VPANDD Z31, Z7, Z27

#define I2T0 I2TOK((DI), Z8, Z9, Z10, Z11)

#define I2T1 I2TOK((DI)(DX*4), Z12, Z13, Z14, Z15)

#define I2T2 I2TOK((DI)(DX*8), Z16, Z17, Z18, Z19)

#define I2T3 I2TOK((DI)(R8*4), Z20, Z21, Z22, Z23)

// ---------------------------------------------------------------------------------------------

// func gemvTQAVX512(codes *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)
//
// Four rows per iteration share the P/C loads (16 independent VPDPBUSD per group), then a
// one-row loop for the rest. SI = codes of the current row(s) at group g, DI = P, CX = C,
// BX = scales of the first row at g, DX = row stride, R8 = 3·DX, R9/R10 = 1·/3· the scale row
// stride, R14 = scales of the current first row, R13 = y, R12 = rows left, R11 = groups left,
// AX = prefetch pointer.
TEXT ·gemvTQAVX512(SB), NOSPLIT, $0-64
	MOVQ codes+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ groups+16(FP), DX
	MOVQ sb+40(FP), R14
	MOVQ sbStride+48(FP), R9
	MOVQ y+56(FP), R13
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	SHLQ $6, DX
	LEAQ (DX)(DX*2), R8
	MOVL $0x03030303, AX
	VPBROADCASTD AX, Z4
	MOVL $0x1111, AX
	KMOVW AX, K1

tq4:
	CMPQ R12, $4
	JLT  tq1
	MOVQ p+24(FP), DI
	MOVQ c+32(FP), CX
	MOVQ R14, BX
	MOVQ groups+16(FP), R11
	LEAQ PFDIST(SI)(DX*4), AX
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7
	VPXORD Z8, Z8, Z8

tq4g:
	LOADP((DI))
	VMOVDQU32 (CX), Z30
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	PREFETCHT0 128(AX)
	PREFETCHT0 192(AX)
	TQROW((SI), (BX), Z5, Z10, Z11, Z12, Z13, Z14)
	TQROW((SI)(DX*1), (BX)(R9*1), Z6, Z15, Z16, Z17, Z18, Z19)
	TQROW((SI)(DX*2), (BX)(R9*2), Z7, Z20, Z21, Z22, Z23, Z24)
	TQROW((SI)(R8*1), (BX)(R10*1), Z8, Z25, Z26, Z27, Z28, Z29)
	ADDQ $64, SI
	ADDQ $256, DI
	ADDQ $64, CX
	ADDQ $4, BX
	ADDQ $256, AX
	DECQ R11
	JNZ  tq4g

	REDUCE4(Z5, Z6, Z7, Z8)
	PACK4
	VMOVUPS X12, (R13)
	ADDQ R8, SI             // SI was at row 1 of the block: skip rows 1–3
	LEAQ (R14)(R9*4), R14
	ADDQ $16, R13
	SUBQ $4, R12
	JMP  tq4

tq1:
	TESTQ R12, R12
	JZ    tqdone
	MOVQ  p+24(FP), DI
	MOVQ  c+32(FP), CX
	MOVQ  R14, BX
	MOVQ  groups+16(FP), R11
	VPXORD Z5, Z5, Z5

tq1g:
	LOADP((DI))
	VMOVDQU32 (CX), Z30
	PREFETCHT0 PFDIST(SI)
	TQROW((SI), (BX), Z5, Z10, Z11, Z12, Z13, Z14)
	ADDQ $64, SI
	ADDQ $256, DI
	ADDQ $64, CX
	ADDQ $4, BX
	DECQ R11
	JNZ  tq1g

	REDUCE1
	VMOVSS X9, (R13)
	ADDQ   R9, R14
	ADDQ   $4, R13
	DECQ   R12
	JMP    tq1

tqdone:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------------

// func gemvI2SAVX512(codes *byte, rows, groups int, p *int8, sumq int32, s, ws float32, y *float32)
//
// Four rows per iteration: 16 accumulators Z8–Z23, P in Z0–Z3, masks Z4–Z7; Z28–Z30 hold
// float32(sumq), s and ws. Register roles as in gemvTQAVX512.
TEXT ·gemvI2SAVX512(SB), NOSPLIT, $0-56
	MOVQ codes+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ groups+16(FP), DX
	MOVQ y+48(FP), R13
	SHLQ $6, DX
	LEAQ (DX)(DX*2), R8
	MOVL $0x03030303, AX
	VPBROADCASTD AX, Z4
	MOVL $0x0C0C0C0C, AX
	VPBROADCASTD AX, Z5
	MOVL $0x30303030, AX
	VPBROADCASTD AX, Z6
	MOVL $0xC0C0C0C0, AX
	VPBROADCASTD AX, Z7
	MOVL $0x1111, AX
	KMOVW AX, K1
	MOVL sumq+32(FP), AX
	VCVTSI2SSL AX, X28, X28
	VBROADCASTSS X28, Z28
	VBROADCASTSS s+36(FP), Z29
	VBROADCASTSS ws+40(FP), Z30

i4:
	CMPQ R12, $4
	JLT  i1
	MOVQ p+24(FP), DI
	MOVQ groups+16(FP), R11
	LEAQ PFDIST(SI)(DX*4), AX
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23

i4g:
	LOADP((DI))
	PREFETCHT0 (AX)
	PREFETCHT0 64(AX)
	PREFETCHT0 128(AX)
	PREFETCHT0 192(AX)
	I2ROW((SI), Z8, Z9, Z10, Z11)
	I2ROW((SI)(DX*1), Z12, Z13, Z14, Z15)
	I2ROW((SI)(DX*2), Z16, Z17, Z18, Z19)
	I2ROW((SI)(R8*1), Z20, Z21, Z22, Z23)
	ADDQ $64, SI
	ADDQ $256, DI
	ADDQ $256, AX
	DECQ R11
	JNZ  i4g

	I2COMBINE(Z8, Z9, Z10, Z11)
	I2COMBINE(Z12, Z13, Z14, Z15)
	I2COMBINE(Z16, Z17, Z18, Z19)
	I2COMBINE(Z20, Z21, Z22, Z23)
	IREDUCE4(Z8, Z12, Z16, Z20)
	I2EPI4
	VMOVUPS X11, (R13)
	ADDQ R8, SI
	ADDQ $16, R13
	SUBQ $4, R12
	JMP  i4

i1:
	TESTQ R12, R12
	JZ    idone
	MOVQ  p+24(FP), DI
	MOVQ  groups+16(FP), R11
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11

i1g:
	LOADP((DI))
	PREFETCHT0 PFDIST(SI)
	I2ROW((SI), Z8, Z9, Z10, Z11)
	ADDQ $64, SI
	ADDQ $256, DI
	DECQ R11
	JNZ  i1g

	I2COMBINE(Z8, Z9, Z10, Z11)
	VEXTRACTI64X4 $1, Z8, Y9
	VPADDD        Y9, Y8, Y9
	VEXTRACTI128  $1, Y9, X10
	VPADDD        X10, X9, X9
	VPSHUFD       $0xEE, X9, X10
	VPADDD        X10, X9, X9
	VPSHUFD       $0x55, X9, X10
	VPADDD        X10, X9, X11
	I2EPI4
	VMOVSS X11, (R13)
	ADDQ   $4, R13
	DECQ   R12
	JMP    i1

idone:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------------
// GEMM, TQ: ntok ≤ 4 activations. Two rows per iteration: both rows' planes are unpacked once
// per group (Z10–Z13, Z14–Z17) and applied to every token; token t's P planes are loaded once
// into Z0–Z3 for both rows. F[row a][t] = Z18+t, F[row b][t] = Z22+t.
// Token t's P is at DI + t·groups·256 = DI + t·4·DX, its C at CX + t·DX, its scales at
// BX + t·R9 (R9 = groups·4), its outputs at R13 + t·yStride·4 (BX after the loop). R14 is the
// prefetch pointer, PFDIST beyond the next row pair at the current group.

// func gemmTQAVX512(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)
TEXT ·gemmTQAVX512(SB), NOSPLIT, $0-72
	MOVQ codes+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ groups+16(FP), DX
	MOVQ y+56(FP), R13
	MOVQ DX, R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	SHLQ $6, DX
	LEAQ (DX)(DX*2), R8
	MOVL $0x03030303, AX
	VPBROADCASTD AX, Z4
	MOVL $0x1111, AX
	KMOVW AX, K1

mt2:
	CMPQ R12, $2
	JLT  mt1
	MOVQ p+32(FP), DI
	MOVQ c+40(FP), CX
	MOVQ sb+48(FP), BX
	MOVQ groups+16(FP), R11
	MOVQ ntok+24(FP), AX
	ZEROF
	LEAQ PFDIST(SI)(DX*2), R14
	CMPQ AX, $2
	JLT  mt2t1
	JEQ  mt2t2
	CMPQ AX, $4
	JLT  mt2t3

mt2t4:
	PREFETCHT0 (R14)
	PREFETCHT0 64(R14)
	ADDQ $128, R14
	UNPACK((SI), Z10, Z11, Z12, Z13)
	UNPACK((SI)(DX*1), Z14, Z15, Z16, Z17)
	TQ_T0_2
	TQ_T1_2
	TQ_T2_2
	TQ_T3_2
	GADVANCE
	JNZ mt2t4
	JMP mt2red

mt2t3:
	PREFETCHT0 (R14)
	PREFETCHT0 64(R14)
	ADDQ $128, R14
	UNPACK((SI), Z10, Z11, Z12, Z13)
	UNPACK((SI)(DX*1), Z14, Z15, Z16, Z17)
	TQ_T0_2
	TQ_T1_2
	TQ_T2_2
	GADVANCE
	JNZ mt2t3
	JMP mt2red

mt2t2:
	PREFETCHT0 (R14)
	PREFETCHT0 64(R14)
	ADDQ $128, R14
	UNPACK((SI), Z10, Z11, Z12, Z13)
	UNPACK((SI)(DX*1), Z14, Z15, Z16, Z17)
	TQ_T0_2
	TQ_T1_2
	GADVANCE
	JNZ mt2t2
	JMP mt2red

mt2t1:
	PREFETCHT0 (R14)
	PREFETCHT0 64(R14)
	ADDQ $128, R14
	UNPACK((SI), Z10, Z11, Z12, Z13)
	UNPACK((SI)(DX*1), Z14, Z15, Z16, Z17)
	TQ_T0_2
	GADVANCE
	JNZ mt2t1

mt2red:
	MOVQ yStride+64(FP), BX
	SHLQ $2, BX
	REDUCE4(Z18, Z19, Z20, Z21)
	PACK4
	STORETOK(mt2sa)
	REDUCE4(Z22, Z23, Z24, Z25)
	PACK4
	ADDQ $4, R13
	STORETOK(mt2sb)
	ADDQ $4, R13
	ADDQ DX, SI              // SI was at row b: skip it
	SUBQ $2, R12
	JMP  mt2

mt1:
	TESTQ R12, R12
	JZ    mtdone
	MOVQ p+32(FP), DI
	MOVQ c+40(FP), CX
	MOVQ sb+48(FP), BX
	MOVQ groups+16(FP), R11
	MOVQ ntok+24(FP), AX
	ZEROF
	CMPQ AX, $2
	JLT  mt1t1
	JEQ  mt1t2
	CMPQ AX, $4
	JLT  mt1t3

mt1t4:
	PREFETCHT0 PFDIST(SI)
	UNPACK((SI), Z10, Z11, Z12, Z13)
	TQ_T0_1
	TQ_T1_1
	TQ_T2_1
	TQ_T3_1
	GADVANCE
	JNZ mt1t4
	JMP mt1red

mt1t3:
	PREFETCHT0 PFDIST(SI)
	UNPACK((SI), Z10, Z11, Z12, Z13)
	TQ_T0_1
	TQ_T1_1
	TQ_T2_1
	GADVANCE
	JNZ mt1t3
	JMP mt1red

mt1t2:
	PREFETCHT0 PFDIST(SI)
	UNPACK((SI), Z10, Z11, Z12, Z13)
	TQ_T0_1
	TQ_T1_1
	GADVANCE
	JNZ mt1t2
	JMP mt1red

mt1t1:
	PREFETCHT0 PFDIST(SI)
	UNPACK((SI), Z10, Z11, Z12, Z13)
	TQ_T0_1
	GADVANCE
	JNZ mt1t1

mt1red:
	MOVQ yStride+64(FP), BX
	SHLQ $2, BX
	REDUCE4(Z18, Z19, Z20, Z21)
	PACK4
	STORETOK(mt1s)

mtdone:
	VZEROUPPER
	RET

// ---------------------------------------------------------------------------------------------
// GEMM, I2_S: one row per iteration, the four masked planes applied to ntok tokens with four
// accumulators per token (token t: Z8+4t .. Z11+4t), P planes as memory operands.

// func gemmI2SAVX512(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)
//
// Z28 = float32(sumq[t]), Z29 = s[t] per lane t (masked loads: lanes ≥ ntok are never read),
// Z30 = ws.
TEXT ·gemmI2SAVX512(SB), NOSPLIT, $0-80
	MOVQ codes+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ groups+16(FP), DX
	MOVQ y+64(FP), R13
	MOVQ yStride+72(FP), BX
	SHLQ $2, BX
	SHLQ $6, DX
	LEAQ (DX)(DX*2), R8
	MOVL $0x03030303, AX
	VPBROADCASTD AX, Z4
	MOVL $0x0C0C0C0C, AX
	VPBROADCASTD AX, Z5
	MOVL $0x30303030, AX
	VPBROADCASTD AX, Z6
	MOVL $0xC0C0C0C0, AX
	VPBROADCASTD AX, Z7
	MOVL $0x1111, AX
	KMOVW AX, K1
	MOVQ ntok+24(FP), CX
	MOVL $1, AX
	SHLL CX, AX
	DECL AX
	KMOVW AX, K2
	MOVQ sumq+40(FP), AX
	VMOVDQU32.Z (AX), K2, X28
	VCVTDQ2PS X28, X28
	MOVQ s+48(FP), AX
	VMOVUPS.Z (AX), K2, X29
	VBROADCASTSS ws+56(FP), Z30
	MOVQ CX, AX              // AX = ntok for STORETOK

mi:
	TESTQ R12, R12
	JZ    midone
	MOVQ  p+32(FP), DI
	MOVQ  groups+16(FP), R11
	VPXORD Z8, Z8, Z8
	VPXORD Z9, Z9, Z9
	VPXORD Z10, Z10, Z10
	VPXORD Z11, Z11, Z11
	VPXORD Z12, Z12, Z12
	VPXORD Z13, Z13, Z13
	VPXORD Z14, Z14, Z14
	VPXORD Z15, Z15, Z15
	VPXORD Z16, Z16, Z16
	VPXORD Z17, Z17, Z17
	VPXORD Z18, Z18, Z18
	VPXORD Z19, Z19, Z19
	VPXORD Z20, Z20, Z20
	VPXORD Z21, Z21, Z21
	VPXORD Z22, Z22, Z22
	VPXORD Z23, Z23, Z23
	CMPQ AX, $2
	JLT  mit1
	JEQ  mit2
	CMPQ AX, $4
	JLT  mit3

mit4:
	PREFETCHT0 PFDIST(SI)
	I2MASK((SI))
	I2T0
	I2T1
	I2T2
	I2T3
	ADDQ $64, SI
	ADDQ $256, DI
	DECQ R11
	JNZ  mit4
	JMP  mired

mit3:
	PREFETCHT0 PFDIST(SI)
	I2MASK((SI))
	I2T0
	I2T1
	I2T2
	ADDQ $64, SI
	ADDQ $256, DI
	DECQ R11
	JNZ  mit3
	JMP  mired

mit2:
	PREFETCHT0 PFDIST(SI)
	I2MASK((SI))
	I2T0
	I2T1
	ADDQ $64, SI
	ADDQ $256, DI
	DECQ R11
	JNZ  mit2
	JMP  mired

mit1:
	PREFETCHT0 PFDIST(SI)
	I2MASK((SI))
	I2T0
	ADDQ $64, SI
	ADDQ $256, DI
	DECQ R11
	JNZ  mit1

mired:
	I2COMBINE(Z8, Z9, Z10, Z11)
	I2COMBINE(Z12, Z13, Z14, Z15)
	I2COMBINE(Z16, Z17, Z18, Z19)
	I2COMBINE(Z20, Z21, Z22, Z23)
	IREDUCE4(Z8, Z12, Z16, Z20)
	I2EPI4
	VMOVDQA32 Z11, Z12
	STORETOK(mis)
	ADDQ $4, R13
	DECQ R12
	JMP  mi

midone:
	VZEROUPPER
	RET
