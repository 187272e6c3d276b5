//go:build !purego

#include "textflag.h"

// ---- Fused T1 kernels (VBMI + GFNI): the T1 bytes are decoded in registers and fed to
// VPDPBUSD directly, with the integer sums and the float epilogue of the T2 TQ kernels
// (tq_avx512_amd64.s), so the bits are those of expanding then multiplying.
//
// Registers: Z16–Z19 t1Quad, Z20–Z23 t1Fifth, Z4 the 0x03 byte mask, Z29–Z31 the GF2P8AFFINEQB
// bit matrices that move bit pair n (1–3) of every byte to bits 0–1 (one instruction per plane
// instead of a shift and a mask), Z0–Z3 the trit-4 planes (group 4), Z10–Z13 the T2 bytes of
// groups 0–3, Z6–Z9 the planes of one group, Z14 the group's int32 sums, Z24–Z27 the float
// lanes F of tokens 0–3. K1/K2 select the table halves; K3 = 0x1111 for the reduction.

#define PFDIST1 4096

// T1LOOK: the 64 T1 bytes at mem into V; Q = t1Quad[V] (a T2 byte: trits 0–3), then
// V = t1Fifth[V] (trit 4: plane k of group 4). A 256-entry lookup is two masked VPERMI2B over
// 128-entry halves, chosen by the top bit.
#define T1LOOK(mem, V, Q) \
	VMOVDQU64 mem, V;          \
	VPMOVB2M  V, K1;           \
	KNOTQ     K1, K2;          \
	VMOVDQA64 V, Q;            \
	VPERMI2B  Z19, Z18, K1, Q; \
	VPERMI2B  Z17, Z16, K2, Q; \
	VPERMI2B  Z23, Z22, K1, V; \
	VPERMI2B  Z21, Z20, K2, V

// T1PLANES: the 4 planes of the T2 bytes Q into Z6–Z9.
#define T1PLANES(Q) \
	VPANDD         Z4, Q, Z6;       \
	VGF2P8AFFINEQB $0, Z29, Q, Z7;  \
	VGF2P8AFFINEQB $0, Z30, Q, Z8;  \
	VGF2P8AFFINEQB $0, Z31, Q, Z9

// T1EPI: F += float32(float32(Z14)·s), s the f32 at sm.
#define T1EPI(sm, F) \
	VCVTDQ2PS   Z14, Z14;     \
	VMULPS.BCST sm, Z14, Z14; \
	VADDPS      Z14, F, F

// T1G: one group of one token, planes Z6–Z9: the P planes at po(DI)PI, C at co(CX)CI, the
// scale at so(BX)SX (PI, CI, SX the token's index operands).
#define T1G(po, co, so, F, PI, CI, SX) \
	VMOVDQU32 co(CX)CI, Z14;         \
	VPDPBUSD  po(DI)PI, Z6, Z14;     \
	VPDPBUSD  po+64(DI)PI, Z7, Z14;  \
	VPDPBUSD  po+128(DI)PI, Z8, Z14; \
	VPDPBUSD  po+192(DI)PI, Z9, Z14; \
	T1EPI(so(BX)SX, F)

// T1V: group 4 of a super group (planes Z0–Z3) for one token.
#define T1V(F, PI, CI, SX) \
	VMOVDQU32 256(CX)CI, Z14;      \
	VPDPBUSD  1024(DI)PI, Z0, Z14; \
	VPDPBUSD  1088(DI)PI, Z1, Z14; \
	VPDPBUSD  1152(DI)PI, Z2, Z14; \
	VPDPBUSD  1216(DI)PI, Z3, Z14; \
	T1EPI(16(BX)SX, F)

// Token t's operands: P at t·groups·256 (DX = groups·64, R8 = 3·DX), C at t·groups·64, the
// scales at t·groups·4 (R9 = groups·4, R10 = 3·R9); R14 = 0 for token 0.
#define T1GT0(po, co, so) T1G(po, co, so, Z24, (R14*1), (R14*1), (R14*1))

#define T1GT1(po, co, so) T1G(po, co, so, Z25, (DX*4), (DX*1), (R9*1))

#define T1GT2(po, co, so) T1G(po, co, so, Z26, (DX*8), (DX*2), (R9*2))

#define T1GT3(po, co, so) T1G(po, co, so, Z27, (R8*4), (R8*1), (R10*1))

#define T1VT0 T1V(Z24, (R14*1), (R14*1), (R14*1))

#define T1VT1 T1V(Z25, (DX*4), (DX*1), (R9*1))

#define T1VT2 T1V(Z26, (DX*8), (DX*2), (R9*2))

#define T1VT3 T1V(Z27, (R8*4), (R8*1), (R10*1))

// T1GRPn: group (po, co, so) of T2 bytes Q for n tokens; T1FIFn: group 4 for n tokens.
#define T1GRP1(po, co, so, Q) T1PLANES(Q); T1GT0(po, co, so)

#define T1GRP2(po, co, so, Q) T1GRP1(po, co, so, Q); T1GT1(po, co, so)

#define T1GRP3(po, co, so, Q) T1GRP2(po, co, so, Q); T1GT2(po, co, so)

#define T1GRP4(po, co, so, Q) T1GRP3(po, co, so, Q); T1GT3(po, co, so)

#define T1FIF1 T1VT0

#define T1FIF2 T1VT0; T1VT1

#define T1FIF3 T1VT0; T1VT1; T1VT2

#define T1FIF4 T1VT0; T1VT1; T1VT2; T1VT3

// T1LOOK4: decode the super group at SI (prefetching ahead of it).
#define T1LOOK4 \
	PREFETCHT0 PFDIST1(SI);      \
	PREFETCHT0 PFDIST1+64(SI);   \
	PREFETCHT0 PFDIST1+128(SI);  \
	PREFETCHT0 PFDIST1+192(SI);  \
	T1LOOK(0(SI), Z0, Z10);      \
	T1LOOK(64(SI), Z1, Z11);     \
	T1LOOK(128(SI), Z2, Z12);    \
	T1LOOK(192(SI), Z3, Z13)

// T1SUPn: one super group (5 groups, in order) for n tokens; T1PLAINn: one plain T2 group.
#define T1SUP(GRP, FIF) \
	T1LOOK4;                 \
	GRP(0, 0, 0, Z10);       \
	GRP(256, 64, 4, Z11);    \
	GRP(512, 128, 8, Z12);   \
	GRP(768, 192, 12, Z13);  \
	FIF

#define T1PLAIN(GRP) \
	PREFETCHT0 PFDIST1(SI); \
	VMOVDQU64 (SI), Z10;    \
	GRP(0, 0, 0, Z10)

#define T1SADV \
	ADDQ $256, SI;  \
	ADDQ $1280, DI; \
	ADDQ $320, CX;  \
	ADDQ $20, BX

#define T1PADV \
	ADDQ $64, SI;  \
	ADDQ $256, DI; \
	ADDQ $64, CX;  \
	ADDQ $4, BX

// T1CONST: the tables, masks and matrices (AX clobbered).
#define T1CONST \
	VMOVDQU64 t1Quad<>+0(SB), Z16;      \
	VMOVDQU64 t1Quad<>+64(SB), Z17;     \
	VMOVDQU64 t1Quad<>+128(SB), Z18;    \
	VMOVDQU64 t1Quad<>+192(SB), Z19;    \
	VMOVDQU64 t1Fifth<>+0(SB), Z20;     \
	VMOVDQU64 t1Fifth<>+64(SB), Z21;    \
	VMOVDQU64 t1Fifth<>+128(SB), Z22;   \
	VMOVDQU64 t1Fifth<>+192(SB), Z23;   \
	MOVL $0x03030303, AX;               \
	VPBROADCASTD AX, Z4;                \
	MOVQ $0x0408000000000000, AX;       \
	VPBROADCASTQ AX, Z29;               \
	MOVQ $0x1020000000000000, AX;       \
	VPBROADCASTQ AX, Z30;               \
	MOVQ $0x4080000000000000, AX;       \
	VPBROADCASTQ AX, Z31;               \
	MOVL $0x1111, AX;                   \
	KMOVW AX, K3;                       \
	XORL R14, R14

// T1REDUCE1: the canonical tree over the 16 lanes of Z24, result in lane 0 of X9.
#define T1REDUCE1 \
	VEXTRACTF64X4 $1, Z24, Y9;   \
	VADDPS        Y9, Y24, Y9;   \
	VEXTRACTF128  $1, Y9, X10;   \
	VADDPS        X10, X9, X9;   \
	VPERMILPS     $0xEE, X9, X10; \
	VADDPS        X10, X9, X9;   \
	VMOVSHDUP     X9, X10;       \
	VADDSS        X10, X9, X9

// T1REDUCE4: the tree for Z24–Z27 at once (as REDUCE4 in tq_avx512_amd64.s), results in
// lanes 0–3 of X12 (Z9–Z12 clobbered).
#define T1REDUCE4 \
	VSHUFF64X2 $0x44, Z25, Z24, Z9;  \
	VSHUFF64X2 $0xEE, Z25, Z24, Z10; \
	VADDPS     Z10, Z9, Z9;          \
	VSHUFF64X2 $0x44, Z27, Z26, Z10; \
	VSHUFF64X2 $0xEE, Z27, Z26, Z11; \
	VADDPS     Z11, Z10, Z10;        \
	VSHUFF32X4 $0x88, Z10, Z9, Z11;  \
	VSHUFF32X4 $0xDD, Z10, Z9, Z12;  \
	VADDPS     Z12, Z11, Z11;        \
	VPERMILPS  $0xEE, Z11, Z12;      \
	VADDPS     Z12, Z11, Z11;        \
	VMOVSHDUP  Z11, Z12;             \
	VADDPS     Z12, Z11, Z11;        \
	VPCOMPRESSD Z11, K3, Z12

// T1STORE: lane t of X12 to R13 + t·BX for t < ntok = AX; CX clobbered.
#define T1STORE(lbl) \
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

// func decodeT1AVX512(dst, src *byte, rows, groups int)
//
// Expands T1 rows into T2 codes (t1.go). Per super group: 4 zmm of packed bytes; per trit
// plane, code = [m > 85] + [m > 170] (unsigned byte compares into K1, K2) is added, weighted by
// 4^p, into its T2 group under the masks; then m = 3m (two byte additions, wrapping).
// Z0–Z3 packed bytes, Z10–Z14 the 5 T2 groups, Z26–Z29 the weights 1, 4, 16, 64,
// Z30/Z31 the thresholds 85 and 170. AVX-512 F/BW only.
TEXT ·decodeT1AVX512(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ groups+24(FP), AX
	XORL DX, DX
	MOVQ $5, BX
	DIVQ BX
	MOVQ AX, R8 // super groups per row
	MOVQ DX, R9 // plain T2 groups per row
	MOVL $0x55555555, AX
	VPBROADCASTD AX, Z30
	MOVL $0xaaaaaaaa, AX
	VPBROADCASTD AX, Z31
	MOVL $0x01010101, AX
	VPBROADCASTD AX, Z26
	MOVL $0x04040404, AX
	VPBROADCASTD AX, Z27
	MOVL $0x10101010, AX
	VPBROADCASTD AX, Z28
	MOVL $0x40404040, AX
	VPBROADCASTD AX, Z29

row512:
	MOVQ R8, R10
	TESTQ R10, R10
	JZ rem512

super512:
	PREFETCHT0 1024(SI)
	PREFETCHT0 1088(SI)
	PREFETCHT0 1152(SI)
	PREFETCHT0 1216(SI)
	VMOVDQU64 0(SI), Z0
	VMOVDQU64 64(SI), Z1
	VMOVDQU64 128(SI), Z2
	VMOVDQU64 192(SI), Z3
	VPXORQ Z10, Z10, Z10
	VPXORQ Z11, Z11, Z11
	VPXORQ Z12, Z12, Z12
	VPXORQ Z13, Z13, Z13
	VPXORQ Z14, Z14, Z14
	VPCMPUB $6, Z30, Z0, K1
	VPCMPUB $6, Z31, Z0, K2
	VPADDB Z26, Z10, K1, Z10
	VPADDB Z26, Z10, K2, Z10
	VPADDB Z0, Z0, Z4
	VPADDB Z4, Z0, Z0
	VPCMPUB $6, Z30, Z0, K1
	VPCMPUB $6, Z31, Z0, K2
	VPADDB Z27, Z10, K1, Z10
	VPADDB Z27, Z10, K2, Z10
	VPADDB Z0, Z0, Z4
	VPADDB Z4, Z0, Z0
	VPCMPUB $6, Z30, Z0, K1
	VPCMPUB $6, Z31, Z0, K2
	VPADDB Z28, Z10, K1, Z10
	VPADDB Z28, Z10, K2, Z10
	VPADDB Z0, Z0, Z4
	VPADDB Z4, Z0, Z0
	VPCMPUB $6, Z30, Z0, K1
	VPCMPUB $6, Z31, Z0, K2
	VPADDB Z29, Z10, K1, Z10
	VPADDB Z29, Z10, K2, Z10
	VPADDB Z0, Z0, Z4
	VPADDB Z4, Z0, Z0
	VPCMPUB $6, Z30, Z0, K1
	VPCMPUB $6, Z31, Z0, K2
	VPADDB Z26, Z14, K1, Z14
	VPADDB Z26, Z14, K2, Z14
	VPCMPUB $6, Z30, Z1, K1
	VPCMPUB $6, Z31, Z1, K2
	VPADDB Z26, Z11, K1, Z11
	VPADDB Z26, Z11, K2, Z11
	VPADDB Z1, Z1, Z4
	VPADDB Z4, Z1, Z1
	VPCMPUB $6, Z30, Z1, K1
	VPCMPUB $6, Z31, Z1, K2
	VPADDB Z27, Z11, K1, Z11
	VPADDB Z27, Z11, K2, Z11
	VPADDB Z1, Z1, Z4
	VPADDB Z4, Z1, Z1
	VPCMPUB $6, Z30, Z1, K1
	VPCMPUB $6, Z31, Z1, K2
	VPADDB Z28, Z11, K1, Z11
	VPADDB Z28, Z11, K2, Z11
	VPADDB Z1, Z1, Z4
	VPADDB Z4, Z1, Z1
	VPCMPUB $6, Z30, Z1, K1
	VPCMPUB $6, Z31, Z1, K2
	VPADDB Z29, Z11, K1, Z11
	VPADDB Z29, Z11, K2, Z11
	VPADDB Z1, Z1, Z4
	VPADDB Z4, Z1, Z1
	VPCMPUB $6, Z30, Z1, K1
	VPCMPUB $6, Z31, Z1, K2
	VPADDB Z27, Z14, K1, Z14
	VPADDB Z27, Z14, K2, Z14
	VPCMPUB $6, Z30, Z2, K1
	VPCMPUB $6, Z31, Z2, K2
	VPADDB Z26, Z12, K1, Z12
	VPADDB Z26, Z12, K2, Z12
	VPADDB Z2, Z2, Z4
	VPADDB Z4, Z2, Z2
	VPCMPUB $6, Z30, Z2, K1
	VPCMPUB $6, Z31, Z2, K2
	VPADDB Z27, Z12, K1, Z12
	VPADDB Z27, Z12, K2, Z12
	VPADDB Z2, Z2, Z4
	VPADDB Z4, Z2, Z2
	VPCMPUB $6, Z30, Z2, K1
	VPCMPUB $6, Z31, Z2, K2
	VPADDB Z28, Z12, K1, Z12
	VPADDB Z28, Z12, K2, Z12
	VPADDB Z2, Z2, Z4
	VPADDB Z4, Z2, Z2
	VPCMPUB $6, Z30, Z2, K1
	VPCMPUB $6, Z31, Z2, K2
	VPADDB Z29, Z12, K1, Z12
	VPADDB Z29, Z12, K2, Z12
	VPADDB Z2, Z2, Z4
	VPADDB Z4, Z2, Z2
	VPCMPUB $6, Z30, Z2, K1
	VPCMPUB $6, Z31, Z2, K2
	VPADDB Z28, Z14, K1, Z14
	VPADDB Z28, Z14, K2, Z14
	VPCMPUB $6, Z30, Z3, K1
	VPCMPUB $6, Z31, Z3, K2
	VPADDB Z26, Z13, K1, Z13
	VPADDB Z26, Z13, K2, Z13
	VPADDB Z3, Z3, Z4
	VPADDB Z4, Z3, Z3
	VPCMPUB $6, Z30, Z3, K1
	VPCMPUB $6, Z31, Z3, K2
	VPADDB Z27, Z13, K1, Z13
	VPADDB Z27, Z13, K2, Z13
	VPADDB Z3, Z3, Z4
	VPADDB Z4, Z3, Z3
	VPCMPUB $6, Z30, Z3, K1
	VPCMPUB $6, Z31, Z3, K2
	VPADDB Z28, Z13, K1, Z13
	VPADDB Z28, Z13, K2, Z13
	VPADDB Z3, Z3, Z4
	VPADDB Z4, Z3, Z3
	VPCMPUB $6, Z30, Z3, K1
	VPCMPUB $6, Z31, Z3, K2
	VPADDB Z29, Z13, K1, Z13
	VPADDB Z29, Z13, K2, Z13
	VPADDB Z3, Z3, Z4
	VPADDB Z4, Z3, Z3
	VPCMPUB $6, Z30, Z3, K1
	VPCMPUB $6, Z31, Z3, K2
	VPADDB Z29, Z14, K1, Z14
	VPADDB Z29, Z14, K2, Z14
	VMOVDQU64 Z10, 0(DI)
	VMOVDQU64 Z11, 64(DI)
	VMOVDQU64 Z12, 128(DI)
	VMOVDQU64 Z13, 192(DI)
	VMOVDQU64 Z14, 256(DI)
	ADDQ $256, SI
	ADDQ $320, DI
	DECQ R10
	JNZ super512

rem512:
	MOVQ R9, R10
	TESTQ R10, R10
	JZ next512

copy512:
	VMOVDQU64 (SI), Z0
	VMOVDQU64 Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ R10
	JNZ copy512

next512:
	DECQ CX
	JNZ row512
	VZEROUPPER
	RET

// t1Quad[b] is the T2 byte of trits 0–3 of b (trit n in bits 2n), t1Fifth[b] trit 4 of b.
DATA t1Quad<>+0(SB)/8, $0x8040404000000000
DATA t1Quad<>+8(SB)/8, $0x5050501010108080
DATA t1Quad<>+16(SB)/8, $0x6020202020909090
DATA t1Quad<>+24(SB)/8, $0x040404a0a0a06060
DATA t1Quad<>+32(SB)/8, $0x1414848484444444
DATA t1Quad<>+40(SB)/8, $0x9494945454541414
DATA t1Quad<>+48(SB)/8, $0xa4a4646464242424
DATA t1Quad<>+56(SB)/8, $0x48484808080808a4
DATA t1Quad<>+64(SB)/8, $0x5858181818888888
DATA t1Quad<>+72(SB)/8, $0x2828282898989858
DATA t1Quad<>+80(SB)/8, $0x0101a8a8a8686868
DATA t1Quad<>+88(SB)/8, $0x1181818141414101
DATA t1Quad<>+96(SB)/8, $0x9191515151511111
DATA t1Quad<>+104(SB)/8, $0xa161616121212191
DATA t1Quad<>+112(SB)/8, $0x454545050505a1a1
DATA t1Quad<>+120(SB)/8, $0x5515151585858545
DATA t1Quad<>+128(SB)/8, $0x2525259595955555
DATA t1Quad<>+136(SB)/8, $0x09a5a5a565656565
DATA t1Quad<>+144(SB)/8, $0x8989894949490909
DATA t1Quad<>+152(SB)/8, $0x9959595959191919
DATA t1Quad<>+160(SB)/8, $0x6969692929299999
DATA t1Quad<>+168(SB)/8, $0x4242020202a9a9a9
DATA t1Quad<>+176(SB)/8, $0x1212128282828242
DATA t1Quad<>+184(SB)/8, $0x2222929292525252
DATA t1Quad<>+192(SB)/8, $0xa2a2a2a262626222
DATA t1Quad<>+200(SB)/8, $0x8686464646060606
DATA t1Quad<>+208(SB)/8, $0x9656565616161686
DATA t1Quad<>+216(SB)/8, $0x6666262626969696
DATA t1Quad<>+224(SB)/8, $0x4a0a0a0aa6a6a666
DATA t1Quad<>+232(SB)/8, $0x1a1a8a8a8a8a4a4a
DATA t1Quad<>+240(SB)/8, $0x2a9a9a9a5a5a5a1a
DATA t1Quad<>+248(SB)/8, $0xaaaaaa6a6a6a2a2a
GLOBL t1Quad<>(SB), RODATA|NOPTR, $256
DATA t1Fifth<>+0(SB)/8, $0x0002010002010000
DATA t1Fifth<>+8(SB)/8, $0x0201000201000201
DATA t1Fifth<>+16(SB)/8, $0x0002010000020100
DATA t1Fifth<>+24(SB)/8, $0x0201000201000201
DATA t1Fifth<>+32(SB)/8, $0x0100020100020100
DATA t1Fifth<>+40(SB)/8, $0x0201000201000201
DATA t1Fifth<>+48(SB)/8, $0x0100020100020100
DATA t1Fifth<>+56(SB)/8, $0x0201000202010002
DATA t1Fifth<>+64(SB)/8, $0x0100020100020100
DATA t1Fifth<>+72(SB)/8, $0x0202010002010002
DATA t1Fifth<>+80(SB)/8, $0x0100020100020100
DATA t1Fifth<>+88(SB)/8, $0x0002010002010002
DATA t1Fifth<>+96(SB)/8, $0x0100020100000201
DATA t1Fifth<>+104(SB)/8, $0x0002010002010002
DATA t1Fifth<>+112(SB)/8, $0x0101000201000201
DATA t1Fifth<>+120(SB)/8, $0x0002010002010002
DATA t1Fifth<>+128(SB)/8, $0x0201000201000201
DATA t1Fifth<>+136(SB)/8, $0x0002010002010100
DATA t1Fifth<>+144(SB)/8, $0x0201000201000201
DATA t1Fifth<>+152(SB)/8, $0x0002020100020100
DATA t1Fifth<>+160(SB)/8, $0x0201000201000201
DATA t1Fifth<>+168(SB)/8, $0x0100020100020100
DATA t1Fifth<>+176(SB)/8, $0x0201000201000002
DATA t1Fifth<>+184(SB)/8, $0x0100020100020100
DATA t1Fifth<>+192(SB)/8, $0x0201000002010002
DATA t1Fifth<>+200(SB)/8, $0x0100020100020100
DATA t1Fifth<>+208(SB)/8, $0x0002010002010002
DATA t1Fifth<>+216(SB)/8, $0x0100020100020101
DATA t1Fifth<>+224(SB)/8, $0x0002010002010002
DATA t1Fifth<>+232(SB)/8, $0x0100020201000201
DATA t1Fifth<>+240(SB)/8, $0x0002010002010002
DATA t1Fifth<>+248(SB)/8, $0x0201000201000201
GLOBL t1Fifth<>(SB), RODATA|NOPTR, $256

// func decodeT1VBMI(dst, src *byte, rows, groups int)
//
// With AVX-512 VBMI a super group takes 8 table lookups instead of 20 trit planes: T2 group k
// (k < 4) is t1Quad[byte of vector k], and group 4 ORs t1Fifth[byte of vector k] << 2k. A
// 256-entry lookup is two masked VPERMI2B over 128-entry halves, chosen by the top index bit.
// Z16–Z19 t1Quad, Z20–Z23 t1Fifth, Z0–Z3 packed bytes, Z4–Z12 results.
TEXT ·decodeT1VBMI(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ groups+24(FP), AX
	XORL DX, DX
	MOVQ $5, BX
	DIVQ BX
	MOVQ AX, R8 // super groups per row
	MOVQ DX, R9 // plain T2 groups per row
	VMOVDQU64 t1Quad<>+0(SB), Z16
	VMOVDQU64 t1Quad<>+64(SB), Z17
	VMOVDQU64 t1Quad<>+128(SB), Z18
	VMOVDQU64 t1Quad<>+192(SB), Z19
	VMOVDQU64 t1Fifth<>+0(SB), Z20
	VMOVDQU64 t1Fifth<>+64(SB), Z21
	VMOVDQU64 t1Fifth<>+128(SB), Z22
	VMOVDQU64 t1Fifth<>+192(SB), Z23

rowvbmi:
	MOVQ R8, R10
	TESTQ R10, R10
	JZ remvbmi

supervbmi:
	PREFETCHT0 1024(SI)
	PREFETCHT0 1088(SI)
	PREFETCHT0 1152(SI)
	PREFETCHT0 1216(SI)
	VMOVDQU64 0(SI), Z0
	VPMOVB2M Z0, K1
	KNOTQ K1, K2
	VMOVDQA64 Z0, Z4
	VPERMI2B Z19, Z18, K1, Z4
	VPERMI2B Z17, Z16, K2, Z4
	VMOVDQA64 Z0, Z9
	VPERMI2B Z23, Z22, K1, Z9
	VPERMI2B Z21, Z20, K2, Z9
	VMOVDQU64 Z4, 0(DI)
	VMOVDQU64 64(SI), Z1
	VPMOVB2M Z1, K1
	KNOTQ K1, K2
	VMOVDQA64 Z1, Z5
	VPERMI2B Z19, Z18, K1, Z5
	VPERMI2B Z17, Z16, K2, Z5
	VMOVDQA64 Z1, Z10
	VPERMI2B Z23, Z22, K1, Z10
	VPERMI2B Z21, Z20, K2, Z10
	VMOVDQU64 Z5, 64(DI)
	VMOVDQU64 128(SI), Z2
	VPMOVB2M Z2, K1
	KNOTQ K1, K2
	VMOVDQA64 Z2, Z6
	VPERMI2B Z19, Z18, K1, Z6
	VPERMI2B Z17, Z16, K2, Z6
	VMOVDQA64 Z2, Z11
	VPERMI2B Z23, Z22, K1, Z11
	VPERMI2B Z21, Z20, K2, Z11
	VMOVDQU64 Z6, 128(DI)
	VMOVDQU64 192(SI), Z3
	VPMOVB2M Z3, K1
	KNOTQ K1, K2
	VMOVDQA64 Z3, Z7
	VPERMI2B Z19, Z18, K1, Z7
	VPERMI2B Z17, Z16, K2, Z7
	VMOVDQA64 Z3, Z12
	VPERMI2B Z23, Z22, K1, Z12
	VPERMI2B Z21, Z20, K2, Z12
	VMOVDQU64 Z7, 192(DI)
	VPSLLW $2, Z10, Z10
	VPSLLW $4, Z11, Z11
	VPSLLW $6, Z12, Z12
	VPTERNLOGD $0xfe, Z11, Z10, Z9
	VPORD Z12, Z9, Z9
	VMOVDQU64 Z9, 256(DI)
	ADDQ $256, SI
	ADDQ $320, DI
	DECQ R10
	JNZ supervbmi

remvbmi:
	MOVQ R9, R10
	TESTQ R10, R10
	JZ nextvbmi

copyvbmi:
	VMOVDQU64 (SI), Z0
	VMOVDQU64 Z0, (DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ R10
	JNZ copyvbmi

nextvbmi:
	DECQ CX
	JNZ rowvbmi
	VZEROUPPER
	RET

// func gemvT1VBMI(t1 *byte, rows, groups int, p *int8, c *int32, sb *float32, sbStride int, y *float32)
//
// gemvTQ (t2gemv.go) on T1 rows, one row at a time: per super group 4 loads, 8 table lookups,
// 16 plane extractions and 20 VPDPBUSD. SI = the T1 bytes, DI = P, CX = C, BX = the row's
// scales at the group, AX = the row's scales, R9 = the scale row stride, R13 = y, R12 = rows
// left, R11 = super groups (then plain groups) left, supers/rem in the frame.
TEXT ·gemvT1VBMI(SB), NOSPLIT, $16-64
	MOVQ groups+16(FP), AX
	XORL DX, DX
	MOVQ $5, BX
	DIVQ BX
	MOVQ AX, supers-8(SP)
	MOVQ DX, rem-16(SP)
	T1CONST
	MOVQ t1+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ sb+40(FP), AX
	MOVQ sbStride+48(FP), R9
	MOVQ y+56(FP), R13
	SHLQ $2, R9

v1row:
	MOVQ p+24(FP), DI
	MOVQ c+32(FP), CX
	MOVQ AX, BX
	VPXORD Z24, Z24, Z24
	MOVQ supers-8(SP), R11
	TESTQ R11, R11
	JZ v1rem

v1super:
	T1SUP(T1GRP1, T1FIF1)
	T1SADV
	DECQ R11
	JNZ v1super

v1rem:
	MOVQ rem-16(SP), R11
	TESTQ R11, R11
	JZ v1end

v1plain:
	T1PLAIN(T1GRP1)
	T1PADV
	DECQ R11
	JNZ v1plain

v1end:
	T1REDUCE1
	VMOVSS X9, (R13)
	ADDQ R9, AX
	ADDQ $4, R13
	DECQ R12
	JNZ v1row
	VZEROUPPER
	RET

// func gemmT1VBMI(t1 *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)
//
// gemmTQ (t2gemv.go) on T1 rows: each row's super groups are decoded once for the ntok tokens,
// one loop per token count. Register roles as in gemvT1VBMI, with the token strides of T1GTn.
TEXT ·gemmT1VBMI(SB), NOSPLIT, $16-72
	MOVQ groups+16(FP), AX
	XORL DX, DX
	MOVQ $5, BX
	DIVQ BX
	MOVQ AX, supers-8(SP)
	MOVQ DX, rem-16(SP)
	T1CONST
	MOVQ t1+0(FP), SI
	MOVQ rows+8(FP), R12
	MOVQ groups+16(FP), DX
	MOVQ y+56(FP), R13
	MOVQ DX, R9
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	SHLQ $6, DX
	LEAQ (DX)(DX*2), R8

m1row:
	MOVQ p+32(FP), DI
	MOVQ c+40(FP), CX
	MOVQ sb+48(FP), BX
	MOVQ ntok+24(FP), AX
	VPXORD Z24, Z24, Z24
	VPXORD Z25, Z25, Z25
	VPXORD Z26, Z26, Z26
	VPXORD Z27, Z27, Z27
	MOVQ supers-8(SP), R11
	TESTQ R11, R11
	JZ m1rem
	CMPQ AX, $2
	JLT  m1s1
	JEQ  m1s2
	CMPQ AX, $4
	JLT  m1s3

m1s4:
	T1SUP(T1GRP4, T1FIF4)
	T1SADV
	DECQ R11
	JNZ m1s4
	JMP m1rem

m1s3:
	T1SUP(T1GRP3, T1FIF3)
	T1SADV
	DECQ R11
	JNZ m1s3
	JMP m1rem

m1s2:
	T1SUP(T1GRP2, T1FIF2)
	T1SADV
	DECQ R11
	JNZ m1s2
	JMP m1rem

m1s1:
	T1SUP(T1GRP1, T1FIF1)
	T1SADV
	DECQ R11
	JNZ m1s1

m1rem:
	MOVQ rem-16(SP), R11
	TESTQ R11, R11
	JZ m1end

m1plain:
	// The plain groups: every token count through the 4-token code would read P, C and scales
	// of absent tokens, so branch per token instead (at most 4 groups a row).
	T1PLAIN(T1GRP1)
	CMPQ AX, $2
	JLT  m1pn
	T1GT1(0, 0, 0)
	CMPQ AX, $3
	JLT  m1pn
	T1GT2(0, 0, 0)
	CMPQ AX, $4
	JLT  m1pn
	T1GT3(0, 0, 0)

m1pn:
	T1PADV
	DECQ R11
	JNZ m1plain

m1end:
	MOVQ yStride+64(FP), BX
	SHLQ $2, BX
	T1REDUCE4
	T1STORE(m1st)
	ADDQ $4, R13
	DECQ R12
	JNZ m1row
	VZEROUPPER
	RET
