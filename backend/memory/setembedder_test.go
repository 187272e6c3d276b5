package memory

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

// safeModel is fakeModel safe for concurrent use.
type safeModel struct {
	mu sync.Mutex
	f  fakeModel
}

func (m *safeModel) Space() string { return m.f.Space() }
func (m *safeModel) Dim() int      { return m.f.Dim() }
func (m *safeModel) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.f.Embed(ctx, texts)
}

// A model loaded while the store runs: SetEmbedder switches the space at once, writes racing
// the switch never file a vector under the wrong space, search keeps finding by the lexical arms
// until Reembed has made every vector, and then by all three.
func TestSetEmbedderWhileWriting(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	for i := range 50 {
		mustAdd(t, s, Item{Text: fmt.Sprintf("note %d about the garden shed and its roof", i)})
	}
	n := 0
	model := &safeModel{f: fakeModel{lex: NewLexical().(lexical), done: &n}}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := range 50 {
			if _, err := s.Add(ctx, Item{Text: fmt.Sprintf("later note %d on the bicycle chain", i)}); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	if err := s.SetEmbedder(ctx, model); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if s.Embedder().Space() != model.Space() {
		t.Fatalf("space %s after the switch", s.Embedder().Space())
	}
	hits, err := s.Search(ctx, "garden shed roof", 3, Filter{})
	if err != nil || len(hits) == 0 || hits[0].Why.Vector != 0 {
		t.Fatalf("before re-embedding: %d hits (%v), vector arm %v: want lexical arms only", len(hits), err, hits)
	}
	done, left, err := s.Reembed(ctx, 16)
	if err != nil || left != 0 {
		t.Fatalf("reembed: done %d, left %d, %v", done, left, err)
	}
	// Every item now has one vector of the model's space, none filed under it from before.
	var wrong int
	if err := s.DB().QueryRowContext(ctx, `SELECT count(*) FROM items WHERE n NOT IN (SELECT item FROM vectors WHERE space = ?)`,
		model.Space()).Scan(&wrong); err != nil || wrong != 0 {
		t.Fatalf("%d items without a vector of the new space (%v)", wrong, err)
	}
	hits, err = s.Search(ctx, "garden shed roof", 3, Filter{})
	if err != nil || len(hits) == 0 || hits[0].Why.Vector == 0 {
		t.Fatalf("after re-embedding: %v (%v): want the vector arm", hits, err)
	}
}
