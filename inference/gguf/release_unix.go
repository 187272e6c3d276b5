//go:build unix

package gguf

import (
	"os"

	"golang.org/x/sys/unix"
)

// Release tells the kernel that the pages of tensor t will not be read again (the engine
// copied them into another layout), so they leave the process's resident memory. The data
// stays valid: a later read faults the pages back in from the file.
func (f *File) Release(t *Tensor) {
	if f.mapping == nil {
		return
	}
	page := uint64(os.Getpagesize())
	start := f.DataOffset + t.Offset
	end := start + t.Size
	// Only whole pages inside the tensor: neighbours may still be in use.
	start = (start + page - 1) / page * page
	end = end / page * page
	if end > start {
		_ = unix.Madvise(f.mapping[start:end], unix.MADV_DONTNEED)
	}
}
