//go:build !purego

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
	VUSHR $1, V0.B16, V10.B16
	UHADD16B(10, 0, 10)
	VUSHR $6, V10.B16, V4.B16
	MUL16B(0, 0, 9)
	VUSHR $1, V0.B16, V10.B16
	UHADD16B(10, 0, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $2, V10.B16, V4.B16
	MUL16B(0, 0, 9)
	VUSHR $1, V0.B16, V10.B16
	UHADD16B(10, 0, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $4, V10.B16, V4.B16
	MUL16B(0, 0, 9)
	VUSHR $1, V0.B16, V10.B16
	UHADD16B(10, 0, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $6, V10.B16, V4.B16
	MUL16B(0, 0, 9)
	VUSHR $1, V0.B16, V10.B16
	UHADD16B(10, 0, 10)
	VUSHR $6, V10.B16, V8.B16
	VUSHR $1, V1.B16, V10.B16
	UHADD16B(10, 1, 10)
	VUSHR $6, V10.B16, V5.B16
	MUL16B(1, 1, 9)
	VUSHR $1, V1.B16, V10.B16
	UHADD16B(10, 1, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $2, V10.B16, V5.B16
	MUL16B(1, 1, 9)
	VUSHR $1, V1.B16, V10.B16
	UHADD16B(10, 1, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $4, V10.B16, V5.B16
	MUL16B(1, 1, 9)
	VUSHR $1, V1.B16, V10.B16
	UHADD16B(10, 1, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $6, V10.B16, V5.B16
	MUL16B(1, 1, 9)
	VUSHR $1, V1.B16, V10.B16
	UHADD16B(10, 1, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $2, V10.B16, V8.B16
	VUSHR $1, V2.B16, V10.B16
	UHADD16B(10, 2, 10)
	VUSHR $6, V10.B16, V6.B16
	MUL16B(2, 2, 9)
	VUSHR $1, V2.B16, V10.B16
	UHADD16B(10, 2, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $2, V10.B16, V6.B16
	MUL16B(2, 2, 9)
	VUSHR $1, V2.B16, V10.B16
	UHADD16B(10, 2, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $4, V10.B16, V6.B16
	MUL16B(2, 2, 9)
	VUSHR $1, V2.B16, V10.B16
	UHADD16B(10, 2, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $6, V10.B16, V6.B16
	MUL16B(2, 2, 9)
	VUSHR $1, V2.B16, V10.B16
	UHADD16B(10, 2, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $4, V10.B16, V8.B16
	VUSHR $1, V3.B16, V10.B16
	UHADD16B(10, 3, 10)
	VUSHR $6, V10.B16, V7.B16
	MUL16B(3, 3, 9)
	VUSHR $1, V3.B16, V10.B16
	UHADD16B(10, 3, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $2, V10.B16, V7.B16
	MUL16B(3, 3, 9)
	VUSHR $1, V3.B16, V10.B16
	UHADD16B(10, 3, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $4, V10.B16, V7.B16
	MUL16B(3, 3, 9)
	VUSHR $1, V3.B16, V10.B16
	UHADD16B(10, 3, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $6, V10.B16, V7.B16
	MUL16B(3, 3, 9)
	VUSHR $1, V3.B16, V10.B16
	UHADD16B(10, 3, 10)
	VUSHR $6, V10.B16, V10.B16
	VSLI $6, V10.B16, V8.B16
	ADD R8, R0, R9
	VST1 [V4.B16], (R9)
	ADD $64, R9
	VST1 [V5.B16], (R9)
	ADD $64, R9
	VST1 [V6.B16], (R9)
	ADD $64, R9
	VST1 [V7.B16], (R9)
	ADD $64, R9
	VST1 [V8.B16], (R9)
	ADD $16, R8
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
