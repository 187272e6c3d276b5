package kernels

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// T2 is the in-memory layout that TQ2_0, TQ1_0 and I2_S weights are repacked into at load, so
// that one family of kernels serves all three (docs/kernels.md §2):
//
//   - each row is Groups groups of 256 weights, each group 64 bytes of 2-bit codes (code = t+1),
//     64-byte aligned, with TQ2_0's bit order: byte j of a group holds, in bits 2n..2n+1, the
//     element (j/32)·128 + 32n + j%32 of the group;
//   - rows shorter than Groups·256 (I2_S allows K % 256 = 128) are padded with code 1 (zero);
//   - TQ formats keep one f32 scale per tensor when every block has the same d or is all zero
//     (true of every BitNet file), else one scale per (row, group) in DW.
type T2 struct {
	Rows, Cols, Groups int
	Codes              []byte // Rows·Groups·64 bytes
	I2S                bool   // activations quantized per row to int8 (bitnet.cpp); else Q8_K
	Scale              float32
	DW                 []float32 // per (row, group) block scales when not uniform (TQ only)
	// Packed, when not nil, holds the codes in the T1 layout (t1.go: TQ1_0 at 5 codes a byte)
	// instead of Codes, which is then nil; the kernels expand them chunk by chunk.
	Packed []byte
}

// GroupBytes is the size of one group of 256 codes.
const GroupBytes = 64

// Bytes is the size of the codes in memory (T1 codes when packed).
func (t *T2) Bytes() int { return len(t.Codes) + len(t.Packed) }

// group returns the 64 code bytes of (row, group).
func (t *T2) group(r, g int) *[GroupBytes]byte {
	o := (r*t.Groups + g) * GroupBytes
	return (*[GroupBytes]byte)(t.Codes[o : o+GroupBytes])
}

// Repack converts a ternary matrix (TQ2_0, TQ1_0 or I2_S) into T2, in memory from the arena
// (the model's huge-page arena), or from the Go heap when a is nil (tests, small matrices).
func Repack(m *Matrix, a *Arena) (*T2, error) {
	if m.Type != gguf.TypeTQ2_0 && m.Type != gguf.TypeTQ1_0 && m.Type != gguf.TypeI2_S {
		return nil, fmt.Errorf("repack: %s is not a ternary format", m.Type)
	}
	groups := (m.Cols + 255) / 256
	t := &T2{Rows: m.Rows, Cols: m.Cols, Groups: groups, I2S: m.Type == gguf.TypeI2_S}
	if a != nil {
		b, err := a.Alloc(T2Bytes(m.Rows, m.Cols))
		if err != nil {
			return nil, fmt.Errorf("repack: %w", err)
		}
		t.Codes = b
	} else {
		t.Codes = alignedHeap(T2Bytes(m.Rows, m.Cols))
	}
	switch m.Type {
	case gguf.TypeTQ2_0:
		t.repackTQ(m, func(dst *[GroupBytes]byte, blk []byte) { copy(dst[:], blk[:64]) }, quant.BlockBytesTQ2_0, 64)
	case gguf.TypeTQ1_0:
		t.repackTQ(m, unpackTQ1, quant.BlockBytesTQ1_0, 52)
	case gguf.TypeI2_S:
		t.repackI2S(m)
	}
	return t, nil
}

// repackTQ copies the codes of every block (rows in parallel: a 2B model has 8 M blocks) and
// then checks whether the block scales are uniform.
func (t *T2) repackTQ(m *Matrix, unpack func(*[GroupBytes]byte, []byte), blockBytes, dOff int) {
	parallelRows(m.Rows, func(r0, r1 int) {
		for r := r0; r < r1; r++ {
			row := m.Row(r)
			for g := 0; g < t.Groups; g++ {
				unpack(t.group(r, g), row[g*blockBytes:(g+1)*blockBytes])
			}
		}
	})
	t.scales(m, blockBytes, dOff, func(r, g int) bool { return isZeroCodes(t.group(r, g)) })
}

// scales keeps one f32 scale when every block of m has the same d or is all zero (zero
// reports whether block (r, g) has only zero weights), else one scale per block in DW.
func (t *T2) scales(m *Matrix, blockBytes, dOff int, zero func(r, g int) bool) {
	var d0 uint16
	uniform, seen := true, false
	for r := 0; r < m.Rows && uniform; r++ {
		row := m.Row(r)
		for g := 0; g < t.Groups; g++ {
			d := binary.LittleEndian.Uint16(row[g*blockBytes+dOff:])
			if quant.F16ToF32(d) == 0 && zero(r, g) {
				continue // an all-zero block contributes nothing whatever its scale
			}
			if !seen {
				d0, seen = d, true
			} else if d != d0 {
				uniform = false
				break
			}
		}
	}
	if uniform {
		t.Scale = quant.F16ToF32(d0)
		return
	}
	t.DW = make([]float32, m.Rows*t.Groups)
	for r := 0; r < m.Rows; r++ {
		row := m.Row(r)
		for g := 0; g < t.Groups; g++ {
			t.DW[r*t.Groups+g] = quant.F16ToF32(binary.LittleEndian.Uint16(row[g*blockBytes+dOff:]))
		}
	}
}

// parallelRows runs fn over [0, rows) in chunks on all cores (load-time work only).
func parallelRows(rows int, fn func(r0, r1 int)) {
	workers := min(runtime.NumCPU(), max(1, rows/64))
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(r0, r1 int) {
			defer wg.Done()
			fn(r0, r1)
		}(w*rows/workers, (w+1)*rows/workers)
	}
	wg.Wait()
}

// isZeroCodes reports whether all 256 codes are 1 (weight 0).
func isZeroCodes(g *[GroupBytes]byte) bool {
	for _, b := range g {
		if b != 0x55 {
			return false
		}
	}
	return true
}

// unpackTQ1 decodes a TQ1_0 block (spec §5.2) into T2 codes.
func unpackTQ1(dst *[GroupBytes]byte, blk []byte) {
	var c [256]uint8
	for m := 0; m < 32; m++ {
		for n := 0; n < 5; n++ {
			c[m+32*n] = quant.TQ1Trit(blk[m], n)
		}
	}
	for m := 0; m < 16; m++ {
		for n := 0; n < 5; n++ {
			c[160+m+16*n] = quant.TQ1Trit(blk[32+m], n)
		}
	}
	for j := 0; j < 4; j++ {
		for n := 0; n < 4; n++ {
			c[240+j+4*n] = quant.TQ1Trit(blk[48+j], n)
		}
	}
	packCodes(dst, &c)
}

// packCodes writes 256 codes into T2 bit order.
func packCodes(dst *[GroupBytes]byte, c *[256]uint8) {
	for j := 0; j < GroupBytes; j++ {
		base := (j/32)*128 + j%32
		dst[j] = c[base] | c[base+32]<<2 | c[base+64]<<4 | c[base+96]<<6
	}
}

// i2sRev reverses the four 2-bit fields of a byte: I2_S stores element 32n of a chunk in bits
// 6−2n, T2 in bits 2n.
var i2sRev = func() (t [256]byte) {
	for b := range t {
		t[b] = byte(b>>6&3 | (b>>4&3)<<2 | (b>>2&3)<<4 | (b&3)<<6)
	}
	return
}()

// repackI2S converts rows of 128-element I2_S chunks: a T2 group is two chunks with their bit
// fields reversed; a missing second chunk (K % 256 = 128) is padded with zero weights.
func (t *T2) repackI2S(m *Matrix) {
	chunks := m.Cols / 128
	parallelRows(m.Rows, func(r0, r1 int) { t.repackI2SRows(m, chunks, r0, r1) })
	t.Scale = m.Scale
}

func (t *T2) repackI2SRows(m *Matrix, chunks, r0, r1 int) {
	for r := r0; r < r1; r++ {
		row := m.Row(r)
		for g := 0; g < t.Groups; g++ {
			dst := t.group(r, g)
			for h := 0; h < 2; h++ {
				c := 2*g + h
				for j := 0; j < 32; j++ {
					if c < chunks {
						dst[32*h+j] = i2sRev[row[c*32+j]]
					} else {
						dst[32*h+j] = 0x55
					}
				}
			}
		}
	}
}

// decode returns the ternary weight t ∈ {−1,0,+1} (code − 1) of element c of row r, for tests.
func (t *T2) decode(r, c int) int {
	g, e := c/256, c%256
	j := (e/128)*32 + e%32
	n := (e % 128) / 32
	return int(t.group(r, g)[j]>>(2*n)&3) - 1
}
