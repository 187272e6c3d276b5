package memory

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"testing"
)

// fakeModel is an embedder of another space that can be made to fail after some texts, as a
// node whose model is unloaded (or killed) mid-run.
type fakeModel struct {
	lex      lexical
	failFrom int // fail once this many texts were embedded; 0: never
	done     *int
}

func (f fakeModel) Space() string { return "model/test/64" }
func (f fakeModel) Dim() int      { return 64 }
func (f fakeModel) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	for i, t := range texts {
		if f.failFrom > 0 && *f.done >= f.failFrom {
			return nil, errors.New("model unloaded")
		}
		v := f.lex.embed(t)[:64]
		w := append([]float32(nil), v...)
		normalize(w)
		out[i] = w
		*f.done++
	}
	return out, nil
}

func TestReembedAfterEmbedderChange(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "memory.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 30; i++ {
		mustAdd(t, s, Item{Text: fmt.Sprintf("memory %d about the %s", i, []string{"harbour", "violin", "orchard"}[i%3])})
	}
	s.Close()

	// A new embedder: its space has no vectors, so search runs on the lexical arms only.
	n := 0
	s, err = Open(ctx, path, Options{Embedder: fakeModel{lex: NewLexical().(lexical), failFrom: 16, done: &n}})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := s.Search(ctx, "violin", 3, Filter{})
	if err != nil || len(hits) == 0 {
		t.Fatalf("lexical search during re-embedding: %v %v", hits, err)
	}
	for _, h := range hits {
		if _, ok := h.Why.Ranks[ArmVector]; ok {
			t.Errorf("vector arm ran before re-embedding finished: %+v", h.Why)
		}
	}
	done, left, err := s.Reembed(ctx, 8)
	if err == nil || done != 16 || left != 14 {
		t.Fatalf("interrupted reembed: done %d left %d err %v; want 16, 14 and an error", done, left, err)
	}
	hits, _ = s.Search(ctx, "violin", 3, Filter{})
	if _, ok := hits[0].Why.Ranks[ArmVector]; ok {
		t.Error("vector arm ran with 14 items still lacking vectors")
	}
	s.Close()

	// After a restart it resumes with what is missing only.
	n = 0
	s, err = Open(ctx, path, Options{Embedder: fakeModel{lex: NewLexical().(lexical), done: &n}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	done, left, err = s.Reembed(ctx, 8)
	if err != nil || done != 14 || left != 0 || n != 14 {
		t.Fatalf("resumed reembed: done %d left %d embedded %d err %v", done, left, n, err)
	}
	hits, _ = s.Search(ctx, "memory 7 about the violin", 1, Filter{})
	if len(hits) != 1 || hits[0].Why.Ranks[ArmVector] == 0 {
		t.Errorf("after reembed: %+v, want the vector arm to take part", hits)
	}
	var spaces int
	s.DB().QueryRowContext(ctx, "SELECT count(DISTINCT space) FROM vectors").Scan(&spaces)
	if spaces != 2 {
		t.Errorf("%d vector spaces stored, want both (the lexical one is kept for a node without the model)", spaces)
	}
	// A cancelled run stops at once and says how much is left.
	mustAdd(t, s, Item{Text: "added while the model was loaded"})
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, _, err := s.Reembed(cctx, 8); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled reembed: %v", err)
	}
}

func TestAddWithoutModelFallsBackToLexicalArms(t *testing.T) {
	ctx := context.Background()
	n := 0
	s, _ := openTest(t, Options{Embedder: fakeModel{lex: NewLexical().(lexical), failFrom: 1, done: &n}})
	a := mustAdd(t, s, Item{Text: "the spare key is under the blue flowerpot"})
	hits, err := s.Search(ctx, "where is the spare key", 1, Filter{})
	if err != nil || len(hits) != 1 || hits[0].ID != a.ID {
		t.Fatalf("%+v %v", hits, err)
	}
	if _, ok := hits[0].Why.Ranks[ArmVector]; ok {
		t.Error("vector arm ran for an item with no vector")
	}
}
