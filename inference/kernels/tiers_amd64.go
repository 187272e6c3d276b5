//go:build !purego

package kernels

// archTiers lists the amd64 tiers this CPU supports, best first (tq_amd64.go).
func archTiers() []*Impl { return amd64Tiers() }
