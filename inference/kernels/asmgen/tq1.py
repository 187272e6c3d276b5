import os
# Generates the T1 decoders (tq1_*_amd64.s, tq1_arm64.s).
hdr_amd = '''//go:build !purego

#include "textflag.h"

'''
def planes():
    # trit n < 4 of vector k: group k, plane n; trit 4 of vector k: group 4, plane k
    for k in range(4):
        for n in range(5):
            if n < 4:
                yield k, n, k, n
            else:
                yield k, n, 4, k

# ---------- AVX-512 BW ----------
L=[]
L.append(hdr_amd)
L.append('''// func decodeT1AVX512(dst, src *byte, rows, groups int)
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
''')
for g in range(5):
    L.append('\tVPXORQ Z1%d, Z1%d, Z1%d\n' % (g,g,g))
for k,n,g,p in planes():
    L.append('\tVPCMPUB $6, Z30, Z%d, K1\n' % k)
    L.append('\tVPCMPUB $6, Z31, Z%d, K2\n' % k)
    L.append('\tVPADDB Z%d, Z1%d, K1, Z1%d\n' % (26+p, g, g))
    L.append('\tVPADDB Z%d, Z1%d, K2, Z1%d\n' % (26+p, g, g))
    if n < 4:
        L.append('\tVPADDB Z%d, Z%d, Z4\n' % (k,k))
        L.append('\tVPADDB Z4, Z%d, Z%d\n' % (k,k))
for g in range(5):
    L.append('\tVMOVDQU64 Z1%d, %d(DI)\n' % (g, 64*g))
L.append('''	ADDQ $256, SI
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
''')

def tq1(b, n):
    m = (b * 3**n) % 256
    return (m*3) >> 8
T = [sum(tq1(b, n) << (2*n) for n in range(4)) for b in range(256)]
T4 = [tq1(b, 4) for b in range(256)]
L.append('''
// t1Quad[b] is the T2 byte of trits 0–3 of b (trit n in bits 2n), t1Fifth[b] trit 4 of b.
''')
for name, tab in (('t1Quad', T), ('t1Fifth', T4)):
    for o in range(0, 256, 8):
        v = sum(tab[o+i] << (8*i) for i in range(8))
        L.append('DATA %s<>+%d(SB)/8, $0x%016x\n' % (name, o, v))
    L.append('GLOBL %s<>(SB), RODATA|NOPTR, $256\n' % name)
L.append('''
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
''')
for k in range(4):
    L.append('\tVMOVDQU64 %d(SI), Z%d\n' % (64*k, k))
    L.append('\tVPMOVB2M Z%d, K1\n' % k)
    L.append('\tKNOTQ K1, K2\n')
    for (tab, r) in ((16, 4+k), (20, 9+k)):
        L.append('\tVMOVDQA64 Z%d, Z%d\n' % (k, r))
        L.append('\tVPERMI2B Z%d, Z%d, K1, Z%d\n' % (tab+3, tab+2, r))
        L.append('\tVPERMI2B Z%d, Z%d, K2, Z%d\n' % (tab+1, tab, r))
    L.append('\tVMOVDQU64 Z%d, %d(DI)\n' % (4+k, 64*k))
L.append('''	VPSLLW $2, Z10, Z10
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
''')
# tq1_avx512_amd64.s is maintained by hand since the fused T1 kernels were added to it; this
# part only documents how its decoder and tables were first generated.
_ = ''.join(L)

# ---------- AVX2 ----------
L=[hdr_amd]
L.append('''// t1Bias flips the top bit of the packed bytes: AVX2 has only signed byte compares, and
// m' = m XOR 0x80 obeys the same recurrence m' ← 3m' (mod 256), with m > 85 ⟺ m' > −43 and
// m > 170 ⟺ m' > 42 (signed).
DATA t1Bias<>+0(SB)/8, $0x8080808080808080
DATA t1Bias<>+8(SB)/8, $0x8080808080808080
DATA t1Bias<>+16(SB)/8, $0x8080808080808080
DATA t1Bias<>+24(SB)/8, $0x8080808080808080
GLOBL t1Bias<>(SB), RODATA|NOPTR, $32

// func decodeT1AVX2(dst, src *byte, rows, groups int)
//
// The AVX-512 decoder (tq1_avx512_amd64.s) on ymm halves of each 64-byte vector: per trit
// plane, code·4^p = (g1 AND 4^p) + (g2 AND 4^p) with g1, g2 the −1/0 compare results.
// Y0–Y3 packed bytes (biased), Y4–Y8 the 5 T2 half groups, Y9 scratch, Y10/Y11 the biased
// thresholds, Y12–Y15 the weights 1, 4, 16, 64.
TEXT ·decodeT1AVX2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ rows+16(FP), CX
	MOVQ groups+24(FP), AX
	XORL DX, DX
	MOVQ $5, BX
	DIVQ BX
	MOVQ AX, R8 // super groups per row
	MOVQ DX, R9 // plain T2 groups per row
	MOVL $0xd5d5d5d5, AX // -43
	MOVD AX, X10
	VPBROADCASTD X10, Y10
	MOVL $0x2a2a2a2a, AX // 42
	MOVD AX, X11
	VPBROADCASTD X11, Y11
	MOVL $0x01010101, AX
	MOVD AX, X12
	VPBROADCASTD X12, Y12
	MOVL $0x04040404, AX
	MOVD AX, X13
	VPBROADCASTD X13, Y13
	MOVL $0x10101010, AX
	MOVD AX, X14
	VPBROADCASTD X14, Y14
	MOVL $0x40404040, AX
	MOVD AX, X15
	VPBROADCASTD X15, Y15

rowavx2:
	MOVQ R8, R10
	TESTQ R10, R10
	JZ remavx2

superavx2:
	PREFETCHT0 1024(SI)
	PREFETCHT0 1088(SI)
	PREFETCHT0 1152(SI)
	PREFETCHT0 1216(SI)
''')
for h in range(2):
    for k in range(4):
        L.append('\tVMOVDQU %d(SI), Y%d\n' % (64*k+32*h, k))
        L.append('\tVPXOR t1Bias<>(SB), Y%d, Y%d\n' % (k, k))
    for g in range(5):
        L.append('\tVPXOR Y%d, Y%d, Y%d\n' % (4+g,4+g,4+g))
    for k,n,g,p in planes():
        for th in (10, 11):
            L.append('\tVPCMPGTB Y%d, Y%d, Y9\n' % (th, k))
            L.append('\tVPAND Y%d, Y9, Y9\n' % (12+p))
            L.append('\tVPADDB Y9, Y%d, Y%d\n' % (4+g, 4+g))
        if n < 4:
            L.append('\tVPADDB Y%d, Y%d, Y9\n' % (k,k))
            L.append('\tVPADDB Y9, Y%d, Y%d\n' % (k,k))
    for g in range(5):
        L.append('\tVMOVDQU Y%d, %d(DI)\n' % (4+g, 64*g+32*h))
L.append('''	ADDQ $256, SI
	ADDQ $320, DI
	DECQ R10
	JNZ superavx2

remavx2:
	MOVQ R9, R10
	TESTQ R10, R10
	JZ nextavx2

copyavx2:
	VMOVDQU (SI), Y0
	VMOVDQU 32(SI), Y1
	VMOVDQU Y0, (DI)
	VMOVDQU Y1, 32(DI)
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ R10
	JNZ copyavx2

nextavx2:
	DECQ CX
	JNZ rowavx2
	VZEROUPPER
	RET
''')
open(os.path.join(os.path.dirname(__file__), '..', 'tq1_avx2_amd64.s'),'w').write(''.join(L))

# ---------- arm64 NEON ----------
L=['''//go:build !purego

#include "textflag.h"

// The T1 decoder for both arm64 tiers (plain Advanced SIMD: no dot product needed).
// Per trit plane of 16 packed bytes m: code = (UHADD(m, m>>1)) >> 6 = floor(3m/256), inserted
// at bit 2p of its T2 group byte with SLI (plane 0 with USHR), then m = 3m (MUL, wrapping).
// One quarter (16 byte columns) of a super group at a time: V0–V3 packed bytes, V4–V8 the
// quarters of the 5 T2 groups, V9 the constant 3, V10 scratch.

// llvm-mc: uhadd v{D}.16b, v{N}.16b, v{M}.16b
#define UHADD16B(D, N, M) WORD $(0x6e200400 | (M)<<16 | (N)<<5 | (D))
// llvm-mc: mul v{D}.16b, v{N}.16b, v{M}.16b
#define MUL16B(D, N, M) WORD $(0x4e209c00 | (M)<<16 | (N)<<5 | (D))

// func decodeT1Neon(dst, src *byte, rows, groups int)
TEXT ·decodeT1Neon(SB), NOSPLIT, $0-32
	MOVD dst+0(FP), R0
	MOVD src+8(FP), R1
	MOVD rows+16(FP), R2
	MOVD groups+24(FP), R3
	MOVD $5, R4
	UDIV R4, R3, R5 // super groups per row
	MSUB R4, R3, R5, R6 // plain T2 groups per row: groups - 5·supers
	VMOVI $3, V9.B16

rowneon:
	MOVD R5, R7
	CBZ R7, remneon

superneon:
	MOVD $0, R8 // byte column offset: 0, 16, 32, 48

quarterneon:
	ADD R8, R1, R9
	VLD1 (R9), [V0.B16]
	ADD $64, R9
	VLD1 (R9), [V1.B16]
	ADD $64, R9
	VLD1 (R9), [V2.B16]
	ADD $64, R9
	VLD1 (R9), [V3.B16]
''']
for k,n,g,p in planes():
    L.append('\tVUSHR $1, V%d.B16, V10.B16\n' % k)
    L.append('\tUHADD16B(10, %d, 10)\n' % k)
    if p == 0:
        L.append('\tVUSHR $6, V10.B16, V%d.B16\n' % (4+g))
    else:
        L.append('\tVUSHR $6, V10.B16, V10.B16\n')
        L.append('\tVSLI $%d, V10.B16, V%d.B16\n' % (2*p, 4+g))
    if n < 4:
        L.append('\tMUL16B(%d, %d, 9)\n' % (k, k))
L.append('''	ADD R8, R0, R9
''')
for g in range(5):
    L.append('\tVST1 [V%d.B16], (R9)\n' % (4+g))
    if g < 4:
        L.append('\tADD $64, R9\n')
L.append('''	ADD $16, R8
	CMP $64, R8
	BNE quarterneon
	ADD $256, R1
	ADD $320, R0
	SUBS $1, R7
	BNE superneon

remneon:
	MOVD R6, R7
	CBZ R7, nextneon

copyneon:
	VLD1.P 64(R1), [V0.B16, V1.B16, V2.B16, V3.B16]
	VST1.P [V0.B16, V1.B16, V2.B16, V3.B16], 64(R0)
	SUBS $1, R7
	BNE copyneon

nextneon:
	SUBS $1, R2
	BNE rowneon
	RET
''')
open(os.path.join(os.path.dirname(__file__), '..', 'tq1_arm64.s'),'w').write(''.join(L))
