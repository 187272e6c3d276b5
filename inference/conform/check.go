package conform

import (
	"fmt"
	"math"
	"strings"
)

// Report is the outcome of Check.
type Report struct {
	Quantized     bool
	Tolerance     float64 // T (quantized) or the relative tolerance (float)
	EarlyTol      float64
	MaxAbsDiff    float64 // largest |ours − ref| over compared logits
	Compared      int     // logits compared
	Top1Agreement float64 // teacher-forced top-1 agreement on decisive positions
	Failures      []string
}

// OK reports whether every rule held.
func (r *Report) OK() bool { return len(r.Failures) == 0 }

func (r *Report) String() string {
	var b strings.Builder
	kind := "float"
	if r.Quantized {
		kind = "quantized"
	}
	fmt.Fprintf(&b, "%s path: %d logits compared, max |diff| %.3g (tolerance %.3g, early %.3g), teacher-forced top-1 agreement %.1f%%",
		kind, r.Compared, r.MaxAbsDiff, r.Tolerance, r.EarlyTol, 100*r.Top1Agreement)
	for _, f := range r.Failures {
		b.WriteString("\n  FAIL " + f)
	}
	return b.String()
}

func (r *Report) failf(format string, a ...any) {
	if len(r.Failures) < 50 {
		r.Failures = append(r.Failures, fmt.Sprintf(format, a...))
	}
}

func num(m map[string]any, key string) float64 {
	if v, ok := m[key].(float64); ok {
		return v
	}
	return 0
}

// Check compares got (this engine's output) with ref under the rules of the fixtures README:
// identical prompt ids always; on float models identical greedy tokens and logits within
// 1e-3·max(1,|ref|) (F16: 2e-3); on quantized models logits within T = max(0.02, 3V, 2D)
// (T_early at positions 0-2), greedy tokens equal up to a divergence allowed only where the
// reference's top-2 margin is below max(0.05, 2T), and ≥ 99 % top-1 agreement on decisive
// teacher-forced positions.
func Check(ref, got *File) *Report {
	r := &Report{}
	dtype, _ := ref.Model["dtype"].(string)
	dtype = strings.ToLower(dtype)
	r.Quantized = dtype != "f32" && dtype != "f16" && dtype != ""
	obs := ref.Observed
	v := math.Max(num(obs, "logits_max_abs_diff"), num(obs, "steps_vs_teacher_forced_max_abs_diff"))
	relTol := 1e-3
	if dtype == "f16" {
		relTol = 2e-3
	}
	if r.Quantized {
		r.Tolerance = math.Max(0.02, math.Max(3*v, 2*num(obs, "numpy_max_abs_diff")))
		r.EarlyTol = math.Min(r.Tolerance, math.Max(0.02, 3*num(obs, "numpy_early_max_abs_diff")))
	} else {
		r.Tolerance, r.EarlyTol = relTol, relTol
	}
	if len(got.Cases) != len(ref.Cases) {
		r.failf("%d cases, reference has %d", len(got.Cases), len(ref.Cases))
		return r
	}
	var agree, decisive int
	for ci := range ref.Cases {
		rc, gc := &ref.Cases[ci], &got.Cases[ci]
		if !equalIDs(rc.PromptIDs, gc.PromptIDs) {
			r.failf("%s: prompt ids %v, reference %v", rc.Name, gc.PromptIDs, rc.PromptIDs)
			continue
		}
		margin := math.Max(0.05, 2*r.Tolerance)
		// Greedy tokens: the compared horizon ends at an allowed divergence.
		horizon := len(rc.GreedyIDs)
		for j := range rc.GreedyIDs {
			if j >= len(gc.GreedyIDs) {
				r.failf("%s: only %d greedy tokens", rc.Name, len(gc.GreedyIDs))
				horizon = j
				break
			}
			if gc.GreedyIDs[j] == rc.GreedyIDs[j] {
				continue
			}
			m := math.Inf(1)
			if j < len(rc.Steps) && len(rc.Steps[j]) > 1 {
				m = rc.Steps[j][0].Logit - rc.Steps[j][1].Logit
			}
			if !r.Quantized || m >= margin {
				r.failf("%s: greedy token %d is %d, reference %d (reference margin %.3g)", rc.Name, j, gc.GreedyIDs[j], rc.GreedyIDs[j], m)
			}
			horizon = j
			break
		}
		// Teacher-forced logits, up to the horizon (later positions see different tokens).
		last := min(len(rc.PromptIDs)+horizon, len(rc.TeacherForced), len(gc.TeacherForced))
		for pos := 0; pos < last; pos++ {
			rl, gl := rc.TeacherForced[pos], gc.TeacherForced[pos]
			if len(rl) == 0 || len(gl) == 0 {
				continue
			}
			tol := r.Tolerance
			if r.Quantized && pos <= 2 {
				tol = r.EarlyTol
			}
			for _, p := range rl {
				limit := tol
				if !r.Quantized {
					limit = math.Max(tol*math.Max(1, math.Abs(p.Logit)), 3*v)
				}
				g, ok := find(gl, p.ID)
				if !ok {
					// Not in our top-k: acceptable only if it could sit just below our cut.
					if lowest := gl[len(gl)-1].Logit; p.Logit-lowest > limit {
						r.failf("%s pos %d: reference top id %d (%.6g) missing from our top-%d (lowest %.6g)", rc.Name, pos, p.ID, p.Logit, len(gl), lowest)
					}
					continue
				}
				d := math.Abs(g - p.Logit)
				r.Compared++
				r.MaxAbsDiff = math.Max(r.MaxAbsDiff, d)
				if d > limit {
					r.failf("%s pos %d id %d: logit %.7g, reference %.7g (|diff| %.3g > %.3g)", rc.Name, pos, p.ID, g, p.Logit, d, limit)
				}
			}
			if len(rl) > 1 && rl[0].Logit-rl[1].Logit >= margin {
				decisive++
				if gl[0].ID == rl[0].ID {
					agree++
				}
			}
		}
	}
	r.Top1Agreement = 1
	if decisive > 0 {
		r.Top1Agreement = float64(agree) / float64(decisive)
	}
	if r.Quantized && r.Top1Agreement < 0.99 {
		r.failf("teacher-forced top-1 agreement %.2f%% < 99%% on %d decisive positions", 100*r.Top1Agreement, decisive)
	}
	return r
}

func find(ls []Logit, id int32) (float64, bool) {
	for _, l := range ls {
		if l.ID == id {
			return l.Logit, true
		}
	}
	return 0, false
}

func equalIDs(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
