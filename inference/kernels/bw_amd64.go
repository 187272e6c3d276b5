//go:build !purego

package kernels

import "github.com/klauspost/cpuid/v2"

//go:noescape
func streamReadAVX2(p *byte, n int) uint64

// streamRead reads all of b as fast as the core can.
func streamRead(b []byte) uint64 {
	if len(b) < 256 || !cpuid.CPU.Supports(cpuid.AVX2) {
		return streamReadGo(b)
	}
	n := len(b) &^ 255
	return streamReadAVX2(&b[0], n) ^ streamReadGo(b[n:])
}
