//go:build !purego

package kernels

// archTiers lists the arm64 tiers this CPU supports, best first.
func archTiers() []*Impl { return nil }
