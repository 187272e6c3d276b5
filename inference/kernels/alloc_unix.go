//go:build unix

package kernels

import (
	"golang.org/x/sys/unix"
)

// region is memory outside the Go heap for repacked weights: hundreds of megabytes on the heap
// would raise the GC's heap goal by as much (docs/kernels.md §2). Anonymous mappings are page
// aligned (so 64-byte groups never straddle cache lines) and, on Linux, may use huge pages.
type region struct {
	b      []byte
	mapped bool
}

func allocRegion(n int) *region {
	if n == 0 {
		return &region{}
	}
	b, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_ANON|unix.MAP_PRIVATE)
	if err != nil {
		return &region{b: alignedHeap(n)}
	}
	adviseHuge(b)
	return &region{b: b, mapped: true}
}

func (r *region) free() {
	if r.mapped && r.b != nil {
		unix.Munmap(r.b)
	}
	r.b = nil
}

// alignedHeap returns n bytes from the Go heap starting on a 64-byte boundary.
func alignedHeap(n int) []byte {
	b := make([]byte, n+63)
	off := (64 - int(uintptrOf(b))%64) % 64
	return b[off : off+n : off+n]
}
