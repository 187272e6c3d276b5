//go:build unix && !purego

package kernels

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Tests of the amd64 T2 tiers (tq_amd64.go, tq_*_amd64.s) against the portable kernels, at the
// level of the raw kernels: every tier must produce the same bits for every shape and input,
// never read outside its buffers and never write outside its outputs. (With -tags purego or on a
// CPU without the features the list of tiers is empty and these tests check nothing.)

// tqCase is one set of kernel inputs.
type tqCase struct {
	rows, groups, ntok int
	sbStride           int // TQ GEMV: 0 (uniform scale) or groups (one scale per row and group)
	yStride            int // GEMM
	codes              []byte
	p                  []int8    // ntok·groups·256
	c                  []int32   // ntok·groups·16
	sb                 []float32 // GEMV: rows·groups (used per sbStride); GEMM: ntok·groups
	sumq               []int32   // ntok
	s                  []float32 // ntok
	ws                 float32
}

func (k *tqCase) String() string {
	return fmt.Sprintf("rows=%d groups=%d ntok=%d sbStride=%d yStride=%d", k.rows, k.groups, k.ntok, k.sbStride, k.yStride)
}

// Kinds of data for codes and activations.
const (
	tqDataRandom  = iota // codes: any byte (code 3 included); P: any int8
	tqDataValid          // codes 0–2 only (what Repack writes)
	tqDataExtreme        // P all +127 or all −128, codes all 3 or all 2
	tqDataZero           // P zero, or codes all 1 (zero weights)
	tqDataKinds
)

// alloc returns the buffers of a case; tests override it to place them next to guard pages.
type tqAllocator interface {
	bytes(n int) []byte
}

type tqHeapAlloc struct{ rng *rand.Rand }

// bytes returns n bytes at a random offset 0–63 (the kernels must not rely on alignment).
func (h tqHeapAlloc) bytes(n int) []byte {
	off := h.rng.IntN(64)
	return make([]byte, n+off)[off:]
}

func tqInt8(b []byte) []int8 {
	return unsafe.Slice((*int8)(unsafe.Pointer(unsafe.SliceData(b))), len(b))
}

func tqInt32(b []byte) []int32 {
	return unsafe.Slice((*int32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
}

func tqF32(b []byte) []float32 {
	return unsafe.Slice((*float32)(unsafe.Pointer(unsafe.SliceData(b))), len(b)/4)
}

// newTQCase fills a case with data of the given kind.
func newTQCase(rng *rand.Rand, a tqAllocator, rows, groups, ntok, sbStride, yStride, kind int) *tqCase {
	k := &tqCase{rows: rows, groups: groups, ntok: ntok, sbStride: sbStride, yStride: yStride}
	k.codes = a.bytes(rows * groups * GroupBytes)
	k.p = tqInt8(a.bytes(ntok * groups * 256))
	k.c = tqInt32(a.bytes(ntok * groups * 16 * 4))
	nsb := ntok * groups
	if sbStride > 0 {
		nsb = max(nsb, (rows-1)*sbStride+groups)
	}
	k.sb = tqF32(a.bytes(nsb * 4))
	k.sumq = tqInt32(a.bytes(ntok * 4))
	k.s = tqF32(a.bytes(ntok * 4))

	switch kind {
	case tqDataRandom:
		for i := range k.codes {
			k.codes[i] = byte(rng.Uint32())
		}
	case tqDataValid:
		for i := range k.codes {
			var b byte
			for n := 0; n < 4; n++ {
				b |= byte(rng.IntN(3)) << (2 * n)
			}
			k.codes[i] = b
		}
	case tqDataExtreme:
		v := byte(0xFF)
		if rng.IntN(2) == 0 {
			v = 0xAA
		}
		for i := range k.codes {
			k.codes[i] = v
		}
	case tqDataZero:
		for i := range k.codes {
			k.codes[i] = 0x55
		}
	}
	pk := kind
	if kind == tqDataZero && rng.IntN(2) == 0 {
		pk = tqDataRandom // zero weights against random activations, or the other way round
	}
	extreme := int8(127)
	if rng.IntN(2) == 0 {
		extreme = -128
	}
	for i := range k.p {
		switch pk {
		case tqDataExtreme:
			k.p[i] = extreme
		case tqDataZero:
			k.p[i] = 0
		default:
			k.p[i] = int8(rng.Uint32())
		}
	}
	if pk == tqDataZero {
		for i := range k.codes {
			k.codes[i] = byte(rng.Uint32())
		}
	}
	// C is the real correction −Σ of each lane's 16 activations, or (sometimes) arbitrary.
	for t := 0; t < ntok; t++ {
		for g := 0; g < groups; g++ {
			p := k.p[(t*groups+g)*256:]
			for l := 0; l < 16; l++ {
				var s int32
				for n := 0; n < 4; n++ {
					for j := 0; j < 4; j++ {
						s += int32(p[64*n+4*l+j])
					}
				}
				if kind == tqDataRandom && rng.IntN(4) == 0 {
					s = int32(rng.IntN(1<<20)) - 1<<19
				}
				k.c[(t*groups+g)*16+l] = -s
			}
		}
	}
	for i := range k.sb {
		k.sb[i] = tqRandScale(rng)
	}
	for t := 0; t < ntok; t++ {
		k.sumq[t] = int32(rng.IntN(1<<16)) - 1<<15
		k.s[t] = tqRandScale(rng)
		if k.s[t] == 0 {
			k.s[t] = 1
		}
	}
	k.ws = tqRandScale(rng)
	return k
}

// tqRandScale returns a scale of random sign and magnitude (sometimes 0, 1 or a tiny value).
func tqRandScale(rng *rand.Rand) float32 {
	switch rng.IntN(10) {
	case 0:
		return 0
	case 1:
		return 1
	case 2:
		return float32(rng.NormFloat64()) * 1e-30
	}
	return float32(rng.NormFloat64() * math.Pow(2, float64(rng.IntN(20)-10)))
}

// yLen is the length of the outputs of a GEMM case (and of the GEMV when ntok = 1).
func (k *tqCase) yLen() int { return (k.ntok-1)*k.yStride + k.rows }

// tqSentinel fills y with a value no kernel produces, to see what was written.
const tqSentinel = 0x7fc0_dead

func tqFillSentinel(y []float32) {
	for i := range y {
		y[i] = math.Float32frombits(tqSentinel)
	}
}

// tqCompareY checks got against want bit for bit (sentinels included: gaps must stay untouched).
func tqCompareY(t *testing.T, what string, k *tqCase, got, want []float32) {
	t.Helper()
	for i := range want {
		if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
			t.Fatalf("%s %v: y[%d] = %v (%#x), portable %v (%#x)", what, k, i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
		}
	}
}

// tqCheckTiers runs the four kernels of every tier on a case and compares with the portable ones;
// yAlloc places the outputs.
func tqCheckTiers(t *testing.T, k *tqCase, yAlloc func(n int) []float32) {
	t.Helper()
	want := make([]float32, k.yLen())
	for _, im := range asmTiers() {
		// GEMV, TQ (token 0's activations, sbStride as the case says).
		tqFillSentinel(want)
		gemvTQGo(k.codes, k.rows, k.groups, k.p, k.c, k.sb, k.sbStride, want)
		got := yAlloc(k.rows)
		tqFillSentinel(got)
		im.gemvTQ(k.codes, k.rows, k.groups, k.p, k.c, k.sb, k.sbStride, got)
		tqCompareY(t, im.Name+" gemvTQ", k, got, want[:k.rows])

		// GEMV, I2_S.
		tqFillSentinel(want)
		gemvI2SGo(k.codes, k.rows, k.groups, k.p, k.sumq[0], k.s[0], k.ws, want)
		got = yAlloc(k.rows)
		tqFillSentinel(got)
		im.gemvI2S(k.codes, k.rows, k.groups, k.p, k.sumq[0], k.s[0], k.ws, got)
		tqCompareY(t, im.Name+" gemvI2S", k, got, want[:k.rows])

		// GEMM, TQ and I2_S.
		tqFillSentinel(want)
		gemmTQGo(k.codes, k.rows, k.groups, k.ntok, k.p, k.c, k.sb, want, k.yStride)
		got = yAlloc(k.yLen())
		tqFillSentinel(got)
		im.gemmTQ(k.codes, k.rows, k.groups, k.ntok, k.p, k.c, k.sb, got, k.yStride)
		tqCompareY(t, im.Name+" gemmTQ", k, got, want)

		tqFillSentinel(want)
		gemmI2SGo(k.codes, k.rows, k.groups, k.ntok, k.p, k.sumq, k.s, k.ws, want, k.yStride)
		got = yAlloc(k.yLen())
		tqFillSentinel(got)
		im.gemmI2S(k.codes, k.rows, k.groups, k.ntok, k.p, k.sumq, k.s, k.ws, got, k.yStride)
		tqCompareY(t, im.Name+" gemmI2S", k, got, want)
	}
}

func tqHeapY(n int) []float32 { return make([]float32, n) }

// Random shapes: rows 1–70, groups 1–30, uniform and per-(row, group) scales, ntok 1–4,
// yStride ≥ rows, every kind of data.
func TestT2TiersRandom(t *testing.T) {
	if len(asmTiers()) == 0 {
		t.Skip("no assembly tier on this CPU / build")
	}
	rng := rand.New(rand.NewPCG(11, 12))
	n := 600
	if testing.Short() {
		n = 150
	}
	for i := 0; i < n; i++ {
		rows, groups := 1+rng.IntN(70), 1+rng.IntN(30)
		if i < 64 { // every small shape first
			rows, groups = 1+i%8, 1+i/8
		}
		ntok := 1 + rng.IntN(MaxGemmTokens)
		sbStride := 0
		if rng.IntN(2) == 0 {
			sbStride = groups
		}
		yStride := rows + rng.IntN(5)
		k := newTQCase(rng, tqHeapAlloc{rng}, rows, groups, ntok, sbStride, yStride, i%tqDataKinds)
		tqCheckTiers(t, k, tqHeapY)
	}
}

// The shapes of BitNet b1.58 2B4T (K = 2560 and 6912) with chunk-sized row counts.
func TestT2TiersModelShapes(t *testing.T) {
	if len(asmTiers()) == 0 {
		t.Skip("no assembly tier on this CPU / build")
	}
	rng := rand.New(rand.NewPCG(13, 14))
	for _, groups := range []int{10, 27, 33} {
		for _, rows := range []int{1, 3, 4, 5, 63, 64, 65, 256} {
			for kind := 0; kind < tqDataKinds; kind++ {
				k := newTQCase(rng, tqHeapAlloc{rng}, rows, groups, 1+rng.IntN(MaxGemmTokens), groups*(kind&1), rows+kind, kind)
				tqCheckTiers(t, k, tqHeapY)
			}
		}
	}
}

// tqGuardPages hands out buffers that end (or start) exactly at a PROT_NONE page, so that any
// read or write past the end (before the start) of a buffer faults.
type tqGuardPages struct {
	t       *testing.T
	atStart bool
	maps    [][]byte
}

func (g *tqGuardPages) bytes(n int) []byte {
	buf, m, err := guardPages(n, !g.atStart)
	if err != nil {
		g.t.Fatal(err)
	}
	g.maps = append(g.maps, m)
	return buf
}

func (g *tqGuardPages) floats(n int) []float32 { return tqF32(g.bytes(4 * n)) }

func (g *tqGuardPages) free() {
	for _, m := range g.maps {
		unix.Munmap(m)
	}
	g.maps = nil
}

// No tier reads codes, P, C, scales or sums past their ends (or before their starts), nor
// writes past y.
func TestT2TiersGuardPages(t *testing.T) {
	if len(asmTiers()) == 0 {
		t.Skip("no assembly tier on this CPU / build")
	}
	rng := rand.New(rand.NewPCG(15, 16))
	for i := 0; i < 120; i++ {
		g := &tqGuardPages{t: t, atStart: i%2 == 1}
		rows, groups := 1+rng.IntN(20), 1+rng.IntN(12)
		if i < 16 {
			rows, groups = 1+i%4, 1+i/4%2
		}
		ntok := 1 + i%MaxGemmTokens
		sbStride := groups * (i / 4 % 2)
		yStride := rows + rng.IntN(3)
		k := newTQCase(rng, g, rows, groups, ntok, sbStride, yStride, i%tqDataKinds)
		tqCheckTiers(t, k, g.floats)
		g.free()
	}
}

// Degenerate calls (no rows, no groups, more than MaxGemmTokens tokens) behave as the portable
// kernels.
func TestT2TiersDegenerate(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 18))
	for _, im := range asmTiers() {
		k := newTQCase(rng, tqHeapAlloc{rng}, 5, 3, 1, 0, 5, tqDataRandom)
		im.gemvTQ(k.codes, 0, 3, k.p, k.c, k.sb, 0, nil)
		im.gemvI2S(k.codes, 0, 3, k.p, 0, 1, 1, nil)
		y := make([]float32, 5)
		tqFillSentinel(y)
		im.gemvTQ(nil, 5, 0, nil, nil, nil, 0, y)
		for _, v := range y {
			if v != 0 {
				t.Fatalf("%s: gemvTQ with no groups gave %v", im.Name, y)
			}
		}
		// ntok = 7 (beyond MaxGemmTokens) still equals the portable kernel.
		k = newTQCase(rng, tqHeapAlloc{rng}, 9, 4, 7, 0, 11, tqDataValid)
		want, got := make([]float32, k.yLen()), make([]float32, k.yLen())
		gemmTQGo(k.codes, k.rows, k.groups, k.ntok, k.p, k.c, k.sb, want, k.yStride)
		im.gemmTQ(k.codes, k.rows, k.groups, k.ntok, k.p, k.c, k.sb, got, k.yStride)
		tqCompareY(t, im.Name+" gemmTQ ntok=7", k, got, want)
		gemmI2SGo(k.codes, k.rows, k.groups, k.ntok, k.p, k.sumq, k.s, k.ws, want, k.yStride)
		im.gemmI2S(k.codes, k.rows, k.groups, k.ntok, k.p, k.sumq, k.s, k.ws, got, k.yStride)
		tqCompareY(t, im.Name+" gemmI2S ntok=7", k, got, want)
	}
}

// FuzzT2Tiers compares every tier with the portable kernels on fuzzer-chosen shapes and data.
// Run it with: go test -run '^$' -fuzz FuzzT2Tiers -fuzztime 2m ./inference/kernels
func FuzzT2Tiers(f *testing.F) {
	f.Add([]byte{3, 2, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9})
	f.Add([]byte{69, 29, 3, 1, 4, 255, 255, 255, 128, 128, 127})
	f.Add([]byte{0, 0, 0, 2, 1, 0x55})
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) < 6 || len(asmTiers()) == 0 {
			return
		}
		rows, groups, ntok := 1+int(data[0])%70, 1+int(data[1])%30, 1+int(data[2])%MaxGemmTokens
		sbStride := groups * int(data[3]&1)
		yStride := rows + int(data[3]>>1)%4
		kind := int(data[4]) % tqDataKinds
		var seed uint64
		for _, b := range data {
			seed = seed*131 + uint64(b)
		}
		rng := rand.New(rand.NewPCG(seed, uint64(len(data))))
		k := newTQCase(rng, tqHeapAlloc{rng}, rows, groups, ntok, sbStride, yStride, kind)
		// Let the fuzzer's bytes drive the codes and the activations directly.
		body := data[5:]
		for i := range k.codes {
			k.codes[i] ^= body[i%len(body)]
		}
		for i := range k.p {
			k.p[i] ^= int8(body[(i*7+3)%len(body)])
		}
		tqCheckTiers(t, k, tqHeapY)
	})
}

// The wrappers send one-token GEMMs to the GEMVs; the assembly GEMMs still accept ntok = 1.
func TestT2AsmGemmOneToken(t *testing.T) {
	type gemms struct {
		name string
		tq   func(codes *byte, rows, groups, ntok int, p *int8, c *int32, sb *float32, y *float32, yStride int)
		i2s  func(codes *byte, rows, groups, ntok int, p *int8, sumq *int32, s *float32, ws float32, y *float32, yStride int)
	}
	var list []gemms
	for _, im := range asmTiers() {
		switch im.Name {
		case "avx512":
			list = append(list, gemms{im.Name, gemmTQAVX512, gemmI2SAVX512})
		case "avxvnni":
			list = append(list, gemms{im.Name, gemmTQAVXVNNI, gemmI2SAVXVNNI})
		case "avx2":
			list = append(list, gemms{im.Name, gemmTQAVX2, gemmI2SAVX2})
		}
	}
	rng := rand.New(rand.NewPCG(19, 20))
	for _, g := range list {
		for i := 0; i < 40; i++ {
			k := newTQCase(rng, tqHeapAlloc{rng}, 1+rng.IntN(9), 1+rng.IntN(12), 1, 0, 0, i%tqDataKinds)
			k.yStride = k.rows
			want, got := make([]float32, k.rows), make([]float32, k.rows)
			gemmTQGo(k.codes, k.rows, k.groups, 1, k.p, k.c, k.sb, want, k.yStride)
			g.tq(&k.codes[0], k.rows, k.groups, 1, &k.p[0], &k.c[0], &k.sb[0], &got[0], k.yStride)
			tqCompareY(t, g.name+" asm gemmTQ ntok=1", k, got, want)
			gemmI2SGo(k.codes, k.rows, k.groups, 1, k.p, k.sumq, k.s, k.ws, want, k.yStride)
			g.i2s(&k.codes[0], k.rows, k.groups, 1, &k.p[0], &k.sumq[0], &k.s[0], k.ws, &got[0], k.yStride)
			tqCompareY(t, g.name+" asm gemmI2S ntok=1", k, got, want)
		}
	}
}
