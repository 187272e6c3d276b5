//go:build (!amd64 && !arm64) || purego

package kernels

// archTiers: without assembly the portable row is the only one.
func archTiers() []*Tier { return nil }
