//go:build unix

package gguf

import (
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Release tells the kernel that the pages of tensor t will not be read again (the engine
// copied them into another layout), so they leave the process's resident memory. The data
// stays valid: a later read faults the pages back in from the file.
func (f *File) Release(t *Tensor) { f.ReleaseSlice(f.Data(t)) }

// ReleaseSlice is Release for any part of the mapping, e.g. a chunk of a tensor just copied.
// Only whole pages inside b are released: neighbours may still be in use.
func (f *File) ReleaseSlice(b []byte) {
	if f.mapping == nil || len(b) == 0 {
		return
	}
	base := uintptr(unsafe.Pointer(unsafe.SliceData(f.mapping)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	if p < base || p+uintptr(len(b)) > base+uintptr(len(f.mapping)) {
		return // not ours
	}
	page := uint64(os.Getpagesize())
	start := uint64(p - base)
	end := start + uint64(len(b))
	start = (start + page - 1) / page * page
	end = end / page * page
	if end > start {
		_ = unix.Madvise(f.mapping[start:end], unix.MADV_DONTNEED)
	}
}
