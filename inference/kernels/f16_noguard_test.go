//go:build !unix

package kernels

import "testing"

func TestFloatKernelsGuardPages(t *testing.T) { t.Skip("guard pages need mmap/mprotect (unix)") }
