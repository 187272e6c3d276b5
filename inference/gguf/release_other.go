//go:build !unix

package gguf

// Release is a no-op where the platform offers no madvise.
func (f *File) Release(t *Tensor) {}

// ReleaseSlice is a no-op where the platform offers no madvise.
func (f *File) ReleaseSlice(b []byte) {}
