package kernels

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
)

// Benchmarks of the raw T2 kernels of every tier (docs/kernels.md §8), called directly (no
// pool), single-threaded except DRAMx2:
//
//   - L2: 160 rows × 10 groups (K = 2560), 100 KB of codes, one call per iteration — the
//     compute ceiling of one core;
//   - DRAM: 122 matrices of 6912 rows × K = 2560 (2B4T's gate/up, 4.4 MB of codes each,
//     540 MB in all), one matrix per iteration in calls of 256 rows, rotating through the set —
//     the bandwidth regime of decode;
//   - DRAMx2: the DRAM regime with two goroutines (b.RunParallel) each streaming its own
//     matrices, as both decode threads do; aggregate throughput, for reference (it is only
//     meaningful when nothing else runs on the machine).
//
// b.SetBytes counts code bytes, so MB/s (and the GB/s metric) is weight throughput. Compare
// tiers with e.g.
//
//	go test -run '^$' -bench 'T2Kernels/L2' -count 10 ./inference/kernels | benchstat -
//
// The DRAM set is allocated once (outside the Go heap, huge pages where available) when the
// first DRAM benchmark runs.

const (
	tqBenchL2Rows    = 160
	tqBenchGroups    = 10 // K = 2560
	tqBenchDRAMRows  = 6912
	tqBenchDRAMMats  = 122
	tqBenchChunkRows = 256
	tqBenchTokens    = MaxGemmTokens
)

var tqBenchDRAM struct {
	once sync.Once
	mem  *region
}

// tqBenchDRAMSet allocates and fills the DRAM set once.
func tqBenchDRAMSet() {
	tqBenchDRAM.once.Do(func() {
		tqBenchDRAM.mem = allocRegion(tqBenchDRAMMats * tqBenchDRAMRows * tqBenchGroups * GroupBytes)
		tqBenchCodes(rand.New(rand.NewPCG(23, 24)), tqBenchDRAM.mem.b)
	})
}

// tqBenchCodes fills b with valid T2 codes (0–2 per 2-bit field).
func tqBenchCodes(rng *rand.Rand, b []byte) {
	var tab [81]byte
	i := 0
	for a := 0; a < 3; a++ {
		for c := 0; c < 3; c++ {
			for d := 0; d < 3; d++ {
				for e := 0; e < 3; e++ {
					tab[i] = byte(a | c<<2 | d<<4 | e<<6)
					i++
				}
			}
		}
	}
	for i := 0; i+8 <= len(b); i += 8 {
		r := rng.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = tab[(r>>(8*j))%81]
		}
	}
}

// tqBenchAct is ntok activations of groups groups (P, C, scales, sums).
type tqBenchAct struct {
	p    []int8
	c    []int32
	sb   []float32
	sumq []int32
	s    []float32
}

func newTQBenchAct(rng *rand.Rand, groups, ntok int) *tqBenchAct {
	a := &tqBenchAct{p: make([]int8, ntok*groups*256), c: make([]int32, ntok*groups*16),
		sb: make([]float32, ntok*groups), sumq: make([]int32, ntok), s: make([]float32, ntok)}
	for i := range a.p {
		a.p[i] = int8(rng.IntN(255) - 127)
	}
	for i := range a.c {
		a.c[i] = int32(rng.IntN(4000) - 2000)
	}
	for i := range a.sb {
		a.sb[i] = float32(rng.Float64()) * 1e-3
	}
	for t := range a.s {
		a.sumq[t], a.s[t] = int32(rng.IntN(1000)), 50+float32(rng.Float64())
	}
	return a
}

// tqBenchImpls is every tier of this CPU, then the portable one.
func tqBenchImpls() []*Tier { return tiers }

func BenchmarkT2Kernels(b *testing.B) {
	rng := rand.New(rand.NewPCG(21, 22))
	act := newTQBenchAct(rng, tqBenchGroups, tqBenchTokens)
	l2 := alignedHeap(tqBenchL2Rows * tqBenchGroups * GroupBytes)
	tqBenchCodes(rng, l2)
	y := make([]float32, tqBenchTokens*tqBenchDRAMRows)
	kernels := []struct {
		name string
		run  func(im *Tier, codes []byte, rows int, y []float32)
	}{
		{"gemvTQ", func(im *Tier, codes []byte, rows int, y []float32) {
			im.gemvTQ(codes, rows, tqBenchGroups, act.p, act.c, act.sb, 0, y)
		}},
		{"gemvI2S", func(im *Tier, codes []byte, rows int, y []float32) {
			im.gemvI2S(codes, rows, tqBenchGroups, act.p, act.sumq[0], act.s[0], 0.7, y)
		}},
		{"gemmTQ4", func(im *Tier, codes []byte, rows int, y []float32) {
			im.gemmTQ(codes, rows, tqBenchGroups, tqBenchTokens, act.p, act.c, act.sb, y, tqBenchDRAMRows)
		}},
		{"gemmI2S4", func(im *Tier, codes []byte, rows int, y []float32) {
			im.gemmI2S(codes, rows, tqBenchGroups, tqBenchTokens, act.p, act.sumq, act.s, 0.7, y, tqBenchDRAMRows)
		}},
	}
	rowBytes := tqBenchGroups * GroupBytes
	for _, im := range tqBenchImpls() {
		for _, k := range kernels {
			b.Run("L2/"+im.Name+"/"+k.name, func(b *testing.B) {
				b.SetBytes(int64(len(l2)))
				for b.Loop() {
					k.run(im, l2, tqBenchL2Rows, y)
				}
				b.ReportMetric(float64(len(l2))*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
			})
		}
	}
	for _, im := range tqBenchImpls() {
		for _, k := range kernels {
			if k.name == "gemmI2S4" {
				continue // the same loop as gemmTQ4 in the bandwidth regime
			}
			b.Run("DRAM/"+im.Name+"/"+k.name, func(b *testing.B) {
				tqBenchDRAMSet()
				mat := tqBenchDRAMRows * rowBytes
				b.SetBytes(int64(mat))
				m := rng.IntN(tqBenchDRAMMats)
				for b.Loop() {
					codes := tqBenchDRAM.mem.b[m*mat : (m+1)*mat]
					for r := 0; r < tqBenchDRAMRows; r += tqBenchChunkRows {
						n := min(tqBenchChunkRows, tqBenchDRAMRows-r)
						k.run(im, codes[r*rowBytes:(r+n)*rowBytes], n, y[r:])
					}
					if m++; m == tqBenchDRAMMats {
						m = 0
					}
				}
				b.ReportMetric(float64(mat)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
			})
		}
	}
	// Both cores streaming (as decode does), each through its own matrices; for reference.
	for _, im := range tqBenchImpls() {
		if im == portableRow() {
			continue
		}
		for _, k := range kernels[:2] {
			b.Run("DRAMx2/"+im.Name+"/"+k.name, func(b *testing.B) {
				tqBenchDRAMSet()
				mat := tqBenchDRAMRows * rowBytes
				b.SetBytes(int64(mat))
				var next atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					y := make([]float32, tqBenchDRAMRows)
					m := int(next.Add(tqBenchDRAMMats/2)) % tqBenchDRAMMats
					for pb.Next() {
						codes := tqBenchDRAM.mem.b[m*mat : (m+1)*mat]
						for r := 0; r < tqBenchDRAMRows; r += tqBenchChunkRows {
							n := min(tqBenchChunkRows, tqBenchDRAMRows-r)
							k.run(im, codes[r*rowBytes:(r+n)*rowBytes], n, y[r:])
						}
						if m++; m == tqBenchDRAMMats {
							m = 0
						}
					}
				})
				b.ReportMetric(float64(mat)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
			})
		}
	}
}
