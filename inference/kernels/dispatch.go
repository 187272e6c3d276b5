package kernels

import (
	"fmt"
	"os"
	"strings"
	"unsafe"
)

// The dispatch table (docs/kernels.md §4). A Tier is one row: every kernel of one
// instruction-set level. The rows this CPU can run are built once at start-up (archTiers, per
// architecture, from the CPU features), best first, the portable row last; active points at the
// row in use. These two variables are the only global state of the engine.
//
// Every row computes the same bits as the portable one. The ternary kernels are never nil (the
// assembly rows wrap their routines, t2asm.go). The float, element-wise and quantized-head fields
// hold assembly routines taking pointers and counts (the callers check the bounds); nil means the
// portable Go code runs, which is the case for every one of them in the portable row. A caller
// loads active once per call and keeps the routine outside its inner loops.

// Tier is one row of the dispatch table.
type Tier struct {
	Name   string // portable, avx2, avxvnni, avx512, neon, neondot
	Detail string // the CPU features it relies on
	// Float names the family of its float and element-wise kernels (FloatTier): portable,
	// avx2, avx512 or neon.
	Float string

	// Ternary GEMV/GEMM (t2gemv.go) and the T1 decoder (t1.go).
	gemvTQ   gemvTQFunc
	gemvI2S  gemvI2SFunc
	gemmTQ   gemmTQFunc
	gemmI2S  gemmI2SFunc
	decodeT1 decodeT1Func
	// gemvT1 and gemmT1 multiply T1 rows directly, decoding in registers (t1.go); nil: the
	// tier expands chunks with decodeT1 and runs gemvTQ/gemmTQ on them.
	gemvT1 gemvTQFunc
	gemmT1 gemmTQFunc

	// F16/F32 row dots and AddScaled (f16_ops.go, f16x4.go, f16_api.go): rows, cols ≥ 1.
	f16Rows      func(w *byte, stride, rows, cols int, x, y *float32)
	f16RowsX4    func(w *byte, groups, cols int, x, y *float32)
	f32Rows      func(w *byte, stride, rows, cols int, x, y *float32)
	addScaled    func(dst, x *float32, n int, s float32)
	addScaledF16 func(dst *float32, src *byte, n int, a float32)
	// addScaledF16Rows handles widths that are a multiple of f16RowsCols; nil: row by row.
	addScaledF16Rows func(dst *float32, v *uint16, stride, n int, w *float32, cols int)
	f16RowsCols      int

	// Element-wise operations (ops_dispatch.go, ops_quant.go): n a positive multiple of 16.
	sumSq    func(x *float32, n int) float64
	scale    func(dst, x *float32, n int, s float32)
	scaleMul func(dst, x, w *float32, n int, s float32)
	mul      func(dst, x *float32, n int)
	add      func(dst, x *float32, n int)
	relu2    func(x *float32, n int)
	silu     func(x *float32, n int)
	maxF32   func(x *float32, n int) float32
	expSum   func(x *float32, n int, m float32) float64
	rope     func(x *float32, nHeads, headDim, n int, cs, sn *float32)
	absMax   func(x *float32, n int) (float32, int)
	quant    func(x *float32, q *int8, n int, s float32, lo, hi int32) int32
	t2Sums   func(p *int8, groups int, c *int32)

	// Q8_0 and Q6_K row dots (qdot.go): rows a positive multiple of 4, nb ≥ 1.
	q80Rows func(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
	q6kRows func(w *byte, stride, rows, nb int, q *int8, d *float32, y *float32)
}

// portableTier is the reference row: plain Go.
func portableTier() *Tier {
	return &Tier{Name: "portable", Detail: "plain Go", Float: "portable",
		gemvTQ: gemvTQGo, gemvI2S: gemvI2SGo, gemmTQ: gemmTQGo, gemmI2S: gemmI2SGo, decodeT1: decodeT1Go}
}

// tiers lists the rows this CPU supports, best first, the portable row last.
var tiers = append(archTiers(), portableTier())

// active is the row in use, chosen at start-up (ARIA_KERNELS, else the best one) and switched
// only by Use (tests and benchmarks).
var active = choose(os.Getenv(EnvKernels)).Impl

// EnvKernels is the environment variable that forces a tier.
const EnvKernels = "ARIA_KERNELS"

// Selection says which tier was picked and why.
type Selection struct {
	Impl      *Tier
	Available []string
	Reason    string
}

// choose picks the best row, or the one named by want when the CPU has it.
func choose(want string) Selection {
	var names []string
	for _, t := range tiers {
		names = append(names, t.Name)
	}
	s := Selection{Impl: tiers[0], Available: names}
	want = strings.ToLower(strings.TrimSpace(want))
	switch {
	case want == "" || want == "auto":
		s.Reason = fmt.Sprintf("best tier this CPU supports (%s)", tiers[0].Detail)
	default:
		for _, t := range tiers {
			if t.Name == want {
				s.Impl = t
				s.Reason = fmt.Sprintf("forced by %s=%s", EnvKernels, want)
				return s
			}
		}
		s.Reason = fmt.Sprintf("%s=%s is not available on this CPU (available: %s); using %s", EnvKernels, want, strings.Join(names, ", "), tiers[0].Name)
	}
	return s
}

// Selected reports the tier in use and why it was picked.
func Selected() Selection {
	s := choose(os.Getenv(EnvKernels))
	if s.Impl != active {
		s.Impl, s.Reason = active, fmt.Sprintf("switched to %s by Use", active.Name)
	}
	return s
}

// Tiers lists the names of the tiers this CPU supports, best first (portable last).
func Tiers() []string { return choose("").Available }

// FloatTier names the family of float kernels in use (F16/F32 matrix rows, Dot, AddScaled,
// element-wise operations), for the start-up log.
func FloatTier() string { return active.Float }

// FloatTiers lists the float-kernel families of the available tiers, best first, portable last.
func FloatTiers() []string {
	var s []string
	for _, t := range tiers {
		if len(s) == 0 || s[len(s)-1] != t.Float {
			s = append(s, t.Float)
		}
	}
	return s
}

// Use switches to the named tier and returns a function that restores the previous one. It is
// meant for tests and benchmarks; it must not run while kernels are in flight.
func Use(name string) (restore func(), err error) {
	s := choose(name)
	if s.Impl.Name != name {
		return nil, fmt.Errorf("kernel tier %q not available (have %s)", name, strings.Join(s.Available, ", "))
	}
	return useTier(s.Impl), nil
}

// useTier makes t the active row and returns a function restoring the previous one.
func useTier(t *Tier) (restore func()) {
	prev := active
	active = t
	return func() { active = prev }
}

// noescape hides p from escape analysis. The assembly routines are declared //go:noescape, but
// a call through a field of the table is opaque to the compiler, which would otherwise move
// every buffer handed to a routine (a stack result, a caller's array) to the heap. The routines
// keep no pointer beyond the call.
func noescape[T any](p *T) *T {
	x := uintptr(unsafe.Pointer(p))
	return *(**T)(unsafe.Pointer(&x))
}
