//go:build purego || !(amd64 || arm64)

package kernels

import "github.com/aria-node/aria/inference/gguf"

// qKernel: without assembly the portable row dots run.
func qKernel(gguf.Type) qKind { return qNone }

func qRowsArch(k qKind, w *byte, stride, rows, nb int, q *int8, d *float32, y *float32) {
	panic("kernels: no quantized-head assembly")
}
