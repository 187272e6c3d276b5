package memory

import (
	"context"
	"testing"

	"github.com/aria-node/aria/backend/memory/prospect"
)

// TestTopicTriggersCalibrated: the store's hybrid scorer at its own threshold fires at least 95%
// of the labelled cue turns and at most 2% of the distractor turns (issue 14's goal for topic
// triggers), on the set MatchThreshold was chosen on.
func TestTopicTriggersCalibrated(t *testing.T) {
	s, _ := openTest(t, Options{})
	ctx := context.Background()
	sc := s.TopicScorer()
	if sc.Threshold() != MatchThreshold {
		t.Fatalf("TopicScorer's threshold %.3f, want MatchThreshold %.3f", sc.Threshold(), MatchThreshold)
	}
	r := prospect.MeasureTriggers(ctx, sc, sc.Threshold())
	t.Logf("threshold %.3f: hit %.1f%% of %d cue turns, false fires on %.2f%% of %d distractor turns",
		r.Threshold, 100*r.Hit, r.CueTurns, 100*r.FalseTurn, r.NegTurns)
	if r.NegTurns < 300 {
		t.Errorf("%d distractor turns, want at least 300", r.NegTurns)
	}
	if r.Hit < 0.95 || r.FalseTurn > 0.02 {
		for _, c := range prospect.CueSamples() {
			for _, turn := range c.Turns {
				if score, why := s.Match(ctx, c.Cue, turn); score < MatchThreshold {
					t.Logf("missed: %q / %q: %.3f (words %.2f, trigrams %.2f, vector %.2f)", c.Cue, turn, score, why.BM25, why.Trigram, why.Vector)
				}
			}
		}
		for _, turn := range prospect.Distractors() {
			for _, c := range prospect.CueSamples() {
				if score, _ := s.Match(ctx, c.Cue, turn); score >= MatchThreshold {
					t.Logf("false: %q / %q: %.3f", c.Cue, turn, score)
				}
			}
		}
		t.Fatalf("hit %.1f%% (want ≥ 95%%), false fires %.2f%% (want ≤ 2%%)", 100*r.Hit, 100*r.FalseTurn)
	}
}

// TestMatchMeetsAgentNouns: a cue's verb form meets the turn's agent or action noun ("running" /
// "runners", "payment" / "paying") in the words arm, so such a turn fires; a turn sharing only one
// of two cue words does not.
func TestMatchMeetsAgentNouns(t *testing.T) {
	s, _ := openTest(t, Options{})
	ctx := context.Background()
	for _, c := range []struct {
		cue, turn string
		fire      bool
	}{
		{"running shoes", "runners in an old shoe get blisters", true},
		{"rent payment", "rented flat, paying monthly", true},
		{"hiking boots", "hikers need a good boot", true},
		{"knitting patterns", "knitters share a pattern online", true},
		{"running shoes", "running a business", false},
		{"rent payment", "payment failed again", false},
	} {
		score, why := s.Match(ctx, c.cue, c.turn)
		if (score >= MatchThreshold) != c.fire {
			t.Errorf("%q / %q: %.3f (words %.2f, trigrams %.2f, vector %.2f), want firing %v at %.3f",
				c.cue, c.turn, score, why.BM25, why.Trigram, why.Vector, c.fire, MatchThreshold)
		}
		if c.fire && why.BM25 != 1 {
			t.Errorf("%q / %q: words arm %.2f, want every cue word met", c.cue, c.turn, why.BM25)
		}
	}
}
