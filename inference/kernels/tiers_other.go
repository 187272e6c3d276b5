//go:build (!amd64 && !arm64) || purego

package kernels

func archTiers() []*Impl { return nil }
