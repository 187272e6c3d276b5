//go:build !amd64 || purego

package kernels

func streamRead(b []byte) uint64 { return streamReadGo(b) }
