package memory

import (
	"fmt"
	"sort"
	"strings"
)

// Turn is one message of a conversation.
type Turn struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

// Budget is the room a turn's context has: Context (the model's context length) minus
// MaxTokens (kept for the answer), counted by Count, the model's tokenizer.
type Budget struct {
	Context   int
	MaxTokens int
	Count     func(string) int
	// PerMessage is what the chat template adds around each message, in tokens.
	PerMessage int
	// Summarise, when set, turns a dropped turn into one line kept in the system message.
	Summarise func(Turn) string
}

// Assembly is a turn's working memory.
type Assembly struct {
	Messages   []Turn `json:"messages"`
	Used       []Hit  `json:"used"`       // the recalled memories put into the context
	Dropped    int    `json:"dropped"`    // turns left out (summarised ones included)
	Summarised int    `json:"summarised"` // dropped turns kept as a one-line summary
	Tokens     int    `json:"tokens"`     // what Messages count, PerMessage included
}

// Assemble builds a turn's context within b.Context - b.MaxTokens tokens. One system message
// carries, in this order: the system prompt, procedural rules, pinned facts, due reminders
// (marked "[reminder]"), recalled memories, summaries of dropped turns; the conversation's
// turns follow. What is kept when it does not all fit:
//
//  1. always: the system prompt, the rules, the pinned facts, the due reminders and the last
//     turn (the message being answered); if these alone are over budget, ErrOverBudget;
//  2. then recalled memories, best score first, each one that fits (a pinned fact is not
//     repeated);
//  3. then earlier turns, newest first, while they fit; the older ones are dropped, or, with
//     a Summarise function, summarised newest first while the summaries fit.
//
// Every count is of the final text, so the result is never over budget whatever the tokenizer.
func Assemble(b Budget, system string, rules []Item, pinned []Item, notes []string, recalled []Hit, turns []Turn) (Assembly, error) {
	if b.Count == nil {
		return Assembly{}, &FieldError{Field: "count", Msg: "no tokenizer"}
	}
	limit := b.Context - b.MaxTokens
	var sec sections
	sec.system = strings.TrimSpace(system)
	for _, r := range rules {
		sec.rules = append(sec.rules, oneLine(r.Text))
	}
	seen := map[string]bool{}
	for _, p := range pinned {
		sec.pinned = append(sec.pinned, oneLine(p.Text))
		seen[p.ID] = true
	}
	for _, r := range rules {
		seen[r.ID] = true
	}
	for _, n := range notes {
		sec.notes = append(sec.notes, oneLine(n))
	}
	var last []Turn
	if len(turns) > 0 {
		last = turns[len(turns)-1:]
	}
	cost := func(sec *sections, ts []Turn) int {
		n := 0
		if s := sec.render(); s != "" {
			n += b.Count(s) + b.PerMessage
		}
		for _, t := range ts {
			n += b.Count(t.Content) + b.PerMessage
		}
		return n
	}
	if used := cost(&sec, last); used > limit {
		return Assembly{}, fmt.Errorf("%w: the system prompt, %d rules, %d pinned facts, %d reminders and the last turn take %d tokens, the budget is %d (context %d - max_tokens %d)",
			ErrOverBudget, len(rules), len(pinned), len(notes), used, limit, b.Context, b.MaxTokens)
	}
	var a Assembly
	hits := append([]Hit(nil), recalled...)
	sort.SliceStable(hits, func(i, j int) bool { return hits[i].Score > hits[j].Score })
	for _, h := range hits {
		if seen[h.ID] {
			continue
		}
		sec.recalled = append(sec.recalled, oneLine(h.Text))
		if cost(&sec, last) > limit {
			sec.recalled = sec.recalled[:len(sec.recalled)-1]
			continue
		}
		seen[h.ID] = true
		a.Used = append(a.Used, h)
	}
	// Earlier turns, newest first, while they fit; they stay contiguous up to the last turn.
	keep := len(turns) - len(last)
	for keep > 0 && cost(&sec, turns[keep-1:]) <= limit {
		keep--
	}
	a.Dropped = keep
	if b.Summarise != nil {
		// Summaries go in oldest first; they are chosen newest first.
		var lines []string
		for i := keep - 1; i >= 0; i-- {
			line := oneLine(b.Summarise(turns[i]))
			if line == "" {
				continue
			}
			sec.summaries = append([]string{line}, lines...)
			if cost(&sec, turns[keep:]) > limit {
				sec.summaries = lines
				break
			}
			lines = sec.summaries
			a.Summarised++
		}
	}
	if s := sec.render(); s != "" {
		a.Messages = append(a.Messages, Turn{Role: "system", Content: s})
	}
	a.Messages = append(a.Messages, turns[keep:]...)
	a.Tokens = cost(&sec, turns[keep:])
	return a, nil
}

type sections struct {
	system                                    string
	rules, pinned, notes, recalled, summaries []string
}

func (s *sections) render() string {
	var b strings.Builder
	if s.system != "" {
		b.WriteString(s.system)
	}
	part := func(title string, lines []string, mark string) {
		if len(lines) == 0 {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(title)
		for _, l := range lines {
			b.WriteString("\n- ")
			b.WriteString(mark)
			b.WriteString(l)
		}
	}
	part("Rules to follow:", s.rules, "")
	part("Facts about the user:", s.pinned, "")
	part("Reminders due now (mention them):", s.notes, "[reminder] ")
	part("Memories that may be relevant:", s.recalled, "")
	part("Earlier in this conversation:", s.summaries, "")
	return b.String()
}

// oneLine keeps a memory on one line of the system message.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
