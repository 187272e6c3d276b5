//go:build !unix

package kernels

type region struct{ b []byte }

func allocRegion(n int) *region { return &region{b: alignedHeap(n)} }

func (r *region) free() { r.b = nil }

func alignedHeap(n int) []byte {
	b := make([]byte, n+63)
	off := (64 - int(uintptrOf(b))%64) % 64
	return b[off : off+n : off+n]
}
