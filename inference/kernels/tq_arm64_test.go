//go:build !purego

package kernels

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unsafe"

	"golang.org/x/sys/cpu"
)

// The NEON T2 kernels (tq_arm64.s) against the portable reference, bit for bit: random shapes,
// extreme activations, code 3, guard pages; and the hand-encoded instruction words against
// llvm-mc.

// a64Tiers returns the arm64 tiers this CPU registers.
func a64Tiers(t *testing.T) []*Tier {
	t.Helper()
	got := archTiers()
	if len(got) == 0 {
		t.Fatal("no arm64 tier registered (Advanced SIMD is mandatory on arm64)")
	}
	return got
}

// The tiers follow the CPU features: neondot only with the dot-product extension (so a CPU
// without it, e.g. QEMU_CPU=cortex-a53, never executes SDOT), neon always, best first.
func TestArm64TierSelection(t *testing.T) {
	var names []string
	for _, tier := range a64Tiers(t) {
		names = append(names, tier.Name)
	}
	want := []string{"neon"}
	if cpu.ARM64.HasASIMDDP {
		want = []string{"neondot", "neon"}
	}
	t.Logf("ASIMD=%v ASIMDDP=%v: tiers %v, selected %s", cpu.ARM64.HasASIMD, cpu.ARM64.HasASIMDDP, names, choose("").Impl.Name)
	if !slices.Equal(names, want) {
		t.Fatalf("tiers %v, want %v", names, want)
	}
	if got := choose("").Impl.Name; got != want[0] {
		t.Fatalf("auto selection %s, want %s", got, want[0])
	}
}

// a64Case is one set of kernel inputs.
type a64Case struct {
	rows, groups, ntok, sbStride, yStride int
	codes                                 []byte
	p                                     []int8    // ntok·groups·256
	c                                     []int32   // ntok·groups·16
	sb                                    []float32 // GEMV: (rows−1)·sbStride + groups; GEMM: ntok·groups
	sumq                                  []int32   // ntok
	s                                     []float32 // ntok
	ws                                    float32
}

// a64Alloc hands out the buffers of a case: plain slices, or guarded ones.
type a64Alloc func(n int) []byte

func a64Plain(n int) []byte { return make([]byte, n) }

func a64Int8(b []byte) []int8 {
	if len(b) == 0 {
		return []int8{}
	}
	return unsafe.Slice((*int8)(unsafe.Pointer(&b[0])), len(b))
}

func a64Int32(b []byte) []int32 {
	if len(b) == 0 {
		return []int32{}
	}
	return unsafe.Slice((*int32)(unsafe.Pointer(&b[0])), len(b)/4)
}

func a64F32(b []byte) []float32 {
	if len(b) == 0 {
		return []float32{}
	}
	return unsafe.Slice((*float32)(unsafe.Pointer(&b[0])), len(b)/4)
}

// Activation patterns.
const (
	actRandom = iota // uniform int8, −128 included
	actMax           // ±127 at random
	actMin           // −128 everywhere (I2_S can produce it)
	actZero          // all zero
	actSparse        // mostly zero
	actPatterns
)

// Code patterns.
const (
	codesRandom  = iota // any byte: codes 0..3, 3 included
	codesTernary        // codes 0..2 only (what repacking produces)
	codesThree          // 0xFF: code 3 everywhere
	codesZero           // 0x55: weight 0 everywhere
	codesPatterns
)

// newA64Case fills a case; gemm selects the GEMM layout of the scales.
func newA64Case(rng *rand.Rand, alloc a64Alloc, rows, groups, ntok, sbStride, yStride int, act, code int, gemm bool) *a64Case {
	k := &a64Case{rows: rows, groups: groups, ntok: ntok, sbStride: sbStride, yStride: yStride}
	k.codes = alloc(rows * groups * GroupBytes)
	for i := range k.codes {
		switch code {
		case codesRandom:
			k.codes[i] = byte(rng.Uint32())
		case codesTernary:
			k.codes[i] = byte(rng.IntN(3) | rng.IntN(3)<<2 | rng.IntN(3)<<4 | rng.IntN(3)<<6)
		case codesThree:
			k.codes[i] = 0xFF
		default:
			k.codes[i] = 0x55
		}
	}
	k.p = a64Int8(alloc(ntok * groups * 256))
	for i := range k.p {
		switch act {
		case actRandom:
			k.p[i] = int8(rng.Uint32())
		case actMax:
			k.p[i] = int8(127 * (2*rng.IntN(2) - 1))
		case actMin:
			k.p[i] = -128
		case actZero:
			k.p[i] = 0
		default:
			if rng.IntN(9) == 0 {
				k.p[i] = int8(rng.Uint32())
			}
		}
	}
	k.c = a64Int32(alloc(4 * ntok * groups * 16))
	exact := rng.IntN(3) != 0 // the correction the activation code computes, or anything
	for i := range k.c {
		if exact {
			g := i / 16
			l := i % 16
			var sum int32
			for n := 0; n < 4; n++ {
				for b := 0; b < 4; b++ {
					sum += int32(k.p[g*256+64*n+4*l+b])
				}
			}
			k.c[i] = -sum
		} else {
			k.c[i] = int32(rng.Uint32()) >> rng.IntN(32) // up to ±2³¹: SCVTF rounding
		}
	}
	nsb := ntok * groups
	if !gemm {
		nsb = (rows-1)*sbStride + groups
	}
	k.sb = a64F32(alloc(4 * nsb))
	for i := range k.sb {
		k.sb[i] = a64Float(rng)
	}
	k.sumq = a64Int32(alloc(4 * ntok))
	k.s = a64F32(alloc(4 * ntok))
	for i := range k.sumq {
		k.sumq[i] = int32(rng.Uint32()) >> rng.IntN(32)
		k.s[i] = a64Float(rng)
		if k.s[i] == 0 {
			k.s[i] = 1.5
		}
	}
	k.ws = a64Float(rng)
	return k
}

// a64Float is a float32 of random sign, significand and exponent in [2⁻³⁰, 2¹⁰), or zero.
func a64Float(rng *rand.Rand) float32 {
	if rng.IntN(20) == 0 {
		return 0
	}
	return float32(math.Ldexp(rng.Float64()+0.5, rng.IntN(40)-30) * float64(2*rng.IntN(2)-1))
}

// a64Out is an output buffer: n floats of a sentinel, so stray writes show.
func a64Out(alloc a64Alloc, n int) []float32 {
	y := a64F32(alloc(4 * n))
	for i := range y {
		y[i] = math.Float32frombits(0x7fc0dead)
	}
	return y
}

func a64SameBits(a, b []float32) int {
	for i := range a {
		if math.Float32bits(a[i]) != math.Float32bits(b[i]) {
			return i
		}
	}
	return -1
}

// a64Check runs the four kernels of tier on k against the portable ones, comparing every output
// float (and the untouched gaps between GEMM rows) bit for bit.
func a64Check(t *testing.T, tier *Tier, k *a64Case, alloc a64Alloc, what string) {
	t.Helper()
	fail := func(kernel string, i int, got, want []float32) {
		t.Helper()
		t.Fatalf("%s %s %s rows=%d groups=%d ntok=%d sbStride=%d yStride=%d: y[%d] = %v (%#08x), portable %v (%#08x)",
			tier.Name, what, kernel, k.rows, k.groups, k.ntok, k.sbStride, k.yStride,
			i, got[i], math.Float32bits(got[i]), want[i], math.Float32bits(want[i]))
	}
	run := func(kernel string, n int, f func(y []float32)) {
		t.Helper()
		want := make([]float32, n)
		for i := range want {
			want[i] = math.Float32frombits(0x7fc0dead)
		}
		got := a64Out(alloc, n)
		switch kernel {
		case "gemvTQ":
			gemvTQGo(k.codes, k.rows, k.groups, k.p, k.c, k.sb, k.sbStride, want)
		case "gemvI2S":
			gemvI2SGo(k.codes, k.rows, k.groups, k.p, k.sumq[0], k.s[0], k.ws, want)
		case "gemmTQ":
			gemmTQGo(k.codes, k.rows, k.groups, k.ntok, k.p, k.c, k.sb, want, k.yStride)
		case "gemmI2S":
			gemmI2SGo(k.codes, k.rows, k.groups, k.ntok, k.p, k.sumq, k.s, k.ws, want, k.yStride)
		}
		var fault any
		func() {
			defer func() { fault = recover() }()
			old := debug.SetPanicOnFault(true)
			defer debug.SetPanicOnFault(old)
			f(got)
		}()
		if fault != nil {
			t.Fatalf("%s %s %s rows=%d groups=%d ntok=%d: %v", tier.Name, what, kernel, k.rows, k.groups, k.ntok, fault)
		}
		if i := a64SameBits(got, want); i >= 0 {
			fail(kernel, i, got, want)
		}
	}
	run("gemvTQ", k.rows, func(y []float32) { tier.gemvTQ(k.codes, k.rows, k.groups, k.p, k.c, k.sb, k.sbStride, y) })
	if k.sbStride == 0 {
		n := (k.ntok-1)*k.yStride + k.rows
		run("gemmTQ", n, func(y []float32) { tier.gemmTQ(k.codes, k.rows, k.groups, k.ntok, k.p, k.c, k.sb, y, k.yStride) })
		run("gemmI2S", n, func(y []float32) {
			tier.gemmI2S(k.codes, k.rows, k.groups, k.ntok, k.p, k.sumq, k.s, k.ws, y, k.yStride)
		})
	}
	run("gemvI2S", k.rows, func(y []float32) { tier.gemvI2S(k.codes, k.rows, k.groups, k.p, k.sumq[0], k.s[0], k.ws, y) })
}

// Random shapes: rows 1–70, groups 1–30, ntok 1–4, sbStride 0 or groups, yStride > rows, every
// activation and code pattern.
func TestArm64KernelsRandom(t *testing.T) {
	iters := 400
	if testing.Short() {
		iters = 100
	}
	for _, tier := range a64Tiers(t) {
		rng := rand.New(rand.NewPCG(41, 42))
		for it := 0; it < iters; it++ {
			rows := 1 + rng.IntN(70)
			groups := 1 + rng.IntN(30)
			if it%4 == 0 { // small shapes more often: the 4-row blocks and the tails
				rows, groups = 1+rng.IntN(9), 1+rng.IntN(3)
			}
			ntok := 1 + rng.IntN(4)
			act := it % actPatterns
			code := (it / actPatterns) % codesPatterns
			yStride := rows + 1 + rng.IntN(7)
			// GEMM layout (uniform scales, ntok tokens) …
			k := newA64Case(rng, a64Plain, rows, groups, ntok, 0, yStride, act, code, true)
			a64Check(t, tier, k, a64Plain, fmt.Sprintf("act=%d codes=%d", act, code))
			// … and one token with a scale per (row, group).
			k = newA64Case(rng, a64Plain, rows, groups, 1, groups, yStride, act, code, false)
			a64Check(t, tier, k, a64Plain, fmt.Sprintf("act=%d codes=%d", act, code))
		}
	}
}

// Accumulations at their bounds: I2_S over many groups of code 3 × −128 (the largest lane sums),
// and TQ with corrections near ±2³¹ that still stay in range.
func TestArm64KernelsExtremes(t *testing.T) {
	for _, tier := range a64Tiers(t) {
		rng := rand.New(rand.NewPCG(43, 44))
		for _, groups := range []int{1, 27, 64} {
			for _, ntok := range []int{1, 2, 3, 4} {
				for _, act := range []int{actMin, actMax} {
					k := newA64Case(rng, a64Plain, 9, groups, ntok, 0, 11, act, codesThree, true)
					a64Check(t, tier, k, a64Plain, "extreme")
				}
			}
		}
	}
}

// Token counts beyond one GEMM call (split by 4, a single token through the GEMV), a zero stride
// for one token, and empty shapes (handed to the portable code).
func TestArm64KernelsTokenCounts(t *testing.T) {
	for _, tier := range a64Tiers(t) {
		rng := rand.New(rand.NewPCG(49, 50))
		for ntok := 1; ntok <= 9; ntok++ {
			for _, rows := range []int{1, 6} {
				k := newA64Case(rng, a64Plain, rows, 2, ntok, 0, rows+3, actRandom, codesRandom, true)
				a64Check(t, tier, k, a64Plain, "tokens")
			}
		}
		k := newA64Case(rng, a64Plain, 5, 2, 1, 0, 0, actRandom, codesRandom, true)
		a64Check(t, tier, k, a64Plain, "yStride=0")
		k = newA64Case(rng, a64Plain, 3, 0, 2, 0, 4, actRandom, codesRandom, true)
		a64Check(t, tier, k, a64Plain, "groups=0")
	}
}

// a64Guarded returns n bytes whose end (atEnd) or start touches a PROT_NONE page.
func a64Guarded(t *testing.T, atEnd bool) a64Alloc {
	return func(n int) []byte { return guarded(t, n, atEnd) }
}

// ---- The hand-encoded words.

// a64Macro is a #define of tq*_arm64.s.
type a64Macro struct {
	name     string
	params   []string // nil: object-like
	body     string
	template string // leaf (WORD) macros: the instruction in llvm-mc syntax, {P} for parameter P
	expr     string // leaf macros: the expression of the WORD
}

var (
	a64Define = regexp.MustCompile(`^#define\s+([A-Za-z_][A-Za-z0-9_]*)(\(([^)]*)\))?\s*(.*)$`)
	a64Word   = regexp.MustCompile(`^WORD\s+\$(.*)$`)
	a64Ident  = regexp.MustCompile(`[A-Za-z_][A-Za-z0-9_]*`)
	a64Enc    = regexp.MustCompile(`encoding: \[([^\]]*)\]`)
)

// a64ParseAsm reads the macros and the code lines of the arm64 T2 assembly.
func a64ParseAsm(t *testing.T) (map[string]*a64Macro, []string) {
	t.Helper()
	files, _ := filepath.Glob("tq*_arm64.s")
	if len(files) == 0 {
		t.Fatal("no tq*_arm64.s")
	}
	macros := map[string]*a64Macro{}
	var code []string
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ReplaceAll(string(src), "\\\n", " ")
		template := ""
		for n, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if tpl, ok := strings.CutPrefix(line, "// llvm-mc:"); ok {
				template = strings.TrimSpace(tpl)
				continue
			}
			if m := a64Define.FindStringSubmatch(line); m != nil {
				mac := &a64Macro{name: m[1], body: m[4]}
				if m[2] != "" {
					mac.params = []string{}
					for _, p := range strings.Split(m[3], ",") {
						mac.params = append(mac.params, strings.TrimSpace(p))
					}
				}
				if w := a64Word.FindStringSubmatch(mac.body); w != nil {
					if template == "" {
						t.Fatalf("%s:%d: WORD macro %s without a // llvm-mc: line above it", f, n+1, mac.name)
					}
					mac.template, mac.expr = template, w[1]
				} else if strings.Contains(mac.body, "WORD") {
					t.Fatalf("%s:%d: WORD outside a one-instruction macro: %s", f, n+1, line)
				}
				macros[mac.name] = mac
				template = ""
				continue
			}
			template = ""
			if i := strings.Index(line, "//"); i >= 0 {
				line = line[:i]
			}
			if strings.Contains(line, "WORD") {
				t.Fatalf("%s:%d: bare WORD (use a macro with a // llvm-mc: line): %s", f, n+1, line)
			}
			if line != "" && !strings.HasPrefix(line, "#") {
				code = append(code, line)
			}
		}
	}
	return macros, code
}

// a64Args splits the text after a function-like macro name at position i (which must be "(")
// into arguments, returning them and the position after ")".
func a64Args(s string, i int) ([]string, int, bool) {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) || s[i] != '(' {
		return nil, i, false
	}
	depth, start := 0, i+1
	var args []string
	for j := i; j < len(s); j++ {
		switch s[j] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				args = append(args, strings.TrimSpace(s[start:j]))
				return args, j + 1, true
			}
		case ',':
			if depth == 1 {
				args = append(args, strings.TrimSpace(s[start:j]))
				start = j + 1
			}
		}
	}
	return nil, len(s), false
}

// a64Expand expands the macros of s like the Go assembler's preprocessor and calls leaf for
// every WORD macro reached, with its arguments.
func a64Expand(t *testing.T, macros map[string]*a64Macro, s string, depth int, leaf func(*a64Macro, []string)) {
	t.Helper()
	if depth > 20 {
		t.Fatalf("macro recursion: %s", s)
	}
	for pos := 0; pos < len(s); {
		loc := a64Ident.FindStringIndex(s[pos:])
		if loc == nil {
			return
		}
		start, end := pos+loc[0], pos+loc[1]
		pos = end
		mac := macros[s[start:end]]
		if mac == nil {
			continue
		}
		if mac.params == nil {
			a64Expand(t, macros, mac.body, depth+1, leaf)
			continue
		}
		args, next, ok := a64Args(s, end)
		if !ok || len(args) != len(mac.params) {
			t.Fatalf("bad invocation of %s in %q", mac.name, s)
		}
		pos = next
		if mac.expr != "" {
			leaf(mac, args)
			continue
		}
		a64Expand(t, macros, a64Subst(mac.body, mac.params, args), depth+1, leaf)
	}
}

// a64Subst replaces the parameter identifiers of body by the arguments.
func a64Subst(body string, params, args []string) string {
	return a64Ident.ReplaceAllStringFunc(body, func(id string) string {
		if i := slices.Index(params, id); i >= 0 {
			return args[i]
		}
		return id
	})
}

// a64Eval evaluates a Go assembler constant expression (Go precedence) over integer variables.
func a64Eval(s string, vars map[string]int64) (int64, error) {
	toks := regexp.MustCompile(`0[xX][0-9a-fA-F]+|[0-9]+|[A-Za-z_][A-Za-z0-9_]*|<<|>>|[-+*/%&|^()]`).FindAllString(s, -1)
	if strings.Join(toks, "") != strings.Join(strings.Fields(s), "") {
		return 0, fmt.Errorf("cannot tokenize %q", s)
	}
	i := 0
	var expr, unary func() (int64, error)
	unary = func() (int64, error) {
		if i >= len(toks) {
			return 0, fmt.Errorf("truncated %q", s)
		}
		tok := toks[i]
		i++
		switch {
		case tok == "(":
			v, err := expr()
			if err != nil {
				return 0, err
			}
			if i >= len(toks) || toks[i] != ")" {
				return 0, fmt.Errorf("missing ) in %q", s)
			}
			i++
			return v, nil
		case tok == "-":
			v, err := unary()
			return -v, err
		case tok[0] >= '0' && tok[0] <= '9':
			return strconv.ParseInt(tok, 0, 64)
		default:
			v, ok := vars[tok]
			if !ok {
				return 0, fmt.Errorf("unknown %q in %q", tok, s)
			}
			return v, nil
		}
	}
	binary := func(ops []string, next func() (int64, error)) func() (int64, error) {
		return func() (int64, error) {
			v, err := next()
			for err == nil && i < len(toks) && slices.Contains(ops, toks[i]) {
				op := toks[i]
				i++
				var w int64
				if w, err = next(); err != nil {
					break
				}
				switch op {
				case "*":
					v *= w
				case "/":
					v /= w
				case "%":
					v %= w
				case "<<":
					v <<= w
				case ">>":
					v >>= w
				case "&":
					v &= w
				case "+":
					v += w
				case "-":
					v -= w
				case "|":
					v |= w
				case "^":
					v ^= w
				}
			}
			return v, err
		}
	}
	term := binary([]string{"*", "/", "%", "<<", ">>", "&"}, unary)
	expr = binary([]string{"+", "-", "|", "^"}, term)
	v, err := expr()
	if err == nil && i != len(toks) {
		err = fmt.Errorf("trailing tokens in %q", s)
	}
	return v, err
}

// a64Instance is one instruction word to check.
type a64Instance struct {
	asm  string
	word uint32
	from string
}

func a64Instantiate(mac *a64Macro, vals []int64, from string) (a64Instance, error) {
	vars := map[string]int64{}
	asm := mac.template
	for i, p := range mac.params {
		vars[p] = vals[i]
		asm = strings.ReplaceAll(asm, "{"+p+"}", strconv.FormatInt(vals[i], 10))
	}
	w, err := a64Eval(mac.expr, vars)
	if err != nil {
		return a64Instance{}, err
	}
	if w < 0 || w > math.MaxUint32 {
		return a64Instance{}, fmt.Errorf("%s%v = %#x is not a 32-bit word", mac.name, vals, w)
	}
	return a64Instance{asm: asm, word: uint32(w), from: from}, nil
}

// Every WORD the arm64 T2 assembly emits equals llvm-mc's encoding of the instruction in its
// macro's `// llvm-mc:` comment: each macro is checked over every value of each operand, and
// every expanded use in the code with its actual operands.
func TestArm64WordEncodings(t *testing.T) {
	llvmMC, err := exec.LookPath("llvm-mc")
	if err != nil {
		t.Skip("llvm-mc not on PATH (apt-get install llvm)")
	}
	macros, code := a64ParseAsm(t)
	var insts []a64Instance
	add := func(mac *a64Macro, vals []int64, from string) {
		in, err := a64Instantiate(mac, vals, from)
		if err != nil {
			t.Fatal(err)
		}
		insts = append(insts, in)
	}
	// Every macro, operand by operand over its whole range, plus random combinations.
	rng := rand.New(rand.NewPCG(47, 48))
	limit := func(p string) int64 {
		if p == "I" {
			return 4 // element index of a .s lane
		}
		return 32
	}
	leaves := 0
	for _, mac := range macros {
		if mac.expr == "" {
			continue
		}
		leaves++
		random := func() []int64 {
			v := make([]int64, len(mac.params))
			for i, p := range mac.params {
				v[i] = rng.Int64N(limit(p))
			}
			return v
		}
		for i, p := range mac.params {
			for x := int64(0); x < limit(p); x++ {
				v := random()
				v[i] = x
				add(mac, v, mac.name+" sweep")
			}
		}
		for range 32 {
			add(mac, random(), mac.name+" random")
		}
	}
	if leaves == 0 {
		t.Fatal("no WORD macros found")
	}
	// Every use, expanded as the assembler does.
	uses := 0
	for _, line := range code {
		a64Expand(t, macros, line, 0, func(mac *a64Macro, args []string) {
			vals := make([]int64, len(args))
			for i, a := range args {
				v, err := a64Eval(a, nil)
				if err != nil {
					t.Fatalf("%s(%s) in %q: %v", mac.name, strings.Join(args, ", "), line, err)
				}
				vals[i] = v
			}
			uses++
			add(mac, vals, line)
		})
	}
	if uses == 0 {
		t.Fatal("no WORD uses found in the code")
	}
	// One llvm-mc run for all of them.
	var in bytes.Buffer
	for _, x := range insts {
		in.WriteString(x.asm + "\n")
	}
	cmd := exec.Command(llvmMC, "-triple=aarch64", "-mattr=+dotprod", "-show-encoding")
	cmd.Stdin = &in
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil || stderr.Len() > 0 {
		t.Fatalf("llvm-mc: %v\n%s", err, stderr.String())
	}
	encs := a64Enc.FindAllStringSubmatch(string(out), -1)
	if len(encs) != len(insts) {
		t.Fatalf("llvm-mc gave %d encodings for %d instructions", len(encs), len(insts))
	}
	for i, e := range encs {
		var w uint32
		for j, b := range strings.Split(e[1], ",") {
			v, err := strconv.ParseUint(strings.TrimSpace(b), 0, 8)
			if err != nil {
				t.Fatalf("llvm-mc encoding %q: %v", e[1], err)
			}
			w |= uint32(v) << (8 * j)
		}
		if w != insts[i].word {
			t.Errorf("%s (%s): WORD $%#08x, llvm-mc %#08x", insts[i].asm, insts[i].from, insts[i].word, w)
		}
	}
	t.Logf("%d WORD macros, %d uses in the code, %d words checked against llvm-mc", leaves, uses, len(insts))
}
