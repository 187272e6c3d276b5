package inference_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// split runs layers as consecutive stages, as a pipeline of several nodes does.
type split []*inference.Stage

func (s split) Forward(ctx context.Context, x []float32) error {
	for _, st := range s {
		if err := st.Forward(ctx, x); err != nil {
			return err
		}
	}
	return nil
}
func (s split) Truncate(pos int) {
	for _, st := range s {
		st.Truncate(pos)
	}
}
func (s split) Context() int      { return s[0].Context() }
func (s split) CacheBytes() int64 { return 0 }

// A pipeline relies on two properties: layers cut into ranges give the same bits as all layers
// at once, and a prompt fed as one batch leaves the same cache as one token at a time (a
// replacement hop rebuilds its cache from the whole history in one batch).
func TestStagesAndBatchesGiveIdenticalLogits(t *testing.T) {
	path := tinyModel(t)
	e, err := inference.Load(path, inference.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	toks := e.Tokenize("The quick brown fox jumps over the lazy dog, again and again.")
	record := func(s *inference.Session, batch int) [][]float32 {
		var out [][]float32
		for i := 0; i < len(toks); i += batch {
			end := min(i+batch, len(toks))
			if _, err := s.Eval(ctx, toks[i:end], func(_ int, l []float32) error {
				out = append(out, append([]float32(nil), l...))
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	whole, err := e.NewSession(128, model.CacheF16)
	if err != nil {
		t.Fatal(err)
	}
	want := record(whole, len(toks))
	n := e.Model.HP.NLayer
	var stages split
	for _, r := range [][2]int{{0, 1}, {1, n - 1}, {n - 1, n}} {
		st, err := e.NewStage(128, r[0], r[1], model.CacheF16, nil)
		if err != nil {
			t.Fatal(err)
		}
		stages = append(stages, st)
	}
	for _, c := range []struct {
		name  string
		s     *inference.Session
		batch int
	}{
		{"one token at a time", mustSession(t, e), 1},
		{"batches of 5", mustSession(t, e), 5},
		{"three stages", e.NewSessionWith(stages), 3},
	} {
		got := record(c.s, c.batch)
		for i := range want {
			for j := range want[i] {
				if got[i][j] != want[i][j] {
					t.Fatalf("%s: token %d logit %d = %v, whole batch gave %v", c.name, i, j, got[i][j], want[i][j])
				}
			}
		}
	}
}

func mustSession(t *testing.T, e *inference.Engine) *inference.Session {
	s, err := e.NewSession(128, model.CacheF16)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Engines that each load one range of layers produce, chained, the logits of the whole model,
// and hold only their range's weights.
func TestPartialEngines(t *testing.T) {
	path := tinyModel(t)
	ctx := context.Background()
	full, err := inference.Load(path, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer full.Close()
	n := full.Model.HP.NLayer
	var stages split
	var parts int64
	for _, r := range [][2]int{{0, 1}, {1, n}} {
		e, err := inference.Load(path, inference.Options{Threads: 1, LayerRange: r})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		if _, err := e.NewSession(16, model.CacheF16); !errors.Is(err, inference.ErrPartial) {
			t.Fatalf("a session on a partial engine: %v, want ErrPartial", err)
		}
		if _, err := e.NewStage(16, 0, n, model.CacheF16, nil); err == nil {
			t.Fatal("a stage outside the loaded layers was allowed")
		}
		st, err := e.NewStage(128, r[0], r[1], model.CacheF16, nil)
		if err != nil {
			t.Fatal(err)
		}
		stages = append(stages, st)
		parts += e.Model.WeightBytes()
	}
	if parts >= full.Model.WeightBytes() {
		t.Fatalf("partial engines hold %d bytes of weights together, the full one %d", parts, full.Model.WeightBytes())
	}
	toks := full.Tokenize("Split me across machines, please.")
	want, err := mustSession(t, full).Eval(ctx, toks, nil)
	if err != nil {
		t.Fatal(err)
	}
	want = append([]float32(nil), want...)
	got, err := full.NewSessionWith(stages).Eval(ctx, toks, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("logit %d: partial engines %v, whole model %v", i, got[i], want[i])
		}
	}
	if _, err := inference.Load(path, inference.Options{LayerRange: [2]int{2, 99}}); err == nil {
		t.Fatal("a range past the last layer was accepted")
	}
}
