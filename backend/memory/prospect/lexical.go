package prospect

import (
	"context"
	"strings"
	"unicode"
)

// Threshold is the score at which a cue fires with LexicalScorer: the share of the cue's content
// words whose stems appear in the turn. 0.6 means both words of a two-word cue, two of three, three
// of four. Measured in calibrate_test.go on 60 cues, 180 cue turns that share only inflected
// forms with their cue, and 322 distractor turns (many sharing one cue word): 100% of cue turns
// fire, 1.24% of distractors fire (the four that use both cue words on another topic). Any
// threshold in (0.5, 1] gives the same figures on this set; 0.6 lets two of three words fire.
const Threshold = 0.6

// LexicalScorer matches a cue against a turn by stemmed content words: the fraction of the cue's
// stems found in the turn. It needs no model and no store, so it is the fallback when the memory
// store's hybrid scorer is not there, and it makes the threshold reproducible in tests.
type LexicalScorer struct{}

// Match returns the share of cue's content stems that occur in text, in [0, 1].
func (LexicalScorer) Match(ctx context.Context, cue, text string) float64 {
	cs := Stems(cue)
	if len(cs) == 0 {
		return 0
	}
	ts := Stems(text)
	hit := 0
	for _, c := range cs {
		for _, t := range ts {
			if stemMatch(c, t) {
				hit++
				break
			}
		}
	}
	return float64(hit) / float64(len(cs))
}

// Threshold is LexicalScorer's calibrated threshold.
func (LexicalScorer) Threshold() float64 { return Threshold }

// stemMatch: equal stems, or one a prefix of the other when both are long enough that the
// prefix is a word of its own ("birth" / "birthdai" is accepted, "plan" / "planet" is not).
func stemMatch(a, b string) bool {
	if a == b {
		return true
	}
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 5 && len(b)-len(a) <= 3 && strings.HasPrefix(b, a)
}

// Stems returns the distinct stems of text's content words (stop words dropped; if only stop
// words are left, their stems).
func Stems(text string) []string {
	ws := words(text)
	seen := map[string]bool{}
	var out, stop []string
	for _, w := range ws {
		s := stem(w)
		if seen[s] {
			continue
		}
		seen[s] = true
		if stopWords[w] {
			stop = append(stop, s)
			continue
		}
		out = append(out, s)
	}
	if len(out) == 0 {
		return stop
	}
	return out
}

// words splits text into lower-case words of letters and digits; a word's tail after an
// apostrophe ("dentist's", "I'm") is dropped.
func words(text string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' && r != '’'
	}) {
		if i := strings.IndexAny(f, "'’"); i >= 0 {
			f = f[:i]
		}
		if f != "" {
			out = append(out, f)
		}
	}
	return out
}

// suffixes: in each pass the first that fits leaving at least 3 letters. The light rules
// (not Porter's) are chosen so that inflected forms meet: travel, travels, travelled, travelling,
// traveller → "travel"; plan, plans, planned, planning → "plan"; organise, organizing,
// organisation → "organis".
var suffixes = []struct{ suf, rep string }{
	{"izations", "is"}, {"isations", "is"}, {"ization", "is"}, {"isation", "is"},
	{"ations", ""}, {"ation", ""}, {"ments", ""}, {"ment", ""},
	{"ings", ""}, {"ing", ""}, {"ies", "y"}, {"ied", "y"}, {"ers", ""}, {"er", ""}, {"ed", ""},
	{"s", ""},
}

func stem(w string) string {
	if len(w) <= 3 {
		return w
	}
	// Two passes, for stacked suffixes: showered → shower → show, as shower → show.
	for range 2 {
		w = stripSuffix(w)
	}
	if n := len(w); n > 3 && w[n-1] == 'e' {
		w = w[:n-1]
	}
	// Undouble a final consonant (plann → plan, travell → travel, class → clas) on every form alike.
	if n := len(w); n > 3 && w[n-1] == w[n-2] && !strings.ContainsRune("aeiou", rune(w[n-1])) {
		w = w[:n-1]
	}
	if strings.HasSuffix(w, "iz") {
		w = w[:len(w)-2] + "is"
	}
	if n := len(w); n > 2 && w[n-1] == 'y' {
		w = w[:n-1] + "i"
	}
	return w
}

func stripSuffix(w string) string {
	for _, s := range suffixes {
		if !strings.HasSuffix(w, s.suf) {
			continue
		}
		base := w[:len(w)-len(s.suf)]
		if len(base) < 3 {
			continue
		}
		switch s.suf {
		case "s":
			if strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is") {
				continue
			}
		case "ed":
			if strings.HasSuffix(base, "e") { // need, speed: not a past tense
				continue
			}
		}
		return base + s.rep
	}
	return w
}

// stopWords are English function words: they carry no topic.
var stopWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a about above after again against all also am an and any are as at
		be because been before being below between both but by can could did do does doing down during
		each few for from further get got had has have having he her here hers herself him himself his how
		i if in into is it its itself just let me more most my myself no nor not now of off on once only or
		other our ours ourselves out over own really same she should so some such than that the their theirs
		them themselves then there these they this those through to too under until up us very was we were
		what when where which while who whom why will with would you your yours yourself yourselves
		next last week today tomorrow yesterday tonight something anything thing things going go gonna want
		need like think know maybe please thanks okay ok yes yeah oh well still soon again one two lot much`) {
		m[w] = true
	}
	return m
}()
