package quant

import (
	"math"
	"os"
	"runtime"
	"sync"
	"testing"
)

// ggmlF16ToF32 and ggmlF32ToF16 are straight ports of ggml's portable
// ggml_compute_fp16_to_fp32 / ggml_compute_fp32_to_fp16 (ggml-impl.h), used as oracles.
func ggmlF16ToF32(h uint16) float32 {
	w := uint32(h) << 16
	sign := w & 0x80000000
	twoW := w + w
	const expOffset = uint32(0xE0) << 23
	normalized := math.Float32frombits((twoW>>4)+expOffset) * math.Float32frombits(0x07800000) // 2^-112
	denormalized := math.Float32frombits((twoW>>17)|(126<<23)) - 0.5
	var r uint32
	if twoW < 1<<27 {
		r = sign | math.Float32bits(denormalized)
	} else {
		r = sign | math.Float32bits(normalized)
	}
	return math.Float32frombits(r)
}

func ggmlF32ToF16(f float32) uint16 {
	scaleToInf := math.Float32frombits(0x77800000)  // 2^112
	scaleToZero := math.Float32frombits(0x08800000) // 2^-110
	base := float32(float32(float32(math.Abs(float64(f)))*scaleToInf) * scaleToZero)
	w := math.Float32bits(f)
	shl1W := w + w
	sign := w & 0x80000000
	bias := shl1W & 0xFF000000
	if bias < 0x71000000 {
		bias = 0x71000000
	}
	base = math.Float32frombits((bias>>1)+0x07800000) + base
	bits := math.Float32bits(base)
	expBits := (bits >> 13) & 0x00007C00
	mantBits := bits & 0x00000FFF
	nonsign := expBits + mantBits
	if shl1W > 0xFF000000 {
		nonsign = 0x7E00
	}
	return uint16(sign>>16) | uint16(nonsign)
}

func TestF16ToF32AllHalves(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		f := F16ToF32(uint16(h))
		g := ggmlF16ToF32(uint16(h))
		isNaN := h&0x7c00 == 0x7c00 && h&0x3ff != 0
		if isNaN {
			if !math.IsNaN(float64(f)) || math.Float32bits(f)>>31 != uint32(h)>>15 {
				t.Fatalf("half %#04x: got %#08x, want a NaN of the same sign", h, math.Float32bits(f))
			}
			// quiet NaN, payload kept
			if want := uint32(h&0x8000)<<16 | 0x7fc00000 | uint32(h&0x3ff)<<13; math.Float32bits(f) != want {
				t.Fatalf("half %#04x: got %#08x, want %#08x", h, math.Float32bits(f), want)
			}
			if back := F32ToF16(f); back != uint16(h)|0x200 {
				t.Fatalf("NaN half %#04x: back %#04x, want %#04x", h, back, uint16(h)|0x200)
			}
			continue
		}
		if math.Float32bits(f) != math.Float32bits(g) {
			t.Fatalf("half %#04x: got %v (%#08x), ggml %v (%#08x)", h, f, math.Float32bits(f), g, math.Float32bits(g))
		}
		if back := F32ToF16(f); back != uint16(h) {
			t.Fatalf("half %#04x → %v → %#04x", h, f, back)
		}
	}
}

func TestF32ToF16Cases(t *testing.T) {
	p2 := func(e int) float32 { return float32(math.Ldexp(1, e)) }
	next := func(f float32) float32 { return math.Nextafter32(f, float32(math.Inf(1))) }
	prev := func(f float32) float32 { return math.Nextafter32(f, float32(math.Inf(-1))) }
	cases := []struct {
		name string
		in   float32
		want uint16
	}{
		{"zero", 0, 0},
		{"negative zero", float32(math.Copysign(0, -1)), 0x8000},
		{"one", 1, 0x3c00},
		{"minus two", -2, 0xc000},
		{"max half", 65504, 0x7bff},
		{"just below overflow tie", prev(65520), 0x7bff},
		{"overflow tie rounds to even = inf", 65520, 0x7c00},
		{"large", 1e10, 0x7c00},
		{"inf", float32(math.Inf(1)), 0x7c00},
		{"-inf", float32(math.Inf(-1)), 0xfc00},
		{"tie to even down", 1 + p2(-11), 0x3c00},
		{"tie to even up", 1 + 3*p2(-11), 0x3c02},
		{"above tie", next(1 + p2(-11)), 0x3c01},
		{"min normal", p2(-14), 0x0400},
		{"largest subnormal rounds up to min normal", prev(p2(-14)), 0x0400},
		{"min subnormal", p2(-24), 0x0001},
		{"half min subnormal is a tie to 0", p2(-25), 0x0000},
		{"just above the tie", next(p2(-25)), 0x0001},
		{"1.5 min subnormal ties to 2", 1.5 * p2(-24), 0x0002},
		{"2.5 min subnormal ties to 2", 2.5 * p2(-24), 0x0002},
		{"negative subnormal", -3 * p2(-24), 0x8003},
		{"tiny", 1e-30, 0},
		{"spec TQ2_0 scale", 0.08068848, 0x2d2a},
	}
	for _, c := range cases {
		if got := F32ToF16(c.in); got != c.want {
			t.Errorf("%s: F32ToF16(%g) = %#04x, want %#04x", c.name, c.in, got, c.want)
		}
		if got := ggmlF32ToF16(c.in); got != c.want {
			t.Errorf("%s: ggml oracle(%g) = %#04x, want %#04x (oracle broken?)", c.name, c.in, got, c.want)
		}
	}
}

// TestF32ToF16Ties checks every rounding boundary: the midpoint between each pair of adjacent
// halves, and its float32 neighbours, against ggml's algorithm.
func TestF32ToF16Ties(t *testing.T) {
	for h := 0; h < 0x7c00; h++ {
		for _, sign := range []float64{1, -1} {
			lo, hi := float64(F16ToF32(uint16(h))), float64(F16ToF32(uint16(h+1)))
			mid := float32(sign * (lo + hi) / 2) // exact: needs 12 significant bits
			for _, f := range []float32{mid, math.Nextafter32(mid, 0), math.Nextafter32(mid, 2*mid)} {
				if got, want := F32ToF16(f), ggmlF32ToF16(f); got != want {
					t.Fatalf("F32ToF16(%g) = %#04x, ggml %#04x", f, got, want)
				}
			}
		}
	}
}

// TestF32ToF16MatchesGGML compares with ggml's algorithm on a 1/61 sample of all float32 bit
// patterns (every one with ARIA_EXHAUSTIVE=1, ≈20 s on 2 cores).
func TestF32ToF16MatchesGGML(t *testing.T) {
	step := uint64(61)
	if os.Getenv("ARIA_EXHAUSTIVE") == "1" {
		step = 1
	}
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var bad []uint32
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for u := uint64(w) * step; u < 1<<32; u += uint64(workers) * step {
				b := uint32(u)
				if b&0x7fffffff > 0x7f800000 {
					continue // NaN: ggml's C gives 0x7e00, we keep the payload like F16C
				}
				f := math.Float32frombits(b)
				if F32ToF16(f) != ggmlF32ToF16(f) {
					mu.Lock()
					bad = append(bad, b)
					mu.Unlock()
					return
				}
			}
		}(w)
	}
	wg.Wait()
	for _, b := range bad {
		f := math.Float32frombits(b)
		t.Errorf("F32ToF16(%#08x = %g) = %#04x, ggml %#04x", b, f, F32ToF16(f), ggmlF32ToF16(f))
	}
}

func TestBF16(t *testing.T) {
	cases := []struct {
		in   uint32
		want uint16
	}{
		{0x3f800000, 0x3f80},
		{0x3f808000, 0x3f80}, // tie, even stays
		{0x3f818000, 0x3f82}, // tie, odd rounds up
		{0x3f808001, 0x3f81},
		{0x7f7fffff, 0x7f80}, // max float rounds to inf
		{0x7f800000, 0x7f80},
		{0xff800000, 0xff80},
		{0x7f800001, 0x7fc0}, // signalling NaN → quiet
		{0xffc12345, 0xffc1},
		{0x00000001, 0x0000}, // subnormal, not flushed: rounds to 0
		{0x00008000, 0x0000}, // tie to even 0
		{0x00018000, 0x0002}, // tie to even 2
	}
	for _, c := range cases {
		if got := F32ToBF16(math.Float32frombits(c.in)); got != c.want {
			t.Errorf("F32ToBF16(%#08x) = %#04x, want %#04x", c.in, got, c.want)
		}
	}
	for h := 0; h < 1<<16; h++ {
		f := BF16ToF32(uint16(h))
		if math.IsNaN(float64(f)) {
			continue
		}
		if back := F32ToBF16(f); back != uint16(h) {
			t.Fatalf("bf16 %#04x → %g → %#04x", h, f, back)
		}
	}
}

func TestRoundF16(t *testing.T) {
	x := []float32{1, 1 + 1.0/2048, 65520, -0.1}
	got := make([]uint16, len(x)+1)
	RoundF16(x, got)
	want := []uint16{0x3c00, 0x3c00, 0x7c00, F32ToF16(-0.1), 0}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("RoundF16[%d] = %#04x, want %#04x", i, got[i], want[i])
		}
	}
	b := make([]uint16, 2)
	RoundBF16([]float32{1, 3}, b)
	if b[0] != 0x3f80 || b[1] != 0x4040 {
		t.Errorf("RoundBF16 = %#04x", b)
	}
}
