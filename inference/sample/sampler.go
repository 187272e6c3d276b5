package sample

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Sampler draws token ids from logits. It keeps scratch buffers sized to the
// vocabulary so that Sample does not allocate once warmed up; for the same
// reason it is not safe for concurrent use (use one Sampler per sequence).
type Sampler struct {
	p    Params
	seed uint64
	rng  *rand.Rand

	work   []float32   // penalised copy of the caller's logits
	counts []int32     // occurrences per token in the penalty window; kept all-zero between calls
	cands  []candidate // surviving candidates of the current call
}

// candidate is one token still in the running.
type candidate struct {
	id    int32
	logit float32
	p     float64 // probability, filled when a step needs it
}

// better is the total order used everywhere candidates are ranked: higher
// logit first, ties to the lower id so that top-k=1 agrees with greedy.
func better(a, b candidate) bool {
	return a.logit > b.logit || (a.logit == b.logit && a.id < b.id)
}

// New validates p and returns a Sampler for it.
func New(p Params) (*Sampler, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("sample: new sampler: %w", err)
	}
	seed := p.Seed
	if seed == 0 {
		// The runtime-seeded top-level generator: nondeterministic as
		// documented for Seed 0, without package state of our own.
		seed = rand.Uint64()
	}
	return &Sampler{
		p:    p,
		seed: seed,
		// The second PCG word is derived from the seed so that a single
		// uint64 fully determines the stream.
		rng: rand.New(rand.NewPCG(seed, splitmix64(seed))),
	}, nil
}

// Params returns the parameters the Sampler was built with.
func (s *Sampler) Params() Params { return s.p }

// Seed returns the effective seed: Params.Seed, or the random seed chosen
// when Params.Seed was 0. Passing it back as Params.Seed reproduces the run.
func (s *Sampler) Seed() uint64 { return s.seed }

// Sample returns the next token id for logits, given the tokens seen so far
// (history; only its last RepeatLastN entries matter, and ids outside the
// vocabulary are ignored). logits is not modified. NaN logits are treated as
// -Inf and +Inf as the largest float32. It returns -1 only when logits is
// empty.
func (s *Sampler) Sample(logits []float32, history []int32) int32 {
	n := len(logits)
	if n == 0 {
		return -1
	}
	s.grow(n)

	work := s.work[:n]
	for i, l := range logits {
		switch {
		case l != l: // NaN: never pick it, never let it poison a softmax
			l = float32(math.Inf(-1))
		case l > math.MaxFloat32: // +Inf would make the softmax Inf-Inf = NaN
			l = math.MaxFloat32
		}
		work[i] = l
	}
	s.applyPenalties(work, history)

	if s.p.Greedy() {
		return argmax(work)
	}

	// -Inf logits have zero probability; dropping them early also keeps
	// masked vocabularies cheap.
	cands := s.cands[:0]
	negInf := float32(math.Inf(-1))
	for i, l := range work {
		if l > negInf {
			cands = append(cands, candidate{id: int32(i), logit: l})
		}
	}
	if len(cands) == 0 {
		return argmax(work) // everything masked: fall back to the reference rule
	}

	if k := s.p.TopK; k > 0 && k < len(cands) {
		selectTopK(cands, k)
		cands = cands[:k]
	}
	// Only top-p needs rank order; sorting the whole vocabulary is the
	// expensive step, so skip it otherwise.
	sorted := false
	if s.p.TopP < 1 {
		cands = topP(cands, s.p.TopP)
		sorted = true
	}
	if s.p.MinP > 0 {
		cands = minP(cands, s.p.MinP, sorted)
	}
	return s.draw(cands, s.p.Temperature)
}

// grow sizes the scratch buffers for a vocabulary of n tokens. It only
// allocates when the vocabulary is larger than any seen before.
func (s *Sampler) grow(n int) {
	if len(s.work) >= n {
		return
	}
	s.work = make([]float32, n)
	s.counts = make([]int32, n) // fresh, so all-zero as applyPenalties requires
	s.cands = make([]candidate, 0, n)
}

// applyPenalties applies repetition, frequency and presence penalties over
// the last RepeatLastN tokens of history, in place on work.
func (s *Sampler) applyPenalties(work []float32, history []int32) {
	rp := s.p.RepeatPenalty
	if rp == 0 {
		rp = 1
	}
	freq, pres := s.p.FrequencyPenalty, s.p.PresencePenalty
	if s.p.RepeatLastN == 0 || (rp == 1 && freq == 0 && pres == 0) {
		return
	}
	window := history
	if s.p.RepeatLastN > 0 && len(window) > s.p.RepeatLastN {
		window = window[len(window)-s.p.RepeatLastN:]
	}

	n := int32(len(work))
	counts := s.counts
	for _, t := range window {
		if t >= 0 && t < n {
			counts[t]++
		}
	}
	// Second pass visits each distinct token once: the first visit applies
	// the penalty and zeroes the count, so later visits see 0 and skip, and
	// counts is all-zero again for the next call without a full clear.
	for _, t := range window {
		if t < 0 || t >= n || counts[t] == 0 {
			continue
		}
		c := counts[t]
		counts[t] = 0
		l := work[t]
		if rp != 1 {
			if l <= 0 {
				l *= rp
			} else {
				l /= rp
			}
		}
		work[t] = l - float32(c)*freq - pres
	}
}

// argmax returns the index of the largest value, the lowest index on ties.
func argmax(xs []float32) int32 {
	best := 0
	for i := 1; i < len(xs); i++ {
		if xs[i] > xs[best] {
			best = i
		}
	}
	return int32(best)
}

func compareCandidates(a, b candidate) int {
	switch {
	case better(a, b):
		return -1
	case better(b, a):
		return 1
	}
	return 0
}

// selectTopK moves the k best candidates (by better) into c[:k], in no
// particular order. It keeps a heap of the best k seen so far whose root is
// the worst of them, so most of the vocabulary costs one comparison.
func selectTopK(c []candidate, k int) {
	h := c[:k]
	for i := k/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
	for i := k; i < len(c); i++ {
		if better(c[i], h[0]) {
			h[0], c[i] = c[i], h[0]
			siftDown(h, 0)
		}
	}
}

// siftDown restores the "worst at the root" heap property below i.
func siftDown(h []candidate, i int) {
	for {
		worst := i
		l, r := 2*i+1, 2*i+2
		if l < len(h) && better(h[worst], h[l]) {
			worst = l
		}
		if r < len(h) && better(h[worst], h[r]) {
			worst = r
		}
		if worst == i {
			return
		}
		h[i], h[worst] = h[worst], h[i]
		i = worst
	}
}

// softmax sets c[i].p to the normalised probabilities of the logits divided
// by temp. c must be non-empty.
func softmax(c []candidate, temp float32) {
	maxL := c[0].logit
	for _, x := range c[1:] {
		if x.logit > maxL {
			maxL = x.logit
		}
	}
	inv := 1 / float64(temp)
	var sum float64
	for i := range c {
		e := math.Exp((float64(c[i].logit) - float64(maxL)) * inv)
		c[i].p = e
		sum += e
	}
	for i := range c {
		c[i].p /= sum
	}
}

// topP keeps the shortest prefix, in rank order, whose probability mass
// reaches p, including the token that crosses it (llama.cpp keeps at least
// one). It returns the kept candidates sorted.
//
// Sorting a whole vocabulary costs far more than the rest of the chain, and
// the nucleus is usually a few dozen tokens, so it first tries ever larger
// top-k prefixes: if the best k already reach p (measured against the
// normalisation over all candidates), the nucleus lies inside them.
func topP(c []candidate, p float32) []candidate {
	const firstTry = 256
	if len(c) <= 4*firstTry {
		slices.SortFunc(c, compareCandidates)
		maxL, sum := normaliser(c)
		return nucleus(c, p, maxL, sum)
	}
	maxL, sum := normaliser(c)
	for k := firstTry; k < len(c); k *= 4 {
		selectTopK(c, k)
		slices.SortFunc(c[:k], compareCandidates)
		if kept := nucleus(c[:k], p, maxL, sum); len(kept) < k {
			return kept
		}
	}
	slices.SortFunc(c, compareCandidates)
	return nucleus(c, p, maxL, sum)
}

// normaliser returns the max logit and the softmax denominator over c.
func normaliser(c []candidate) (maxL float32, sum float64) {
	maxL = c[0].logit
	for _, x := range c[1:] {
		maxL = max(maxL, x.logit)
	}
	for _, x := range c {
		sum += math.Exp(float64(x.logit) - float64(maxL))
	}
	return maxL, sum
}

// nucleus walks sorted candidates accumulating probability (normalised by
// maxL and sum from normaliser) and cuts right after the one that reaches p. It returns c whole
// when the mass is not reached, which topP reads as "look further".
func nucleus(c []candidate, p float32, maxL float32, sum float64) []candidate {
	var cum float64
	for i := range c {
		cum += math.Exp(float64(c[i].logit)-float64(maxL)) / sum
		if cum >= float64(p) {
			return c[:i+1]
		}
	}
	return c
}

// minP keeps candidates with probability >= p × max probability, i.e.
// logit >= max logit + ln p, preserving order. The best token always
// survives because ln p <= 0.
func minP(c []candidate, p float32, sorted bool) []candidate {
	maxL := c[0].logit
	if !sorted {
		for _, x := range c[1:] {
			if x.logit > maxL {
				maxL = x.logit
			}
		}
	}
	threshold := float64(maxL) + math.Log(float64(p))
	kept := c[:0]
	for _, x := range c {
		if float64(x.logit) >= threshold {
			kept = append(kept, x)
		}
	}
	return kept
}

// draw applies the temperature, normalises and samples one candidate.
func (s *Sampler) draw(c []candidate, temp float32) int32 {
	if len(c) == 1 {
		return c[0].id // skip the PRNG: the outcome is certain
	}
	softmax(c, temp)
	r := s.rng.Float64()
	var cum float64
	for _, x := range c {
		cum += x.p
		if r < cum {
			return x.id
		}
	}
	// Rounding can leave cum a hair below 1; the last candidate takes it.
	return c[len(c)-1].id
}

// splitmix64 is one step of SplitMix64, used to derive the PCG stream
// selector from the seed.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}
