package memory

import (
	"context"
	"strings"
)

// MatchThreshold is the Match score at which a topic cue fires on a user turn. It was chosen on
// prospect's labelled calibration set (backend/memory/prospect/calibration.go: 60 cues, 180 cue
// turns that share only inflected or derived forms with their cue, 322 distractor turns), so the
// figures below are measured on the very set it was tuned on, not on held-out turns; match_test.go
// measures them again. Every cue turn scores at least 0.695, and every distractor turn holding
// fewer than all of a cue's words at most 0.595 ("the birthday paradox" for "birthday party");
// 0.645 is midway. There 100% of cue turns fire their cue and 1.24% of distractor turns fire one:
// the four that use all of a cue's words on another topic, which no word-based scorer tells apart.
// Any threshold in (0.595, 0.695] gives the same figures on this set. The price: a one-word cue met
// only by a synonym ("car" in "my automobile broke down", 0.54) does not fire.
const MatchThreshold = 0.645

// Match scores one cue against one text with the same three signals as Search, for topic
// triggers: the share of the cue's content words (stemmed, synonyms grouped, agent and action
// nouns met with their verb) found in the text, the share of the cue's character trigrams found in
// the text's, and the cosine of their lexical vectors; Score = 0.5·words + 0.25·trigrams +
// 0.25·cosine, in 0..1, and Why holds the three arms (BM25 is the word share). It uses the lexical
// embedder whatever the store's embedder is, so that MatchThreshold holds on every node and after
// a model change, and a turn costs microseconds.
func (s *Store) Match(ctx context.Context, cue, text string) (float64, Why) {
	return match(s.lex, cue, text)
}

// TopicScorer is the store's Match as a prospect.Scorer calibrated on its own scale (it has the
// Threshold method prospect.OnTurn looks for), for the node's topic triggers.
type TopicScorer struct{ lex lexical }

// TopicScorer returns the store's hybrid scorer for topic triggers.
func (s *Store) TopicScorer() TopicScorer { return TopicScorer{lex: s.lex} }

// Match returns Store.Match's score of cue against text.
func (t TopicScorer) Match(_ context.Context, cue, text string) float64 {
	score, _ := match(t.lex, cue, text)
	return score
}

// Threshold is MatchThreshold.
func (TopicScorer) Threshold() float64 { return MatchThreshold }

func match(lex lexical, cue, text string) (float64, Why) {
	cw := contentWords(words(cue))
	tw := contentWords(words(text))
	if len(cw) == 0 || len(tw) == 0 {
		return 0, Why{}
	}
	tg := map[string]bool{}
	ttri := map[string]bool{}
	for _, w := range tw {
		g, d := wordKeys(lex.syn, w)
		tg[g], tg[d] = true, true
		for _, t := range trigrams(w) {
			ttri[t] = true
		}
	}
	var hit, triHit, triAll int
	seen := map[string]bool{}
	for _, w := range cw {
		g, d := wordKeys(lex.syn, w)
		if seen[g] {
			continue
		}
		seen[g] = true
		if tg[g] || tg[d] {
			hit++
		}
		for _, t := range trigrams(w) {
			triAll++
			if ttri[t] {
				triHit++
			}
		}
	}
	var why Why
	why.BM25 = float64(hit) / float64(len(seen))
	if triAll > 0 {
		why.Trigram = float64(triHit) / float64(triAll)
	}
	a, b := lex.embed(cue), lex.embed(text)
	var d float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
	}
	why.Vector = max(d, 0)
	why.Fused = 0.5*why.BM25 + 0.25*why.Trigram + 0.25*why.Vector
	return why.Fused, why
}

// wordKeys returns the keys by which w meets a word of the other text: its Porter stem's synonym
// group, and the group of the verb an agent or action noun comes from (the same key when w is
// neither). Porter keeps "runner", "climber", "knitter" and "payment" apart from "running",
// "climbing", "knitting" and "paying": a cue's words missed their turn's this way on 11 of the
// calibration set's 180 cue turns. The noun's suffix is swapped for "ing" and the result stemmed,
// so that Porter's own rules undouble (runn → run) and restore the e (hik → hike) as for the verb.
func wordKeys(syn synonyms, w string) (group, derived string) {
	group = syn.group(Stem(w))
	base := w
	switch {
	case strings.HasSuffix(base, "ers"), strings.HasSuffix(base, "ments"):
		base = base[:len(base)-1]
	}
	for _, suf := range []string{"er", "ment"} {
		if strings.HasSuffix(base, suf) && len(base)-len(suf) >= 3 {
			return group, syn.group(Stem(base[:len(base)-len(suf)] + "ing"))
		}
	}
	return group, group
}
