package kernels

import (
	"fmt"
	"os"
	"strings"
)

// Impl is one tier of kernels. Every tier computes the same bits as the portable one.
type Impl struct {
	Name    string // portable, avx2, avx512, neon, …
	Detail  string // the CPU features it relies on
	gemvTQ  gemvTQFunc
	gemvI2S gemvI2SFunc
	gemmTQ  gemmTQFunc
	gemmI2S gemmI2SFunc
	// decodeT1 expands T1 codes into T2 codes for the T2 kernels (t1.go).
	decodeT1 decodeT1Func
	// gemvT1 and gemmT1 multiply T1 rows directly, decoding in registers (t1.go); nil: the
	// tier expands chunks with decodeT1 and runs gemvTQ/gemmTQ on them.
	gemvT1 gemvTQFunc
	gemmT1 gemmTQFunc
}

var portable = &Impl{Name: "portable", Detail: "plain Go", gemvTQ: gemvTQGo, gemvI2S: gemvI2SGo, gemmTQ: gemmTQGo, gemmI2S: gemmI2SGo, decodeT1: decodeT1Go}

// tiers lists the tiers this CPU can run, best first (archTiers is defined per architecture).
var tiers = archTiers()

// active is the tier in use: the one piece of global state the engine has, set once at start-up
// (and by tests through Use).
var active = portable

// EnvKernels is the environment variable that forces a tier.
const EnvKernels = "ARIA_KERNELS"

// Selection says which tier was picked and why.
type Selection struct {
	Impl      *Impl
	Available []string
	Reason    string
}

var selection = choose(os.Getenv(EnvKernels))

func init() { active = selection.Impl }

// choose picks the best tier, or the one named by want when the CPU has it.
func choose(want string) Selection {
	all := append(append([]*Impl(nil), tiers...), portable)
	var names []string
	for _, t := range all {
		names = append(names, t.Name)
	}
	s := Selection{Impl: all[0], Available: names}
	want = strings.ToLower(strings.TrimSpace(want))
	switch {
	case want == "" || want == "auto":
		s.Reason = fmt.Sprintf("best tier this CPU supports (%s)", all[0].Detail)
	default:
		for _, t := range all {
			if t.Name == want {
				s.Impl = t
				s.Reason = fmt.Sprintf("forced by %s=%s", EnvKernels, want)
				return s
			}
		}
		s.Reason = fmt.Sprintf("%s=%s is not available on this CPU (available: %s); using %s", EnvKernels, want, strings.Join(names, ", "), all[0].Name)
	}
	return s
}

// Selected reports the tier in use and why it was picked.
func Selected() Selection { return selection }

// Tiers lists the names of the tiers this CPU supports, best first (portable last).
func Tiers() []string { return choose("").Available }

// Use switches to the named tier and returns a function that restores the previous one. It is
// meant for tests and benchmarks; it must not run while kernels are in flight.
func Use(name string) (restore func(), err error) {
	s := choose(name)
	if s.Impl.Name != name {
		return nil, fmt.Errorf("kernel tier %q not available (have %s)", name, strings.Join(s.Available, ", "))
	}
	prev, prevSel := active, selection
	active, selection = s.Impl, s
	restoreFloat := useFloatTier(name)
	return func() { active, selection = prev, prevSel; restoreFloat() }, nil
}
