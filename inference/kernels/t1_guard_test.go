//go:build unix

package kernels

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// The T1 decoders read and write nothing outside their buffers: source and destination end
// (or start) at an inaccessible page.
func TestT1DecodeGuardPages(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, groups := range []int{1, 4, 5, 7, 10, 27} {
		for _, rows := range []int{1, 3} {
			for _, atEnd := range []bool{true, false} {
				n := rows * T1RowBytes(groups)
				src := guarded(t, n, atEnd)
				for i := range src {
					src[i] = byte(rng.Uint32())
				}
				want := make([]byte, rows*groups*GroupBytes)
				decodeT1Go(want, src, rows, groups)
				for _, name := range Tiers() {
					dst := guarded(t, len(want), atEnd)
					tierByName(t, name).decodeT1(dst, src, rows, groups)
					if !bytes.Equal(dst, want) {
						t.Fatalf("groups=%d rows=%d atEnd=%v tier %s: differs from portable", groups, rows, atEnd, name)
					}
				}
			}
		}
	}
}
