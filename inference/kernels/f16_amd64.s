//go:build !purego

#include "textflag.h"

// Float kernels for amd64 (Go declarations and the contract in f16_amd64.go / f16_ops.go).
//
// Row dots keep the canonical 16 f32 lanes per row: one zmm (AVX-512), or a ymm pair
// lo = lanes 0-7, hi = lanes 8-15 (AVX2). Four rows are processed per iteration, sharing the
// loads of x; each row has its own accumulator, updated group after group in column order, so the
// per-lane order is the reference's. F16 products are exact (both factors are halves), so FMA
// gives the reference's bits; F32 products are rounded by a separate VMULPS before the VADDPS.
// Then the tree (l, l+8), (l, l+4), (l, l+2), (l, l+1) and the tail columns in order.
//
// Registers (row kernels): SI block base, DX stride, CX rows left, BX 16-column groups,
// R10 tail columns, R9 x, R8 y, R11 rows 0/1 (R11, R11+DX), R12 rows 2/3, DI x cursor,
// AX group counter, R13 rows 5/7 in the group loops (prefetch), then scratch.
// ABI0: everything is caller-saved; R14, R15 and BP are not used.

// Prefetching: the 4-row loops prefetch the lines of the next 4 rows that they read
// themselves (for the contiguous head, 20 KB ahead; correct for any stride);
// the 1-row loops prefetch PFD bytes ahead in the row. Measured on Zen 5, head 128256 × 2560,
// single thread, medians: no prefetch 22 GB/s, PFD = 1024 in each row 30, next rows 33, against
// 39 GB/s for a plain streaming read of the same buffer.
#define PFD 1024

// REDUCE_Z leaves in the low float of x (= z's low lanes) the tree sum of z's 16 lanes.
#define REDUCE_Z(z, y, x, ty, tx) \
	VEXTRACTF64X4 $1, z, ty; \
	VADDPS        ty, y, y;  \
	VEXTRACTF128  $1, y, tx; \
	VADDPS        tx, x, x;  \
	VMOVHLPS      x, x, tx;  \
	VADDPS        tx, x, x;  \
	VMOVSHDUP     x, tx;     \
	VADDSS        tx, x, x

// REDUCE_Y is REDUCE_Z for the pair lo (lanes 0-7; its xmm is x) and hi (lanes 8-15).
#define REDUCE_Y(lo, hi, x, tx) \
	VADDPS       hi, lo, lo; \
	VEXTRACTF128 $1, lo, tx; \
	VADDPS       tx, x, x;   \
	VMOVHLPS     x, x, tx;   \
	VADDPS       tx, x, x;   \
	VMOVSHDUP    x, tx;      \
	VADDSS       tx, x, x

// H1 converts one fp16 at src and adds its product with the f32 xs into the scalar acc.
#define H1(src, xs, t, acc) \
	MOVWLZX     src, R13; \
	VMOVD       R13, t;   \
	VCVTPH2PS   t, t;     \
	VFMADD231SS xs, t, acc

// HZ: acc (zmm) += fp16 × 16 at src · xz.
#define HZ(src, xz, t, acc) \
	VCVTPH2PS   src, t; \
	VFMADD231PS xz, t, acc

// HY: (al, ah) += fp16 × 16 at off(base) · (xl, xh), in two ymm halves.
#define HY(lo, hi, xl, xh, t0, t1, al, ah) \
	VCVTPH2PS   lo, t0;      \
	VCVTPH2PS   hi, t1;      \
	VFMADD231PS xl, t0, al;  \
	VFMADD231PS xh, t1, ah

// func f16RowsAVX512(w *byte, stride, rows, cols int, x, y *float32)
TEXT ·f16RowsAVX512(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), DX
	MOVQ rows+16(FP), CX
	MOVQ cols+24(FP), BX
	MOVQ x+32(FP), R9
	MOVQ y+40(FP), R8
	MOVQ BX, R10
	ANDQ $15, R10
	SHRQ $4, BX
	CMPQ CX, $4
	JLT  h512_one

h512_four:
	MOVQ   SI, R11
	LEAQ   (SI)(DX*2), R12
	LEAQ   (SI)(DX*4), R13
	ADDQ   DX, R13 // row 5, for the prefetches
	MOVQ   R9, DI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	MOVQ   BX, AX
	SUBQ   $2, AX
	JLT    h512_four_1

h512_four_2:
	VMOVUPS    (DI), Z4
	VMOVUPS    64(DI), Z5
	HZ((R11), Z4, Z6, Z0)
	HZ((R11)(DX*1), Z4, Z7, Z1)
	HZ((R12), Z4, Z8, Z2)
	HZ((R12)(DX*1), Z4, Z9, Z3)
	HZ(32(R11), Z5, Z10, Z0)
	HZ(32(R11)(DX*1), Z5, Z11, Z1)
	HZ(32(R12), Z5, Z12, Z2)
	HZ(32(R12)(DX*1), Z5, Z13, Z3)
	PREFETCHT0 (R11)(DX*4) // the same columns of the next 4 rows
	PREFETCHT0 (R13)
	PREFETCHT0 (R12)(DX*4)
	PREFETCHT0 (R13)(DX*2)
	ADDQ       $64, R13
	ADDQ       $64, R11
	ADDQ       $64, R12
	ADDQ       $128, DI
	SUBQ       $2, AX
	JGE        h512_four_2

h512_four_1:
	CMPQ    AX, $-1 // one group left
	JNE     h512_four_red
	VMOVUPS (DI), Z4
	HZ((R11), Z4, Z6, Z0)
	HZ((R11)(DX*1), Z4, Z7, Z1)
	HZ((R12), Z4, Z8, Z2)
	HZ((R12)(DX*1), Z4, Z9, Z3)
	ADDQ    $32, R11
	ADDQ    $32, R12
	ADDQ    $64, DI

h512_four_red:
	REDUCE_Z(Z0, Y0, X0, Y4, X4)
	REDUCE_Z(Z1, Y1, X1, Y5, X5)
	REDUCE_Z(Z2, Y2, X2, Y6, X6)
	REDUCE_Z(Z3, Y3, X3, Y7, X7)
	MOVQ  R10, AX
	TESTQ AX, AX
	JZ    h512_four_store

h512_four_tail:
	VMOVSS (DI), X8
	H1((R11), X8, X4, X0)
	H1((R11)(DX*1), X8, X5, X1)
	H1((R12), X8, X6, X2)
	H1((R12)(DX*1), X8, X7, X3)
	ADDQ   $2, R11
	ADDQ   $2, R12
	ADDQ   $4, DI
	DECQ   AX
	JNZ    h512_four_tail

h512_four_store:
	VMOVSS X0, (R8)
	VMOVSS X1, 4(R8)
	VMOVSS X2, 8(R8)
	VMOVSS X3, 12(R8)
	ADDQ   $16, R8
	LEAQ   (SI)(DX*4), SI
	SUBQ   $4, CX
	CMPQ   CX, $4
	JGE    h512_four

h512_one:
	TESTQ CX, CX
	JZ    h512_done

h512_one_row:
	MOVQ   SI, R11
	MOVQ   R9, DI
	VPXORD Z0, Z0, Z0
	MOVQ   BX, AX
	SUBQ   $2, AX
	JLT    h512_one_1

h512_one_2:
	VCVTPH2PS   (R11), Z6
	VFMADD231PS (DI), Z6, Z0
	VCVTPH2PS   32(R11), Z7
	VFMADD231PS 64(DI), Z7, Z0
	PREFETCHT0  PFD(R11)
	ADDQ        $64, R11
	ADDQ        $128, DI
	SUBQ        $2, AX
	JGE         h512_one_2

h512_one_1:
	CMPQ        AX, $-1
	JNE         h512_one_red
	VCVTPH2PS   (R11), Z6
	VFMADD231PS (DI), Z6, Z0
	ADDQ        $32, R11
	ADDQ        $64, DI

h512_one_red:
	REDUCE_Z(Z0, Y0, X0, Y4, X4)
	MOVQ  R10, AX
	TESTQ AX, AX
	JZ    h512_one_store

h512_one_tail:
	VMOVSS (DI), X8
	H1((R11), X8, X4, X0)
	ADDQ   $2, R11
	ADDQ   $4, DI
	DECQ   AX
	JNZ    h512_one_tail

h512_one_store:
	VMOVSS X0, (R8)
	ADDQ   $4, R8
	ADDQ   DX, SI
	DECQ   CX
	JNZ    h512_one_row

h512_done:
	VZEROUPPER
	RET

// func f16RowsAVX2(w *byte, stride, rows, cols int, x, y *float32)
// Accumulators: row k in (Y(2k), Y(2k+1)); x groups in Y8-Y11; temporaries Y12-Y15.
TEXT ·f16RowsAVX2(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), DX
	MOVQ rows+16(FP), CX
	MOVQ cols+24(FP), BX
	MOVQ x+32(FP), R9
	MOVQ y+40(FP), R8
	MOVQ BX, R10
	ANDQ $15, R10
	SHRQ $4, BX
	CMPQ CX, $4
	JLT  h256_one

h256_four:
	MOVQ   SI, R11
	LEAQ   (SI)(DX*2), R12
	LEAQ   (SI)(DX*4), R13
	ADDQ   DX, R13 // row 5, for the prefetches
	MOVQ   R9, DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   BX, AX
	SUBQ   $2, AX
	JLT    h256_four_1

h256_four_2:
	VMOVUPS    (DI), Y8
	VMOVUPS    32(DI), Y9
	VMOVUPS    64(DI), Y10
	VMOVUPS    96(DI), Y11
	HY((R11), 16(R11), Y8, Y9, Y12, Y13, Y0, Y1)
	HY((R11)(DX*1), 16(R11)(DX*1), Y8, Y9, Y14, Y15, Y2, Y3)
	HY((R12), 16(R12), Y8, Y9, Y12, Y13, Y4, Y5)
	HY((R12)(DX*1), 16(R12)(DX*1), Y8, Y9, Y14, Y15, Y6, Y7)
	HY(32(R11), 48(R11), Y10, Y11, Y12, Y13, Y0, Y1)
	HY(32(R11)(DX*1), 48(R11)(DX*1), Y10, Y11, Y14, Y15, Y2, Y3)
	HY(32(R12), 48(R12), Y10, Y11, Y12, Y13, Y4, Y5)
	HY(32(R12)(DX*1), 48(R12)(DX*1), Y10, Y11, Y14, Y15, Y6, Y7)
	PREFETCHT0 (R11)(DX*4) // the same columns of the next 4 rows
	PREFETCHT0 (R13)
	PREFETCHT0 (R12)(DX*4)
	PREFETCHT0 (R13)(DX*2)
	ADDQ       $64, R13
	ADDQ       $64, R11
	ADDQ       $64, R12
	ADDQ       $128, DI
	SUBQ       $2, AX
	JGE        h256_four_2

h256_four_1:
	CMPQ    AX, $-1
	JNE     h256_four_red
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9
	HY((R11), 16(R11), Y8, Y9, Y12, Y13, Y0, Y1)
	HY((R11)(DX*1), 16(R11)(DX*1), Y8, Y9, Y14, Y15, Y2, Y3)
	HY((R12), 16(R12), Y8, Y9, Y12, Y13, Y4, Y5)
	HY((R12)(DX*1), 16(R12)(DX*1), Y8, Y9, Y14, Y15, Y6, Y7)
	ADDQ    $32, R11
	ADDQ    $32, R12
	ADDQ    $64, DI

h256_four_red:
	REDUCE_Y(Y0, Y1, X0, X12)
	REDUCE_Y(Y2, Y3, X2, X13)
	REDUCE_Y(Y4, Y5, X4, X14)
	REDUCE_Y(Y6, Y7, X6, X15)
	MOVQ  R10, AX
	TESTQ AX, AX
	JZ    h256_four_store

h256_four_tail:
	VMOVSS (DI), X8
	H1((R11), X8, X12, X0)
	H1((R11)(DX*1), X8, X13, X2)
	H1((R12), X8, X14, X4)
	H1((R12)(DX*1), X8, X15, X6)
	ADDQ   $2, R11
	ADDQ   $2, R12
	ADDQ   $4, DI
	DECQ   AX
	JNZ    h256_four_tail

h256_four_store:
	VMOVSS X0, (R8)
	VMOVSS X2, 4(R8)
	VMOVSS X4, 8(R8)
	VMOVSS X6, 12(R8)
	ADDQ   $16, R8
	LEAQ   (SI)(DX*4), SI
	SUBQ   $4, CX
	CMPQ   CX, $4
	JGE    h256_four

h256_one:
	TESTQ CX, CX
	JZ    h256_done

h256_one_row:
	MOVQ   SI, R11
	MOVQ   R9, DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ   BX, AX
	SUBQ   $2, AX
	JLT    h256_one_1

h256_one_2:
	VCVTPH2PS   (R11), Y12
	VCVTPH2PS   16(R11), Y13
	VFMADD231PS (DI), Y12, Y0
	VFMADD231PS 32(DI), Y13, Y1
	VCVTPH2PS   32(R11), Y14
	VCVTPH2PS   48(R11), Y15
	VFMADD231PS 64(DI), Y14, Y0
	VFMADD231PS 96(DI), Y15, Y1
	PREFETCHT0  PFD(R11)
	ADDQ        $64, R11
	ADDQ        $128, DI
	SUBQ        $2, AX
	JGE         h256_one_2

h256_one_1:
	CMPQ        AX, $-1
	JNE         h256_one_red
	VCVTPH2PS   (R11), Y12
	VCVTPH2PS   16(R11), Y13
	VFMADD231PS (DI), Y12, Y0
	VFMADD231PS 32(DI), Y13, Y1
	ADDQ        $32, R11
	ADDQ        $64, DI

h256_one_red:
	REDUCE_Y(Y0, Y1, X0, X12)
	MOVQ  R10, AX
	TESTQ AX, AX
	JZ    h256_one_store

h256_one_tail:
	VMOVSS (DI), X8
	H1((R11), X8, X12, X0)
	ADDQ   $2, R11
	ADDQ   $4, DI
	DECQ   AX
	JNZ    h256_one_tail

h256_one_store:
	VMOVSS X0, (R8)
	ADDQ   $4, R8
	ADDQ   DX, SI
	DECQ   CX
	JNZ    h256_one_row

h256_done:
	VZEROUPPER
	RET

// X4 kernels: whole groups of 4 rows in the X4 layout (f16x4.go), read as one stream. Per
// 32-column block, 256 bytes: the two 16-column groups of rows 0-3, 64 bytes apart. Each row keeps
// its accumulator and column order, as in the 4-row loops above.
//
// Registers: SI group cursor, CX groups left, BX 32-column blocks, DX bytes of the cols%32
// leftover columns per row, R9 x, R8 y, DI x cursor, AX counter, R11 leftover of rows 0/1
// (R11, R11+DX), R12 rows 2/3, R13 scratch.

// PFX4 is the software prefetch distance of the X4 loops, in bytes. With 2 threads, 4 KB ahead
// was as fast as none on an idle host and 1-8 % faster with other load on it; PREFETCHNTA and
// PREFETCHT1 8 KB ahead, and 2-8 MB pool chunks, gained nothing beyond the noise.
#define PFX4 4096

// func f16RowsX4AVX512(w *byte, groups, cols int, x, y *float32)
TEXT ·f16RowsX4AVX512(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ groups+8(FP), CX
	MOVQ cols+16(FP), BX
	MOVQ x+24(FP), R9
	MOVQ y+32(FP), R8
	MOVQ BX, DX
	ANDQ $31, DX
	SHLQ $1, DX
	SHRQ $5, BX

x512_group:
	MOVQ   R9, DI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	MOVQ   BX, AX
	TESTQ  AX, AX
	JZ     x512_left

x512_block:
	VMOVUPS    (DI), Z4
	VMOVUPS    64(DI), Z5
	HZ((SI), Z4, Z6, Z0)
	HZ(64(SI), Z4, Z7, Z1)
	HZ(128(SI), Z4, Z8, Z2)
	HZ(192(SI), Z4, Z9, Z3)
	HZ(32(SI), Z5, Z10, Z0)
	HZ(96(SI), Z5, Z11, Z1)
	HZ(160(SI), Z5, Z12, Z2)
	HZ(224(SI), Z5, Z13, Z3)
	PREFETCHT0 PFX4(SI)
	PREFETCHT0 PFX4+64(SI)
	PREFETCHT0 PFX4+128(SI)
	PREFETCHT0 PFX4+192(SI)
	ADDQ       $256, SI
	ADDQ       $128, DI
	DECQ       AX
	JNZ        x512_block

x512_left:
	MOVQ    SI, R11
	LEAQ    (SI)(DX*2), R12
	CMPQ    DX, $32
	JLT     x512_red
	VMOVUPS (DI), Z4
	HZ((R11), Z4, Z6, Z0)
	HZ((R11)(DX*1), Z4, Z7, Z1)
	HZ((R12), Z4, Z8, Z2)
	HZ((R12)(DX*1), Z4, Z9, Z3)
	ADDQ    $32, R11
	ADDQ    $32, R12
	ADDQ    $64, DI

x512_red:
	REDUCE_Z(Z0, Y0, X0, Y4, X4)
	REDUCE_Z(Z1, Y1, X1, Y5, X5)
	REDUCE_Z(Z2, Y2, X2, Y6, X6)
	REDUCE_Z(Z3, Y3, X3, Y7, X7)
	MOVQ DX, AX
	SHRQ $1, AX
	ANDQ $15, AX
	JZ   x512_store

x512_tail:
	VMOVSS (DI), X8
	H1((R11), X8, X4, X0)
	H1((R11)(DX*1), X8, X5, X1)
	H1((R12), X8, X6, X2)
	H1((R12)(DX*1), X8, X7, X3)
	ADDQ   $2, R11
	ADDQ   $2, R12
	ADDQ   $4, DI
	DECQ   AX
	JNZ    x512_tail

x512_store:
	VMOVSS X0, (R8)
	VMOVSS X1, 4(R8)
	VMOVSS X2, 8(R8)
	VMOVSS X3, 12(R8)
	ADDQ   $16, R8
	LEAQ   (SI)(DX*4), SI
	DECQ   CX
	JNZ    x512_group
	VZEROUPPER
	RET

// func f16RowsX4AVX2(w *byte, groups, cols int, x, y *float32)
// Accumulators: row k in (Y(2k), Y(2k+1)); x groups in Y8-Y11; temporaries Y12-Y15.
TEXT ·f16RowsX4AVX2(SB), NOSPLIT, $0-40
	MOVQ w+0(FP), SI
	MOVQ groups+8(FP), CX
	MOVQ cols+16(FP), BX
	MOVQ x+24(FP), R9
	MOVQ y+32(FP), R8
	MOVQ BX, DX
	ANDQ $31, DX
	SHLQ $1, DX
	SHRQ $5, BX

x256_group:
	MOVQ   R9, DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   BX, AX
	TESTQ  AX, AX
	JZ     x256_left

x256_block:
	VMOVUPS    (DI), Y8
	VMOVUPS    32(DI), Y9
	VMOVUPS    64(DI), Y10
	VMOVUPS    96(DI), Y11
	HY((SI), 16(SI), Y8, Y9, Y12, Y13, Y0, Y1)
	HY(64(SI), 80(SI), Y8, Y9, Y14, Y15, Y2, Y3)
	HY(128(SI), 144(SI), Y8, Y9, Y12, Y13, Y4, Y5)
	HY(192(SI), 208(SI), Y8, Y9, Y14, Y15, Y6, Y7)
	HY(32(SI), 48(SI), Y10, Y11, Y12, Y13, Y0, Y1)
	HY(96(SI), 112(SI), Y10, Y11, Y14, Y15, Y2, Y3)
	HY(160(SI), 176(SI), Y10, Y11, Y12, Y13, Y4, Y5)
	HY(224(SI), 240(SI), Y10, Y11, Y14, Y15, Y6, Y7)
	PREFETCHT0 PFX4(SI)
	PREFETCHT0 PFX4+64(SI)
	PREFETCHT0 PFX4+128(SI)
	PREFETCHT0 PFX4+192(SI)
	ADDQ       $256, SI
	ADDQ       $128, DI
	DECQ       AX
	JNZ        x256_block

x256_left:
	MOVQ    SI, R11
	LEAQ    (SI)(DX*2), R12
	CMPQ    DX, $32
	JLT     x256_red
	VMOVUPS (DI), Y8
	VMOVUPS 32(DI), Y9
	HY((R11), 16(R11), Y8, Y9, Y12, Y13, Y0, Y1)
	HY((R11)(DX*1), 16(R11)(DX*1), Y8, Y9, Y14, Y15, Y2, Y3)
	HY((R12), 16(R12), Y8, Y9, Y12, Y13, Y4, Y5)
	HY((R12)(DX*1), 16(R12)(DX*1), Y8, Y9, Y14, Y15, Y6, Y7)
	ADDQ    $32, R11
	ADDQ    $32, R12
	ADDQ    $64, DI

x256_red:
	REDUCE_Y(Y0, Y1, X0, X12)
	REDUCE_Y(Y2, Y3, X2, X13)
	REDUCE_Y(Y4, Y5, X4, X14)
	REDUCE_Y(Y6, Y7, X6, X15)
	MOVQ DX, AX
	SHRQ $1, AX
	ANDQ $15, AX
	JZ   x256_store

x256_tail:
	VMOVSS (DI), X8
	H1((R11), X8, X12, X0)
	H1((R11)(DX*1), X8, X13, X2)
	H1((R12), X8, X14, X4)
	H1((R12)(DX*1), X8, X15, X6)
	ADDQ   $2, R11
	ADDQ   $2, R12
	ADDQ   $4, DI
	DECQ   AX
	JNZ    x256_tail

x256_store:
	VMOVSS X0, (R8)
	VMOVSS X2, 4(R8)
	VMOVSS X4, 8(R8)
	VMOVSS X6, 12(R8)
	ADDQ   $16, R8
	LEAQ   (SI)(DX*4), SI
	DECQ   CX
	JNZ    x256_group
	VZEROUPPER
	RET

// FZ: acc (zmm) += round(f32 × 16 at src · xz), unfused.
#define FZ(src, xz, t, acc) \
	VMULPS src, xz, t; \
	VADDPS t, acc, acc

// F1: scalar acc += round(f32 at src · xs), unfused.
#define F1(src, xs, t, acc) \
	VMULSS src, xs, t; \
	VADDSS t, acc, acc

// func f32RowsAVX512(w *byte, stride, rows, cols int, x, y *float32)
// As f16RowsAVX512, one 64-byte group per row and iteration.
TEXT ·f32RowsAVX512(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), DX
	MOVQ rows+16(FP), CX
	MOVQ cols+24(FP), BX
	MOVQ x+32(FP), R9
	MOVQ y+40(FP), R8
	MOVQ BX, R10
	ANDQ $15, R10
	SHRQ $4, BX
	CMPQ CX, $4
	JLT  s512_one

s512_four:
	MOVQ   SI, R11
	LEAQ   (SI)(DX*2), R12
	LEAQ   (SI)(DX*4), R13
	ADDQ   DX, R13 // row 5, for the prefetches
	MOVQ   R9, DI
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	MOVQ   BX, AX
	TESTQ  AX, AX
	JZ     s512_four_red

s512_four_g:
	VMOVUPS    (DI), Z4
	FZ((R11), Z4, Z6, Z0)
	FZ((R11)(DX*1), Z4, Z7, Z1)
	FZ((R12), Z4, Z8, Z2)
	FZ((R12)(DX*1), Z4, Z9, Z3)
	PREFETCHT0 (R11)(DX*4) // the same columns of the next 4 rows
	PREFETCHT0 (R13)
	PREFETCHT0 (R12)(DX*4)
	PREFETCHT0 (R13)(DX*2)
	ADDQ       $64, R13
	ADDQ       $64, R11
	ADDQ       $64, R12
	ADDQ       $64, DI
	DECQ       AX
	JNZ        s512_four_g

s512_four_red:
	REDUCE_Z(Z0, Y0, X0, Y4, X4)
	REDUCE_Z(Z1, Y1, X1, Y5, X5)
	REDUCE_Z(Z2, Y2, X2, Y6, X6)
	REDUCE_Z(Z3, Y3, X3, Y7, X7)
	MOVQ  R10, AX
	TESTQ AX, AX
	JZ    s512_four_store

s512_four_tail:
	VMOVSS (DI), X8
	F1((R11), X8, X4, X0)
	F1((R11)(DX*1), X8, X5, X1)
	F1((R12), X8, X6, X2)
	F1((R12)(DX*1), X8, X7, X3)
	ADDQ   $4, R11
	ADDQ   $4, R12
	ADDQ   $4, DI
	DECQ   AX
	JNZ    s512_four_tail

s512_four_store:
	VMOVSS X0, (R8)
	VMOVSS X1, 4(R8)
	VMOVSS X2, 8(R8)
	VMOVSS X3, 12(R8)
	ADDQ   $16, R8
	LEAQ   (SI)(DX*4), SI
	SUBQ   $4, CX
	CMPQ   CX, $4
	JGE    s512_four

s512_one:
	TESTQ CX, CX
	JZ    s512_done

s512_one_row:
	MOVQ   SI, R11
	MOVQ   R9, DI
	VPXORD Z0, Z0, Z0
	MOVQ   BX, AX
	TESTQ  AX, AX
	JZ     s512_one_red

s512_one_g:
	VMOVUPS    (DI), Z4
	FZ((R11), Z4, Z6, Z0)
	PREFETCHT0 PFD(R11)
	ADDQ       $64, R11
	ADDQ       $64, DI
	DECQ       AX
	JNZ        s512_one_g

s512_one_red:
	REDUCE_Z(Z0, Y0, X0, Y4, X4)
	MOVQ  R10, AX
	TESTQ AX, AX
	JZ    s512_one_store

s512_one_tail:
	VMOVSS (DI), X8
	F1((R11), X8, X4, X0)
	ADDQ   $4, R11
	ADDQ   $4, DI
	DECQ   AX
	JNZ    s512_one_tail

s512_one_store:
	VMOVSS X0, (R8)
	ADDQ   $4, R8
	ADDQ   DX, SI
	DECQ   CX
	JNZ    s512_one_row

s512_done:
	VZEROUPPER
	RET

// func f32RowsAVX2(w *byte, stride, rows, cols int, x, y *float32)
// Accumulators: row k in (Y(2k), Y(2k+1)); x in Y8, Y9; temporaries Y12-Y15.
TEXT ·f32RowsAVX2(SB), NOSPLIT, $0-48
	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), DX
	MOVQ rows+16(FP), CX
	MOVQ cols+24(FP), BX
	MOVQ x+32(FP), R9
	MOVQ y+40(FP), R8
	MOVQ BX, R10
	ANDQ $15, R10
	SHRQ $4, BX
	CMPQ CX, $4
	JLT  s256_one

s256_four:
	MOVQ   SI, R11
	LEAQ   (SI)(DX*2), R12
	LEAQ   (SI)(DX*4), R13
	ADDQ   DX, R13 // row 5, for the prefetches
	MOVQ   R9, DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	MOVQ   BX, AX
	TESTQ  AX, AX
	JZ     s256_four_red

s256_four_g:
	VMOVUPS    (DI), Y8
	VMOVUPS    32(DI), Y9
	FZ((R11), Y8, Y12, Y0)
	FZ(32(R11), Y9, Y13, Y1)
	FZ((R11)(DX*1), Y8, Y14, Y2)
	FZ(32(R11)(DX*1), Y9, Y15, Y3)
	FZ((R12), Y8, Y12, Y4)
	FZ(32(R12), Y9, Y13, Y5)
	FZ((R12)(DX*1), Y8, Y14, Y6)
	FZ(32(R12)(DX*1), Y9, Y15, Y7)
	PREFETCHT0 (R11)(DX*4) // the same columns of the next 4 rows
	PREFETCHT0 (R13)
	PREFETCHT0 (R12)(DX*4)
	PREFETCHT0 (R13)(DX*2)
	ADDQ       $64, R13
	ADDQ       $64, R11
	ADDQ       $64, R12
	ADDQ       $64, DI
	DECQ       AX
	JNZ        s256_four_g

s256_four_red:
	REDUCE_Y(Y0, Y1, X0, X12)
	REDUCE_Y(Y2, Y3, X2, X13)
	REDUCE_Y(Y4, Y5, X4, X14)
	REDUCE_Y(Y6, Y7, X6, X15)
	MOVQ  R10, AX
	TESTQ AX, AX
	JZ    s256_four_store

s256_four_tail:
	VMOVSS (DI), X8
	F1((R11), X8, X12, X0)
	F1((R11)(DX*1), X8, X13, X2)
	F1((R12), X8, X14, X4)
	F1((R12)(DX*1), X8, X15, X6)
	ADDQ   $4, R11
	ADDQ   $4, R12
	ADDQ   $4, DI
	DECQ   AX
	JNZ    s256_four_tail

s256_four_store:
	VMOVSS X0, (R8)
	VMOVSS X2, 4(R8)
	VMOVSS X4, 8(R8)
	VMOVSS X6, 12(R8)
	ADDQ   $16, R8
	LEAQ   (SI)(DX*4), SI
	SUBQ   $4, CX
	CMPQ   CX, $4
	JGE    s256_four

s256_one:
	TESTQ CX, CX
	JZ    s256_done

s256_one_row:
	MOVQ   SI, R11
	MOVQ   R9, DI
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	MOVQ   BX, AX
	TESTQ  AX, AX
	JZ     s256_one_red

s256_one_g:
	VMOVUPS    (DI), Y8
	VMOVUPS    32(DI), Y9
	FZ((R11), Y8, Y12, Y0)
	FZ(32(R11), Y9, Y13, Y1)
	PREFETCHT0 PFD(R11)
	ADDQ       $64, R11
	ADDQ       $64, DI
	DECQ       AX
	JNZ        s256_one_g

s256_one_red:
	REDUCE_Y(Y0, Y1, X0, X12)
	MOVQ  R10, AX
	TESTQ AX, AX
	JZ    s256_one_store

s256_one_tail:
	VMOVSS (DI), X8
	F1((R11), X8, X12, X0)
	ADDQ   $4, R11
	ADDQ   $4, DI
	DECQ   AX
	JNZ    s256_one_tail

s256_one_store:
	VMOVSS X0, (R8)
	ADDQ   $4, R8
	ADDQ   DX, SI
	DECQ   CX
	JNZ    s256_one_row

s256_done:
	VZEROUPPER
	RET

// func addScaledAVX512(dst, x *float32, n int, s float32)
// dst[i] = dst[i] + round(s·x[i]); element-wise, so any grouping gives the reference's bits.
TEXT ·addScaledAVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS s+24(FP), Z1
	MOVQ         CX, BX
	SHRQ         $4, BX
	ANDQ         $15, CX
	TESTQ        BX, BX
	JZ           as512_tail

as512_loop:
	VMULPS  (SI), Z1, Z2
	VADDPS  (DI), Z2, Z2
	VMOVUPS Z2, (DI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	DECQ    BX
	JNZ     as512_loop

as512_tail:
	TESTQ CX, CX
	JZ    as512_done

as512_tail1:
	VMULSS (SI), X1, X2
	VADDSS (DI), X2, X2
	VMOVSS X2, (DI)
	ADDQ   $4, SI
	ADDQ   $4, DI
	DECQ   CX
	JNZ    as512_tail1

as512_done:
	VZEROUPPER
	RET

// func addScaledAVX2(dst, x *float32, n int, s float32)
TEXT ·addScaledAVX2(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         x+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS s+24(FP), Y1
	MOVQ         CX, BX
	SHRQ         $3, BX
	ANDQ         $7, CX
	TESTQ        BX, BX
	JZ           as256_tail

as256_loop:
	VMULPS  (SI), Y1, Y2
	VADDPS  (DI), Y2, Y2
	VMOVUPS Y2, (DI)
	ADDQ    $32, SI
	ADDQ    $32, DI
	DECQ    BX
	JNZ     as256_loop

as256_tail:
	TESTQ CX, CX
	JZ    as256_done

as256_tail1:
	VMULSS (SI), X1, X2
	VADDSS (DI), X2, X2
	VMOVSS X2, (DI)
	ADDQ   $4, SI
	ADDQ   $4, DI
	DECQ   CX
	JNZ    as256_tail1

as256_done:
	VZEROUPPER
	RET

// func addScaledF16AVX512(dst *float32, src *byte, n int, a float32)
// dst[i] = dst[i] + round(a·fp16(src[i])), unfused (exact for any a).
TEXT ·addScaledF16AVX512(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Z1
	MOVQ         CX, BX
	SHRQ         $4, BX
	ANDQ         $15, CX
	TESTQ        BX, BX
	JZ           ah512_tail

ah512_loop:
	VCVTPH2PS (SI), Z2
	VMULPS    Z1, Z2, Z2
	VADDPS    (DI), Z2, Z2
	VMOVUPS   Z2, (DI)
	ADDQ      $32, SI
	ADDQ      $64, DI
	DECQ      BX
	JNZ       ah512_loop

ah512_tail:
	TESTQ CX, CX
	JZ    ah512_done

ah512_tail1:
	MOVWLZX   (SI), AX
	VMOVD     AX, X2
	VCVTPH2PS X2, X2
	VMULSS    X1, X2, X2
	VADDSS    (DI), X2, X2
	VMOVSS    X2, (DI)
	ADDQ      $2, SI
	ADDQ      $4, DI
	DECQ      CX
	JNZ       ah512_tail1

ah512_done:
	VZEROUPPER
	RET

// func addScaledF16AVX2(dst *float32, src *byte, n int, a float32)
TEXT ·addScaledF16AVX2(SB), NOSPLIT, $0-28
	MOVQ         dst+0(FP), DI
	MOVQ         src+8(FP), SI
	MOVQ         n+16(FP), CX
	VBROADCASTSS a+24(FP), Y1
	MOVQ         CX, BX
	SHRQ         $3, BX
	ANDQ         $7, CX
	TESTQ        BX, BX
	JZ           ah256_tail

ah256_loop:
	VCVTPH2PS (SI), Y2
	VMULPS    Y1, Y2, Y2
	VADDPS    (DI), Y2, Y2
	VMOVUPS   Y2, (DI)
	ADDQ      $16, SI
	ADDQ      $32, DI
	DECQ      BX
	JNZ       ah256_loop

ah256_tail:
	TESTQ CX, CX
	JZ    ah256_done

ah256_tail1:
	MOVWLZX   (SI), AX
	VMOVD     AX, X2
	VCVTPH2PS X2, X2
	VMULSS    X1, X2, X2
	VADDSS    (DI), X2, X2
	VMOVSS    X2, (DI)
	ADDQ      $2, SI
	ADDQ      $4, DI
	DECQ      CX
	JNZ       ah256_tail1

ah256_done:
	VZEROUPPER
	RET

// func addScaledF16RowsAVX512(dst *float32, v *uint16, stride, n int, w *float32, cols int)
// First rounds w[0..n) to fp16 in place; then for each block of columns, dst += round(w[u])·v[u]
// for u = 0..n−1 in order, unfused, as addScaledF16AVX512 row by row. n ≥ 1, cols % 16 == 0.
TEXT ·addScaledF16RowsAVX512(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ v+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ w+32(FP), R8
	MOVQ cols+40(FP), BX
	MOVQ CX, AX
	MOVQ R8, R9

ar512_round16:
	CMPQ      AX, $16
	JLT       ar512_round1
	VMOVUPS   (R9), Z1
	VCVTPS2PH $0, Z1, Y1
	VCVTPH2PS Y1, Z1
	VMOVUPS   Z1, (R9)
	ADDQ      $64, R9
	SUBQ      $16, AX
	JMP       ar512_round16

ar512_round1:
	TESTQ     AX, AX
	JZ        ar512_g64
	VMOVSS    (R9), X1
	VCVTPS2PH $0, X1, X1
	VCVTPH2PS X1, X1
	VMOVSS    X1, (R9)
	ADDQ      $4, R9
	DECQ      AX
	JMP       ar512_round1

ar512_g64:
	CMPQ    BX, $64
	JLT     ar512_g16
	VMOVUPS (DI), Z0
	VMOVUPS 64(DI), Z3
	VMOVUPS 128(DI), Z4
	VMOVUPS 192(DI), Z5
	MOVQ    SI, R10
	MOVQ    R8, R11
	MOVQ    CX, AX

ar512_g64_row:
	VBROADCASTSS (R11), Z1
	VCVTPH2PS    (R10), Z2
	VMULPS       Z1, Z2, Z2
	VADDPS       Z2, Z0, Z0
	VCVTPH2PS    32(R10), Z6
	VMULPS       Z1, Z6, Z6
	VADDPS       Z6, Z3, Z3
	VCVTPH2PS    64(R10), Z7
	VMULPS       Z1, Z7, Z7
	VADDPS       Z7, Z4, Z4
	VCVTPH2PS    96(R10), Z8
	VMULPS       Z1, Z8, Z8
	VADDPS       Z8, Z5, Z5
	ADDQ         DX, R10
	ADDQ         $4, R11
	DECQ         AX
	JNZ          ar512_g64_row
	VMOVUPS      Z0, (DI)
	VMOVUPS      Z3, 64(DI)
	VMOVUPS      Z4, 128(DI)
	VMOVUPS      Z5, 192(DI)
	ADDQ         $256, DI
	ADDQ         $128, SI
	SUBQ         $64, BX
	JMP          ar512_g64

ar512_g16:
	CMPQ    BX, $16
	JLT     ar512_done
	VMOVUPS (DI), Z0
	MOVQ    SI, R10
	MOVQ    R8, R11
	MOVQ    CX, AX

ar512_g16_row:
	VBROADCASTSS (R11), Z1
	VCVTPH2PS    (R10), Z2
	VMULPS       Z1, Z2, Z2
	VADDPS       Z2, Z0, Z0
	ADDQ         DX, R10
	ADDQ         $4, R11
	DECQ         AX
	JNZ          ar512_g16_row
	VMOVUPS      Z0, (DI)
	ADDQ         $64, DI
	ADDQ         $32, SI
	SUBQ         $16, BX
	JMP          ar512_g16

ar512_done:
	VZEROUPPER
	RET

// func addScaledF16RowsAVX2(dst *float32, v *uint16, stride, n int, w *float32, cols int)
// As addScaledF16RowsAVX512 with 8-wide vectors; cols % 8 == 0.
TEXT ·addScaledF16RowsAVX2(SB), NOSPLIT, $0-48
	MOVQ dst+0(FP), DI
	MOVQ v+8(FP), SI
	MOVQ stride+16(FP), DX
	MOVQ n+24(FP), CX
	MOVQ w+32(FP), R8
	MOVQ cols+40(FP), BX
	MOVQ CX, AX
	MOVQ R8, R9

ar2_round8:
	CMPQ      AX, $8
	JLT       ar2_round1
	VMOVUPS   (R9), Y1
	VCVTPS2PH $0, Y1, X1
	VCVTPH2PS X1, Y1
	VMOVUPS   Y1, (R9)
	ADDQ      $32, R9
	SUBQ      $8, AX
	JMP       ar2_round8

ar2_round1:
	TESTQ     AX, AX
	JZ        ar2_g32
	VMOVSS    (R9), X1
	VCVTPS2PH $0, X1, X1
	VCVTPH2PS X1, X1
	VMOVSS    X1, (R9)
	ADDQ      $4, R9
	DECQ      AX
	JMP       ar2_round1

ar2_g32:
	CMPQ    BX, $32
	JLT     ar2_g8
	VMOVUPS (DI), Y0
	VMOVUPS 32(DI), Y3
	VMOVUPS 64(DI), Y4
	VMOVUPS 96(DI), Y5
	MOVQ    SI, R10
	MOVQ    R8, R11
	MOVQ    CX, AX

ar2_g32_row:
	VBROADCASTSS (R11), Y1
	VCVTPH2PS    (R10), Y2
	VMULPS       Y1, Y2, Y2
	VADDPS       Y2, Y0, Y0
	VCVTPH2PS    16(R10), Y6
	VMULPS       Y1, Y6, Y6
	VADDPS       Y6, Y3, Y3
	VCVTPH2PS    32(R10), Y7
	VMULPS       Y1, Y7, Y7
	VADDPS       Y7, Y4, Y4
	VCVTPH2PS    48(R10), Y8
	VMULPS       Y1, Y8, Y8
	VADDPS       Y8, Y5, Y5
	ADDQ         DX, R10
	ADDQ         $4, R11
	DECQ         AX
	JNZ          ar2_g32_row
	VMOVUPS      Y0, (DI)
	VMOVUPS      Y3, 32(DI)
	VMOVUPS      Y4, 64(DI)
	VMOVUPS      Y5, 96(DI)
	ADDQ         $128, DI
	ADDQ         $64, SI
	SUBQ         $32, BX
	JMP          ar2_g32

ar2_g8:
	CMPQ    BX, $8
	JLT     ar2_done
	VMOVUPS (DI), Y0
	MOVQ    SI, R10
	MOVQ    R8, R11
	MOVQ    CX, AX

ar2_g8_row:
	VBROADCASTSS (R11), Y1
	VCVTPH2PS    (R10), Y2
	VMULPS       Y1, Y2, Y2
	VADDPS       Y2, Y0, Y0
	ADDQ         DX, R10
	ADDQ         $4, R11
	DECQ         AX
	JNZ          ar2_g8_row
	VMOVUPS      Y0, (DI)
	ADDQ         $32, DI
	ADDQ         $16, SI
	SUBQ         $8, BX
	JMP          ar2_g8

ar2_done:
	VZEROUPPER
	RET
