package sample

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// logitsFor returns logits whose softmax is probs (up to rounding).
func logitsFor(probs ...float64) []float32 {
	out := make([]float32, len(probs))
	for i, p := range probs {
		out[i] = float32(math.Log(p))
	}
	return out
}

func mustNew(t *testing.T, p Params) *Sampler {
	t.Helper()
	s, err := New(p)
	if err != nil {
		t.Fatalf("New(%+v): %v", p, err)
	}
	return s
}

// plain returns params with every filter and penalty off, so a test can
// switch on exactly the step it is about.
func plain(temp float32, seed uint64) Params {
	return Params{Temperature: temp, TopP: 1, RepeatPenalty: 1, Seed: seed}
}

// histogram samples n times and counts each token id.
func histogram(t *testing.T, s *Sampler, logits []float32, n int) []int {
	t.Helper()
	counts := make([]int, len(logits))
	for range n {
		id := s.Sample(logits, nil)
		if id < 0 || int(id) >= len(logits) {
			t.Fatalf("Sample returned out-of-range id %d", id)
		}
		counts[id]++
	}
	return counts
}

func TestValidate(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	tests := []struct {
		name    string
		mutate  func(*Params)
		wantErr string // "" means valid
	}{
		{"defaults", func(*Params) {}, ""},
		{"greedy negative temperature", func(p *Params) { p.Temperature = -1 }, ""},
		{"top_p zero keeps one token", func(p *Params) { p.TopP = 0 }, ""},
		{"top_p one disables", func(p *Params) { p.TopP = 1 }, ""},
		{"repeat penalty zero means off", func(p *Params) { p.RepeatPenalty = 0 }, ""},
		{"whole-history window", func(p *Params) { p.RepeatLastN = -1 }, ""},
		{"negative presence allowed", func(p *Params) { p.PresencePenalty = -1.5 }, ""},
		{"NaN temperature", func(p *Params) { p.Temperature = nan }, "temperature"},
		{"infinite temperature", func(p *Params) { p.Temperature = inf }, "temperature"},
		{"negative top_k", func(p *Params) { p.TopK = -1 }, "top_k"},
		{"negative top_p", func(p *Params) { p.TopP = -0.1 }, "top_p"},
		{"top_p above one", func(p *Params) { p.TopP = 1.5 }, "top_p"},
		{"NaN top_p", func(p *Params) { p.TopP = nan }, "top_p"},
		{"negative min_p", func(p *Params) { p.MinP = -0.01 }, "min_p"},
		{"min_p above one", func(p *Params) { p.MinP = 2 }, "min_p"},
		{"negative repeat penalty", func(p *Params) { p.RepeatPenalty = -1 }, "repeat_penalty"},
		{"NaN repeat penalty", func(p *Params) { p.RepeatPenalty = nan }, "repeat_penalty"},
		{"window below -1", func(p *Params) { p.RepeatLastN = -2 }, "repeat_last_n"},
		{"infinite presence", func(p *Params) { p.PresencePenalty = inf }, "presence_penalty"},
		{"NaN frequency", func(p *Params) { p.FrequencyPenalty = nan }, "frequency_penalty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			tt.mutate(&p)
			err := p.Validate()
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				if _, err := New(p); err != nil {
					t.Fatalf("New() = %v, want nil", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("Validate() = nil, want error mentioning %q", tt.wantErr)
			}
			if !errors.Is(err, ErrInvalidParams) {
				t.Errorf("Validate() error %v does not wrap ErrInvalidParams", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("Validate() = %q, want it to mention %q", err, tt.wantErr)
			}
			if _, err := New(p); !errors.Is(err, ErrInvalidParams) {
				t.Errorf("New() = %v, want ErrInvalidParams", err)
			}
		})
	}
}

func TestValidateReportsAllProblems(t *testing.T) {
	p := DefaultParams()
	p.TopP, p.MinP, p.TopK = 2, -1, -3
	err := p.Validate()
	for _, want := range []string{"top_p", "min_p", "top_k"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Validate() = %v, want it to mention %q", err, want)
		}
	}
}

func TestGreedy(t *testing.T) {
	nan := float32(math.NaN())
	negInf := float32(math.Inf(-1))
	tests := []struct {
		name   string
		logits []float32
		want   int32
	}{
		{"single", []float32{0.5}, 0},
		{"clear max", []float32{0.1, 2, -3, 1.9}, 1},
		{"tie goes to lowest id", []float32{1, 3, 3, 2, 3}, 1},
		{"all equal", []float32{7, 7, 7}, 0},
		{"NaN ignored", []float32{nan, 1, 2}, 2},
		{"all masked", []float32{negInf, negInf}, 0},
		{"empty", nil, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			p.Temperature = 0
			s := mustNew(t, p)
			if got := s.Sample(tt.logits, nil); got != tt.want {
				t.Errorf("Sample(%v) = %d, want %d", tt.logits, got, tt.want)
			}
		})
	}
}

func TestNonFiniteLogits(t *testing.T) {
	inf, nan := float32(math.Inf(1)), float32(math.NaN())
	logits := []float32{0, inf, 1, nan, float32(math.Inf(-1))}
	p := DefaultParams()
	p.Seed, p.TopK, p.Temperature = 5, 0, 1.5
	s := mustNew(t, p)
	for range 100 {
		if got := s.Sample(logits, nil); got != 1 {
			t.Fatalf("Sample = %d, want the +Inf token 1", got)
		}
	}
}

func TestSampleDoesNotModifyLogits(t *testing.T) {
	logits := []float32{1, -2, 3, 0.5, float32(math.NaN())}
	orig := slices.Clone(logits)
	p := DefaultParams()
	p.Seed = 7
	p.RepeatPenalty = 1.3
	p.PresencePenalty = 0.5
	s := mustNew(t, p)
	for range 10 {
		s.Sample(logits, []int32{0, 1, 2, 2})
	}
	for i := range logits {
		if math.Float32bits(logits[i]) != math.Float32bits(orig[i]) {
			t.Fatalf("logits modified: got %v, want %v", logits, orig)
		}
	}
}

func TestDeterministicWithSeed(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	logits := make([]float32, 1000)
	for i := range logits {
		logits[i] = float32(rng.NormFloat64() * 2)
	}
	run := func(seed uint64) []int32 {
		p := DefaultParams()
		p.Seed = seed
		p.TopK = 0 // keep many candidates so the draw really matters
		p.Temperature = 1.5
		s := mustNew(t, p)
		out := make([]int32, 200)
		var hist []int32
		for i := range out {
			out[i] = s.Sample(logits, hist)
			hist = append(hist, out[i])
		}
		return out
	}
	a, b := run(42), run(42)
	if !slices.Equal(a, b) {
		t.Fatalf("same seed gave different tokens:\n%v\n%v", a, b)
	}
	if c := run(43); slices.Equal(a, c) {
		t.Fatalf("different seeds gave identical 200-token runs")
	}
}

func TestSeedZeroPicksReproducibleSeed(t *testing.T) {
	p := plain(1, 0)
	s := mustNew(t, p)
	if s.Seed() == 0 {
		t.Skip("random seed happened to be 0") // 1 in 2^64
	}
	logits := logitsFor(0.25, 0.25, 0.25, 0.25)
	p.Seed = s.Seed()
	replay := mustNew(t, p)
	for i := range 100 {
		if a, b := s.Sample(logits, nil), replay.Sample(logits, nil); a != b {
			t.Fatalf("draw %d: random-seed run gave %d, replay with Seed()=%d gave %d", i, a, p.Seed, b)
		}
	}
}

func TestTopKOneEqualsGreedy(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 200 {
		logits := make([]float32, 50)
		for i := range logits {
			// Coarse values force plenty of ties at the top.
			logits[i] = float32(rng.IntN(5))
		}
		hist := []int32{int32(rng.IntN(50)), int32(rng.IntN(50))}

		p := DefaultParams()
		p.Seed = uint64(trial + 1)
		p.TopK = 1
		p.Temperature = 2
		p.RepeatPenalty = 1.2
		g := p
		g.Temperature = 0

		got := mustNew(t, p).Sample(logits, hist)
		want := mustNew(t, g).Sample(logits, hist)
		if got != want {
			t.Fatalf("trial %d: top-k=1 gave %d, greedy gave %d (logits %v)", trial, got, want, logits)
		}
	}
}

func TestSelectTopKMatchesSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 100 {
		n := 1 + rng.IntN(300)
		k := 1 + rng.IntN(n)
		c := make([]candidate, n)
		for i := range c {
			c[i] = candidate{id: int32(i), logit: float32(rng.IntN(20))}
		}
		want := slices.Clone(c)
		slices.SortFunc(want, compareCandidates)
		selectTopK(c, k)
		got := c[:k]
		slices.SortFunc(got, compareCandidates)
		if !slices.Equal(got, want[:k]) {
			t.Fatalf("trial %d (n=%d k=%d): top-k %v, want %v", trial, n, k, got, want[:k])
		}
	}
}

// The staged top-p must keep exactly what a full sort would.
func TestTopPMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for trial := range 60 {
		n := 1 + rng.IntN(20000)
		scale := []float64{0.1, 1, 3, 10}[trial%4] // flat to peaked
		c := make([]candidate, n)
		for i := range c {
			c[i] = candidate{id: int32(i), logit: float32(rng.NormFloat64() * scale)}
		}
		p := []float32{0, 0.5, 0.9, 0.95, 0.999}[rng.IntN(5)]

		ref := slices.Clone(c)
		slices.SortFunc(ref, compareCandidates)
		maxL, sum := normaliser(ref)
		want := nucleus(ref, p, maxL, sum)

		got := topP(c, p)
		if len(got) != len(want) {
			t.Fatalf("trial %d (n=%d scale=%v p=%v): kept %d, want %d", trial, n, scale, p, len(got), len(want))
		}
		for i := range got {
			if got[i].id != want[i].id {
				t.Fatalf("trial %d: rank %d is token %d, want %d", trial, i, got[i].id, want[i].id)
			}
		}
	}
}

func TestFiltering(t *testing.T) {
	// p = 0.5, 0.3, 0.15, 0.05
	logits := logitsFor(0.5, 0.3, 0.15, 0.05)
	const draws = 10000
	tests := []struct {
		name    string
		params  Params
		allowed []bool // which ids may appear; each allowed one must appear
	}{
		{"no filter", plain(1, 1), []bool{true, true, true, true}},
		{"top_k 2", func() Params { p := plain(1, 2); p.TopK = 2; return p }(), []bool{true, true, false, false}},
		// 0.5 < 0.75, 0.5+0.3 >= 0.75: the crossing token is kept.
		{"top_p 0.75", func() Params { p := plain(1, 3); p.TopP = 0.75; return p }(), []bool{true, true, false, false}},
		{"top_p 0.9", func() Params { p := plain(1, 4); p.TopP = 0.9; return p }(), []bool{true, true, true, false}},
		{"top_p 0 keeps one", func() Params { p := plain(1, 5); p.TopP = 0; return p }(), []bool{true, false, false, false}},
		// threshold 0.2*0.5 = 0.1: 0.05 goes.
		{"min_p 0.2", func() Params { p := plain(1, 6); p.MinP = 0.2; return p }(), []bool{true, true, true, false}},
		// threshold 0.5*0.5 = 0.25: only 0.5 and 0.3 stay.
		{"min_p 0.5", func() Params { p := plain(1, 7); p.MinP = 0.5; return p }(), []bool{true, true, false, false}},
		// top-p at 0.9 leaves 3; min-p 0.5 then leaves 2. Temperature
		// comes last and must not bring anything back.
		{"top_p then min_p, hot", func() Params { p := plain(5, 8); p.TopP = 0.9; p.MinP = 0.5; return p }(), []bool{true, true, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustNew(t, tt.params)
			counts := histogram(t, s, logits, draws)
			for id, ok := range tt.allowed {
				if !ok && counts[id] > 0 {
					t.Errorf("token %d sampled %d times, want never (counts %v)", id, counts[id], counts)
				}
				if ok && counts[id] == 0 {
					t.Errorf("token %d never sampled, want it in the running (counts %v)", id, counts)
				}
			}
		})
	}
}

func TestDrawMatchesSoftmax(t *testing.T) {
	logits := logitsFor(0.5, 0.3, 0.2)
	const draws = 40000
	tests := []struct {
		temp float32
		want []float64
	}{
		{1, []float64{0.5, 0.3, 0.2}},
		// T=0.5 squares the probabilities: 0.25, 0.09, 0.04 over 0.38.
		{0.5, []float64{0.25 / 0.38, 0.09 / 0.38, 0.04 / 0.38}},
	}
	for _, tt := range tests {
		s := mustNew(t, plain(tt.temp, 99))
		counts := histogram(t, s, logits, draws)
		for id, want := range tt.want {
			got := float64(counts[id]) / draws
			if math.Abs(got-want) > 0.015 {
				t.Errorf("T=%v token %d: frequency %.3f, want %.3f±0.015", tt.temp, id, got, want)
			}
		}
	}
}

func TestPenalties(t *testing.T) {
	tests := []struct {
		name    string
		logits  []float32
		history []int32
		mutate  func(*Params)
		want    int32
	}{
		{"no penalty keeps argmax", []float32{2, 1.9}, []int32{0}, func(*Params) {}, 0},
		// 2/1.1 = 1.818 < 1.9.
		{"repeat divides positive", []float32{2, 1.9}, []int32{0}, func(p *Params) { p.RepeatPenalty = 1.1 }, 1},
		// -1*1.1 = -1.1 < -1.05; dividing would have raised it to -0.91.
		{"repeat multiplies negative", []float32{-1, -1.05}, []int32{0}, func(p *Params) { p.RepeatPenalty = 1.1 }, 1},
		// Applied once per distinct token, not per occurrence: 2/1.1 > 1.8.
		{"repeat once per token", []float32{2, 1.8}, []int32{0, 0, 0}, func(p *Params) { p.RepeatPenalty = 1.1 }, 0},
		{"repeat penalty zero is off", []float32{2, 1.9}, []int32{0}, func(p *Params) { p.RepeatPenalty = 0 }, 0},
		// 1 - 0.6 = 0.4 < 0.5.
		{"presence", []float32{1, 0.5}, []int32{0, 0, 0}, func(p *Params) { p.PresencePenalty = 0.6 }, 1},
		// 1 - 2*0.2 = 0.6 > 0.5.
		{"frequency twice", []float32{1, 0.5}, []int32{0, 0}, func(p *Params) { p.FrequencyPenalty = 0.2 }, 0},
		// 1 - 3*0.2 = 0.4 < 0.5.
		{"frequency thrice", []float32{1, 0.5}, []int32{0, 0, 0}, func(p *Params) { p.FrequencyPenalty = 0.2 }, 1},
		{"negative presence encourages", []float32{0.5, 1}, []int32{0}, func(p *Params) { p.PresencePenalty = -1 }, 0},
		// Token 0 is outside the last 2 tokens.
		{"window excludes old tokens", []float32{2, 1.9, 0}, []int32{0, 2, 2}, func(p *Params) { p.RepeatPenalty = 1.5; p.RepeatLastN = 2 }, 0},
		{"window -1 is whole history", []float32{2, 1.9, 0}, []int32{0, 2, 2}, func(p *Params) { p.RepeatPenalty = 1.5; p.RepeatLastN = -1 }, 1},
		{"window 0 disables", []float32{2, 1.9}, []int32{0}, func(p *Params) { p.RepeatPenalty = 1.5; p.RepeatLastN = 0 }, 0},
		{"out-of-vocab history ignored", []float32{2, 1.9}, []int32{-1, 5, 0}, func(p *Params) { p.RepeatPenalty = 1.1 }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultParams()
			p.Temperature = 0
			tt.mutate(&p)
			s := mustNew(t, p)
			if got := s.Sample(tt.logits, tt.history); got != tt.want {
				t.Errorf("Sample = %d, want %d", got, tt.want)
			}
			// Counts must be left clean: the same call again agrees.
			if got := s.Sample(tt.logits, tt.history); got != tt.want {
				t.Errorf("second Sample = %d, want %d (state leaked between calls)", got, tt.want)
			}
		})
	}
}

func TestPenaltyAppliesBeforeFilters(t *testing.T) {
	// Penalised, token 0 falls out of top-k=1; otherwise it would win.
	p := plain(1, 1)
	p.TopK = 1
	p.RepeatPenalty = 2
	p.RepeatLastN = 64
	s := mustNew(t, p)
	if got := s.Sample([]float32{2, 1.5, 0}, []int32{0}); got != 1 {
		t.Errorf("Sample = %d, want 1", got)
	}
}

func TestSampleDoesNotAllocate(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	logits := make([]float32, 32000)
	for i := range logits {
		logits[i] = float32(rng.NormFloat64())
	}
	hist := make([]int32, 100)
	for i := range hist {
		hist[i] = int32(rng.IntN(len(logits)))
	}
	for name, p := range map[string]Params{
		"defaults": func() Params { p := DefaultParams(); p.Seed = 1; p.RepeatPenalty = 1.1; return p }(),
		"greedy":   func() Params { p := DefaultParams(); p.Temperature = 0; p.PresencePenalty = 0.3; return p }(),
		"full sort": func() Params {
			p := DefaultParams()
			p.Seed, p.TopK, p.FrequencyPenalty = 2, 0, 0.1
			return p
		}(),
	} {
		s := mustNew(t, p)
		s.Sample(logits, hist) // warm up the scratch buffers
		if n := testing.AllocsPerRun(20, func() { s.Sample(logits, hist) }); n != 0 {
			t.Errorf("%s: Sample allocates %.1f times per call, want 0", name, n)
		}
	}
}

func BenchmarkSample(b *testing.B) {
	rng := rand.New(rand.NewPCG(9, 10))
	// LLaMA-3 vocabulary size. Real next-token distributions are peaked:
	// a handful of plausible tokens over a long flat tail.
	logits := make([]float32, 128256)
	flat := make([]float32, len(logits))
	for i := range logits {
		flat[i] = float32(rng.NormFloat64() * 3)
		logits[i] = float32(rng.NormFloat64())
	}
	for range 20 {
		logits[rng.IntN(len(logits))] += 12 + float32(rng.NormFloat64())
	}
	hist := make([]int32, 64)
	for i := range hist {
		hist[i] = int32(rng.IntN(len(logits)))
	}
	for _, bc := range []struct {
		name string
		p    Params
	}{
		{"greedy", Params{TopP: 1, RepeatPenalty: 1}},
		{"defaults", func() Params { p := DefaultParams(); p.Seed = 1; return p }()},
		{"top_p_no_top_k", func() Params { p := DefaultParams(); p.Seed, p.TopK = 1, 0; return p }()},
	} {
		b.Run(bc.name+"/flat", func(b *testing.B) {
			s, err := New(bc.p)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				s.Sample(flat, hist)
			}
		})
		b.Run(bc.name+"/peaked", func(b *testing.B) {
			s, err := New(bc.p)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				s.Sample(logits, hist)
			}
		})
	}
}
