package memory

import (
	"errors"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// bytesTokens is a tokenizer stand-in that is not additive: a concatenation may count less
// than its parts, as a real BPE tokenizer's does.
func bytesTokens(s string) int { return (len(s) + 3) / 4 }

func randText(r *rand.Rand, tag string) string {
	n := 1 + r.Intn(30)
	ws := make([]string, n)
	for i := range ws {
		ws[i] = fmt.Sprintf("w%d", r.Intn(1000))
	}
	return tag + " " + strings.Join(ws, " ")
}

// TestAssembleNeverOverBudget: over many random cases, the context is never over budget, the
// rules, pinned facts, reminders and last turn are always in it, and when they alone cannot
// fit the error says so.
func TestAssembleNeverOverBudget(t *testing.T) {
	r := rand.New(rand.NewSource(14))
	fits, errs := 0, 0
	for c := 0; c < 3000; c++ {
		b := Budget{Context: r.Intn(1200), MaxTokens: r.Intn(200), Count: bytesTokens, PerMessage: r.Intn(5)}
		if r.Intn(2) == 0 {
			b.Summarise = func(t Turn) string { return t.Role + ": " + t.Content[:min(len(t.Content), 20)] }
		}
		var rules, pinned []Item
		var notes []string
		var recalled []Hit
		var turns []Turn
		for i := r.Intn(3); i > 0; i-- {
			rules = append(rules, Item{ID: fmt.Sprintf("r%d", i), Text: randText(r, fmt.Sprintf("RULE%d", i))})
		}
		for i := r.Intn(3); i > 0; i-- {
			pinned = append(pinned, Item{ID: fmt.Sprintf("p%d", i), Text: randText(r, fmt.Sprintf("PIN%d", i))})
		}
		for i := r.Intn(3); i > 0; i-- {
			notes = append(notes, randText(r, fmt.Sprintf("NOTE%d", i)))
		}
		for i := r.Intn(10); i > 0; i-- {
			recalled = append(recalled, Hit{Item: Item{ID: fmt.Sprintf("h%d", i), Text: randText(r, "HIT")}, Score: r.Float64()})
		}
		if len(pinned) > 0 && r.Intn(2) == 0 { // a pinned fact also recalled
			recalled = append(recalled, Hit{Item: pinned[0], Score: 2})
		}
		for i := r.Intn(20); i >= 0; i-- {
			turns = append(turns, Turn{Role: []string{"user", "assistant"}[i%2], Content: randText(r, fmt.Sprintf("TURN%d", i))})
		}
		sys := randText(r, "SYSTEM")
		a, err := Assemble(b, sys, rules, pinned, notes, recalled, turns)
		limit := b.Context - b.MaxTokens
		if err != nil {
			if !errors.Is(err, ErrOverBudget) {
				t.Fatalf("case %d: %v", c, err)
			}
			// Check the claim: the mandatory part alone is over budget.
			mand := sections{system: sys}
			for _, x := range rules {
				mand.rules = append(mand.rules, x.Text)
			}
			for _, x := range pinned {
				mand.pinned = append(mand.pinned, x.Text)
			}
			mand.notes = notes
			need := bytesTokens(mand.render()) + b.PerMessage + bytesTokens(turns[len(turns)-1].Content) + b.PerMessage
			if need <= limit {
				t.Fatalf("case %d: ErrOverBudget but the mandatory part takes %d of %d", c, need, limit)
			}
			errs++
			continue
		}
		fits++
		total := 0
		for _, m := range a.Messages {
			total += bytesTokens(m.Content) + b.PerMessage
		}
		if total > limit || a.Tokens != total {
			t.Fatalf("case %d: %d tokens (reported %d), budget %d", c, total, a.Tokens, limit)
		}
		sysMsg := a.Messages[0].Content
		for _, x := range append(append([]Item{}, rules...), pinned...) {
			if !strings.Contains(sysMsg, x.Text) {
				t.Fatalf("case %d: %q missing", c, x.Text)
			}
		}
		for _, n := range notes {
			if !strings.Contains(sysMsg, "[reminder] "+n) {
				t.Fatalf("case %d: reminder %q missing", c, n)
			}
		}
		if got := a.Messages[len(a.Messages)-1]; got != turns[len(turns)-1] {
			t.Fatalf("case %d: last turn %q missing", c, turns[len(turns)-1].Content)
		}
		if kept := len(a.Messages) - 1; kept+a.Dropped != len(turns) || a.Summarised > a.Dropped {
			t.Fatalf("case %d: %d turns kept, %d dropped, %d summarised, of %d", c, kept, a.Dropped, a.Summarised, len(turns))
		}
		for _, h := range a.Used {
			if strings.HasPrefix(h.ID, "p") {
				t.Fatalf("case %d: pinned fact repeated as a recalled memory", c)
			}
		}
		if len(pinned) > 0 && strings.Count(sysMsg, pinned[0].Text) != 1 {
			t.Fatalf("case %d: a pinned fact appears %d times", c, strings.Count(sysMsg, pinned[0].Text))
		}
	}
	if fits < 1000 || errs < 100 {
		t.Errorf("generator covers too little: %d fitting cases, %d over budget", fits, errs)
	}
}

func TestAssembleOrder(t *testing.T) {
	words := func(s string) int { return len(strings.Fields(s)) }
	turns := []Turn{{"user", "one two three four five"}, {"assistant", "six seven eight"}, {"user", "what now"}}
	hits := []Hit{
		{Item: Item{ID: "a", Text: "low score memory"}, Score: 0.1},
		{Item: Item{ID: "b", Text: "high score memory"}, Score: 0.9},
	}
	a, err := Assemble(Budget{Context: 100, MaxTokens: 10, Count: words}, "Be brief.", nil, nil, []string{"call mum"}, hits, turns)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Messages) != 4 || a.Dropped != 0 || len(a.Used) != 2 || a.Used[0].ID != "b" {
		t.Fatalf("roomy budget: %+v", a)
	}
	want := "Be brief.\n\nReminders due now (mention them):\n- [reminder] call mum\n\nMemories that may be relevant:\n- high score memory\n- low score memory"
	if a.Messages[0].Content != want {
		t.Errorf("system message:\n%s\nwant:\n%s", a.Messages[0].Content, want)
	}
	// Room for the system message and the last two turns only: the oldest turn goes.
	a, err = Assemble(Budget{Context: 30, MaxTokens: 0, Count: words}, "Be brief.", nil, nil, []string{"call mum"}, hits, turns)
	if err != nil {
		t.Fatal(err)
	}
	if a.Dropped != 1 || a.Messages[1].Content != "six seven eight" || a.Tokens > 30 {
		t.Errorf("tight budget: %+v", a)
	}
	_, err = Assemble(Budget{Context: 5, Count: words}, "Be brief and always answer in French please.", nil, nil, nil, nil, turns)
	if !errors.Is(err, ErrOverBudget) || !strings.Contains(err.Error(), "budget is 5") {
		t.Errorf("over budget: %v", err)
	}
}
