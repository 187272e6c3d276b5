package kernels

import (
	"bufio"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// The float tiers against the portable references (f16_ops.go), bit for bit.

// asmTiers returns the assembly rows of the table (all but the portable one).
func asmTiers() []*Tier { return tiers[:len(tiers)-1] }

// portableRow returns the portable row of the table.
func portableRow() *Tier { return tiers[len(tiers)-1] }

// floatRows returns, for each family of float kernels this CPU runs, the best row that has it:
// best first, the portable row last.
func floatRows() []*Tier {
	var rows []*Tier
	for _, t := range tiers {
		if len(rows) == 0 || rows[len(rows)-1].Float != t.Float {
			rows = append(rows, t)
		}
	}
	return rows
}

// eachFops runs f once per float-kernel family, the best row having it switched on.
func eachFops(t *testing.T, f func(t *testing.T, tier *Tier)) {
	t.Helper()
	for _, tier := range floatRows() {
		t.Run(tier.Float, func(t *testing.T) {
			defer useTier(tier)()
			f(t, tier)
		})
	}
}

// randHalf returns an fp16 of a random kind: ±0, ±max, subnormal, any finite value, or a
// Gaussian value rounded to fp16. Inf and NaN are left out.
func randHalf(rng *rand.Rand) uint16 {
	sign := uint16(rng.IntN(2)) << 15
	switch rng.IntN(10) {
	case 0:
		return sign
	case 1:
		return sign | 0x7bff // 65504
	case 2:
		return sign | uint16(1+rng.IntN(0x3ff)) // subnormal
	case 3, 4:
		return sign | uint16(rng.IntN(31))<<10 | uint16(rng.IntN(1024)) // any finite
	default:
		return quant.F32ToF16(float32(rng.NormFloat64()))
	}
}

// randF32 returns a float32 of a random kind, including zeros, subnormals and large values
// (products stay finite).
func randF32(rng *rand.Rand) float32 {
	sign := float32(1 - 2*rng.IntN(2))
	switch rng.IntN(10) {
	case 0:
		return 0 * sign
	case 1:
		return sign * math.Float32frombits(uint32(1+rng.IntN(1<<23))) // subnormal
	case 2:
		return sign * float32(rng.Float64()) * 1e15
	case 3:
		return sign * float32(rng.Float64()) * 1e-20
	default:
		return float32(rng.NormFloat64())
	}
}

func putHalves(rng *rand.Rand, b []byte) {
	for i := 0; i+1 < len(b); i += 2 {
		h := randHalf(rng)
		b[i], b[i+1] = byte(h), byte(h>>8)
	}
}

func putF32s(rng *rand.Rand, b []byte) {
	for i := 0; i+3 < len(b); i += 4 {
		u := math.Float32bits(randF32(rng))
		b[i], b[i+1], b[i+2], b[i+3] = byte(u), byte(u>>8), byte(u>>16), byte(u>>24)
	}
}

func halfVector(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = quant.F16ToF32(randHalf(rng))
	}
	return x
}

func f32Vector(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = randF32(rng)
	}
	return x
}

func sameBits(a, b float32) bool { return math.Float32bits(a) == math.Float32bits(b) }

var (
	fopsCols = []int{1, 2, 7, 15, 16, 17, 31, 32, 33, 47, 48, 64, 128, 2560, 2560 + 7}
	fopsRows = []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 128}
)

// testRows checks kernel (f16Rows or f32Rows) against ref over awkward shapes: strides with
// padding (even and odd byte counts), an unaligned start, and a sentinel after the outputs.
func testRows(t *testing.T, elem int, fill func(*rand.Rand, []byte), xs func(*rand.Rand, int) []float32,
	kernel, ref func(w []byte, stride, rows, cols int, x, y []float32)) {
	rng := rand.New(rand.NewPCG(uint64(elem), 77))
	for _, cols := range fopsCols {
		for _, rows := range fopsRows {
			if rows == 128 && cols > 64 && cols != 2560+7 {
				continue
			}
			for _, pad := range []int{0, elem, 3, 66} {
				stride := elem*cols + pad
				off := rng.IntN(4)
				buf := make([]byte, off+(rows-1)*stride+elem*cols)
				for i := range buf {
					buf[i] = 0xff // NaN bytes in the padding: must not be read
				}
				w := buf[off:]
				for r := range rows {
					fill(rng, w[r*stride:r*stride+elem*cols])
				}
				x := xs(rng, cols)
				want := make([]float32, rows)
				ref(w, stride, rows, cols, x, want)
				got := make([]float32, rows+1)
				got[rows] = 12345
				kernel(w, stride, rows, cols, x, got)
				for r := range want {
					if !sameBits(got[r], want[r]) {
						t.Fatalf("cols=%d rows=%d stride=%d: row %d = %g (%#x), reference %g (%#x)",
							cols, rows, stride, r, got[r], math.Float32bits(got[r]), want[r], math.Float32bits(want[r]))
					}
				}
				if got[rows] != 12345 {
					t.Fatalf("cols=%d rows=%d: wrote past the last output", cols, rows)
				}
			}
		}
	}
}

func TestF16RowsTiers(t *testing.T) {
	eachFops(t, func(t *testing.T, _ *Tier) {
		testRows(t, 2, putHalves, halfVector, f16Rows, f16RowsGo)
	})
}

func TestF32RowsTiers(t *testing.T) {
	eachFops(t, func(t *testing.T, _ *Tier) {
		testRows(t, 4, putF32s, f32Vector, f32Rows, f32RowsGo)
	})
}

// TestF16RowsLarge covers calls split into several assembly calls (f16CallBytes) and a long
// row whose sums mix magnitudes, so any change of order would show.
func TestF16RowsLarge(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const rows, cols = 1000, 2560
	w := make([]byte, rows*cols*2)
	putHalves(rng, w)
	x := halfVector(rng, cols)
	want := make([]float32, rows)
	f16RowsGo(w, 2*cols, rows, cols, x, want)
	eachFops(t, func(t *testing.T, _ *Tier) {
		got := make([]float32, rows)
		f16Rows(w, 2*cols, rows, cols, x, got)
		for r := range want {
			if !sameBits(got[r], want[r]) {
				t.Fatalf("row %d = %g, reference %g", r, got[r], want[r])
			}
		}
	})
}

func TestDotAddScaledTiers(t *testing.T) {
	eachFops(t, func(t *testing.T, _ *Tier) {
		rng := rand.New(rand.NewPCG(8, 9))
		for _, n := range append([]int{0, 3, 8, 9, 65, 200}, fopsCols...) {
			a, b := f32Vector(rng, n), f32Vector(rng, n)
			if got, want := Dot(a, b), dotGo(a, b); !sameBits(got, want) {
				t.Fatalf("n=%d: Dot %g, reference %g", n, got, want)
			}
			if got, want := dotF32(f32Bytes(a), b), dotF32Go(f32Bytes(a), b); !sameBits(got, want) {
				t.Fatalf("n=%d: dotF32 %g, reference %g", n, got, want)
			}
			h := halfVector(rng, n)
			hb := make([]byte, 2*n)
			putHalves(rng, hb)
			if got, want := dotF16(hb, h), dotF16Go(hb, h); !sameBits(got, want) {
				t.Fatalf("n=%d: dotF16 %g, reference %g", n, got, want)
			}

			for _, s := range []float32{0.37, -3, quant.F16ToF32(randHalf(rng)), float32(rng.NormFloat64())} {
				got, want := append([]float32{}, b...), append([]float32{}, b...)
				AddScaled(got, a, s)
				addScaledGo(want, a, s)
				for i := range want {
					if !sameBits(got[i], want[i]) {
						t.Fatalf("n=%d s=%g: AddScaled [%d] = %g, reference %g", n, s, i, got[i], want[i])
					}
				}
				// dst == x
				got, want = append([]float32{}, a...), append([]float32{}, a...)
				AddScaled(got, got, s)
				addScaledGo(want, want, s)
				for i := range want {
					if !sameBits(got[i], want[i]) {
						t.Fatalf("n=%d s=%g: AddScaled(x, x) [%d] = %g, reference %g", n, s, i, got[i], want[i])
					}
				}
				got, want = append([]float32{}, b...), append([]float32{}, b...)
				addScaledF16(got, hb, s)
				addScaledF16Go(want, hb, s)
				for i := range want {
					if !sameBits(got[i], want[i]) {
						t.Fatalf("n=%d a=%g: addScaledF16 [%d] = %g, reference %g", n, s, i, got[i], want[i])
					}
				}
			}
		}
	})
}

// TestF16ExportedAPI checks the []uint16 / []float32 entry points for the attention code.
func TestF16ExportedAPI(t *testing.T) {
	eachFops(t, func(t *testing.T, _ *Tier) {
		rng := rand.New(rand.NewPCG(10, 11))
		for _, hd := range []int{64, 128, 17} {
			const npos, kvw = 37, 640
			k := make([]uint16, (npos-1)*kvw+hd)
			kf := make([]float32, len(k))
			for i := range k {
				k[i] = randHalf(rng)
				kf[i] = randF32(rng)
			}
			q := halfVector(rng, hd)
			y, y32 := make([]float32, npos), make([]float32, npos)
			DotF16Rows(k, kvw, npos, hd, q, y)
			DotRows(kf, kvw, npos, hd, q, y32)
			for u := range npos {
				if want := dotF16Go(u16Bytes(k[u*kvw:u*kvw+hd]), q); !sameBits(y[u], want) {
					t.Fatalf("hd=%d: DotF16Rows[%d] = %g, reference %g", hd, u, y[u], want)
				}
				if want := dotGo(kf[u*kvw:u*kvw+hd], q); !sameBits(y32[u], want) {
					t.Fatalf("hd=%d: DotRows[%d] = %g, reference %g", hd, u, y32[u], want)
				}
			}
			out, want := make([]float32, hd), make([]float32, hd)
			for u := range npos {
				a := quant.F16ToF32(quant.F32ToF16(float32(rng.Float64())))
				AddScaledF16(out, k[u*kvw:u*kvw+hd], a)
				addScaledF16Go(want, u16Bytes(k[u*kvw:u*kvw+hd]), a)
			}
			for i := range want {
				if !sameBits(out[i], want[i]) {
					t.Fatalf("hd=%d: AddScaledF16 [%d] = %g, reference %g", hd, i, out[i], want[i])
				}
			}
		}
	})
}

// TestMatVecFloatTiers: MatVec on F16 and F32 matrices (chunked rows, several threads) equals
// the reference row dots on every tier.
func TestMatVecFloatTiers(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 13))
	for _, typ := range []gguf.Type{gguf.TypeF16, gguf.TypeF32} {
		for _, sh := range [][2]int{{1, 16}, {7, 33}, {130, 2560}, {257, 100}} {
			rows, cols := sh[0], sh[1]
			m := newTestMatrix(t, rng, typ, rows, cols)
			x := testActivation(rng, "normal", cols)
			var a Activation
			a.Set(x)
			a.prepare(typ)
			want := make([]float32, rows)
			for r := range want {
				if typ == gguf.TypeF16 {
					want[r] = dotF16Go(m.Row(r), a.h16)
				} else {
					want[r] = dotF32Go(m.Row(r), a.x)
				}
			}
			t.Run(fmt.Sprintf("%s/%dx%d", typ, rows, cols), func(t *testing.T) {
				eachFops(t, func(t *testing.T, _ *Tier) {
					for _, threads := range []int{1, 3} {
						p := NewPool(threads)
						y := make([]float32, rows)
						MatVec(p, m, &a, y)
						p.Close()
						ys := [][]float32{make([]float32, rows), make([]float32, rows)}
						MatMul(nil, m, []*Activation{&a, &a}, ys)
						for r := range want {
							if !sameBits(y[r], want[r]) || !sameBits(ys[1][r], want[r]) {
								t.Fatalf("%d threads: row %d = %g / %g, reference %g", threads, r, y[r], ys[1][r], want[r])
							}
						}
					}
				})
			})
		}
	}
}

func TestFloatKernelsNoAllocs(t *testing.T) {
	rng := rand.New(rand.NewPCG(14, 15))
	a, b := f32Vector(rng, 128), f32Vector(rng, 128)
	w := make([]byte, 4*128*2)
	putHalves(rng, w)
	y := make([]float32, 4)
	eachFops(t, func(t *testing.T, _ *Tier) {
		n := testing.AllocsPerRun(20, func() {
			_ = Dot(a, b)
			AddScaled(a, b, 0.5)
			addScaledF16(a, w[:256], 0.5)
			f16Rows(w, 256, 4, 128, b, y)
			_ = dotF16(w[:256], b)
		})
		if n != 0 {
			t.Fatalf("%v allocations per run", n)
		}
	})
}

// TestTierTable: the rows of the table, best first, end with the portable row, whose float and
// element-wise fields are all nil; Use switches the whole row, FloatTier follows it.
func TestTierTable(t *testing.T) {
	if p := portableRow(); p.Name != "portable" || p.Float != "portable" || p.f16Rows != nil || p.add != nil || p.q80Rows != nil {
		t.Fatalf("last row %+v is not the portable one", p)
	}
	for _, r := range tiers {
		if r.gemvTQ == nil || r.gemvI2S == nil || r.gemmTQ == nil || r.gemmI2S == nil || r.decodeT1 == nil {
			t.Errorf("%s: a ternary kernel is nil", r.Name)
		}
		float := r.f16Rows != nil
		for _, f := range []bool{r.f16RowsX4 != nil, r.f32Rows != nil, r.addScaled != nil, r.addScaledF16 != nil,
			r.sumSq != nil, r.scale != nil, r.scaleMul != nil, r.mul != nil, r.add != nil, r.relu2 != nil, r.silu != nil,
			r.maxF32 != nil, r.expSum != nil, r.rope != nil, r.absMax != nil, r.quant != nil, r.t2Sums != nil} {
			if f != float {
				t.Errorf("%s: float kernels only partly set", r.Name)
			}
		}
		if float == (r.Float == "portable") {
			t.Errorf("%s: float family %s with kernels %v", r.Name, r.Float, float)
		}
		if (r.addScaledF16Rows != nil) != (r.f16RowsCols > 0) {
			t.Errorf("%s: addScaledF16Rows without its width", r.Name)
		}
	}
	if got := choose("").Impl; got != tiers[0] {
		t.Errorf("default: %s, want %s", got.Name, tiers[0].Name)
	}
	if got := choose(" Portable ").Impl; got != portableRow() {
		t.Errorf("portable: %s", got.Name)
	}
	if got := choose("nonsense"); got.Impl != tiers[0] || !strings.Contains(got.Reason, "not available") {
		t.Errorf("unknown name: %s (%s)", got.Impl.Name, got.Reason)
	}
	prev := active
	restore, err := Use("portable")
	if err != nil {
		t.Fatal(err)
	}
	if FloatTier() != "portable" || Selected().Impl.Name != "portable" {
		t.Errorf("Use(portable): %s, %s", FloatTier(), Selected().Impl.Name)
	}
	restore()
	if active != prev {
		t.Errorf("restore: %s, want %s", active.Name, prev.Name)
	}
	if _, err := Use("bogus"); err == nil {
		t.Error("Use(bogus) succeeded")
	}
	t.Logf("tiers %v, float tiers: %v, in use: %s/%s", Tiers(), FloatTiers(), active.Name, FloatTier())
}

var qemuArch = map[string]string{"arm64": "aarch64", "amd64": "x86_64"}

// TestFopsEnv re-runs the test binary with ARIA_KERNELS set and checks the tier picked at
// start-up.
func TestFopsEnv(t *testing.T) {
	if os.Getenv("ARIA_FOPS_CHILD") == "1" {
		fmt.Printf("tier=%s float=%s\n", Selected().Impl.Name, FloatTier())
		return
	}
	if testing.Short() {
		t.Skip("short")
	}
	for _, want := range []string{"portable", "avx2", "avxvnni", "avx512", "neon", "neondot", "bogus"} {
		run := func(argv ...string) ([]byte, error) {
			cmd := exec.Command(argv[0], append(argv[1:], "-test.run=^TestFopsEnv$", "-test.count=1")...)
			cmd.Env = append(os.Environ(), "ARIA_FOPS_CHILD=1", "ARIA_KERNELS="+want)
			return cmd.CombinedOutput()
		}
		out, err := run(os.Args[0])
		if err != nil && strings.Contains(err.Error(), "exec format error") {
			// under qemu-user without binfmt_misc: the host's qemu can run the child
			if q, qerr := exec.LookPath("qemu-" + qemuArch[runtime.GOARCH]); qerr == nil {
				out, err = run(q, os.Args[0])
			}
		}
		if err != nil {
			t.Skipf("cannot re-run the test binary (%v)", err)
		}
		m := regexp.MustCompile(`tier=(\w+) float=(\w+)`).FindStringSubmatch(string(out))
		if m == nil {
			t.Fatalf("ARIA_KERNELS=%s: no tier in %q", want, out)
		}
		if exp := choose(want).Impl; m[1] != exp.Name || m[2] != exp.Float {
			t.Errorf("ARIA_KERNELS=%s: tier %s/%s, want %s/%s", want, m[1], m[2], exp.Name, exp.Float)
		}
	}
}

// TestF16ArmEncodings checks every WORD in f16_arm64.s against the instruction in its comment
// with llvm-mc, when installed.
func TestF16ArmEncodings(t *testing.T) { checkArmWords(t, "f16_arm64.s") }

// TestOpsArmEncodings does the same for ops_arm64.s.
func TestOpsArmEncodings(t *testing.T) { checkArmWords(t, "ops_arm64.s") }

// checkArmWords checks every WORD of an arm64 assembly file against the instruction in its
// comment with llvm-mc, when installed.
func checkArmWords(t *testing.T, file string) {
	mc, err := exec.LookPath("llvm-mc")
	if err != nil {
		t.Skip("llvm-mc not installed")
	}
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	re := regexp.MustCompile(`^\s*WORD\s+\$0x([0-9a-f]{8})\s*//\s*(.+)$`)
	words := map[string]string{} // instruction → encoding
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(strings.TrimSpace(sc.Text()), "WORD") {
			m := re.FindStringSubmatch(sc.Text())
			if m == nil {
				t.Fatalf("WORD without its instruction in a comment: %q", sc.Text())
			}
			words[strings.TrimSpace(m[2])] = m[1]
		}
	}
	if len(words) == 0 {
		t.Fatal("no WORD found")
	}
	encRe := regexp.MustCompile(`encoding: \[0x(..),0x(..),0x(..),0x(..)\]`)
	// One llvm-mc run for all of them: it prints one encoding per input line, in order.
	ins := slices.Sorted(maps.Keys(words))
	cmd := exec.Command(mc, "-triple=aarch64", "-mattr=+dotprod", "-show-encoding")
	cmd.Stdin = strings.NewReader(strings.Join(ins, "\n") + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("llvm-mc: %v\n%s", err, out)
	}
	encs := encRe.FindAllStringSubmatch(string(out), -1)
	if len(encs) != len(ins) {
		t.Fatalf("llvm-mc: %d encodings for %d instructions:\n%s", len(encs), len(ins), out)
	}
	for i, m := range encs {
		if got := m[4] + m[3] + m[2] + m[1]; got != words[ins[i]] {
			t.Errorf("%s: WORD $0x%s, llvm-mc says 0x%s", ins[i], words[ins[i]], got)
		}
	}
	t.Logf("%d distinct WORD instructions checked", len(words))
}

// AddScaledF16Rows equals rounding each weight to fp16 and adding row by row with the portable
// kernel, on every tier, for widths the vectors fit and widths they do not.
func TestAddScaledF16Rows(t *testing.T) {
	rng := rand.New(rand.NewPCG(41, 42))
	weight := func() float32 {
		switch rng.IntN(12) {
		case 0:
			if rng.IntN(4) == 0 {
				return float32(math.NaN())
			}
			return rng.Float32()
		case 1:
			return float32(math.Inf(1 - 2*rng.IntN(2)))
		case 2:
			return 7e4 // beyond fp16
		case 3:
			return 3e-7 // an fp16 subnormal
		case 4:
			return 0
		}
		return rng.Float32()
	}
	for _, tier := range floatRows() {
		restore := useTier(tier)
		for _, cols := range []int{1, 8, 16, 24, 96, 128, 136, 200} {
			for _, n := range []int{1, 3, 17, 100} {
				stride := cols + rng.IntN(3)*8
				v := make([]uint16, (n-1)*stride+cols)
				for i := range v {
					// Finite values, so that one NaN or infinity does not hide the other sums.
					v[i] = quant.F32ToF16(2*rng.Float32() - 1)
					if n == 1 {
						v[i] = randHalf(rng)
					}
				}
				w := make([]float32, n)
				for i := range w {
					w[i] = weight()
				}
				orig := append([]float32(nil), w...)
				start := f32Vector(rng, cols)
				want := append([]float32(nil), start...)
				for u, a := range w {
					a = quant.F16ToF32(quant.F32ToF16(a))
					for i := range want {
						want[i] += float32(a * quant.F16ToF32(v[u*stride+i]))
					}
				}
				got := append([]float32(nil), start...)
				AddScaledF16Rows(got, v, stride, w)
				for i := range want {
					if math.Float32bits(got[i]) != math.Float32bits(want[i]) && !(isNaN32(got[i]) && isNaN32(want[i])) {
						t.Fatalf("%s cols %d rows %d: element %d = %g, reference %g", tier.Float, cols, n, i, got[i], want[i])
					}
				}
				for u := range w {
					if r := quant.F16ToF32(quant.F32ToF16(orig[u])); math.Float32bits(w[u]) != math.Float32bits(r) && !isNaN32(r) {
						t.Fatalf("%s: weight %d (%g) left as %g, not rounded to the nearest fp16 %g", tier.Float, u, orig[u], w[u], r)
					}
				}
			}
		}
		restore()
	}
}

func isNaN32(f float32) bool { return f != f }
