package kernels

import (
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// Golden bit patterns: the kernels must give the same bits on every architecture and build
// (amd64 with GOAMD64=v1 or v3, arm64, purego). Inputs are built with integer arithmetic and
// exact float divisions only, so they are identical everywhere. If a change to a kernel is
// intended to change results, update the constants and say why in the commit.
//
//	GOAMD64=v3 go test -run Golden ./inference/kernels
//	GOARCH=arm64 go test -exec qemu-aarch64 -run Golden ./inference/kernels
var goldenMatVec = map[gguf.Type]uint64{
	gguf.TypeTQ2_0: 0x6ccb06b701f599cd,
	gguf.TypeTQ1_0: 0xa061f58eb5bf2e3d,
	gguf.TypeI2_S:  0x195f3d28da6fa648,
	gguf.TypeF32:   0x1ba497da8ea33b3a,
	gguf.TypeF16:   0xc61dd1e77b7d9e6,
	gguf.TypeBF16:  0xfe46f0b6ad763f8f,
	gguf.TypeQ8_0:  0x3b2437f19a5ed9a7,
	gguf.TypeQ6_K:  0x14d917f92dfc497e, // order redefined (qdot.go): one f32 update per block
}

// goldenOps covers RMSNorm, RoPENeox, Softmax, SiLU, ReLU2 and Dot. The transcendental ones
// go through Go's math package (Exp, Cos, Sin, Pow), whose float64 results are not guaranteed
// to be bit-identical across architectures; they matched on amd64 (v1, v3) and arm64 (QEMU).
const goldenOps uint64 = 0xb25a68c186ca19c1

func detInput(rng *rand.Rand, n int, scale float32) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(int(rng.Uint32()%20001)-10000) / 4096 * scale
	}
	return x
}

func hashBits(h interface{ Write([]byte) (int, error) }, ys ...[]float32) {
	var b [4]byte
	for _, y := range ys {
		for _, v := range y {
			u := math.Float32bits(v)
			b[0], b[1], b[2], b[3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
			h.Write(b[:])
		}
	}
}

func TestGoldenMatVec(t *testing.T) {
	const rows, cols = 37, 1280
	for _, typ := range allTypes {
		rng := rand.New(rand.NewPCG(uint64(typ), 7))
		w := detInput(rng, rows*cols, 1)
		if isTernary(typ) {
			for i := range w {
				w[i] = float32(int(rng.Uint32()%3)-1) * 0.125
			}
		}
		data, err := quant.Quantize(typ, w)
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewMatrix(typ, cols, rows, data)
		if err != nil {
			t.Fatal(err)
		}
		h := fnv.New64a()
		for k := 0; k < 3; k++ {
			var a Activation
			a.Set(detInput(rng, cols, float32(k*k+1)))
			y := make([]float32, rows)
			MatVec(nil, m, &a, y)
			hashBits(h, y)
		}
		if got := h.Sum64(); got != goldenMatVec[typ] {
			t.Errorf("%s: MatVec bits hash %#x, golden %#x", typ, got, goldenMatVec[typ])
		}
	}
}

func TestGoldenOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 9))
	x := detInput(rng, 512, 1)
	w := detInput(rng, 512, 0.25)
	h := fnv.New64a()
	y := make([]float32, 512)
	RMSNorm(y, x, w, 1e-5)
	hashBits(h, y)
	copy(y, x)
	RoPENeox(y, 4, 128, 1234, 500000)
	hashBits(h, y)
	copy(y, x)
	Softmax(y)
	hashBits(h, y)
	copy(y, x)
	SiLU(y)
	hashBits(h, y)
	copy(y, x)
	ReLU2(y)
	hashBits(h, y)
	hashBits(h, []float32{Dot(x, w)})
	if got := h.Sum64(); got != goldenOps {
		t.Errorf("ops bits hash %#x, golden %#x", got, goldenOps)
	}
}
