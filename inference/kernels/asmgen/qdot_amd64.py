import os
# generator for qdot_amd64.s (run: python3 asmgen/qdot_amd64.py; the .s files are committed)
hdr = r'''//go:build !purego

#include "textflag.h"

// Q8_0 and Q6_K row dots for amd64 (contract and Go declarations in qdot.go, qdot_amd64.go).
//
// Four rows per iteration share the activation loads; rows sit in the 4 lanes of one xmm
// accumulator, so that each lane follows the canonical per-row order: for every block, the
// exact int32 sum (a ymm of int32 per row, reduced with VPHADDD), converted to f32, times
// (d_w·d_act) rounded, added. Integer products use |w| (unsigned) × (a·sign w) (signed), exact
// because |a| ≤ 127. The avx512 variants fold the multiply-adds with VNNI (EVEX ymm VPDPBUSD,
// VPDPWSSD; AVX-512 VL + VNNI).
//
// Registers: SI group base, DX stride, CX rows left, BX blocks, R10 y, R11 rows 0/1 (R11,
// R11+DX), R12 rows 2/3, R8 row 5 (prefetches), DI activation cursor, R13 its scale cursor, AX
// block counter. R14, R15 and BP are not used. A stride of 0 gives 4 copies of one row.

// Prefetching: while reading a block of rows 0-3, the same block of rows 4-7 (for the contiguous
// head, 4 rows ahead, 8-11 KB; correct for any stride), as the 4-row F16 loops do: measured
// single-threaded on the head, Q8_0 streamed at 12 GB/s with PREFETCHT0 1 KB ahead in each row.

// RED4 reduces the int32 lanes of y0..y3 (rows 0..3) to x0 = [Σy0, Σy1, Σy2, Σy3] as f32.
#define RED4(y0, y1, y2, y3, x0, x1) \
	VPHADDD      y1, y0, y0; \
	VPHADDD      y3, y2, y2; \
	VPHADDD      y2, y0, y0; \
	VEXTRACTI128 $1, y0, x1; \
	VPADDD       x1, x0, x0; \
	VCVTDQ2PS    x0, x0

// SCALE4 leaves in x the 4 rows' fp16 scales at off, as f32, times the activation scale at (R13).
#define SCALE4(off, x, t) \
	VPINSRW      $0, off(R11), x, x;       \
	VPINSRW      $1, off(R11)(DX*1), x, x; \
	VPINSRW      $2, off(R12), x, x;       \
	VPINSRW      $3, off(R12)(DX*1), x, x; \
	VCVTPH2PS    x, x;                     \
	VBROADCASTSS (R13), t;                 \
	VMULPS       t, x, x

// Q8ROW_AVX2: acc = 8 int32 partial sums of one row's block at src with the activation in Y13.
#define Q8ROW_AVX2(src, acc) \
	VMOVDQU    src, Y4;     \
	VPABSB     Y4, Y5;      \
	VPSIGNB    Y4, Y13, Y6; \
	VPMADDUBSW Y6, Y5, Y5;  \
	VPMADDWD   Y15, Y5, acc

#define Q8ROW_VNNI(src, acc) \
	VMOVDQU  src, Y4;     \
	VPABSB   Y4, Y5;      \
	VPSIGNB  Y4, Y13, Y6; \
	VPXOR    acc, acc, acc; \
	VPDPBUSD Y6, Y5, acc

// Q6DOT_*: acc += the scaled int32 sums of 32 weights w (0..63, 2 sub-blocks) with the
// activation at asrc; msrc selects the 2 scales from X3 (8 copies each, then widened to int16).
#define Q6DOT_AVX2(w, asrc, msrc, acc) \
	VPSUBB     Y13, w, w;  \
	VMOVDQU    asrc, Y6;   \
	VPSIGNB    w, Y6, Y6;  \
	VPABSB     w, w;       \
	VPMADDUBSW Y6, w, w;   \
	VPSHUFB    msrc, X3, X7; \
	VPMOVSXBW  X7, Y7;     \
	VPMADDWD   Y7, w, w;   \
	VPADDD     w, acc, acc

#define Q6DOT_VNNI(w, asrc, msrc, acc) \
	VPSUBB     Y13, w, w;  \
	VMOVDQU    asrc, Y6;   \
	VPSIGNB    w, Y6, Y6;  \
	VPABSB     w, w;       \
	VPMADDUBSW Y6, w, w;   \
	VPSHUFB    msrc, X3, X7; \
	VPMOVSXBW  X7, Y7;     \
	VPDPWSSD   Y7, w, acc

// Q6HALF: one half (128 weights) of one row's block: ql at o0 and o1, qh at oh (operands of p),
// activation from a(DI), scale masks m..m+48.
#define Q6HALF(DOT, p, o0, o1, oh, a, m, acc) \
	VMOVDQU o0 p, Y0;       \
	VMOVDQU o1 p, Y1;       \
	VMOVDQU oh p, Y2;       \
	VPAND   Y15, Y0, Y4;    \
	VPSLLW  $4, Y2, Y5;     \
	VPAND   Y14, Y5, Y5;    \
	VPOR    Y5, Y4, Y4;     \
	DOT(Y4, a(DI), q6shuf<>+m(SB), acc); \
	VPAND   Y15, Y1, Y4;    \
	VPSLLW  $2, Y2, Y5;     \
	VPAND   Y14, Y5, Y5;    \
	VPOR    Y5, Y4, Y4;     \
	DOT(Y4, a+32(DI), q6shuf<>+m+16(SB), acc); \
	VPSRLW  $4, Y0, Y4;     \
	VPAND   Y15, Y4, Y4;    \
	VPAND   Y14, Y2, Y5;    \
	VPOR    Y5, Y4, Y4;     \
	DOT(Y4, a+64(DI), q6shuf<>+m+32(SB), acc); \
	VPSRLW  $4, Y1, Y4;     \
	VPAND   Y15, Y4, Y4;    \
	VPSRLW  $2, Y2, Y5;     \
	VPAND   Y14, Y5, Y5;    \
	VPOR    Y5, Y4, Y4;     \
	DOT(Y4, a+96(DI), q6shuf<>+m+48(SB), acc)

// Q6ROW: acc = the int32 sum of one row's block (operand suffix p).
#define Q6ROW(DOT, p, acc) \
	VMOVDQU 192 p, X3;     \
	VPXOR   acc, acc, acc; \
	Q6HALF(DOT, p, 0, 32, 128, 0, 0, acc); \
	Q6HALF(DOT, p, 64, 96, 160, 128, 64, acc)

// PF4 prefetches the 4 lines from off of the block at p (the block of a row 4 rows ahead).
#define PF4(p) \
	PREFETCHT0 p;     \
	PREFETCHT0 64 p;  \
	PREFETCHT0 128 p; \
	PREFETCHT0 192 p

// q6shuf: for sub-block pairs (2s, 2s+1), s = 0..7, the bytes 2s ×8 then 2s+1 ×8.
'''
data = []
for s in range(8):
    a, b = 2*s, 2*s+1
    data.append('DATA q6shuf<>+%d(SB)/8, $0x%016x' % (16*s, int.from_bytes(bytes([a]*8), 'little')))
    data.append('DATA q6shuf<>+%d(SB)/8, $0x%016x' % (16*s+8, int.from_bytes(bytes([b]*8), 'little')))
hdr += '\n'.join(data) + '\nGLOBL q6shuf<>(SB), RODATA|NOPTR, $128\n'

prologue = '''	MOVQ w+0(FP), SI
	MOVQ stride+8(FP), DX
	MOVQ rows+16(FP), CX
	MOVQ nb+24(FP), BX
	MOVQ y+48(FP), R10
'''

def q8(name, row):
    return f'''
// func {name}(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
// rows: a positive multiple of 4.
TEXT ·{name}(SB), NOSPLIT, $0-56
{prologue}	VPCMPEQW Y15, Y15, Y15
	VPSRLW   $15, Y15, Y15 // int16 ones

{name}_group:
	MOVQ   SI, R11
	LEAQ   (SI)(DX*2), R12
	LEAQ   (SI)(DX*4), R8
	ADDQ   DX, R8 // row 5, for the prefetches
	MOVQ   q+32(FP), DI
	MOVQ   d+40(FP), R13
	MOVQ   BX, AX
	VXORPS X14, X14, X14

{name}_block:
	VMOVDQU (DI), Y13
	{row}(2(R11), Y0)
	{row}(2(R11)(DX*1), Y1)
	{row}(2(R12), Y2)
	{row}(2(R12)(DX*1), Y3)
	RED4(Y0, Y1, Y2, Y3, X0, X1)
	SCALE4(0, X4, X5)
	VMULPS     X4, X0, X0
	VADDPS     X0, X14, X14
	PREFETCHT0 (R11)(DX*4) // the same block of the next 4 rows
	PREFETCHT0 (R8)
	PREFETCHT0 (R12)(DX*4)
	PREFETCHT0 (R8)(DX*2)
	ADDQ       $34, R8
	ADDQ       $34, R11
	ADDQ       $34, R12
	ADDQ       $32, DI
	ADDQ       $4, R13
	DECQ       AX
	JNZ        {name}_block

	VMOVUPS X14, (R10)
	ADDQ    $16, R10
	LEAQ    (SI)(DX*4), SI
	SUBQ    $4, CX
	JNZ     {name}_group
	VZEROUPPER
	RET
'''

def q6(name, dot):
    return f'''
// func {name}(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
// rows: a positive multiple of 4.
TEXT ·{name}(SB), NOSPLIT, $0-56
{prologue}	MOVL         $0x0f0f0f0f, AX
	MOVD         AX, X15
	VPBROADCASTD X15, Y15
	MOVL         $0x30303030, AX
	MOVD         AX, X14
	VPBROADCASTD X14, Y14
	MOVL         $0x20202020, AX
	MOVD         AX, X13
	VPBROADCASTD X13, Y13

{name}_group:
	MOVQ   SI, R11
	LEAQ   (SI)(DX*2), R12
	LEAQ   (SI)(DX*4), R8
	ADDQ   DX, R8 // row 5, for the prefetches
	MOVQ   q+32(FP), DI
	MOVQ   d+40(FP), R13
	MOVQ   BX, AX
	VXORPS X12, X12, X12

{name}_block:
	Q6ROW({dot}, (R11), Y8)
	Q6ROW({dot}, (R11)(DX*1), Y9)
	Q6ROW({dot}, (R12), Y10)
	Q6ROW({dot}, (R12)(DX*1), Y11)
	PF4((R11)(DX*4))
	PF4((R8))
	PF4((R12)(DX*4))
	PF4((R8)(DX*2))
	RED4(Y8, Y9, Y10, Y11, X8, X1)
	SCALE4(208, X4, X5)
	VMULPS X4, X8, X8
	VADDPS X8, X12, X12
	ADDQ   $210, R8
	ADDQ   $210, R11
	ADDQ   $210, R12
	ADDQ   $256, DI
	ADDQ   $4, R13
	DECQ   AX
	JNZ    {name}_block

	VMOVUPS X12, (R10)
	ADDQ    $16, R10
	LEAQ    (SI)(DX*4), SI
	SUBQ    $4, CX
	JNZ     {name}_group
	VZEROUPPER
	RET
'''
out = hdr + q8('q80RowsAVX2', 'Q8ROW_AVX2') + q8('q80RowsVNNI', 'Q8ROW_VNNI') + q6('q6kRowsAVX2', 'Q6DOT_AVX2') + q6('q6kRowsVNNI', 'Q6DOT_VNNI')
open(os.path.join(os.path.dirname(__file__), '..', 'qdot_amd64.s'), 'w').write(out)
