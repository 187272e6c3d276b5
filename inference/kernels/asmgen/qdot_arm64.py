import os
import subprocess, re
enc_cache = {}
def enc(ins):
    if ins in enc_cache: return enc_cache[ins]
    out = subprocess.run(['llvm-mc', '-triple=aarch64', '-mattr=+dotprod', '-show-encoding'], input=ins+'\n', capture_output=True, text=True)
    m = re.search(r'encoding: \[0x(..),0x(..),0x(..),0x(..)\]', out.stdout)
    if not m: raise SystemExit('llvm-mc failed: %s\n%s%s' % (ins, out.stdout, out.stderr))
    w = m.group(4)+m.group(3)+m.group(2)+m.group(1)
    enc_cache[ins] = w
    return w

L = []
def go(s): L.append('\t' + s)
def a(s): L.append('\tWORD $0x%s // %s' % (enc(s), s))
def label(s): L.append(s + ':')
def blank(): L.append('')

hdr = r'''//go:build !purego

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
'''

def prologue():
    go('MOVD w+0(FP), R0')
    go('MOVD stride+8(FP), R1')
    go('MOVD rows+16(FP), R2')
    go('MOVD nb+24(FP), R3')
    go('MOVD q+32(FP), R4')
    go('MOVD d+40(FP), R5')
    go('MOVD y+48(FP), R6')

def group_start(name, facc):
    label(name + '_group')
    go('MOVD R0, R7')
    go('ADD  R1, R7, R8')
    go('ADD  R1, R8, R9')
    go('ADD  R1, R9, R10')
    go('LSL  $2, R1, R14')
    go('ADD  R14, R7, R19') # rows 4-7, for the prefetches
    go('ADD  R1, R19, R20')
    go('ADD  R1, R20, R21')
    go('ADD  R1, R21, R22')
    go('MOVD R4, R11')
    go('MOVD R5, R12')
    go('MOVD R3, R13')
    a('movi v%d.2d, #0' % facc)
    blank()
    label(name + '_block')

def group_end(name, facc, bb):
    for r in (7, 8, 9, 10, 19, 20, 21, 22):
        go('ADD  $%d, R%d' % (bb, r))
    go('SUBS $1, R13')
    go('BNE  %s_block' % name)
    blank()
    a('str q%d, [x6], #16' % facc)
    go('LSL  $2, R1, R14')
    go('ADD  R14, R0')
    go('SUBS $4, R2')
    go('BNE  %s_group' % name)
    go('RET')

def finish(accs, facc, off, t0, t1):
    # accs: int32 row accumulators (4); facc float accumulator; scales at off in each row
    A, B, C, D = accs
    a('addp v%d.4s, v%d.4s, v%d.4s' % (A, A, B))
    a('addp v%d.4s, v%d.4s, v%d.4s' % (C, C, D))
    a('addp v%d.4s, v%d.4s, v%d.4s' % (A, A, C))
    a('scvtf v%d.4s, v%d.4s' % (A, A))
    if off == 0:
        for i, r in enumerate((7, 8, 9, 10)):
            a('ld1 {v%d.h}[%d], [x%d]' % (t0, i, r))
    else:
        a('ldr h%d, [x7, #%d]' % (t0, off))
        for i, r in enumerate((8, 9, 10)):
            a('ldr h%d, [x%d, #%d]' % (t1, r, off))
            a('mov v%d.h[%d], v%d.h[0]' % (t0, i + 1, t1))
    a('fcvtl v%d.4s, v%d.4h' % (t0, t0))
    a('ld1r {v%d.4s}, [x12], #4' % t1)
    a('fmul v%d.4s, v%d.4s, v%d.4s' % (t0, t0, t1))
    a('fmul v%d.4s, v%d.4s, v%d.4s' % (A, A, t0))
    a('fadd v%d.4s, v%d.4s, v%d.4s' % (facc, facc, A))

def q8(name, dot):
    L.append('')
    L.append('// func %s(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)' % name)
    L.append('// rows: a positive multiple of 4.')
    L.append('TEXT ·%s(SB), NOSPLIT, $0-56' % name)
    prologue()
    blank()
    group_start(name, 16)
    a('ld1 {v0.16b, v1.16b}, [x11], #32')
    for k, r in enumerate((7, 8, 9, 10)):
        acc = 4 + k
        a('ldur q2, [x%d, #2]' % r)
        a('ldur q3, [x%d, #18]' % r)
        if dot:
            a('movi v%d.2d, #0' % acc)
            a('sdot v%d.4s, v2.16b, v0.16b' % acc)
            a('sdot v%d.4s, v3.16b, v1.16b' % acc)
        else:
            a('smull v10.8h, v2.8b, v0.8b')
            a('smlal2 v10.8h, v2.16b, v0.16b')
            a('smull v11.8h, v3.8b, v1.8b')
            a('smlal2 v11.8h, v3.16b, v1.16b')
            a('saddlp v%d.4s, v10.8h' % acc)
            a('sadalp v%d.4s, v11.8h' % acc)
        a('prfm pldl1keep, [x%d]' % (r + 12))
    finish((4, 5, 6, 7), 16, 0, 8, 9)
    group_end(name, 16, 34)

def q6(name, dot):
    L.append('')
    L.append('// func %s(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)' % name)
    L.append('// rows: a positive multiple of 4.')
    L.append('TEXT ·%s(SB), NOSPLIT, $0-56' % name)
    prologue()
    a('movi v29.16b, #0x0f')
    a('movi v30.16b, #0x30')
    a('movi v31.16b, #0x20')
    blank()
    group_start(name, 28)
    for k, r in enumerate((7, 8, 9, 10)):
        acc = 24 + k
        L.append('\t// row %d' % k)
        a('ldr q0, [x%d, #192]' % r)
        a('sxtl v1.8h, v0.8b')
        a('sxtl2 v2.8h, v0.16b')
        if dot:
            a('sxtl v3.4s, v1.4h')
            a('sxtl2 v4.4s, v1.8h')
            a('sxtl v5.4s, v2.4h')
            a('sxtl2 v6.4s, v2.8h')
        a('movi v%d.2d, #0' % acc)
        for h in range(2):
            for i, off in enumerate((0, 16, 32, 48)):
                a('ldr q%d, [x%d, #%d]' % (7 + i, r, 64 * h + off))   # v7,v8 ql0; v9,v10 ql1
            a('ldr q11, [x%d, #%d]' % (r, 128 + 32 * h))
            a('ldr q12, [x%d, #%d]' % (r, 128 + 32 * h + 16))
            for m in range(2):
                ql0, ql1, qh = 7 + m, 9 + m, 11 + m
                for n in range(4):
                    j = 8 * h + 2 * n + m
                    w, t = 17, 18
                    if n == 0:
                        a('and v%d.16b, v%d.16b, v29.16b' % (w, ql0))
                        a('shl v%d.16b, v%d.16b, #4' % (t, qh))
                        a('and v%d.16b, v%d.16b, v30.16b' % (t, t))
                    elif n == 1:
                        a('and v%d.16b, v%d.16b, v29.16b' % (w, ql1))
                        a('shl v%d.16b, v%d.16b, #2' % (t, qh))
                        a('and v%d.16b, v%d.16b, v30.16b' % (t, t))
                    elif n == 2:
                        a('ushr v%d.16b, v%d.16b, #4' % (w, ql0))
                        a('and v%d.16b, v%d.16b, v30.16b' % (t, qh))
                    else:
                        a('ushr v%d.16b, v%d.16b, #4' % (w, ql1))
                        a('ushr v%d.16b, v%d.16b, #2' % (t, qh))
                        a('and v%d.16b, v%d.16b, v30.16b' % (t, t))
                    a('orr v%d.16b, v%d.16b, v%d.16b' % (w, w, t))
                    a('sub v%d.16b, v%d.16b, v31.16b' % (w, w))
                    a('ldr q14, [x11, #%d]' % (128 * h + 32 * n + 16 * m))
                    if dot:
                        a('movi v15.2d, #0')
                        a('sdot v15.4s, v%d.16b, v14.16b' % w)
                        a('mla v%d.4s, v15.4s, v%d.s[%d]' % (acc, 3 + j // 4, j % 4))
                    else:
                        a('smull v15.8h, v%d.8b, v14.8b' % w)
                        a('smlal2 v15.8h, v%d.16b, v14.16b' % w)
                        a('smlal v%d.4s, v15.4h, v%d.h[%d]' % (acc, 1 + j // 8, j % 8))
                        a('smlal2 v%d.4s, v15.8h, v%d.h[%d]' % (acc, 1 + j // 8, j % 8))
        for off in (0, 64, 128, 192):
            a('prfm pldl1keep, [x%d, #%d]' % (r + 12, off))
    finish((24, 25, 26, 27), 28, 208, 19, 20)
    go('ADD  $256, R11')
    group_end(name, 28, 210)

q8('q80RowsDot', True)
q8('q80RowsNEON', False)
q6('q6kRowsDot', True)
q6('q6kRowsNEON', False)
open(os.path.join(os.path.dirname(__file__), '..', 'qdot_arm64.s'), 'w').write(hdr + '\n'.join(L) + '\n')
