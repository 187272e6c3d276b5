//go:build (amd64 || arm64) && !purego

package kernels

// cpuRelax tells the CPU that this thread is spin-waiting (PAUSE / YIELD), which saves power
// and lets a sibling hyperthread run.
//
//go:noescape
func cpuRelax()
