//go:build !purego

package kernels

import "golang.org/x/sys/cpu"

// archTiers lists the arm64 tiers this CPU supports, best first: neondot needs the dot-product
// extension (HWCAP ASIMDDP), neon only Advanced SIMD (tq_arm64.go).
func archTiers() []*Impl {
	var t []*Impl
	if cpu.ARM64.HasASIMD && cpu.ARM64.HasASIMDDP {
		t = append(t, neonDotTier)
	}
	if cpu.ARM64.HasASIMD {
		t = append(t, neonTier)
	}
	return t
}
