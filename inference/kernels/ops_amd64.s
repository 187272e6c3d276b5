//go:build !purego

#include "textflag.h"

// Element-wise kernels for amd64 (Go declarations in ops_amd64.go, canonical definitions in
// ops_dispatch.go, ops_quant.go and exp.go). n is a positive multiple of 16 elements; the AVX2
// kernels handle 16 elements as two ymm halves, so the 16 float64 lanes of the sums are
// (lo, hi) pairs as in the AVX-512 kernels. Every float operation is the reference's, unfused,
// in its order; MAX/MIN take the operands so that NaN behaves as the Go comparisons do.

// Constants, each repeated 8 times (32 bytes): AVX2 uses them as ymm memory operands,
// AVX-512 broadcasts the first element.
#define C_LO 0
#define C_HI 32
#define C_LOG2E 64
#define C_MAGIC 96
#define C_C1 128
#define C_C2 160
#define C_P0 192
#define C_P1 224
#define C_P2 256
#define C_P3 288
#define C_P4 320
#define C_P5 352
#define C_ONE 384
#define C_I127 416
#define C_ABS 448
#define C_SIGN 480
#define C_M23 512
#define C_I400000 544
#define C_B1 576
#define C_W1 608
#define C_FF 640

DATA opsc<>+0(SB)/4, $0xc2d00000
DATA opsc<>+4(SB)/4, $0xc2d00000
DATA opsc<>+8(SB)/4, $0xc2d00000
DATA opsc<>+12(SB)/4, $0xc2d00000
DATA opsc<>+16(SB)/4, $0xc2d00000
DATA opsc<>+20(SB)/4, $0xc2d00000
DATA opsc<>+24(SB)/4, $0xc2d00000
DATA opsc<>+28(SB)/4, $0xc2d00000
DATA opsc<>+32(SB)/4, $0x42b20000
DATA opsc<>+36(SB)/4, $0x42b20000
DATA opsc<>+40(SB)/4, $0x42b20000
DATA opsc<>+44(SB)/4, $0x42b20000
DATA opsc<>+48(SB)/4, $0x42b20000
DATA opsc<>+52(SB)/4, $0x42b20000
DATA opsc<>+56(SB)/4, $0x42b20000
DATA opsc<>+60(SB)/4, $0x42b20000
DATA opsc<>+64(SB)/4, $0x3fb8aa3b
DATA opsc<>+68(SB)/4, $0x3fb8aa3b
DATA opsc<>+72(SB)/4, $0x3fb8aa3b
DATA opsc<>+76(SB)/4, $0x3fb8aa3b
DATA opsc<>+80(SB)/4, $0x3fb8aa3b
DATA opsc<>+84(SB)/4, $0x3fb8aa3b
DATA opsc<>+88(SB)/4, $0x3fb8aa3b
DATA opsc<>+92(SB)/4, $0x3fb8aa3b
DATA opsc<>+96(SB)/4, $0x4b400000
DATA opsc<>+100(SB)/4, $0x4b400000
DATA opsc<>+104(SB)/4, $0x4b400000
DATA opsc<>+108(SB)/4, $0x4b400000
DATA opsc<>+112(SB)/4, $0x4b400000
DATA opsc<>+116(SB)/4, $0x4b400000
DATA opsc<>+120(SB)/4, $0x4b400000
DATA opsc<>+124(SB)/4, $0x4b400000
DATA opsc<>+128(SB)/4, $0x3f318000
DATA opsc<>+132(SB)/4, $0x3f318000
DATA opsc<>+136(SB)/4, $0x3f318000
DATA opsc<>+140(SB)/4, $0x3f318000
DATA opsc<>+144(SB)/4, $0x3f318000
DATA opsc<>+148(SB)/4, $0x3f318000
DATA opsc<>+152(SB)/4, $0x3f318000
DATA opsc<>+156(SB)/4, $0x3f318000
DATA opsc<>+160(SB)/4, $0xb95e8083
DATA opsc<>+164(SB)/4, $0xb95e8083
DATA opsc<>+168(SB)/4, $0xb95e8083
DATA opsc<>+172(SB)/4, $0xb95e8083
DATA opsc<>+176(SB)/4, $0xb95e8083
DATA opsc<>+180(SB)/4, $0xb95e8083
DATA opsc<>+184(SB)/4, $0xb95e8083
DATA opsc<>+188(SB)/4, $0xb95e8083
DATA opsc<>+192(SB)/4, $0x39506967
DATA opsc<>+196(SB)/4, $0x39506967
DATA opsc<>+200(SB)/4, $0x39506967
DATA opsc<>+204(SB)/4, $0x39506967
DATA opsc<>+208(SB)/4, $0x39506967
DATA opsc<>+212(SB)/4, $0x39506967
DATA opsc<>+216(SB)/4, $0x39506967
DATA opsc<>+220(SB)/4, $0x39506967
DATA opsc<>+224(SB)/4, $0x3ab743ce
DATA opsc<>+228(SB)/4, $0x3ab743ce
DATA opsc<>+232(SB)/4, $0x3ab743ce
DATA opsc<>+236(SB)/4, $0x3ab743ce
DATA opsc<>+240(SB)/4, $0x3ab743ce
DATA opsc<>+244(SB)/4, $0x3ab743ce
DATA opsc<>+248(SB)/4, $0x3ab743ce
DATA opsc<>+252(SB)/4, $0x3ab743ce
DATA opsc<>+256(SB)/4, $0x3c088908
DATA opsc<>+260(SB)/4, $0x3c088908
DATA opsc<>+264(SB)/4, $0x3c088908
DATA opsc<>+268(SB)/4, $0x3c088908
DATA opsc<>+272(SB)/4, $0x3c088908
DATA opsc<>+276(SB)/4, $0x3c088908
DATA opsc<>+280(SB)/4, $0x3c088908
DATA opsc<>+284(SB)/4, $0x3c088908
DATA opsc<>+288(SB)/4, $0x3d2aa9c1
DATA opsc<>+292(SB)/4, $0x3d2aa9c1
DATA opsc<>+296(SB)/4, $0x3d2aa9c1
DATA opsc<>+300(SB)/4, $0x3d2aa9c1
DATA opsc<>+304(SB)/4, $0x3d2aa9c1
DATA opsc<>+308(SB)/4, $0x3d2aa9c1
DATA opsc<>+312(SB)/4, $0x3d2aa9c1
DATA opsc<>+316(SB)/4, $0x3d2aa9c1
DATA opsc<>+320(SB)/4, $0x3e2aaaaa
DATA opsc<>+324(SB)/4, $0x3e2aaaaa
DATA opsc<>+328(SB)/4, $0x3e2aaaaa
DATA opsc<>+332(SB)/4, $0x3e2aaaaa
DATA opsc<>+336(SB)/4, $0x3e2aaaaa
DATA opsc<>+340(SB)/4, $0x3e2aaaaa
DATA opsc<>+344(SB)/4, $0x3e2aaaaa
DATA opsc<>+348(SB)/4, $0x3e2aaaaa
DATA opsc<>+352(SB)/4, $0x3f000000
DATA opsc<>+356(SB)/4, $0x3f000000
DATA opsc<>+360(SB)/4, $0x3f000000
DATA opsc<>+364(SB)/4, $0x3f000000
DATA opsc<>+368(SB)/4, $0x3f000000
DATA opsc<>+372(SB)/4, $0x3f000000
DATA opsc<>+376(SB)/4, $0x3f000000
DATA opsc<>+380(SB)/4, $0x3f000000
DATA opsc<>+384(SB)/4, $0x3f800000
DATA opsc<>+388(SB)/4, $0x3f800000
DATA opsc<>+392(SB)/4, $0x3f800000
DATA opsc<>+396(SB)/4, $0x3f800000
DATA opsc<>+400(SB)/4, $0x3f800000
DATA opsc<>+404(SB)/4, $0x3f800000
DATA opsc<>+408(SB)/4, $0x3f800000
DATA opsc<>+412(SB)/4, $0x3f800000
DATA opsc<>+416(SB)/4, $0x0000007f
DATA opsc<>+420(SB)/4, $0x0000007f
DATA opsc<>+424(SB)/4, $0x0000007f
DATA opsc<>+428(SB)/4, $0x0000007f
DATA opsc<>+432(SB)/4, $0x0000007f
DATA opsc<>+436(SB)/4, $0x0000007f
DATA opsc<>+440(SB)/4, $0x0000007f
DATA opsc<>+444(SB)/4, $0x0000007f
DATA opsc<>+448(SB)/4, $0x7fffffff
DATA opsc<>+452(SB)/4, $0x7fffffff
DATA opsc<>+456(SB)/4, $0x7fffffff
DATA opsc<>+460(SB)/4, $0x7fffffff
DATA opsc<>+464(SB)/4, $0x7fffffff
DATA opsc<>+468(SB)/4, $0x7fffffff
DATA opsc<>+472(SB)/4, $0x7fffffff
DATA opsc<>+476(SB)/4, $0x7fffffff
DATA opsc<>+480(SB)/4, $0x80000000
DATA opsc<>+484(SB)/4, $0x80000000
DATA opsc<>+488(SB)/4, $0x80000000
DATA opsc<>+492(SB)/4, $0x80000000
DATA opsc<>+496(SB)/4, $0x80000000
DATA opsc<>+500(SB)/4, $0x80000000
DATA opsc<>+504(SB)/4, $0x80000000
DATA opsc<>+508(SB)/4, $0x80000000
DATA opsc<>+512(SB)/4, $0x007fffff
DATA opsc<>+516(SB)/4, $0x007fffff
DATA opsc<>+520(SB)/4, $0x007fffff
DATA opsc<>+524(SB)/4, $0x007fffff
DATA opsc<>+528(SB)/4, $0x007fffff
DATA opsc<>+532(SB)/4, $0x007fffff
DATA opsc<>+536(SB)/4, $0x007fffff
DATA opsc<>+540(SB)/4, $0x007fffff
DATA opsc<>+544(SB)/4, $0x00400000
DATA opsc<>+548(SB)/4, $0x00400000
DATA opsc<>+552(SB)/4, $0x00400000
DATA opsc<>+556(SB)/4, $0x00400000
DATA opsc<>+560(SB)/4, $0x00400000
DATA opsc<>+564(SB)/4, $0x00400000
DATA opsc<>+568(SB)/4, $0x00400000
DATA opsc<>+572(SB)/4, $0x00400000
DATA opsc<>+576(SB)/4, $0x01010101
DATA opsc<>+580(SB)/4, $0x01010101
DATA opsc<>+584(SB)/4, $0x01010101
DATA opsc<>+588(SB)/4, $0x01010101
DATA opsc<>+592(SB)/4, $0x01010101
DATA opsc<>+596(SB)/4, $0x01010101
DATA opsc<>+600(SB)/4, $0x01010101
DATA opsc<>+604(SB)/4, $0x01010101
DATA opsc<>+608(SB)/4, $0x00010001
DATA opsc<>+612(SB)/4, $0x00010001
DATA opsc<>+616(SB)/4, $0x00010001
DATA opsc<>+620(SB)/4, $0x00010001
DATA opsc<>+624(SB)/4, $0x00010001
DATA opsc<>+628(SB)/4, $0x00010001
DATA opsc<>+632(SB)/4, $0x00010001
DATA opsc<>+636(SB)/4, $0x00010001
DATA opsc<>+640(SB)/4, $0x000000ff
DATA opsc<>+644(SB)/4, $0x000000ff
DATA opsc<>+648(SB)/4, $0x000000ff
DATA opsc<>+652(SB)/4, $0x000000ff
DATA opsc<>+656(SB)/4, $0x000000ff
DATA opsc<>+660(SB)/4, $0x000000ff
DATA opsc<>+664(SB)/4, $0x000000ff
DATA opsc<>+668(SB)/4, $0x000000ff
GLOBL opsc<>(SB), RODATA|NOPTR, $672

// EXP_CONSTS_Z loads the constants of EXPZ: Z16 lo, Z17 hi, Z18 log2e, Z19 magic, Z20 c1,
// Z21 c2, Z22-Z27 p0-p5, Z28 1, Z29 127 (int32).
#define EXP_CONSTS_Z \
	VBROADCASTSS opsc<>+C_LO(SB), Z16;    \
	VBROADCASTSS opsc<>+C_HI(SB), Z17;    \
	VBROADCASTSS opsc<>+C_LOG2E(SB), Z18; \
	VBROADCASTSS opsc<>+C_MAGIC(SB), Z19; \
	VBROADCASTSS opsc<>+C_C1(SB), Z20;    \
	VBROADCASTSS opsc<>+C_C2(SB), Z21;    \
	VBROADCASTSS opsc<>+C_P0(SB), Z22;    \
	VBROADCASTSS opsc<>+C_P1(SB), Z23;    \
	VBROADCASTSS opsc<>+C_P2(SB), Z24;    \
	VBROADCASTSS opsc<>+C_P3(SB), Z25;    \
	VBROADCASTSS opsc<>+C_P4(SB), Z26;    \
	VBROADCASTSS opsc<>+C_P5(SB), Z27;    \
	VBROADCASTSS opsc<>+C_ONE(SB), Z28;   \
	VPBROADCASTD opsc<>+C_I127(SB), Z29

// EXPZ replaces x by expf(x) (exp.go), with nf, r, r2, p, n1, n2 as scratch.
// max(lo, x) and min(hi, x) keep x when it is NaN, as the Go comparisons do.
#define EXPZ(x, nf, r, r2, p, n1, n2) \
	VMAXPS     x, Z16, x;    \
	VMINPS     x, Z17, x;    \
	VMULPS     Z18, x, nf;   \
	VADDPS     Z19, nf, nf;  \
	VSUBPS     Z19, nf, nf;  \
	VMULPS     Z20, nf, r;   \
	VSUBPS     r, x, r;      \
	VMULPS     Z21, nf, r2;  \
	VSUBPS     r2, r, r;     \
	VMULPS     r, r, r2;     \
	VMULPS     Z22, r, p;    \
	VADDPS     Z23, p, p;    \
	VMULPS     r, p, p;      \
	VADDPS     Z24, p, p;    \
	VMULPS     r, p, p;      \
	VADDPS     Z25, p, p;    \
	VMULPS     r, p, p;      \
	VADDPS     Z26, p, p;    \
	VMULPS     r, p, p;      \
	VADDPS     Z27, p, p;    \
	VMULPS     r2, p, p;     \
	VADDPS     r, p, p;      \
	VADDPS     Z28, p, p;    \
	VCVTTPS2DQ nf, n1;       \
	VPSRAD     $1, n1, n2;   \
	VPSUBD     n2, n1, n1;   \
	VPADDD     Z29, n2, n2;  \
	VPSLLD     $23, n2, n2;  \
	VPADDD     Z29, n1, n1;  \
	VPSLLD     $23, n1, n1;  \
	VMULPS     n2, p, p;     \
	VMULPS     n1, p, x

// EXPY is EXPZ on a ymm with the constants from memory (t is scratch too).
#define EXPY(x, nf, r, r2, p, n1, n2) \
	VMOVUPS    opsc<>+C_LO(SB), r2;    \
	VMAXPS     x, r2, x;               \
	VMOVUPS    opsc<>+C_HI(SB), r2;    \
	VMINPS     x, r2, x;               \
	VMULPS     opsc<>+C_LOG2E(SB), x, nf; \
	VADDPS     opsc<>+C_MAGIC(SB), nf, nf; \
	VSUBPS     opsc<>+C_MAGIC(SB), nf, nf; \
	VMULPS     opsc<>+C_C1(SB), nf, r; \
	VSUBPS     r, x, r;                \
	VMULPS     opsc<>+C_C2(SB), nf, r2; \
	VSUBPS     r2, r, r;               \
	VMULPS     r, r, r2;               \
	VMULPS     opsc<>+C_P0(SB), r, p;  \
	VADDPS     opsc<>+C_P1(SB), p, p;  \
	VMULPS     r, p, p;                \
	VADDPS     opsc<>+C_P2(SB), p, p;  \
	VMULPS     r, p, p;                \
	VADDPS     opsc<>+C_P3(SB), p, p;  \
	VMULPS     r, p, p;                \
	VADDPS     opsc<>+C_P4(SB), p, p;  \
	VMULPS     r, p, p;                \
	VADDPS     opsc<>+C_P5(SB), p, p;  \
	VMULPS     r2, p, p;               \
	VADDPS     r, p, p;                \
	VADDPS     opsc<>+C_ONE(SB), p, p; \
	VCVTTPS2DQ nf, n1;                 \
	VPSRAD     $1, n1, n2;             \
	VPSUBD     n2, n1, n1;             \
	VPADDD     opsc<>+C_I127(SB), n2, n2; \
	VPSLLD     $23, n2, n2;            \
	VPADDD     opsc<>+C_I127(SB), n1, n1; \
	VPSLLD     $23, n1, n1;            \
	VMULPS     n2, p, p;               \
	VMULPS     n1, p, x

// ADD64Z adds the 16 floats of z (its ymm is y), widened to float64, to the lanes 0-7 (a) and
// 8-15 (b); t, u are scratch zmm with ymm ty.
#define ADD64Z(z, y, a, b, t, u, ty) \
	VCVTPS2PD     y, t;     \
	VEXTRACTF64X4 $1, z, ty; \
	VCVTPS2PD     ty, u;    \
	VADDPD        t, a, a;  \
	VADDPD        u, b, b

// RED64Z reduces the lanes a (0-7, ya/xa its ymm/xmm) and b (8-15) as (l, l+8), (l, l+4),
// (l, l+2), (l, l+1), leaving the sum in the low double of xa.
#define RED64Z(a, ya, xa, b, ty, tx) \
	VADDPD        b, a, a;    \
	VEXTRACTF64X4 $1, a, ty;  \
	VADDPD        ty, ya, ya; \
	VEXTRACTF128  $1, ya, tx; \
	VADDPD        tx, xa, xa; \
	VPERMILPD     $1, xa, tx; \
	VADDSD        tx, xa, xa

// ADD64Y adds 8 floats (ymm v, xmm xv) widened to the float64 lanes a (first 4) and b (next 4).
#define ADD64Y(v, xv, a, b, t, tx) \
	VCVTPS2PD    xv, t;    \
	VADDPD       t, a, a;  \
	VEXTRACTF128 $1, v, tx; \
	VCVTPS2PD    tx, t;    \
	VADDPD       t, b, b

// RED64Y reduces the four ymm of lanes 0-3 (a0), 4-7 (a1), 8-11 (b0), 12-15 (b1) into the low
// double of xa0 (the xmm of a0).
#define RED64Y(a0, xa0, a1, b0, b1, tx) \
	VADDPD       b0, a0, a0;  \
	VADDPD       b1, a1, a1;  \
	VADDPD       a1, a0, a0;  \
	VEXTRACTF128 $1, a0, tx;  \
	VADDPD       tx, xa0, xa0; \
	VPERMILPD    $1, xa0, tx; \
	VADDSD       tx, xa0, xa0

// func opsSumSqAVX512(x *float32, n int) float64
TEXT ·opsSumSqAVX512(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3

sq512:
	VMOVUPS (SI), Z0
	VMULPS  Z0, Z0, Z0
	ADD64Z(Z0, Y0, Z2, Z3, Z4, Z5, Y5)
	ADDQ    $64, SI
	SUBQ    $16, CX
	JNZ     sq512
	RED64Z(Z2, Y2, X2, Z3, Y4, X4)
	VMOVSD  X2, ret+16(FP)
	VZEROUPPER
	RET

// func opsSumSqAVX2(x *float32, n int) float64
TEXT ·opsSumSqAVX2(SB), NOSPLIT, $0-24
	MOVQ   x+0(FP), SI
	MOVQ   n+8(FP), CX
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	VXORPD Y4, Y4, Y4
	VXORPD Y5, Y5, Y5

sq256:
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1
	VMULPS  Y0, Y0, Y0
	VMULPS  Y1, Y1, Y1
	ADD64Y(Y0, X0, Y2, Y3, Y6, X7)
	ADD64Y(Y1, X1, Y4, Y5, Y6, X7)
	ADDQ    $64, SI
	SUBQ    $16, CX
	JNZ     sq256
	RED64Y(Y2, X2, Y3, Y4, Y5, X7)
	VMOVSD  X2, ret+16(FP)
	VZEROUPPER
	RET

// func opsScaleAVX512(dst, x *float32, n int, s float32)
TEXT ·opsScaleAVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS s+24(FP), Z1

sc512:
	VMULPS  (SI), Z1, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     sc512
	VZEROUPPER
	RET

// func opsScaleAVX2(dst, x *float32, n int, s float32)
TEXT ·opsScaleAVX2(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS s+24(FP), Y2

sc256:
	VMULPS  (SI), Y2, Y0
	VMULPS  32(SI), Y2, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     sc256
	VZEROUPPER
	RET

// func opsScaleMulAVX512(dst, x, w *float32, n int, s float32)
TEXT ·opsScaleMulAVX512(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS s+32(FP), Z1

sm512:
	VMULPS  (SI), Z1, Z0
	VMULPS  (DX), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     sm512
	VZEROUPPER
	RET

// func opsScaleMulAVX2(dst, x, w *float32, n int, s float32)
TEXT ·opsScaleMulAVX2(SB), NOSPLIT, $0-36
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         w+16(FP), DX
	MOVQ         n+24(FP), CX
	VBROADCASTSS s+32(FP), Y2

sm256:
	VMULPS  (SI), Y2, Y0
	VMULPS  32(SI), Y2, Y1
	VMULPS  (DX), Y0, Y0
	VMULPS  32(DX), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DX
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     sm256
	VZEROUPPER
	RET

// func opsMulAVX512(dst, x *float32, n int)
TEXT ·opsMulAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX

mul512:
	VMOVUPS (DI), Z0
	VMULPS  (SI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     mul512
	VZEROUPPER
	RET

// func opsMulAVX2(dst, x *float32, n int)
TEXT ·opsMulAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX

mul256:
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMULPS  (SI), Y0, Y0
	VMULPS  32(SI), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     mul256
	VZEROUPPER
	RET

// func opsAddAVX512(dst, x *float32, n int)
TEXT ·opsAddAVX512(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX

add512:
	VMOVUPS (DI), Z0
	VADDPS  (SI), Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     add512
	VZEROUPPER
	RET

// func opsAddAVX2(dst, x *float32, n int)
TEXT ·opsAddAVX2(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ x+8(FP), SI
	MOVQ n+16(FP), CX

add256:
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VADDPS  (SI), Y0, Y0
	VADDPS  32(SI), Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     add256
	VZEROUPPER
	RET

// func opsReLU2AVX512(x *float32, n int)
// max(x, 0) with x first gives 0 for NaN, as x > 0 does.
TEXT ·opsReLU2AVX512(SB), NOSPLIT, $0-16
	MOVQ   x+0(FP), DI
	MOVQ   n+8(FP), CX
	VPXORD Z1, Z1, Z1

relu512:
	VMOVUPS (DI), Z0
	VMAXPS  Z1, Z0, Z0
	VMULPS  Z0, Z0, Z0
	VMOVUPS Z0, (DI)
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     relu512
	VZEROUPPER
	RET

// func opsReLU2AVX2(x *float32, n int)
TEXT ·opsReLU2AVX2(SB), NOSPLIT, $0-16
	MOVQ   x+0(FP), DI
	MOVQ   n+8(FP), CX
	VXORPS Y2, Y2, Y2

relu256:
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y1
	VMAXPS  Y2, Y0, Y0
	VMAXPS  Y2, Y1, Y1
	VMULPS  Y0, Y0, Y0
	VMULPS  Y1, Y1, Y1
	VMOVUPS Y0, (DI)
	VMOVUPS Y1, 32(DI)
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     relu256
	VZEROUPPER
	RET

// func opsSiLUAVX512(x *float32, n int)
TEXT ·opsSiLUAVX512(SB), NOSPLIT, $0-16
	MOVQ         x+0(FP), DI
	MOVQ         n+8(FP), CX
	EXP_CONSTS_Z
	VPBROADCASTD opsc<>+C_SIGN(SB), Z15

silu512:
	VMOVUPS (DI), Z8
	VPXORD  Z15, Z8, Z0
	EXPZ(Z0, Z1, Z2, Z3, Z4, Z5, Z6)
	VADDPS  Z28, Z0, Z0
	VDIVPS  Z0, Z8, Z8
	VMOVUPS Z8, (DI)
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     silu512
	VZEROUPPER
	RET

// func opsSiLUAVX2(x *float32, n int)
TEXT ·opsSiLUAVX2(SB), NOSPLIT, $0-16
	MOVQ x+0(FP), DI
	MOVQ n+8(FP), CX
	SHRQ $3, CX

silu256:
	VMOVUPS (DI), Y8
	VXORPS  opsc<>+C_SIGN(SB), Y8, Y0
	EXPY(Y0, Y1, Y2, Y3, Y4, Y5, Y6)
	VADDPS  opsc<>+C_ONE(SB), Y0, Y0
	VDIVPS  Y0, Y8, Y8
	VMOVUPS Y8, (DI)
	ADDQ    $32, DI
	DECQ    CX
	JNZ     silu256
	VZEROUPPER
	RET

// func opsMaxAVX512(x *float32, n int) float32
TEXT ·opsMaxAVX512(SB), NOSPLIT, $0-20
	MOVQ    x+0(FP), SI
	MOVQ    n+8(FP), CX
	VMOVUPS (SI), Z0

max512:
	VMAXPS (SI), Z0, Z0
	ADDQ   $64, SI
	SUBQ   $16, CX
	JNZ    max512
	VEXTRACTF64X4 $1, Z0, Y1
	VMAXPS        Y1, Y0, Y0
	VEXTRACTF128  $1, Y0, X1
	VMAXPS        X1, X0, X0
	VPERMILPS     $0x4e, X0, X1
	VMAXPS        X1, X0, X0
	VPERMILPS     $0xb1, X0, X1
	VMAXPS        X1, X0, X0
	VMOVSS        X0, ret+16(FP)
	VZEROUPPER
	RET

// func opsMaxAVX2(x *float32, n int) float32
TEXT ·opsMaxAVX2(SB), NOSPLIT, $0-20
	MOVQ    x+0(FP), SI
	MOVQ    n+8(FP), CX
	VMOVUPS (SI), Y0
	VMOVUPS 32(SI), Y1

max256:
	VMAXPS (SI), Y0, Y0
	VMAXPS 32(SI), Y1, Y1
	ADDQ   $64, SI
	SUBQ   $16, CX
	JNZ    max256
	VMAXPS       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0x4e, X0, X1
	VMAXPS       X1, X0, X0
	VPERMILPS    $0xb1, X0, X1
	VMAXPS       X1, X0, X0
	VMOVSS       X0, ret+16(FP)
	VZEROUPPER
	RET

// func opsExpSumAVX512(x *float32, n int, m float32) float64
TEXT ·opsExpSumAVX512(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSS m+16(FP), Z15
	EXP_CONSTS_Z
	VPXORQ       Z10, Z10, Z10
	VPXORQ       Z11, Z11, Z11

es512:
	VMOVUPS (DI), Z0
	VSUBPS  Z15, Z0, Z0
	EXPZ(Z0, Z1, Z2, Z3, Z4, Z5, Z6)
	VMOVUPS Z0, (DI)
	ADD64Z(Z0, Y0, Z10, Z11, Z7, Z8, Y8)
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     es512
	RED64Z(Z10, Y10, X10, Z11, Y7, X7)
	VMOVSD  X10, ret+24(FP)
	VZEROUPPER
	RET

// func opsExpSumAVX2(x *float32, n int, m float32) float64
TEXT ·opsExpSumAVX2(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), DI
	MOVQ         n+8(FP), CX
	VBROADCASTSS m+16(FP), Y15
	VXORPD       Y10, Y10, Y10
	VXORPD       Y11, Y11, Y11
	VXORPD       Y12, Y12, Y12
	VXORPD       Y13, Y13, Y13

es256:
	VMOVUPS (DI), Y0
	VSUBPS  Y15, Y0, Y0
	EXPY(Y0, Y1, Y2, Y3, Y4, Y5, Y6)
	VMOVUPS Y0, (DI)
	ADD64Y(Y0, X0, Y10, Y11, Y7, X8)
	VMOVUPS 32(DI), Y0
	VSUBPS  Y15, Y0, Y0
	EXPY(Y0, Y1, Y2, Y3, Y4, Y5, Y6)
	VMOVUPS Y0, 32(DI)
	ADD64Y(Y0, X0, Y12, Y13, Y7, X8)
	ADDQ    $64, DI
	SUBQ    $16, CX
	JNZ     es256
	RED64Y(Y10, X10, Y11, Y12, Y13, X8)
	VMOVSD  X10, ret+24(FP)
	VZEROUPPER
	RET

// func opsRoPEAVX512(x *float32, nHeads, headDim, n int, cs, sn *float32)
// Per head: lo' = lo·c − hi·s, hi' = lo·s + hi·c over the first n pairs.
TEXT ·opsRoPEAVX512(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), DI
	MOVQ nHeads+8(FP), R12
	MOVQ headDim+16(FP), DX
	MOVQ n+24(FP), R13
	MOVQ cs+32(FP), R10
	MOVQ sn+40(FP), R11
	SHLQ $2, R13        // n in bytes
	LEAQ (DI)(DX*2), R9 // the upper half of the head
	SHLQ $2, DX         // head stride in bytes

rope512_head:
	XORQ BX, BX

rope512:
	VMOVUPS (DI)(BX*1), Z0
	VMOVUPS (R9)(BX*1), Z1
	VMOVUPS (R10)(BX*1), Z2
	VMOVUPS (R11)(BX*1), Z3
	VMULPS  Z2, Z0, Z4
	VMULPS  Z3, Z1, Z5
	VSUBPS  Z5, Z4, Z4
	VMULPS  Z3, Z0, Z6
	VMULPS  Z2, Z1, Z7
	VADDPS  Z7, Z6, Z6
	VMOVUPS Z4, (DI)(BX*1)
	VMOVUPS Z6, (R9)(BX*1)
	ADDQ    $64, BX
	CMPQ    BX, R13
	JLT     rope512
	ADDQ    DX, DI
	ADDQ    DX, R9
	DECQ    R12
	JNZ     rope512_head
	VZEROUPPER
	RET

// func opsRoPEAVX2(x *float32, nHeads, headDim, n int, cs, sn *float32)
TEXT ·opsRoPEAVX2(SB), NOSPLIT, $0-48
	MOVQ x+0(FP), DI
	MOVQ nHeads+8(FP), R12
	MOVQ headDim+16(FP), DX
	MOVQ n+24(FP), R13
	MOVQ cs+32(FP), R10
	MOVQ sn+40(FP), R11
	SHLQ $2, R13
	LEAQ (DI)(DX*2), R9
	SHLQ $2, DX

rope256_head:
	XORQ BX, BX

rope256:
	VMOVUPS (DI)(BX*1), Y0
	VMOVUPS (R9)(BX*1), Y1
	VMOVUPS (R10)(BX*1), Y2
	VMOVUPS (R11)(BX*1), Y3
	VMULPS  Y2, Y0, Y4
	VMULPS  Y3, Y1, Y5
	VSUBPS  Y5, Y4, Y4
	VMULPS  Y3, Y0, Y6
	VMULPS  Y2, Y1, Y7
	VADDPS  Y7, Y6, Y6
	VMOVUPS Y4, (DI)(BX*1)
	VMOVUPS Y6, (R9)(BX*1)
	ADDQ    $32, BX
	CMPQ    BX, R13
	JLT     rope256
	ADDQ    DX, DI
	ADDQ    DX, R9
	DECQ    R12
	JNZ     rope256_head
	VZEROUPPER
	RET

// func opsAbsMaxAVX512(x *float32, n int) (float32, int)
// The largest |x| ignoring NaN (max(|x|, acc) with |x| first, as the reference's |x| > amax),
// and the first index holding it.
TEXT ·opsAbsMaxAVX512(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VPBROADCASTD opsc<>+C_ABS(SB), Z1
	VPXORD       Z0, Z0, Z0
	MOVQ         SI, DI
	MOVQ         CX, R8

am512:
	VPANDD (SI), Z1, Z2
	VMAXPS Z0, Z2, Z0
	ADDQ   $64, SI
	SUBQ   $16, CX
	JNZ    am512
	VEXTRACTF64X4 $1, Z0, Y2
	VMAXPS        Y2, Y0, Y0
	VEXTRACTF128  $1, Y0, X2
	VMAXPS        X2, X0, X0
	VPERMILPS     $0x4e, X0, X2
	VMAXPS        X2, X0, X0
	VPERMILPS     $0xb1, X0, X2
	VMAXPS        X2, X0, X0
	VMOVSS        X0, ret+16(FP)
	VBROADCASTSS  X0, Z3
	XORQ          AX, AX

am512_find:
	VPANDD  (DI), Z1, Z2
	VCMPPS  $0, Z3, Z2, K1
	KMOVW   K1, DX
	TESTL   DX, DX
	JNZ     am512_found
	ADDQ    $64, DI
	ADDQ    $16, AX
	CMPQ    AX, R8
	JLT     am512_find
	XORQ    AX, AX // all NaN: the caller sees max 0
	JMP     am512_done

am512_found:
	TZCNTL DX, DX
	ADDQ   DX, AX

am512_done:
	MOVQ AX, ret1+24(FP)
	VZEROUPPER
	RET

// func opsAbsMaxAVX2(x *float32, n int) (float32, int)
TEXT ·opsAbsMaxAVX2(SB), NOSPLIT, $0-32
	MOVQ    x+0(FP), SI
	MOVQ    n+8(FP), CX
	VMOVUPS opsc<>+C_ABS(SB), Y1
	VXORPS  Y0, Y0, Y0
	MOVQ    SI, DI
	MOVQ    CX, R8

am256:
	VANDPS (SI), Y1, Y2
	VMAXPS Y0, Y2, Y0
	VANDPS 32(SI), Y1, Y2
	VMAXPS Y0, Y2, Y0
	ADDQ   $64, SI
	SUBQ   $16, CX
	JNZ    am256
	VEXTRACTF128 $1, Y0, X2
	VMAXPS       X2, X0, X0
	VPERMILPS    $0x4e, X0, X2
	VMAXPS       X2, X0, X0
	VPERMILPS    $0xb1, X0, X2
	VMAXPS       X2, X0, X0
	VMOVSS       X0, ret+16(FP)
	VBROADCASTSS X0, Y3
	XORQ         AX, AX

am256_find:
	VANDPS    (DI), Y1, Y2
	VCMPPS    $0, Y3, Y2, Y2
	VMOVMSKPS Y2, DX
	TESTL     DX, DX
	JNZ       am256_found
	ADDQ      $32, DI
	ADDQ      $8, AX
	CMPQ      AX, R8
	JLT       am256_find
	XORQ      AX, AX
	JMP       am256_done

am256_found:
	TZCNTL DX, DX
	ADDQ   DX, AX

am256_done:
	MOVQ AX, ret1+24(FP)
	VZEROUPPER
	RET

// func opsQuantAVX512(x *float32, q *int8, n int, s float32, lo, hi int32) int32
// r = clamp(nearestInt(x·s), lo, hi) (min then max), q = low byte of r; returns Σ r.
TEXT ·opsQuantAVX512(SB), NOSPLIT, $0-44
	MOVQ         x+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         n+16(FP), CX
	VBROADCASTSS s+24(FP), Z1
	MOVL         lo+28(FP), AX
	VMOVD        AX, X5
	VPBROADCASTD X5, Z5
	MOVL         hi+32(FP), AX
	VMOVD        AX, X6
	VPBROADCASTD X6, Z6
	VBROADCASTSS opsc<>+C_MAGIC(SB), Z2
	VPBROADCASTD opsc<>+C_M23(SB), Z3
	VPBROADCASTD opsc<>+C_I400000(SB), Z4
	VPXORD       Z7, Z7, Z7

q512:
	VMULPS  (SI), Z1, Z0
	VADDPS  Z2, Z0, Z0
	VPANDD  Z3, Z0, Z0
	VPSUBD  Z4, Z0, Z0
	VPMINSD Z6, Z0, Z0
	VPMAXSD Z5, Z0, Z0
	VPADDD  Z0, Z7, Z7
	VPMOVDB Z0, X8
	VMOVDQU X8, (DI)
	ADDQ    $64, SI
	ADDQ    $16, DI
	SUBQ    $16, CX
	JNZ     q512
	VEXTRACTI64X4 $1, Z7, Y8
	VPADDD        Y8, Y7, Y7
	VEXTRACTI128  $1, Y7, X8
	VPADDD        X8, X7, X7
	VPSHUFD       $0x4e, X7, X8
	VPADDD        X8, X7, X7
	VPSHUFD       $0xb1, X7, X8
	VPADDD        X8, X7, X7
	VMOVD         X7, AX
	MOVL          AX, ret+40(FP)
	VZEROUPPER
	RET

// func opsQuantAVX2(x *float32, q *int8, n int, s float32, lo, hi int32) int32
// The low bytes: mask to 0-255, then unsigned packs (exact) and VPERMQ to undo the lane split.
TEXT ·opsQuantAVX2(SB), NOSPLIT, $0-44
	MOVQ         x+0(FP), SI
	MOVQ         q+8(FP), DI
	MOVQ         n+16(FP), CX
	VBROADCASTSS s+24(FP), Y1
	MOVL         lo+28(FP), AX
	VMOVD        AX, X5
	VPBROADCASTD X5, Y5
	MOVL         hi+32(FP), AX
	VMOVD        AX, X6
	VPBROADCASTD X6, Y6
	VMOVUPS      opsc<>+C_MAGIC(SB), Y2
	VMOVDQU      opsc<>+C_M23(SB), Y3
	VMOVDQU      opsc<>+C_I400000(SB), Y4
	VMOVDQU      opsc<>+C_FF(SB), Y9
	VPXOR        Y7, Y7, Y7

q256:
	VMULPS       (SI), Y1, Y0
	VMULPS       32(SI), Y1, Y8
	VADDPS       Y2, Y0, Y0
	VADDPS       Y2, Y8, Y8
	VPAND        Y3, Y0, Y0
	VPAND        Y3, Y8, Y8
	VPSUBD       Y4, Y0, Y0
	VPSUBD       Y4, Y8, Y8
	VPMINSD      Y6, Y0, Y0
	VPMINSD      Y6, Y8, Y8
	VPMAXSD      Y5, Y0, Y0
	VPMAXSD      Y5, Y8, Y8
	VPADDD       Y0, Y7, Y7
	VPADDD       Y8, Y7, Y7
	VPAND        Y9, Y0, Y10
	VPAND        Y9, Y8, Y11
	VPACKUSDW    Y11, Y10, Y10
	VPERMQ       $0xd8, Y10, Y10
	VEXTRACTI128 $1, Y10, X11
	VPACKUSWB    X11, X10, X10
	VMOVDQU      X10, (DI)
	ADDQ         $64, SI
	ADDQ         $16, DI
	SUBQ         $16, CX
	JNZ          q256
	VEXTRACTI128 $1, Y7, X8
	VPADDD       X8, X7, X7
	VPSHUFD      $0x4e, X7, X8
	VPADDD       X8, X7, X7
	VPSHUFD      $0xb1, X7, X8
	VPADDD       X8, X7, X7
	VMOVD        X7, AX
	MOVL         AX, ret+40(FP)
	VZEROUPPER
	RET

// func opsT2SumsAVX512(p *int8, groups int, c *int32)
// Per group: the four 64-byte planes through VPMADDUBSW with ones (pairs of bytes, exact in
// int16), added (|sum| ≤ 1024), then VPMADDWD with ones: dword l = the 16 bytes of lane l.
TEXT ·opsT2SumsAVX512(SB), NOSPLIT, $0-24
	MOVQ         p+0(FP), SI
	MOVQ         groups+8(FP), CX
	MOVQ         c+16(FP), DI
	VPBROADCASTD opsc<>+C_B1(SB), Z1
	VPBROADCASTD opsc<>+C_W1(SB), Z2
	VPXORD       Z7, Z7, Z7

t2s512:
	VPMADDUBSW (SI), Z1, Z3
	VPMADDUBSW 64(SI), Z1, Z4
	VPMADDUBSW 128(SI), Z1, Z5
	VPMADDUBSW 192(SI), Z1, Z6
	VPADDW     Z4, Z3, Z3
	VPADDW     Z6, Z5, Z5
	VPADDW     Z5, Z3, Z3
	VPMADDWD   Z2, Z3, Z3
	VPSUBD     Z3, Z7, Z3
	VMOVDQU32  Z3, (DI)
	ADDQ       $256, SI
	ADDQ       $64, DI
	DECQ       CX
	JNZ        t2s512
	VZEROUPPER
	RET

// func opsT2SumsAVX2(p *int8, groups int, c *int32)
TEXT ·opsT2SumsAVX2(SB), NOSPLIT, $0-24
	MOVQ    p+0(FP), SI
	MOVQ    groups+8(FP), CX
	MOVQ    c+16(FP), DI
	VMOVDQU opsc<>+C_B1(SB), Y1
	VMOVDQU opsc<>+C_W1(SB), Y2
	VPXOR   Y7, Y7, Y7

t2s256:
	VPMADDUBSW (SI), Y1, Y3
	VPMADDUBSW 64(SI), Y1, Y4
	VPMADDUBSW 128(SI), Y1, Y5
	VPMADDUBSW 192(SI), Y1, Y6
	VPADDW     Y4, Y3, Y3
	VPADDW     Y6, Y5, Y5
	VPADDW     Y5, Y3, Y3
	VPMADDWD   Y2, Y3, Y3
	VPSUBD     Y3, Y7, Y3
	VMOVDQU    Y3, (DI)
	VPMADDUBSW 32(SI), Y1, Y3
	VPMADDUBSW 96(SI), Y1, Y4
	VPMADDUBSW 160(SI), Y1, Y5
	VPMADDUBSW 224(SI), Y1, Y6
	VPADDW     Y4, Y3, Y3
	VPADDW     Y6, Y5, Y5
	VPADDW     Y5, Y3, Y3
	VPMADDWD   Y2, Y3, Y3
	VPSUBD     Y3, Y7, Y3
	VMOVDQU    Y3, 32(DI)
	ADDQ       $256, SI
	ADDQ       $64, DI
	DECQ       CX
	JNZ        t2s256
	VZEROUPPER
	RET
