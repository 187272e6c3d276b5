//go:build !purego

package kernels

// archTiers lists the amd64 tiers this CPU supports, best first.
func archTiers() []*Impl { return nil }
