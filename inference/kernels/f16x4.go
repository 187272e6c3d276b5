package kernels

// The X4 layout of an F16 matrix (Matrix.X4), made by MoveTo for the output head.
//
// The 4-row kernels read four rows at once. From plain rows that is four streams 5 KB apart (plus
// four prefetch streams), and with 2 threads the head streamed at ≈ 80 % of ReadBandwidth. In X4
// the four rows lie in one sequential stream, and the head reaches 93–98 % (BenchmarkHeadStream,
// avx2 and avx512). The portable kernel reads X4 ≈ 20 % slower than plain rows, so MoveTo keeps
// plain rows when it is the tier in use (e.g. -tags purego).
//
// Rows go in groups of 4. Within a group, for each block of 32 columns, come the 64 bytes of
// row 0, then those of rows 1, 2 and 3; after the last whole block, the remaining cols%32
// columns of row 0, then of rows 1, 2 and 3. Rows after the last whole group stay plain. A group
// takes the same bytes as its 4 plain rows, so rows [s, e) with s a multiple of 4 keep their byte
// range. Each row is still summed in the canonical order of dotF16: the layout changes where its
// columns are, not which lane adds which column.

// x4Block is the number of columns of one row that lie together in a group.
const x4Block = 32

// x4Interleave writes the rows×cols F16 matrix src (plain rows of 2·cols bytes) to dst in the
// X4 layout. dst and src must not overlap.
func x4Interleave(dst, src []byte, rows, cols int) {
	rb := 2 * cols
	dst, src = dst[:rows*rb], src[:rows*rb]
	nb, lb := cols/x4Block, 2*(cols%x4Block)
	g4 := rows &^ 3
	for g := 0; g < g4; g += 4 {
		out := dst[g*rb : (g+4)*rb]
		for k := range 4 {
			row := src[(g+k)*rb : (g+k+1)*rb]
			for b := range nb {
				copy(out[256*b+64*k:256*b+64*k+64], row[64*b:64*b+64])
			}
			copy(out[256*nb+lb*k:256*nb+lb*(k+1)], row[64*nb:])
		}
	}
	copy(dst[g4*rb:], src[g4*rb:])
}

// x4DequantizeRow writes row r of the rows×cols X4 matrix data as float32 into dst (cols).
func x4DequantizeRow(data []byte, rows, cols, r int, dst []float32) {
	rb := 2 * cols
	dst = dst[:cols]
	if r >= rows&^3 {
		row := data[r*rb : (r+1)*rb]
		for c := range dst {
			dst[c] = f16(row[2*c:])
		}
		return
	}
	grp := data[r&^3*rb : (r&^3+4)*rb]
	k := r & 3
	nb, left := cols/x4Block, cols%x4Block
	for b := range nb {
		p := (*[64]byte)(grp[256*b+64*k:])
		for i := range x4Block {
			dst[x4Block*b+i] = f16(p[2*i:])
		}
	}
	tail := grp[256*nb+2*left*k:]
	for i := range left {
		dst[x4Block*nb+i] = f16(tail[2*i:])
	}
}

// f16RowsX4 is f16Rows for rows of an X4 matrix starting at a group: w holds rows/4 groups, then
// rows%4 plain rows (which only the end of a matrix has).
func f16RowsX4(w []byte, rows, cols int, x, y []float32) {
	if rows <= 0 {
		return
	}
	checkRows("f16RowsX4", len(w), 2*cols, rows, 2*cols, len(x), cols, len(y))
	if cols == 0 {
		clear(y[:rows])
		return
	}
	rb := 2 * cols
	g4 := rows &^ 3
	if f := active.f16RowsX4; f == nil {
		f16RowsX4Go(w, g4, cols, x, y)
	} else {
		step := callRows(rb) // a multiple of 4
		for r := 0; r < g4; r += step {
			f(noescape(&w[r*rb]), min(step, g4-r)/4, cols, noescape(&x[0]), noescape(&y[r]))
		}
	}
	if g4 < rows {
		f16Rows(w[g4*rb:], rb, rows-g4, cols, x, y[g4:])
	}
}

// f16RowsX4Go is the reference of f16RowsX4 for whole groups (rows a multiple of 4): each row
// in the order of dotF16Go.
func f16RowsX4Go(w []byte, rows, cols int, x, y []float32) {
	x = x[:cols]
	gb := 8 * cols
	for g := range rows / 4 {
		grp := w[g*gb : (g+1)*gb]
		for k := range 4 {
			y[4*g+k] = dotF16X4Go(grp, k, x)
		}
	}
}

// dotF16X4Go is dotF16Go for row k of the X4 group grp.
func dotF16X4Go(grp []byte, k int, x []float32) float32 {
	cols := len(x)
	nb, left := cols/x4Block, cols%x4Block
	var acc [16]float32
	for b := range nb {
		p := (*[64]byte)(grp[256*b+64*k:])
		v := (*[32]float32)(x[x4Block*b:])
		for l := range 16 {
			acc[l] += float32(f16(p[2*l:2*l+2]) * v[l])
		}
		for l := range 16 {
			acc[l] += float32(f16(p[32+2*l:34+2*l]) * v[16+l])
		}
	}
	tail := grp[256*nb+2*left*k : 256*nb+2*left*(k+1)]
	c := x4Block * nb
	if left >= 16 {
		v := (*[16]float32)(x[c:])
		for l := range 16 {
			acc[l] += float32(f16(tail[2*l:2*l+2]) * v[l])
		}
		tail, c = tail[32:], c+16
	}
	s := reduce16(&acc)
	for i := range cols - c {
		s += float32(f16(tail[2*i:]) * x[c+i])
	}
	return s
}
