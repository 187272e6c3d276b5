package chatmem

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/prospect"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// newService opens a memory.db in a temporary directory with a Service over it.
func newService(t *testing.T) (*Service, *memory.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := memory.Open(ctx, filepath.Join(t.TempDir(), "memory.db"), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	book, err := prospect.Open(ctx, st.DB(), nil)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(ctx, Config{Store: st, Book: book, Context: func() int { return 2048 },
		Count: func(s string) (int, error) { return len(strings.Fields(s)) + 1, nil }})
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}

// keep stores one chat turn and its answer, as a memory chat does.
func keep(t *testing.T, svc *Service, conversation, user, answer string) {
	t.Helper()
	turn := Turn{Conversation: conversation, Messages: []chat.Message{{Role: "user", Content: user}}}
	if err := svc.Keep(context.Background(), turn, answer); err != nil {
		t.Fatal(err)
	}
}

// facts lists every semantic fact, closed ones included, as "text|open" or "text|closed".
func factTexts(t *testing.T, st *memory.Store) []string {
	t.Helper()
	items, err := st.List(context.Background(), memory.Filter{Kind: memory.Semantic, IncludeClosed: true})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, it := range items {
		state := "open"
		if it.Closed() {
			state = "closed"
		}
		out = append(out, it.ID+"|"+it.Text+"|"+state)
	}
	slices.Sort(out)
	return out
}

// recorder is a Generate that answers with answer(prompt) and records what it was asked.
type recorder struct {
	reqs   []inference.Request
	answer func(prompt string) string
}

func (r *recorder) gen(_ context.Context, req inference.Request) (inference.Result, error) {
	r.reqs = append(r.reqs, req)
	return inference.Result{Text: r.answer(req.Messages[len(req.Messages)-1].Content)}, nil
}

// The model sees the episodes and the facts in a greedy, bounded request, even the episodes the
// rules consolidated when they were kept; its valid proposal is applied once, and a rerun asks
// nothing and changes nothing.
func TestConsolidateIdleRerunChangesNothing(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	keep(t, svc, "c1", "My name is Ada. I have a dog called Rex.", "Nice to meet you, Ada.")
	r := &recorder{answer: func(string) string {
		return "```json\n{\"facts\": [{\"op\": \"add\", \"text\": \"The user has a dog called Rex\", \"slot\": \"pet\"}, {\"op\": \"none\"}]}\n```"
	}}
	rep, err := svc.ConsolidateIdle(ctx, ModelPropose(st, r.gen))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.reqs) != 1 {
		t.Fatalf("the model was asked %d times, want once", len(r.reqs))
	}
	req := r.reqs[0]
	prompt := req.Messages[1].Content
	if req.MaxTokens != ProposeTokens || req.Sampling.Temperature > 0 || !strings.Contains(req.Messages[0].Content, `"facts"`) {
		t.Fatalf("request: max_tokens %d, temperature %v, system %q", req.MaxTokens, req.Sampling.Temperature, req.Messages[0].Content)
	}
	for _, want := range []string{"user: My name is Ada. I have a dog called Rex.", "assistant: Nice to meet you, Ada.", "The user's name is Ada"} {
		if !strings.Contains(prompt, want) {
			t.Fatalf("the prompt lacks %q:\n%s", want, prompt)
		}
	}
	if rep.Episodes != 2 || rep.FromModel != 1 || rep.Added != 1 || rep.ModelError != "" {
		t.Fatalf("first run: %+v", rep)
	}
	before := factTexts(t, st)
	if len(before) != 2 {
		t.Fatalf("facts after the first run: %q", before)
	}
	rep, err = svc.ConsolidateIdle(ctx, ModelPropose(st, r.gen))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Episodes != 0 || rep.Added != 0 || len(r.reqs) != 1 {
		t.Fatalf("rerun: %+v after %d requests", rep, len(r.reqs))
	}
	if after := factTexts(t, st); !slices.Equal(after, before) {
		t.Fatalf("rerun changed the facts: %q, was %q", after, before)
	}
	// The CLI's one-shot run of the model's pass agrees: nothing is left.
	if rep, err := Consolidate(ctx, st, ModelPropose(st, r.gen)); err != nil || rep.Episodes != 0 || len(r.reqs) != 1 {
		t.Fatalf("Consolidate after ConsolidateIdle: %+v, %v", rep, err)
	}
}

// A proposal that updates a known fact closes it and adds the new one; the old one stays, closed.
func TestConsolidateIdleContradictionSupersedes(t *testing.T) {
	ctx := context.Background()
	svc, st := newService(t)
	keep(t, svc, "c1", "I live in Paris.", "Paris is lovely.")
	if _, err := svc.ConsolidateIdle(ctx, ModelPropose(st, (&recorder{answer: func(string) string { return `{"facts":[]}` }}).gen)); err != nil {
		t.Fatal(err)
	}
	keep(t, svc, "c2", "These days my home is a flat in Lyon.", "Lyon has good food.")
	known := regexp.MustCompile(`\[([^\]]+)\] The user lives in Paris`)
	r := &recorder{answer: func(prompt string) string {
		m := known.FindStringSubmatch(prompt)
		if m == nil {
			return `{"facts":[{"op":"none"}]}`
		}
		return fmt.Sprintf(`{"facts":[{"op":"update","replaces":%q,"text":"The user lives in Lyon","slot":"home"}]}`, m[1])
	}}
	rep, err := svc.ConsolidateIdle(ctx, ModelPropose(st, r.gen))
	if err != nil {
		t.Fatal(err)
	}
	if rep.Superseded != 1 || rep.FromModel != 1 || rep.ModelError != "" {
		t.Fatalf("report %+v (prompt %q)", rep, r.reqs[0].Messages[1].Content)
	}
	items, err := st.List(ctx, memory.Filter{Kind: memory.Semantic, IncludeClosed: true})
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]bool{}
	for _, it := range items {
		state[it.Text] = !it.Closed()
	}
	if open, ok := state["The user lives in Paris"]; !ok || open {
		t.Fatalf("Paris: present %v, open %v; want closed", ok, open)
	}
	if !state["The user lives in Lyon"] || len(state) != 2 {
		t.Fatalf("facts %v, want Paris closed and Lyon open", state)
	}
}

// A real model that emits garbage (the synthetic model's greedy text) adds nothing: the
// proposal fails validation and the facts stay as they were.
func TestConsolidateIdleGarbageModelAddsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a model")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	path := filepath.Join(t.TempDir(), "m.gguf")
	sh := synth.Shapes["tiny"]
	sh.NLayer = 2
	if err := synth.Write(path, synth.Options{Shape: sh, Type: gguf.TypeTQ2_0, Seed: 14}); err != nil {
		t.Fatal(err)
	}
	sched := scheduler.New(scheduler.Config{Threads: 1, Context: 2048}, nil)
	defer sched.Close()
	if _, err := sched.Load(ctx, path); err != nil {
		t.Fatal(err)
	}
	svc, st := newService(t)
	keep(t, svc, "c1", "My name is Ada.", "Hello Ada.")
	keep(t, svc, "c1", "I moved to Lyon last month and I work at Acme.", "Congratulations.")
	before := factTexts(t, st)
	var emitted []string
	gen := func(ctx context.Context, req inference.Request) (inference.Result, error) {
		res, err := sched.Generate(ctx, scheduler.NewID("test-"), req, nil)
		emitted = append(emitted, res.Text)
		return res, err
	}
	rep, err := svc.ConsolidateIdle(ctx, ModelPropose(st, gen))
	if err != nil {
		t.Fatal(err)
	}
	if len(emitted) != 1 || strings.TrimSpace(emitted[0]) == "" {
		t.Fatalf("the model emitted %q: the test needs some text to refuse", emitted)
	}
	if rep.Episodes != 4 || rep.FromModel != 0 || rep.Added != 0 || rep.ModelError == "" {
		t.Fatalf("report %+v for the model's %.200q", rep, emitted[0])
	}
	if after := factTexts(t, st); !slices.Equal(after, before) {
		t.Fatalf("a garbage proposal changed the facts: %q, was %q", after, before)
	}
}
