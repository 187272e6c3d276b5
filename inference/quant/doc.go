// Package quant holds the tensor formats ARIA reads and writes: fp16/bf16 conversion, the
// block layouts of F32, F16, BF16, Q8_0, Q6_K, TQ1_0, TQ2_0 and bitnet.cpp's I2_S, their
// dequantizers and reference weight quantizers, and the activation quantizers whose exact
// rounding the reference engines use before an integer dot product (docs/format.md §6). The
// "spec §N" of this package's comments is section N of docs/format.md.
//
// Everything here is portable Go and deterministic: the same input gives the same bits on every
// architecture. Functions that take a slice whose length must be a multiple of a block size
// panic on a wrong length (a programming error); DequantizeRow, which sees file data, returns
// errors instead.
//
// Layouts (bytes per block of elements):
//
//	F32 4/1, F16 2/1, BF16 2/1 (little-endian)
//	Q8_0   34/32:  d fp16, qs int8[32]                    weight = qs·d
//	Q6_K  210/256: ql[128], qh[64], scales int8[16], d fp16
//	TQ2_0  66/256: qs[64] (2-bit codes), d fp16           weight = (code−1)·d
//	TQ1_0  54/256: qs[48] (5 trits per byte), qh[4] (4 trits), d fp16
//	I2_S   n/4 + 32 per tensor: 2-bit codes, f32 scale, zero padding
package quant
