package consolidate

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// fakeStore is an in-memory Facts whose Apply is all or nothing; failAt > 0 fails at that op,
// after applying the ones before it to the staged copy.
type fakeStore struct {
	facts  []Fact
	marked map[string]bool
	calls  [][]Op
	failAt int
}

func newFake() *fakeStore { return &fakeStore{marked: map[string]bool{}} }

func (s *fakeStore) Valid(ctx context.Context) ([]Fact, error) {
	var out []Fact
	for _, f := range s.facts {
		if f.ValidTo.IsZero() {
			out = append(out, f)
		}
	}
	return out, nil
}

func (s *fakeStore) Consolidated(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, id := range ids {
		out[id] = s.marked[id]
	}
	return out, nil
}

func (s *fakeStore) Apply(ctx context.Context, ops []Op) error {
	s.calls = append(s.calls, ops)
	facts := append([]Fact(nil), s.facts...)
	marked := map[string]bool{}
	for k, v := range s.marked {
		marked[k] = v
	}
	for i, op := range ops {
		if s.failAt > 0 && i == s.failAt {
			return errors.New("disk full")
		}
		switch op.Kind {
		case OpSupersede:
			found := false
			for j := range facts {
				if facts[j].ID == op.Replaces && facts[j].ValidTo.IsZero() {
					facts[j].ValidTo, found = op.Fact.ValidFrom, true
				}
			}
			if !found {
				return errors.New("no fact " + op.Replaces)
			}
			fallthrough
		case OpAdd:
			facts = append(facts, op.Fact)
		case OpMark:
			for _, id := range op.Episodes {
				marked[id] = true
			}
		}
	}
	s.facts, s.marked = facts, marked
	return nil
}

func (s *fakeStore) texts(validOnly bool) []string {
	var out []string
	for _, f := range s.facts {
		if !validOnly || f.ValidTo.IsZero() {
			out = append(out, f.Text)
		}
	}
	return out
}

var t0 = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

func ep(id, text string, min int) Episode {
	return Episode{ID: id, Role: "user", Text: text, Conversation: "c", Created: t0.Add(time.Duration(min) * time.Minute)}
}

func TestRules(t *testing.T) {
	for _, c := range []struct {
		in   string
		want []Fact
	}{
		{"Hi! My name is Ada Lovelace, nice to meet you.", []Fact{{Text: "The user's name is Ada Lovelace", Slot: "name"}}},
		{"please call me Ada", []Fact{{Text: "The user likes to be called Ada", Slot: "preferred_name"}}},
		{"I moved to Lyon last month and I love it", []Fact{{Text: "The user lives in Lyon", Slot: "home"}}},
		{"I’ve just moved to New York.", []Fact{{Text: "The user lives in New York", Slot: "home"}}},
		{"I live in Paris", []Fact{{Text: "The user lives in Paris", Slot: "home"}}},
		{"I work at Acme Corp as of May", []Fact{{Text: "The user works at Acme Corp as of May", Slot: "employer"}}},
		{"These days I work as a nurse", []Fact{{Text: "The user works as a nurse", Slot: "job"}}},
		{"I prefer short answers", []Fact{{Text: "The user prefers short answers", Slot: ""}}},
		{"My favourite colour is green", []Fact{{Text: "The user's favourite colour is green", Slot: "favourite:colour"}}},
		{"my favorite band is Low", []Fact{{Text: "The user's favourite band is Low", Slot: "favourite:band"}}},
		{"I'm allergic to peanuts, so careful", []Fact{{Text: "The user is allergic to peanuts", Slot: ""}}},
		{"Remember that my sister is called Eve and I have a cat.", []Fact{{Text: "The user's sister is called Eve and the user has a cat", Slot: ""}}},
		{"remember that I like tea", []Fact{{Text: "The user likes tea", Slot: ""}}},
		// Not statements of fact.
		{"Do I live in Paris?", nil},
		{"If I moved to Berlin, would I be happy", nil},
		{"She said my name is Bob", nil},
		{"I used to live in Rome", nil},
		{"I don't work at Google", nil},
		{"What's the weather like?", nil},
	} {
		got := Rules(c.in)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("Rules(%q) = %+v, want %+v", c.in, got, c.want)
		}
	}
	if SlotOf("The user lives in Paris") != "home" || SlotOf("The user's favourite colour is green") != "favourite:colour" || SlotOf("Tea is hot") != "" {
		t.Error("SlotOf")
	}
}

func TestRunRerunChangesNothing(t *testing.T) {
	st := newFake()
	eps := []Episode{ep("e1", "My name is Ada", 0), ep("e2", "I live in Paris", 1),
		{ID: "e3", Role: "assistant", Text: "My name is ARIA and I live in your computer", Created: t0}}
	rep, err := Run(context.Background(), st, eps, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 2 || rep.Episodes != 3 {
		t.Fatalf("report %+v", rep)
	}
	want := []string{"The user's name is Ada", "The user lives in Paris"}
	if got := st.texts(true); !reflect.DeepEqual(got, want) {
		t.Fatalf("facts %q, want %q", got, want)
	}
	for _, f := range st.facts {
		if len(f.Links) != 1 || f.Source != "consolidation" || f.ID == "" {
			t.Fatalf("fact %+v: want one link, source and id", f)
		}
	}
	before := append([]Fact(nil), st.facts...)
	rep, err = Run(context.Background(), st, eps, func(ctx context.Context, e []Episode) (string, error) {
		t.Fatal("the model was asked about consolidated episodes")
		return "", nil
	})
	if err != nil || rep.Added != 0 || rep.Skipped != 3 || len(st.calls) != 1 {
		t.Fatalf("rerun: %+v, %v, %d Apply calls", rep, err, len(st.calls))
	}
	if !reflect.DeepEqual(before, st.facts) {
		t.Fatal("rerun changed the facts")
	}
}

func TestContradictionSupersedes(t *testing.T) {
	st := newFake()
	ctx := context.Background()
	if _, err := Run(ctx, st, []Episode{ep("e1", "I live in Paris", 0)}, nil); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, st, []Episode{ep("e2", "Big news: I moved to Lyon", 60)}, nil)
	if err != nil || rep.Superseded != 1 {
		t.Fatalf("%+v %v", rep, err)
	}
	if got := st.texts(true); !reflect.DeepEqual(got, []string{"The user lives in Lyon"}) {
		t.Fatalf("valid facts %q", got)
	}
	if got := st.texts(false); len(got) != 2 || st.facts[0].ValidTo.IsZero() {
		t.Fatalf("old fact must be closed, not deleted: %+v", st.facts)
	}
	// In one run, in order: the later statement wins and the earlier stays as history.
	st2 := newFake()
	if _, err := Run(ctx, st2, []Episode{ep("b", "I moved to Oslo", 5), ep("a", "I live in Rome", 1)}, nil); err != nil {
		t.Fatal(err)
	}
	if got := st2.texts(true); !reflect.DeepEqual(got, []string{"The user lives in Oslo"}) {
		t.Fatalf("one run: valid %q", got)
	}
	// An older statement consolidated late does not overwrite a newer fact.
	if _, err := Run(ctx, st, []Episode{ep("old", "I live in Nice", -30)}, nil); err != nil {
		t.Fatal(err)
	}
	if got := st.texts(true); !reflect.DeepEqual(got, []string{"The user lives in Lyon"}) {
		t.Fatalf("after an older statement: %q", got)
	}
}

func TestModelProposal(t *testing.T) {
	st := newFake()
	ctx := context.Background()
	if _, err := Run(ctx, st, []Episode{ep("e1", "I live in Paris", 0)}, nil); err != nil {
		t.Fatal(err)
	}
	paris := st.facts[0].ID
	model := func(out string) Propose {
		return func(ctx context.Context, e []Episode) (string, error) { return out, nil }
	}
	good := "```json\n" + `{"facts": [{"op": "add", "text": "The user has a dog named Rex", "slot": "pet"},
		{"op": "update", "replaces": "` + paris + `", "text": "The user lives in Lyon", "slot": "home"}, {"op": "none"}]}` + "\n```"
	rep, err := Run(ctx, st, []Episode{ep("e2", "we just got a dog, Rex, in our new Lyon flat", 5)}, model(good))
	if err != nil || rep.FromModel != 2 || rep.Superseded != 1 || rep.ModelError != "" {
		t.Fatalf("%+v %v", rep, err)
	}
	if got := st.texts(true); !reflect.DeepEqual(got, []string{"The user has a dog named Rex", "The user lives in Lyon"}) {
		t.Fatalf("valid %q", got)
	}
}

func TestGarbageModelAddsNothing(t *testing.T) {
	long := strings.Repeat("x", MaxFactText+1)
	existing := []Fact{{ID: "f1", Text: "The user lives in Paris"}}
	for _, g := range []string{
		"", "I think the user likes cats", "{", `{}`, `{"facts": null}`, `[{"op": "add", "text": "x"}]`,
		`{"facts": [{"op": "add", "text": ""}]}`,
		`{"facts": [{"op": "add", "text": "` + long + `"}]}`,
		`{"facts": [{"op": "add", "text": 42}]}`,
		`{"facts": [{"op": "update", "replaces": "nope", "text": "The user lives in Rome"}]}`,
		`{"facts": [{"op": "delete", "replaces": "f1"}]}`,
		`{"facts": [{"op": "merge", "text": "a"}]}`,
		`{"facts": [{"op": "add", "text": "ok", "confidence": 0.9}]}`,
		`{"facts": [{"op": "add", "text": "The user likes cats"}]} and also`,
		`{"facts": [{"op": "add", "text": "The user likes cats", "slot": "Pets!"}]}`,
		`{"facts": [{"op": "update", "replaces": "f1", "text": "a b"}, {"op": "update", "replaces": "f1", "text": "c d"}]}`,
	} {
		ops, err := FromModel(g, existing)
		if err == nil || ops != nil {
			t.Errorf("FromModel(%.60q) = %v, %v; want no ops and an error", g, ops, err)
		}
	}
	st := newFake()
	rep, err := Run(context.Background(), st, []Episode{ep("e1", "we talked about the weather", 0)},
		func(ctx context.Context, e []Episode) (string, error) {
			return `{"facts": [{"op": "add", "text": 7}]}`, nil
		})
	if err != nil || rep.ModelError == "" || rep.Added != 0 || len(st.facts) != 0 {
		t.Fatalf("garbage model: %+v %v facts %v", rep, err, st.facts)
	}
	if !st.marked["e1"] {
		t.Fatal("episode not marked: the garbage would be asked for again")
	}
}

func TestApplyFailsHalfway(t *testing.T) {
	ctx := context.Background()
	eps := []Episode{ep("e1", "My name is Ada", 0), ep("e2", "I live in Paris", 1), ep("e3", "I moved to Lyon", 2),
		ep("e4", "I'm allergic to cats", 3)}
	st := newFake()
	st.failAt = 2
	rep, err := Run(ctx, st, eps, nil)
	if err == nil || rep.Added != 0 || len(rep.Ops) != 0 {
		t.Fatalf("failed Apply reported %+v, %v", rep, err)
	}
	if len(st.calls) != 1 {
		t.Fatalf("%d Apply calls: a run must be one transaction", len(st.calls))
	}
	ops := st.calls[0]
	if ops[len(ops)-1].Kind != OpMark || len(ops[len(ops)-1].Episodes) != 4 {
		t.Fatalf("the mark must be the last op of the same Apply: %+v", ops[len(ops)-1])
	}
	if len(st.facts) != 0 || len(st.marked) != 0 {
		t.Fatalf("half applied: %v %v", st.facts, st.marked)
	}
	// The retry does the whole run, the same as a run that never failed.
	st.failAt = 0
	rep, err = Run(ctx, st, eps, nil)
	clean := newFake()
	rep2, _ := Run(ctx, clean, eps, nil)
	if err != nil || !reflect.DeepEqual(st.facts, clean.facts) || rep.Added != rep2.Added || rep.Added != 4 {
		t.Fatalf("retry %+v %v; facts %v, clean %v", rep, err, st.texts(false), clean.texts(false))
	}
}
