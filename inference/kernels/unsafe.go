package kernels

import "unsafe"

// uintptrOf is the address of a slice's first byte, for alignment arithmetic only.
func uintptrOf(b []byte) uintptr { return uintptr(unsafe.Pointer(unsafe.SliceData(b))) }
