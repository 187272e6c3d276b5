package quant

import (
	"encoding/binary"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
)

const specScale = float32(0.08068848) // the fixtures' tensor scale, fp16 0x2d2a

// ternaryRow returns n weights s·t with t ∈ {−1,0,+1} drawn with P = 0.3/0.4/0.3.
func ternaryRow(rng *rand.Rand, n int, s float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch r := rng.Float64(); {
		case r < 0.3:
			x[i] = -s
		case r < 0.7:
			x[i] = 0
		default:
			x[i] = s
		}
	}
	return x
}

// specBlock returns one 256-element block with the weights of the spec's worked examples
// (§5.1, §5.2) at the positions they name, and 0 elsewhere.
func specBlock() []float32 {
	x := make([]float32, QK)
	set := map[int]float32{
		32: -1, 64: 1, // e0 0, e96 0
		160: -1, 192: -1, // e128 0, e224 0
		176: -1, 208: -1,
		244: 1, 252: 1, // e240 0, e248 0
	}
	for e, t := range set {
		x[e] = t * specScale
	}
	return x
}

func TestTQ2_0SpecExample(t *testing.T) {
	b := QuantizeTQ2_0(specBlock())
	if len(b) != BlockBytesTQ2_0 {
		t.Fatalf("len %d", len(b))
	}
	if b[0] != 0x61 || b[32] != 0x41 || b[64] != 0x2a || b[65] != 0x2d {
		t.Errorf("qs[0]=%#02x qs[32]=%#02x d=% x, want 0x61 0x41 2a 2d", b[0], b[32], b[64:66])
	}
	// decoding qs[0] = 0x61 gives e0 0, e32 −1, e64 +1, e96 0
	y := make([]float32, QK)
	if err := DequantizeRow(gguf.TypeTQ2_0, b, y); err != nil {
		t.Fatal(err)
	}
	d := F16ToF32(0x2d2a)
	for e, want := range map[int]float32{0: 0, 32: -d, 64: d, 96: 0, 128: 0, 160: -d, 192: -d, 224: 0} {
		if y[e] != want {
			t.Errorf("e%d = %g, want %g", e, y[e], want)
		}
	}
}

func TestTQ1_0SpecExample(t *testing.T) {
	// byte 0x6d decodes to the trits 1, 0, 2, 1, 1 and encodes back to 109
	for n, want := range []uint8{1, 0, 2, 1, 1} {
		if got := TQ1Trit(0x6d, n); got != want {
			t.Errorf("TQ1Trit(0x6d, %d) = %d, want %d", n, got, want)
		}
	}
	if got := TQ1Pack([5]uint8{1, 0, 2, 1, 1}); got != 109 {
		t.Errorf("TQ1Pack(1,0,2,1,1) = %d, want 109", got)
	}
	b := QuantizeTQ1_0(specBlock())
	if len(b) != BlockBytesTQ1_0 {
		t.Fatalf("len %d", len(b))
	}
	if b[0] != 0x6d || b[32] != 0x02 || b[48] != 0x9f || b[52] != 0x2a || b[53] != 0x2d {
		t.Errorf("qs[0]=%#02x qs[32]=%#02x qh[0]=%#02x d=% x, want 0x6d 0x02 0x9f 2a 2d", b[0], b[32], b[48], b[52:54])
	}
}

// TestTQ1PackAll round-trips all 243 five-trit and 81 four-trit combinations.
func TestTQ1PackAll(t *testing.T) {
	for v := 0; v < 243; v++ {
		var c [5]uint8
		for n, r := 4, v; n >= 0; n-- {
			c[n] = uint8(r % 3)
			r /= 3
		}
		q := TQ1Pack(c)
		for n := range 5 {
			if got := TQ1Trit(q, n); got != c[n] {
				t.Fatalf("trits %v → byte %d → trit %d = %d", c, q, n, got)
			}
		}
	}
}

func TestTernaryRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{256, 512, 256 * 33} {
		x := ternaryRow(rng, n, specScale)
		copy(x[256:], make([]float32, min(256, n-256))) // an all-zero block (d = 0) when n > 256
		y2 := make([]float32, n)
		y1 := make([]float32, n)
		if err := DequantizeRow(gguf.TypeTQ2_0, QuantizeTQ2_0(x), y2); err != nil {
			t.Fatal(err)
		}
		if err := DequantizeRow(gguf.TypeTQ1_0, QuantizeTQ1_0(x), y1); err != nil {
			t.Fatal(err)
		}
		codes := QuantizeI2S(x)
		if len(codes) != n/4+32 {
			t.Fatalf("I2_S size %d, want %d", len(codes), n/4+32)
		}
		s := I2SScale(codes, n)
		yi := make([]float32, n)
		DequantizeI2S(codes[:n/4], yi, s)
		for i := range x {
			if y2[i] != x[i] || y1[i] != x[i] || yi[i] != x[i] {
				t.Fatalf("n=%d element %d: x %g, TQ2_0 %g, TQ1_0 %g, I2_S %g", n, i, x[i], y2[i], y1[i], yi[i])
			}
		}
	}
}

func TestTernaryQuantizerRounding(t *testing.T) {
	// d = max|x| = 2; x/d = 0.5 rounds away from zero (lroundf), 0.49 to 0.
	x := make([]float32, QK)
	x[0], x[1], x[2], x[3], x[4] = 2, 1, -1, 0.98, -2
	y := make([]float32, QK)
	if err := DequantizeRow(gguf.TypeTQ2_0, QuantizeTQ2_0(x), y); err != nil {
		t.Fatal(err)
	}
	if want := []float32{2, 2, -2, 0, -2}; y[0] != want[0] || y[1] != want[1] || y[2] != want[2] || y[3] != want[3] || y[4] != want[4] {
		t.Errorf("TQ2_0 got %v, want %v", y[:5], want)
	}
}

func TestI2SSpecExample(t *testing.T) {
	n := 65536 // byte n/4 = 16384 holds the scale, as in the spec's example
	x := make([]float32, n)
	for e, tv := range map[int]float32{32: -1, 64: 1, 33: -1, 97: -1} {
		x[e] = tv * specScale
	}
	b := QuantizeI2S(x)
	if b[0] != 0x49 || b[1] != 0x44 {
		t.Errorf("bytes 0,1 = %#02x %#02x, want 0x49 0x44", b[0], b[1])
	}
	if got := b[16384:16388]; got[0] != 0x00 || got[1] != 0x40 || got[2] != 0xa5 || got[3] != 0x3d {
		t.Errorf("scale bytes % x, want 00 40 a5 3d", got)
	}
	for _, v := range b[16388:] {
		if v != 0 {
			t.Fatalf("padding not zero: % x", b[16388:])
		}
	}
	if s := I2SScale(b, n); s != specScale {
		t.Errorf("I2SScale = %g", s)
	}
	// |x| < 1e-6 (in float64) → 0, anything else its sign (not rounded against the scale).
	// float32(1e-6) is 9.99999997e-7 < 1e-6, so it maps to 0 as in the fork.
	y := []float32{1e-7, 1e-6, 1.0001e-6, -0.001, 5}
	y = append(y, make([]float32, 123)...)
	q := QuantizeI2S(y)
	d := make([]float32, 128)
	DequantizeI2S(q[:32], d, I2SScale(q, 128))
	if want := []float32{0, 0, 5, -5, 5}; d[0] != want[0] || d[1] != want[1] || d[2] != want[2] || d[3] != want[3] || d[4] != want[4] {
		t.Errorf("I2_S signs: got %v, want %v", d[:5], want)
	}
}

func TestQ8_0RoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 32*40)
	for i := range x {
		x[i] = float32(rng.NormFloat64()) * float32(1+i/32)
	}
	copy(x[64:96], make([]float32, 32)) // zero block
	b := QuantizeQ8_0(x)
	if len(b) != 40*BlockBytesQ8_0 {
		t.Fatalf("size %d", len(b))
	}
	y := make([]float32, len(x))
	if err := DequantizeRow(gguf.TypeQ8_0, b, y); err != nil {
		t.Fatal(err)
	}
	for blk := 0; blk < 40; blk++ {
		d := F16ToF32(binary.LittleEndian.Uint16(b[blk*34:]))
		for j := 0; j < 32; j++ {
			i := blk*32 + j
			// half a step, plus the fp16 rounding of d times up to 127 steps
			if err := math.Abs(float64(x[i] - y[i])); err > float64(d)*(0.5+127*1.0/2048)+1e-7 {
				t.Fatalf("element %d: %g vs %g (d=%g)", i, x[i], y[i], d)
			}
		}
	}
}

func TestQ6_KRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, scale := range []float64{1e-3, 1, 300} {
		x := make([]float32, 256*12)
		for i := range x {
			x[i] = float32(rng.NormFloat64() * scale)
		}
		copy(x[256:512], make([]float32, 256)) // all-zero block
		for i := 512 + 16; i < 512+32; i++ {
			x[i] = 0 // one all-zero sub-block
		}
		b := QuantizeQ6_K(x)
		if len(b) != 12*BlockBytesQ6_K {
			t.Fatalf("size %d", len(b))
		}
		y := make([]float32, len(x))
		if err := DequantizeRow(gguf.TypeQ6_K, b, y); err != nil {
			t.Fatal(err)
		}
		var se, sx, maxErr float64
		for i := range x {
			e := float64(x[i] - y[i])
			se += e * e
			sx += float64(x[i]) * float64(x[i])
			maxErr = max(maxErr, math.Abs(e))
		}
		rel := math.Sqrt(se / sx)
		// 6-bit steps on Gaussian data give ≈0.018; at 1e-3 the fp16 super-scale is subnormal.
		if rel > 0.025 || maxErr > 0.15*scale {
			t.Errorf("scale %g: relative RMS error %.4f, max error %g", scale, rel, maxErr)
		}
		for i := 256; i < 512; i++ {
			if y[i] != 0 {
				t.Fatalf("zero block decoded to %g", y[i])
			}
		}
		for i := 512 + 16; i < 512+32; i++ {
			if y[i] != 0 {
				t.Fatalf("zero sub-block decoded to %g at %d", y[i], i)
			}
		}
	}
}

// TestQ6_KLayout packs known 6-bit values by hand and checks the decoder's element order.
func TestQ6_KLayout(t *testing.T) {
	var blk [BlockBytesQ6_K]byte
	want := make([]float32, QK)
	for e := 0; e < QK; e++ {
		v := uint8((e*7 + 3) % 64) // 6-bit code, value v − 32
		half, r := e/128, e%128
		n, l := r/32, r%32
		qi := 64*half + l + 32*(n&1)
		if n < 2 {
			blk[qi] |= v & 0xf
		} else {
			blk[qi] |= (v & 0xf) << 4
		}
		blk[128+32*half+l] |= (v >> 4) << (2 * n)
		want[e] = float32(int(v) - 32)
	}
	for j := 0; j < 16; j++ {
		blk[192+j] = 1
	}
	binary.LittleEndian.PutUint16(blk[208:], 0x3c00) // d = 1
	y := make([]float32, QK)
	if err := DequantizeRow(gguf.TypeQ6_K, blk[:], y); err != nil {
		t.Fatal(err)
	}
	for e := range y {
		if y[e] != want[e] {
			t.Fatalf("element %d = %g, want %g", e, y[e], want[e])
		}
	}
}

func TestFloatFormats(t *testing.T) {
	x := []float32{1, -2.5, 65504, 1e-8, float32(math.Inf(-1)), 0.1}
	for _, tc := range []struct {
		typ gguf.Type
		tol float64
	}{{gguf.TypeF32, 0}, {gguf.TypeF16, 1.0 / 1024}, {gguf.TypeBF16, 1.0 / 128}} {
		b, err := Quantize(tc.typ, x)
		if err != nil {
			t.Fatal(err)
		}
		y := make([]float32, len(x))
		if err := DequantizeRow(tc.typ, b, y); err != nil {
			t.Fatal(err)
		}
		for i := range x {
			if math.IsInf(float64(x[i]), 0) {
				if y[i] != x[i] {
					t.Errorf("%s: inf → %g", tc.typ, y[i])
				}
				continue
			}
			if d := math.Abs(float64(x[i] - y[i])); d > tc.tol*math.Abs(float64(x[i]))+1e-7 {
				t.Errorf("%s: %g → %g", tc.typ, x[i], y[i])
			}
		}
	}
}

func TestDequantizeRowErrors(t *testing.T) {
	cases := []struct {
		typ  gguf.Type
		src  int
		dst  int
		want string
	}{
		{gguf.TypeTQ2_0, 66, 128, "multiple of 256"},
		{gguf.TypeTQ2_0, 65, 256, "need 66 bytes, got 65"},
		{gguf.TypeF32, 8, 3, "need 12 bytes"},
		{gguf.TypeI2_S, 64, 128, "DequantizeI2S"},
		{gguf.TypeQ4_0, 18, 32, "not supported"},
		{gguf.Type(999), 0, 0, "unknown"},
	}
	for _, c := range cases {
		err := DequantizeRow(c.typ, make([]byte, c.src), make([]float32, c.dst))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s src %d dst %d: err %v, want %q", c.typ, c.src, c.dst, err, c.want)
		}
	}
	if _, err := Quantize(gguf.TypeTQ2_0, make([]float32, 100)); err == nil {
		t.Error("Quantize TQ2_0 of 100 elements: no error")
	}
	if _, err := Quantize(gguf.TypeQ4_0, make([]float32, 32)); err == nil {
		t.Error("Quantize Q4_0: no error")
	}
}
