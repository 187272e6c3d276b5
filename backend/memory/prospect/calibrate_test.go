package prospect

import (
	"context"
	"strings"
	"testing"
)

// TestThresholdCalibration: with Threshold, at least 95% of cue turns fire their cue and at most
// 2% of distractor turns fire any of the cues.
func TestThresholdCalibration(t *testing.T) {
	ctx := context.Background()
	if len(cueSet) < 50 {
		t.Fatalf("%d cues, want at least 50", len(cueSet))
	}
	if n := len(Distractors()); n < 300 {
		t.Fatalf("%d distractors, want at least 300", n)
	}
	for _, c := range cueSet {
		cw := map[string]bool{}
		for _, w := range words(c.Cue) {
			cw[w] = true
		}
		for _, turn := range c.Turns {
			for _, w := range words(turn) {
				if cw[w] {
					t.Errorf("cue %q: turn %q repeats %q verbatim; cue turns must share only inflections", c.Cue, turn, w)
				}
			}
		}
	}
	for _, th := range []float64{0.4, 0.5, 0.6, 0.75, 1} {
		r := MeasureTriggers(ctx, LexicalScorer{}, th)
		t.Logf("threshold %.2f: %d cue turns, hit %.1f%%; %d distractors, false turns %.2f%%, false pairs %.3f%%",
			th, r.CueTurns, 100*r.Hit, r.NegTurns, 100*r.FalseTurn, 100*r.FalsePair)
	}
	r := MeasureTriggers(ctx, LexicalScorer{}, Threshold)
	t.Logf("Threshold %.2f: hit %.1f%% of %d cue turns, false fires on %.2f%% of %d distractor turns",
		Threshold, 100*r.Hit, r.CueTurns, 100*r.FalseTurn, r.NegTurns)
	if r.Hit < 0.95 || r.FalseTurn > 0.02 || testing.Verbose() {
		for _, c := range cueSet {
			for _, turn := range c.Turns {
				if sc := (LexicalScorer{}).Match(ctx, c.Cue, turn); sc < Threshold {
					t.Logf("missed: %q / %q (%.2f) stems %v / %v", c.Cue, turn, sc, Stems(c.Cue), Stems(turn))
				}
			}
		}
		for _, turn := range Distractors() {
			for _, c := range cueSet {
				if sc := (LexicalScorer{}).Match(ctx, c.Cue, turn); sc >= Threshold {
					t.Logf("false: %q / %q (%.2f)", c.Cue, turn, sc)
				}
			}
		}
	}
	if r.Hit < 0.95 || r.FalseTurn > 0.02 {
		t.Fatalf("Threshold %.2f: hit %.1f%% (want ≥ 95%%), false fires %.2f%% (want ≤ 2%%)",
			Threshold, 100*r.Hit, 100*r.FalseTurn)
	}
}

// TestOnTurnUsesThreshold runs the labelled set through OnTurn itself: the Book fires what the
// scorer and threshold say, once per intention.
func TestOnTurnUsesThreshold(t *testing.T) {
	b, _, _ := newBook(t)
	ctx := context.Background()
	byID := map[string]int{}
	for i, c := range cueSet {
		it, err := b.Add(ctx, Intention{Text: "about " + c.Cue, Cue: c.Cue})
		if err != nil {
			t.Fatal(err)
		}
		byID[it.ID] = i
	}
	falseFires := 0
	for _, turn := range Distractors() {
		f, err := b.OnTurn(ctx, "c", turn, nil)
		if err != nil {
			t.Fatal(err)
		}
		falseFires += len(f)
	}
	fired := 0
	for i, c := range cueSet {
		f, err := b.OnTurn(ctx, "c", c.Turns[0], nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range f {
			if byID[it.ID] == i {
				fired++
			}
		}
	}
	if falseFires > len(Distractors())/50 || float64(fired) < 0.95*float64(len(cueSet))-float64(falseFires) {
		t.Fatalf("through OnTurn: %d false fires over %d distractors, %d of %d cues fired",
			falseFires, len(Distractors()), fired, len(cueSet))
	}
	if strings.TrimSpace(cueSet[0].Cue) == "" {
		t.Fatal("empty cue")
	}
}
