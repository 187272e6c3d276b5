package gguf

import "fmt"

// Type is a ggml tensor type id as stored in GGUF tensor infos.
type Type uint32

// The ggml type ids. Only some of them are run by the engine; the reader knows the sizes of
// all the common ones so that `aria info` can describe any GGUF file.
const (
	TypeF32     Type = 0
	TypeF16     Type = 1
	TypeQ4_0    Type = 2
	TypeQ4_1    Type = 3
	TypeQ5_0    Type = 6
	TypeQ5_1    Type = 7
	TypeQ8_0    Type = 8
	TypeQ8_1    Type = 9
	TypeQ2_K    Type = 10
	TypeQ3_K    Type = 11
	TypeQ4_K    Type = 12
	TypeQ5_K    Type = 13
	TypeQ6_K    Type = 14
	TypeQ8_K    Type = 15
	TypeIQ2_XXS Type = 16
	TypeIQ2_XS  Type = 17
	TypeIQ3_XXS Type = 18
	TypeIQ1_S   Type = 19
	TypeIQ4_NL  Type = 20
	TypeIQ3_S   Type = 21
	TypeIQ2_S   Type = 22
	TypeIQ4_XS  Type = 23
	TypeI8      Type = 24
	TypeI16     Type = 25
	TypeI32     Type = 26
	TypeI64     Type = 27
	TypeF64     Type = 28
	TypeIQ1_M   Type = 29
	TypeBF16    Type = 30
	TypeTQ1_0   Type = 34
	TypeTQ2_0   Type = 35
	// TypeI2_S is bitnet.cpp's 2-bit format. Upstream ggml gave id 36 to IQ4_NL_4_4 (since
	// removed), so the reader checks the byte size before accepting it as I2_S.
	TypeI2_S  Type = 36
	TypeMXFP4 Type = 39
)

type typeInfo struct {
	name      string
	blockSize int // elements per block
	typeSize  int // bytes per block
}

var typeTable = map[Type]typeInfo{
	TypeF32: {"F32", 1, 4}, TypeF16: {"F16", 1, 2}, TypeBF16: {"BF16", 1, 2}, TypeF64: {"F64", 1, 8},
	TypeI8: {"I8", 1, 1}, TypeI16: {"I16", 1, 2}, TypeI32: {"I32", 1, 4}, TypeI64: {"I64", 1, 8},
	TypeQ4_0: {"Q4_0", 32, 18}, TypeQ4_1: {"Q4_1", 32, 20}, TypeQ5_0: {"Q5_0", 32, 22},
	TypeQ5_1: {"Q5_1", 32, 24}, TypeQ8_0: {"Q8_0", 32, 34}, TypeQ8_1: {"Q8_1", 32, 36},
	TypeQ2_K: {"Q2_K", 256, 84}, TypeQ3_K: {"Q3_K", 256, 110}, TypeQ4_K: {"Q4_K", 256, 144},
	TypeQ5_K: {"Q5_K", 256, 176}, TypeQ6_K: {"Q6_K", 256, 210}, TypeQ8_K: {"Q8_K", 256, 292},
	TypeIQ2_XXS: {"IQ2_XXS", 256, 66}, TypeIQ2_XS: {"IQ2_XS", 256, 74}, TypeIQ3_XXS: {"IQ3_XXS", 256, 98},
	TypeIQ1_S: {"IQ1_S", 256, 50}, TypeIQ4_NL: {"IQ4_NL", 32, 18}, TypeIQ3_S: {"IQ3_S", 256, 110},
	TypeIQ2_S: {"IQ2_S", 256, 82}, TypeIQ4_XS: {"IQ4_XS", 256, 136}, TypeIQ1_M: {"IQ1_M", 256, 56},
	TypeTQ1_0: {"TQ1_0", 256, 54}, TypeTQ2_0: {"TQ2_0", 256, 66}, TypeMXFP4: {"MXFP4", 32, 17},
	// I2_S: block 128 here only to enforce the row-length rule; its size is special (see Size).
	TypeI2_S: {"I2_S", 128, 32},
}

// String returns the ggml name of the type, or "type(N)".
func (t Type) String() string {
	if ti, ok := typeTable[t]; ok {
		return ti.name
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// Known reports whether the reader knows the byte layout of t.
func (t Type) Known() bool { _, ok := typeTable[t]; return ok }

// BlockSize is the number of elements in one block of t (1 for plain types).
func (t Type) BlockSize() int { return typeTable[t].blockSize }

// RowSize returns the byte size of one row of n elements of type t. For I2_S it is the size of
// the 2-bit codes only; the per-tensor scale is accounted for by Size.
func (t Type) RowSize(n int) (int, error) {
	ti, ok := typeTable[t]
	if !ok {
		return 0, fmt.Errorf("unknown tensor type %d", uint32(t))
	}
	if n < 0 || n%ti.blockSize != 0 {
		return 0, fmt.Errorf("%s rows must be a multiple of %d elements, got %d", ti.name, ti.blockSize, n)
	}
	return n / ti.blockSize * ti.typeSize, nil
}

// Size returns the byte size of a tensor of type t with the given dimensions (ne[0] first).
// It checks for overflow, since dimensions come from untrusted files.
func Size(t Type, dims []uint64) (uint64, error) {
	ti, ok := typeTable[t]
	if !ok {
		return 0, fmt.Errorf("unknown tensor type %d", uint32(t))
	}
	if len(dims) == 0 {
		return 0, fmt.Errorf("tensor has no dimensions")
	}
	const limit = uint64(1) << 50 // far beyond any real tensor, and safe from overflow below
	n := uint64(1)
	for _, d := range dims {
		if d == 0 {
			n = 0
			continue
		}
		if n > limit/d {
			return 0, fmt.Errorf("tensor dimensions %v overflow", dims)
		}
		n *= d
	}
	if dims[0]%uint64(ti.blockSize) != 0 {
		return 0, fmt.Errorf("%s rows must be a multiple of %d elements, got %d", ti.name, ti.blockSize, dims[0])
	}
	if t == TypeI2_S {
		// bitnet.cpp: 2 bits per weight plus one f32 scale padded to 32 bytes.
		return n/4 + 32, nil
	}
	return n / uint64(ti.blockSize) * uint64(ti.typeSize), nil
}
