package kernels

import "strings"

// Tier selection for the float kernels of f16_ops.go (F16/F32 row dots, Dot, AddScaled,
// addScaledF16). Every tier computes the same bits as the portable Go reference.
//
// The tier is picked once at start-up from the CPU features; ARIA_KERNELS (portable, avx2,
// avx512, neon) forces one. A tier the CPU (or the build: -tags purego) lacks falls back to the
// best one available, so a forced value never crashes. Names of other kernel families are
// mapped: avx512* → avx512, any other avx* → avx2, neon/dotprod/i8mm/… → neon where available.

type fopsTier uint8

const (
	fopsPortable fopsTier = iota
	fopsAVX2              // amd64: AVX2 + F16C + FMA, each 16-lane vector as two ymm halves
	fopsAVX512            // amd64: AVX-512 F, BW, VL; one zmm = the 16 canonical lanes
	fopsNEON              // arm64: Advanced SIMD, four q registers = the 16 lanes
)

var fopsNames = [...]string{
	fopsPortable: "portable",
	fopsAVX2:     "avx2",
	fopsAVX512:   "avx512",
	fopsNEON:     "neon",
}

func (t fopsTier) String() string {
	if int(t) < len(fopsNames) {
		return fopsNames[t]
	}
	return "unknown"
}

// fopsAvail lists the tiers this CPU and build can run, best first, portable last
// (fopsAvailable is defined per architecture).
var fopsAvail = fopsAvailable()

// fopsLevel is the tier in use. It follows the ternary tier picked at start-up (dispatch.go reads
// ARIA_KERNELS once for both families), and is switched by tests through useFops.
var fopsLevel = fopsChoose(selection.Impl.Name)

// fopsChoose returns the tier named by want if available, else the best available one.
func fopsChoose(want string) fopsTier {
	want = strings.ToLower(strings.TrimSpace(want))
	has := func(t fopsTier) bool {
		for _, a := range fopsAvail {
			if a == t {
				return true
			}
		}
		return false
	}
	var t fopsTier
	switch {
	case want == "portable" || want == "generic" || want == "purego":
		return fopsPortable
	case strings.HasPrefix(want, "avx512"):
		t = fopsAVX512
	case strings.HasPrefix(want, "avx"):
		t = fopsAVX2
	case want == "neon" || want == "dotprod" || want == "i8mm" || want == "sdot" || strings.HasPrefix(want, "neon"):
		t = fopsNEON
	default:
		return fopsAvail[0]
	}
	if has(t) {
		return t
	}
	return fopsAvail[0]
}

// FloatTier names the tier used by the float kernels (F16/F32 matrix rows, Dot, AddScaled), for
// the start-up log.
func FloatTier() string { return fopsLevel.String() }

// FloatTiers lists the float-kernel tiers this CPU and build support, best first, portable last.
func FloatTiers() []string {
	s := make([]string, len(fopsAvail))
	for i, t := range fopsAvail {
		s[i] = t.String()
	}
	return s
}

// useFops switches the float kernels to tier t (which must be available) and returns a function
// restoring the previous tier. For tests and benchmarks; no kernel may be in flight.
func useFops(t fopsTier) (restore func()) {
	prev := fopsLevel
	if fopsChoose(t.String()) != t {
		panic("kernels: float tier " + t.String() + " not available")
	}
	fopsLevel = t
	return func() { fopsLevel = prev }
}

// useFloatTier switches the float kernels to the tier a name selects (mapped as ARIA_KERNELS
// is: an unavailable one gives the best available) and returns a function restoring the previous
// tier. Meant for the ternary dispatch's Use, so that one switch moves both kernel families.
func useFloatTier(name string) (restore func()) {
	prev := fopsLevel
	fopsLevel = fopsChoose(name)
	return func() { fopsLevel = prev }
}
