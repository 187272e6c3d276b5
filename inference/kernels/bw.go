package kernels

import (
	"encoding/binary"
	"sort"
	"time"
)

// ReadBandwidth measures how fast the threads of p can stream-read memory, in bytes per
// second: the ceiling for a decode step, which must read every weight once per token. It reads
// a buffer of size bytes (outside the Go heap, on huge pages where possible, like the weights)
// passes times and returns the median pass.
func ReadBandwidth(p *Pool, size, passes int) float64 {
	size = max(size/4096*4096, 1<<20)
	r := allocRegion(size)
	defer r.free()
	for i := 0; i < len(r.b); i += 4096 {
		r.b[i] = byte(i) // fault every page in before timing
	}
	return readBandwidth(p, r.b, passes)
}

// readBandwidth is ReadBandwidth over buf (already faulted in): one warm-up pass, then the
// median of passes timed ones.
func readBandwidth(p *Pool, buf []byte, passes int) float64 {
	chunks := max(p.Threads()*16, 1)
	per := len(buf) / chunks / 4096 * 4096
	sinks := make([]uint64, chunks)
	read := func(c0, c1 int) {
		for c := c0; c < c1; c++ {
			sinks[c] = streamRead(buf[c*per : (c+1)*per])
		}
	}
	p.For(chunks, read) // warm-up
	rates := make([]float64, 0, passes)
	for i := 0; i < max(passes, 1); i++ {
		t0 := time.Now()
		p.For(chunks, read)
		rates = append(rates, float64(chunks*per)/time.Since(t0).Seconds())
	}
	sort.Float64s(rates)
	return rates[len(rates)/2]
}

// streamReadGo is the portable reader: eight independent 64-bit streams per 64 bytes.
func streamReadGo(b []byte) uint64 {
	var a0, a1, a2, a3 uint64
	for len(b) >= 64 {
		a0 ^= binary.LittleEndian.Uint64(b[0:]) ^ binary.LittleEndian.Uint64(b[32:])
		a1 ^= binary.LittleEndian.Uint64(b[8:]) ^ binary.LittleEndian.Uint64(b[40:])
		a2 ^= binary.LittleEndian.Uint64(b[16:]) ^ binary.LittleEndian.Uint64(b[48:])
		a3 ^= binary.LittleEndian.Uint64(b[24:]) ^ binary.LittleEndian.Uint64(b[56:])
		b = b[64:]
	}
	return a0 ^ a1 ^ a2 ^ a3
}
