//go:build unix

package kernels

import (
	"math/rand/v2"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// guardPages maps n bytes of fresh memory whose end (atEnd) or start touches a PROT_NONE page,
// so that a kernel reading or writing one byte too far faults. It returns the buffer and the
// whole mapping (for Munmap). Every guard-page test of the package uses it.
func guardPages(n int, atEnd bool) (buf, mapping []byte, err error) {
	ps := unix.Getpagesize()
	data := (n + ps - 1) / ps * ps
	mem, err := unix.Mmap(-1, 0, data+2*ps, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return nil, nil, err
	}
	if err := unix.Mprotect(mem[:ps], unix.PROT_NONE); err != nil {
		unix.Munmap(mem)
		return nil, nil, err
	}
	if err := unix.Mprotect(mem[ps+data:], unix.PROT_NONE); err != nil {
		unix.Munmap(mem)
		return nil, nil, err
	}
	if atEnd {
		return mem[ps+data-n : ps+data : ps+data], mem, nil
	}
	return mem[ps : ps+n : ps+n], mem, nil
}

// guarded is guardPages for a test: unmapped when the test ends.
func guarded(t *testing.T, n int, atEnd bool) []byte {
	t.Helper()
	buf, mem, err := guardPages(n, atEnd)
	if err != nil {
		t.Skipf("mmap: %v", err)
	}
	t.Cleanup(func() { unix.Munmap(mem) })
	return buf
}

func guardedF32(t *testing.T, n int, atEnd bool) []float32 {
	b := guarded(t, 4*n, atEnd)
	if n == 0 {
		return []float32{}
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), n)
}

// TestFloatKernelsGuardPages places weights, inputs and outputs against inaccessible pages.
func TestFloatKernelsGuardPages(t *testing.T) {
	eachFops(t, func(t *testing.T, _ *Tier) {
		rng := rand.New(rand.NewPCG(21, 22))
		for _, atEnd := range []bool{true, false} {
			for _, cols := range fopsCols {
				for _, rows := range []int{1, 3, 4, 5, 9} {
					for _, elem := range []int{2, 4} {
						stride := elem*cols + 2*elem
						wb := guarded(t, (rows-1)*stride+elem*cols, atEnd)
						for r := range rows {
							if elem == 2 {
								putHalves(rng, wb[r*stride:r*stride+2*cols])
							} else {
								putF32s(rng, wb[r*stride:r*stride+4*cols])
							}
						}
						x := guardedF32(t, cols, atEnd)
						if elem == 2 {
							copy(x, halfVector(rng, cols))
						} else {
							copy(x, f32Vector(rng, cols))
						}
						y := guardedF32(t, rows, atEnd)
						want := make([]float32, rows)
						if elem == 2 {
							f16Rows(wb, stride, rows, cols, x, y)
							f16RowsGo(wb, stride, rows, cols, x, want)
						} else {
							f32Rows(wb, stride, rows, cols, x, y)
							f32RowsGo(wb, stride, rows, cols, x, want)
						}
						for r := range want {
							if !sameBits(y[r], want[r]) {
								t.Fatalf("elem=%d cols=%d rows=%d: row %d = %g, reference %g", elem, cols, rows, r, y[r], want[r])
							}
						}
					}
				}
				// Dot, AddScaled, addScaledF16 on guarded vectors
				a, b := guardedF32(t, cols, atEnd), guardedF32(t, cols, atEnd)
				copy(a, f32Vector(rng, cols))
				copy(b, f32Vector(rng, cols))
				if got, want := Dot(a, b), dotGo(a, b); !sameBits(got, want) {
					t.Fatalf("cols=%d: Dot %g, reference %g", cols, got, want)
				}
				want := append([]float32{}, a...)
				addScaledGo(want, b, 0.25)
				AddScaled(a, b, 0.25)
				h := guarded(t, 2*cols, atEnd)
				putHalves(rng, h)
				addScaledF16Go(want, h, -1.5)
				addScaledF16(a, h, -1.5)
				for i := range want {
					if !sameBits(a[i], want[i]) {
						t.Fatalf("cols=%d: AddScaled/addScaledF16 [%d] = %g, reference %g", cols, i, a[i], want[i])
					}
				}
			}
		}
	})
}

// TestF16RowsX4GuardPages places X4 weights, inputs and outputs against inaccessible pages.
func TestF16RowsX4GuardPages(t *testing.T) {
	eachFops(t, func(t *testing.T, _ *Tier) {
		rng := rand.New(rand.NewPCG(23, 24))
		for _, atEnd := range []bool{true, false} {
			for _, cols := range fopsCols {
				for _, rows := range []int{1, 4, 5, 8, 11} {
					plain, x4 := x4Pair(rng, rows, cols)
					w := guarded(t, len(x4), atEnd)
					copy(w, x4)
					x := guardedF32(t, cols, atEnd)
					copy(x, halfVector(rng, cols))
					y := guardedF32(t, rows, atEnd)
					want := make([]float32, rows)
					f16RowsX4(w, rows, cols, x, y)
					f16RowsGo(plain, 2*cols, rows, cols, x, want)
					for r := range want {
						if !sameBits(y[r], want[r]) {
							t.Fatalf("cols=%d rows=%d: row %d = %g, reference %g", cols, rows, r, y[r], want[r])
						}
					}
				}
			}
		}
	})
}
