package kernels

import (
	"fmt"
	"math"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// Matrix is a weight matrix of Rows rows of Cols elements each (GGUF ne = [Cols, Rows]), stored
// in its file format. y[r] = Σ_c W[r][c]·x[c].
type Matrix struct {
	Type       gguf.Type
	Rows, Cols int
	Data       []byte  // rows back to back (I2_S: codes, then the scale and padding)
	Scale      float32 // I2_S only: the per-tensor scale read from the tail of Data
	// T2 holds the repacked codes of a ternary matrix (see Repack); when set, products use it
	// and Data is no longer read.
	T2 *T2
	// X4 is set when Data holds F16 rows in the X4 layout (f16x4.go), which MoveTo makes: Row
	// cannot be used then, DequantizeRow can.
	X4 bool
}

// Repack converts a ternary matrix to the layout the fast kernels read: T1 for TQ1_0, T2 for
// the others (or for all when t2 is set). The caller may then release the pages of Data (the
// model does, so resident memory stays near the file size).
func (m *Matrix) Repack(a *Arena, t2 bool) error {
	if m.T2 != nil {
		return nil
	}
	repack := Repack
	if m.Type == gguf.TypeTQ1_0 && !t2 {
		repack = RepackT1
	}
	t, err := repack(m, a)
	if err != nil {
		return err
	}
	m.T2 = t
	return nil
}

// RepackBytes is the memory Repack(a, t2) takes from the arena for m.
func (m *Matrix) RepackBytes(t2 bool) int {
	if m.Type == gguf.TypeTQ1_0 && !t2 {
		return T1Bytes(m.Rows, m.Cols)
	}
	return T2Bytes(m.Rows, m.Cols)
}

// Ternary reports whether m holds a ternary format (TQ1_0, TQ2_0, I2_S).
func (m *Matrix) Ternary() bool {
	return m.Type == gguf.TypeTQ1_0 || m.Type == gguf.TypeTQ2_0 || m.Type == gguf.TypeI2_S
}

// NewMatrix wraps data (not copied) as a matrix of type t with rows rows of cols elements,
// checking that the type is supported, that cols fits its block size and that data has exactly
// the tensor's byte size (I2_S: rows·cols/4 + 32, with the scale at rows·cols/4).
func NewMatrix(t gguf.Type, cols, rows int, data []byte) (*Matrix, error) {
	switch t {
	case gguf.TypeF32, gguf.TypeF16, gguf.TypeBF16, gguf.TypeQ8_0, gguf.TypeQ6_K,
		gguf.TypeTQ1_0, gguf.TypeTQ2_0, gguf.TypeI2_S:
	default:
		return nil, fmt.Errorf("matrix of type %s: type not supported by the kernels", t)
	}
	if cols <= 0 || rows <= 0 {
		return nil, fmt.Errorf("%s matrix %d×%d: dimensions must be positive", t, rows, cols)
	}
	rb, err := t.RowSize(cols)
	if err != nil {
		return nil, fmt.Errorf("%s matrix %d×%d: %w", t, rows, cols, err)
	}
	if rows > (math.MaxInt-32)/max(rb, 1) {
		return nil, fmt.Errorf("%s matrix %d×%d: too large", t, rows, cols)
	}
	want := rows * rb
	if t == gguf.TypeI2_S {
		want += 32
	}
	if len(data) != want {
		return nil, fmt.Errorf("%s matrix %d×%d needs %d bytes, got %d", t, rows, cols, want, len(data))
	}
	m := &Matrix{Type: t, Rows: rows, Cols: cols, Data: data}
	if t == gguf.TypeI2_S {
		m.Scale = quant.I2SScale(data, rows*cols)
	}
	return m, nil
}

// rowBytes is the byte size of one row (I2_S: the codes only).
func (m *Matrix) rowBytes() int {
	n, err := m.Type.RowSize(m.Cols)
	if err != nil {
		panic(fmt.Sprintf("kernels: %s matrix with %d columns: %v", m.Type, m.Cols, err))
	}
	return n
}

// Row returns the bytes of row r (I2_S: its 2-bit codes). It panics for an X4 matrix, whose
// rows are not contiguous.
func (m *Matrix) Row(r int) []byte {
	if m.X4 {
		panic("kernels: Row of a matrix in the X4 layout")
	}
	rb := m.rowBytes()
	return m.Data[r*rb : (r+1)*rb : (r+1)*rb]
}

// DequantizeRow writes row r as float32 into dst (len(dst) must be Cols), e.g. to look up a
// token embedding.
func (m *Matrix) DequantizeRow(r int, dst []float32) error {
	if r < 0 || r >= m.Rows {
		return fmt.Errorf("row %d out of range [0, %d)", r, m.Rows)
	}
	if len(dst) != m.Cols {
		return fmt.Errorf("row of %d elements into a buffer of %d", m.Cols, len(dst))
	}
	if m.Type == gguf.TypeI2_S {
		quant.DequantizeI2S(m.Row(r), dst, m.Scale)
		return nil
	}
	if m.X4 {
		x4DequantizeRow(m.Data, m.Rows, m.Cols, r, dst)
		return nil
	}
	return quant.DequantizeRow(m.Type, m.Row(r), dst)
}

// streamBytes is the number of weight bytes a product with m reads: the repacked codes when the
// matrix has them, else its rows in the file format.
func (m *Matrix) streamBytes() int {
	if m.T2 != nil {
		return len(m.T2.Codes)
	}
	return m.Rows * m.rowBytes()
}
