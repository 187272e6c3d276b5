package memory

import (
	"context"
	"encoding/json"
	"testing"
)

func TestEvalSetShape(t *testing.T) {
	items, qs := EvalSet(14, 520, 50)
	if len(items) < 500 || len(qs) < 200 {
		t.Fatalf("%d memories, %d queries", len(items), len(qs))
	}
	for _, l := range formsOf(evalVerbs, false) {
		if len(l) != 4 {
			t.Errorf("verb forms %v: a form does not share the stem", l)
		}
	}
	for _, l := range formsOf(evalNouns, true) {
		if g := newSynonyms().group(Stem(l[0])); g != newSynonyms().group(Stem(l[len(l)-1])) {
			t.Errorf("noun %v: the synonym is not in the table", l)
		}
	}
}

// TestEvalGoals checks the goals on the labelled set: recall@5 ≥ 0.95 on exact,
// inflected, typo and partial queries, and fused MRR above each arm alone.
func TestEvalGoals(t *testing.T) {
	s, _ := openTest(t, Options{})
	rep, err := Eval(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	t.Logf("%s", b)
	for _, typ := range []string{QExact, QInflected, QTypo, QPartial} {
		if r := rep.Type(typ).RecallAt5.Fused; r < 0.95 {
			t.Errorf("%s: recall@5 %.3f, want ≥ 0.95", typ, r)
		}
	}
	m := rep.MRR
	if m.Fused <= m.BM25 || m.Fused <= m.Trigram || m.Fused <= m.Vector {
		t.Errorf("fused MRR %.3f not above every arm: bm25 %.3f, trigram %.3f, vector %.3f", m.Fused, m.BM25, m.Trigram, m.Vector)
	}
	if _, err := Eval(context.Background(), s); err == nil {
		t.Error("eval ran on a store that is not empty")
	}
}
