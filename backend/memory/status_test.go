package memory

import (
	"context"
	"fmt"
	"testing"
)

// Status counts the memories and those still lacking a vector of the current space: all of
// them after a model change, what another process added too, none once Reembed is through.
func TestStatusCountsMissingVectors(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t, Options{})
	for i := range 4 {
		mustAdd(t, s, Item{Text: fmt.Sprintf("note %d about the harbour", i)})
	}
	check := func(when string, count, missing int, space string) {
		t.Helper()
		st, err := s.Status(ctx)
		if err != nil {
			t.Fatalf("%s: %v", when, err)
		}
		if st != (Status{Count: count, Space: space, Missing: missing}) {
			t.Fatalf("%s: status %+v, want %d items, %d missing, space %s", when, st, count, missing, space)
		}
		if m := s.Missing(); m != missing {
			t.Fatalf("%s: Missing() %d, Status %d", when, m, missing)
		}
	}
	check("lexical", 4, 0, NewLexical().Space())

	n := 0
	model := fakeModel{lex: NewLexical().(lexical), done: &n}
	if err := s.SetEmbedder(ctx, model); err != nil {
		t.Fatal(err)
	}
	check("after the model change", 4, 4, model.Space())

	// Another process (the CLI beside a node) adds one with its own, lexical, vector.
	other, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustAdd(t, other, Item{Text: "added by the command line"})
	other.Close()
	check("after another process wrote", 5, 5, model.Space())

	if _, left, err := s.Reembed(ctx, 2); err != nil || left != 0 {
		t.Fatalf("reembed: left %d, %v", left, err)
	}
	check("after reembed", 5, 0, model.Space())
}
