package cli

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/klauspost/cpuid/v2"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/kernels"
)

// CPUInfo is what `aria info --cpu` reports.
type CPUInfo struct {
	Model          string   `json:"model"`
	Arch           string   `json:"arch"`
	PhysicalCores  int      `json:"physical_cores"`
	LogicalCores   int      `json:"logical_cores"`
	ThreadsDefault int      `json:"default_threads"`
	Features       []string `json:"features"`
	Kernels        string   `json:"kernels"`
	FloatKernels   string   `json:"float_kernels"`
	Reason         string   `json:"reason"`
	Available      []string `json:"available"`
}

// relevant lists the CPU features the kernel tiers care about.
var relevant = []cpuid.FeatureID{cpuid.AVX2, cpuid.FMA3, cpuid.F16C, cpuid.AVX512F, cpuid.AVX512BW, cpuid.AVX512VL,
	cpuid.AVX512VNNI, cpuid.AVX512VBMI, cpuid.AVXVNNI, cpuid.AMXINT8, cpuid.ASIMD, cpuid.ASIMDDP, cpuid.ASIMDHP}

func describeCPU() CPUInfo {
	sel := kernels.Selected()
	ci := CPUInfo{Model: cpuid.CPU.BrandName, Arch: runtime.GOARCH, PhysicalCores: cpuid.CPU.PhysicalCores,
		LogicalCores: cpuid.CPU.LogicalCores, ThreadsDefault: inference.DefaultThreads(),
		Kernels: sel.Impl.Name, FloatKernels: kernels.FloatTier(), Reason: sel.Reason, Available: sel.Available}
	for _, f := range relevant {
		if cpuid.CPU.Supports(f) {
			ci.Features = append(ci.Features, f.String())
		}
	}
	return ci
}

func printCPU(w io.Writer, c CPUInfo) {
	fmt.Fprintf(w, "cpu:           %s (%s), %d physical / %d logical cores, default threads %d\n",
		c.Model, c.Arch, c.PhysicalCores, c.LogicalCores, c.ThreadsDefault)
	fmt.Fprintf(w, "features:      %s\n", strings.Join(c.Features, " "))
	fmt.Fprintf(w, "kernels:       %s — %s (float kernels: %s)\n", c.Kernels, c.Reason, c.FloatKernels)
	fmt.Fprintf(w, "available:     %s (force one with %s=name)\n", strings.Join(c.Available, ", "), kernels.EnvKernels)
}
