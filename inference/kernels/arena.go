package kernels

import (
	"fmt"

	"github.com/aria-node/aria/inference/gguf"
)

// hugePage is the transparent huge page size of x86-64 and most arm64 Linux kernels.
const hugePage = 2 << 20

// Arena hands out 64-byte aligned blocks from one region outside the Go heap, starting on a
// huge-page boundary, so that a model's weights lie in one stretch that the kernel can back with
// 2 MB pages (fewer TLB misses while streaming them: docs/kernels.md §2). Separate mappings per
// tensor would each start and end on partial huge pages and mostly get 4 KB pages.
type Arena struct {
	r    *region
	mem  []byte // the aligned part
	off  int
	size int
}

// NewArena reserves size bytes.
func NewArena(size int) *Arena {
	r := allocRegion(size + hugePage)
	start := (hugePage - int(uintptrOf(r.b))%hugePage) % hugePage
	if len(r.b) < start+size {
		start = 0 // heap fallback: 64-byte alignment only
	}
	return &Arena{r: r, mem: r.b[start : start+size : start+size], size: size}
}

// Alloc returns n bytes, 64-byte aligned.
func (a *Arena) Alloc(n int) ([]byte, error) {
	off := (a.off + 63) &^ 63
	if off+n > a.size {
		return nil, fmt.Errorf("arena: %d bytes requested, %d of %d left", n, a.size-off, a.size)
	}
	a.off = off + n
	return a.mem[off : off+n : off+n], nil
}

// Used is the number of bytes handed out (with alignment padding).
func (a *Arena) Used() int { return a.off }

// Free releases the whole arena; nothing allocated from it may be used afterwards.
func (a *Arena) Free() {
	if a.r != nil {
		a.r.free()
		a.r, a.mem = nil, nil
	}
}

// ArenaSize is the arena size for the given block sizes (with alignment padding).
func ArenaSize(sizes ...int) int {
	n := 0
	for _, s := range sizes {
		n = (n+63)&^63 + s
	}
	return n
}

// T2Bytes is the size of the T2 codes of a rows×cols ternary matrix.
func T2Bytes(rows, cols int) int { return rows * ((cols + 255) / 256) * GroupBytes }

// MoveTo copies the matrix data into the arena, so a float head also streams from huge pages.
// An F16 matrix is stored in the X4 layout on the way (f16x4.go), which the assembly tiers stream
// faster; not when the portable tier is in use, which reads X4 ≈ 20 % slower than plain rows.
// done, if not nil, is called with each copied piece of the old data (about 32 MiB at a time), so
// the caller can release the file's pages as it goes and resident memory never holds both.
func (m *Matrix) MoveTo(a *Arena, done func(old []byte)) error {
	return m.moveTo(a, done, active.f16RowsX4 != nil)
}

// moveTo is MoveTo, storing an F16 matrix in X4 if x4 is set.
func (m *Matrix) moveTo(a *Arena, done func(old []byte), x4 bool) error {
	b, err := a.Alloc(len(m.Data))
	if err != nil {
		return err
	}
	x4 = x4 && m.Type == gguf.TypeF16 && !m.X4 && m.T2 == nil
	piece := 32 << 20
	if x4 {
		piece = max(piece/(8*m.Cols), 1) * 8 * m.Cols // whole groups: they keep their bytes
	}
	for off := 0; off < len(b); off += piece {
		end := min(off+piece, len(b))
		if x4 {
			x4Interleave(b[off:end], m.Data[off:end], (end-off)/(2*m.Cols), m.Cols)
		} else {
			copy(b[off:end], m.Data[off:end])
		}
		if done != nil {
			done(m.Data[off:end])
		}
	}
	m.Data, m.X4 = b, m.X4 || x4
	return nil
}
