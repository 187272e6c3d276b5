package consolidate

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxValue bounds what a rule takes from a statement: "my name is" followed by a paragraph is
// not a name.
const MaxValue = 80

type rule struct {
	re *regexp.Regexp
	// fact builds the text and slot from the cleaned value (the last group) and all the groups.
	fact func(v string, m []string) (text, slot string)
	// whole keeps the rest of the sentence ("remember that …") instead of the first clause.
	whole bool
}

// rules are tried on each sentence of a user turn; every one that matches gives a fact.
var rules = []rule{
	{re: regexp.MustCompile(`(?i)\bremember\s+that\s+(.+)`), whole: true,
		fact: func(v string, _ []string) (string, string) { return capitalize(thirdPerson(v)), "" }},
	{re: regexp.MustCompile(`(?i)\bmy\s+name\s+is\s+(.+)`),
		fact: func(v string, _ []string) (string, string) { return "The user's name is " + v, "name" }},
	{re: regexp.MustCompile(`(?i)\bcall\s+me\s+(.+)`),
		fact: func(v string, _ []string) (string, string) {
			return "The user likes to be called " + v, "preferred_name"
		}},
	{re: regexp.MustCompile(`(?i)\bi(?:'ve|\s+have)?\s+(?:just\s+|recently\s+|finally\s+)?moved\s+to\s+(.+)`),
		fact: func(v string, _ []string) (string, string) { return "The user lives in " + v, "home" }},
	{re: regexp.MustCompile(`(?i)\bi\s+(?:now\s+|currently\s+)?live\s+in\s+(.+)`),
		fact: func(v string, _ []string) (string, string) { return "The user lives in " + v, "home" }},
	{re: regexp.MustCompile(`(?i)\bi\s+(?:now\s+|currently\s+)?work\s+(?:at|for)\s+(.+)`),
		fact: func(v string, _ []string) (string, string) { return "The user works at " + v, "employer" }},
	{re: regexp.MustCompile(`(?i)\bi\s+(?:now\s+|currently\s+)?work\s+as\s+(.+)`),
		fact: func(v string, _ []string) (string, string) { return "The user works as " + v, "job" }},
	{re: regexp.MustCompile(`(?i)\bi\s+(?:really\s+|much\s+|generally\s+)?prefer\s+(.+)`),
		fact: func(v string, _ []string) (string, string) { return "The user prefers " + v, "" }},
	{re: regexp.MustCompile(`(?i)\bmy\s+favou?rite\s+([a-z][a-z ]{0,30}?)\s+is\s+(.+)`),
		fact: func(v string, m []string) (string, string) {
			what := strings.ToLower(strings.Join(strings.Fields(m[0]), " "))
			return "The user's favourite " + what + " is " + v, "favourite:" + strings.ReplaceAll(what, " ", "_")
		}},
	{re: regexp.MustCompile(`(?i)\bi(?:'m|\s+am)\s+(?:very\s+|severely\s+|also\s+)?allergic\s+to\s+(.+)`),
		fact: func(v string, _ []string) (string, string) { return "The user is allergic to " + v, "" }},
}

var (
	// Words before the statement that make it not a statement of fact about the user.
	hedge = regexp.MustCompile(`(?i)\b(if|when|whether|would|might|maybe|perhaps|could|should|never|not|don't|didn't|doesn't|used to|pretend|imagine|suppose|says?|said|told)\b`)
	// Where a value ends: the first clause.
	clauseEnd = regexp.MustCompile(`(?i)\s*(,|;|:|\(|\s-\s|\s+(and|but|because|since|so|which|who|although|though|while|where)\b)`)
	// Time words after a place: "I moved to Lyon last month".
	trailingTime = regexp.MustCompile(`(?i)\s+(last|this|next)\s+(week|month|year|spring|summer|autumn|fall|winter)$|\s+(yesterday|today|recently|now|lately|a while ago|a few \w+ ago|\d+ \w+ ago|in \d{4}|since \d{4})$`)
	sentenceEnd  = regexp.MustCompile(`[.!?\n]+`)
)

// Rules returns the facts a user turn states explicitly, in third person with their slot:
// "I moved to Lyon" → {Text: "The user lives in Lyon", Slot: "home"}. Questions, hypotheticals
// and reported speech ("if I moved to…", "she said my name is…") give nothing.
func Rules(turn string) []Fact {
	turn = strings.NewReplacer("’", "'", "‘", "'").Replace(turn)
	var out []Fact
	seen := map[string]bool{}
	ends := sentenceEnd.FindAllStringIndex(turn, -1)
	start := 0
	for i := 0; i <= len(ends); i++ {
		end, delim := len(turn), ""
		if i < len(ends) {
			end, delim = ends[i][0], turn[ends[i][0]:ends[i][1]]
		}
		s := strings.TrimSpace(turn[start:end])
		if i < len(ends) {
			start = ends[i][1]
		}
		if s == "" || strings.Contains(delim, "?") {
			continue
		}
		for _, r := range rules {
			loc := r.re.FindStringSubmatchIndex(s)
			if loc == nil || hedge.MatchString(s[:loc[0]]) {
				continue
			}
			m := make([]string, 0, len(loc)/2-1)
			for k := 2; k < len(loc); k += 2 {
				m = append(m, s[loc[k]:loc[k+1]])
			}
			v := m[len(m)-1]
			if !r.whole {
				if c := clauseEnd.FindStringIndex(v); c != nil {
					v = v[:c[0]]
				}
				v = trailingTime.ReplaceAllString(v, "")
			}
			v = strings.Trim(strings.TrimSpace(v), `"'.,;:!`)
			if v == "" || utf8.RuneCountInString(v) > MaxValue && !r.whole || len(v) > MaxFactText {
				continue
			}
			text, slot := r.fact(v, m)
			if seen[text] {
				continue
			}
			seen[text] = true
			out = append(out, Fact{Text: text, Slot: slot})
		}
	}
	return out
}

// SlotOf recovers the slot of a fact text Rules wrote ("The user lives in Paris" → "home"), for
// stores that do not keep slots; "" for anything else.
func SlotOf(text string) string {
	for _, p := range []struct{ prefix, slot string }{
		{"The user's name is ", "name"},
		{"The user likes to be called ", "preferred_name"},
		{"The user lives in ", "home"},
		{"The user works at ", "employer"},
		{"The user works as ", "job"},
	} {
		if strings.HasPrefix(text, p.prefix) {
			return p.slot
		}
	}
	if rest, ok := strings.CutPrefix(text, "The user's favourite "); ok {
		if what, _, ok := strings.Cut(rest, " is "); ok {
			return "favourite:" + strings.ReplaceAll(what, " ", "_")
		}
	}
	return ""
}

// thirdPerson rewrites a first-person clause about the user: "my sister is called Eve" → "the
// user's sister is called Eve", "I have a cat" → "the user has a cat".
func thirdPerson(s string) string {
	ws := strings.Fields(s)
	var out []string
	for i := 0; i < len(ws); i++ {
		w := ws[i]
		core := strings.TrimRight(w, ".,;:!")
		tail := w[len(core):]
		switch strings.ToLower(core) {
		case "i'm":
			out = append(out, "the user is"+tail)
		case "i've":
			out = append(out, "the user has"+tail)
		case "i'd":
			out = append(out, "the user would"+tail)
		case "i'll":
			out = append(out, "the user will"+tail)
		case "my":
			out = append(out, "the user's"+tail)
		case "mine":
			out = append(out, "the user's"+tail)
		case "me", "myself":
			out = append(out, "the user"+tail)
		case "i":
			out = append(out, "the user"+tail)
			if tail == "" && i+1 < len(ws) {
				i++
				out = append(out, thirdVerb(ws[i]))
			}
		default:
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// thirdVerb puts the verb after "I" in the third person singular.
func thirdVerb(w string) string {
	core := strings.TrimRight(w, ".,;:!")
	tail := w[len(core):]
	switch strings.ToLower(core) {
	case "am":
		return "is" + tail
	case "have":
		return "has" + tail
	case "do":
		return "does" + tail
	case "don't":
		return "doesn't" + tail
	case "go":
		return "goes" + tail
	case "was", "can", "can't", "will", "won't", "would", "could", "should", "must", "might", "may",
		"did", "didn't", "had", "also", "never", "always", "usually", "often", "really", "just",
		"still", "only", "sometimes", "rarely":
		return w
	}
	if core == "" || !unicode.IsLower(rune(core[0])) || strings.ContainsAny(core, "'-") {
		return w
	}
	switch {
	case strings.HasSuffix(core, "s"), strings.HasSuffix(core, "sh"), strings.HasSuffix(core, "ch"),
		strings.HasSuffix(core, "x"), strings.HasSuffix(core, "o"):
		return core + "es" + tail
	case len(core) > 1 && strings.HasSuffix(core, "y") && !strings.ContainsRune("aeiou", rune(core[len(core)-2])):
		return core[:len(core)-1] + "ies" + tail
	}
	return core + "s" + tail
}

func capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
