package kernels

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/aria-node/aria/inference/gguf"
)

// BenchmarkHeadStream: the 2B4T tied F16 head (128256 × 2560, 657 MB) through MatVec on a
// 2-thread pool, in the plain layout and in X4 (as the model loads it), against the bandwidth
// probe of ReadBandwidth. The VM's bandwidth drifts from second to second, so each iteration
// runs probe, one layout, probe, the other layout, probe (the order alternating), and each pass
// is set against the mean of the probes around it. Reported, medians over the iterations:
// GB/s of each layout and of the probe, each layout ÷ probe, and X4 ÷ plain.
//
//	go test -run '^$' -bench HeadStream -benchtime 20x ./inference/kernels/
func BenchmarkHeadStream(b *testing.B) {
	const rows, cols = 128256, 2560
	size := rows * cols * 2
	src := allocRegion(size)
	defer src.free()
	randomHalves(rand.New(rand.NewPCG(1, 2)), src.b)
	plain, err := NewMatrix(gguf.TypeF16, cols, rows, src.b)
	if err != nil {
		b.Fatal(err)
	}
	arena := NewArena(size)
	defer arena.Free()
	x4 := *plain
	if err := x4.moveTo(arena, nil, true); err != nil {
		b.Fatal(err)
	}
	probeBuf := allocRegion(512 << 20) // the size the bench command probes with
	defer probeBuf.free()
	for i := 0; i < len(probeBuf.b); i += 4096 {
		probeBuf.b[i] = 1
	}
	var act Activation
	act.Set(testActivation(rand.New(rand.NewPCG(5, 6)), "normal", cols))
	y := make([]float32, rows)
	for _, tier := range floatRows() {
		if tier == portableRow() {
			continue // ≈ 2 s per pass
		}
		b.Run(tier.Float, func(b *testing.B) {
			defer useTier(tier)()
			p := NewPool(2)
			defer p.Close()
			MatVec(p, plain, &act, y)
			MatVec(p, &x4, &act, y)
			var gbPlain, gbX4, gbProbe, rPlain, rX4, gain []float64
			pass := func(m *Matrix) float64 {
				t0 := time.Now()
				MatVec(p, m, &act, y)
				return float64(size) / time.Since(t0).Seconds()
			}
			i := 0
			for b.Loop() {
				first, second := plain, &x4
				if i%2 == 1 {
					first, second = second, first
				}
				i++
				p0 := readBandwidth(p, probeBuf.b, 1)
				g1 := pass(first)
				p1 := readBandwidth(p, probeBuf.b, 1)
				g2 := pass(second)
				p2 := readBandwidth(p, probeBuf.b, 1)
				r1, r2 := g1/((p0+p1)/2), g2/((p1+p2)/2)
				if first != plain {
					g1, g2, r1, r2 = g2, g1, r2, r1
				}
				gbPlain, gbX4, gbProbe = append(gbPlain, g1/1e9), append(gbX4, g2/1e9), append(gbProbe, p0/1e9, p1/1e9, p2/1e9)
				rPlain, rX4, gain = append(rPlain, r1), append(rX4, r2), append(gain, r2/r1)
			}
			b.ReportMetric(median(gbPlain), "plain-GB/s")
			b.ReportMetric(median(gbX4), "x4-GB/s")
			b.ReportMetric(median(gbProbe), "probe-GB/s")
			b.ReportMetric(median(rPlain), "plain/probe")
			b.ReportMetric(median(rX4), "x4/probe")
			b.ReportMetric(median(gain), "x4/plain")
		})
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(v))
	return s[len(s)/2]
}
