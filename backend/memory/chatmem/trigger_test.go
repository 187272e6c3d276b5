package chatmem

import (
	"context"
	"strings"
	"testing"

	"github.com/aria-node/aria/backend/memory/prospect"
	"github.com/aria-node/aria/inference/chat"
)

// TestTopicTriggerUsesHybridScorer: a chat turn fires a topic intention by the store's hybrid
// scorer. "birthday" is not "birth" to it, while prospect's word-only LexicalScorer lets the
// stem "birth" prefix "birthdai" and fires; a turn that does talk of birth plans fires once, and
// its reminder is in the turn's context.
func TestTopicTriggerUsesHybridScorer(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	const cue, note = "birth plan", "Ask whether the birth plan is written"
	it, err := svc.cfg.Book.Add(ctx, prospect.Intention{Text: note, Cue: cue})
	if err != nil {
		t.Fatal(err)
	}
	plan := func(user string) Plan {
		t.Helper()
		p, err := svc.Plan(ctx, Turn{Conversation: "c", Messages: []chat.Message{{Role: "user", Content: user}}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	const birthday = "the birthday planning for my son is done"
	if (prospect.LexicalScorer{}).Match(ctx, cue, birthday) < prospect.Threshold {
		t.Fatalf("precondition: LexicalScorer should fire %q on %q", cue, birthday)
	}
	if p := plan(birthday); len(p.Fired) != 0 {
		t.Fatalf("%q fired %+v", birthday, p.Fired)
	}
	p := plan("we finally planned the births of both calves")
	if len(p.Fired) != 1 || p.Fired[0].ID != it.ID {
		t.Fatalf("a turn about birth plans fired %+v, want %q", p.Fired, it.ID)
	}
	found := false
	for _, m := range p.Messages {
		found = found || strings.Contains(m.Content, note)
	}
	if !found {
		t.Fatalf("the fired reminder is not in the context: %+v", p.Messages)
	}
	if p := plan("more about the birth plans"); len(p.Fired) != 0 {
		t.Fatalf("fired again: %+v", p.Fired)
	}
}
