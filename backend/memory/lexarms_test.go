package memory

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// fill stores items through addMany (fast enough for thousands).
func fill(t *testing.T, s *Store, items []Item) {
	t.Helper()
	now := s.now()
	for i := range items {
		if err := normalise(&items[i], now.Add(-time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
		items[i].ID = fmt.Sprintf("t%05d", i)
	}
	if err := s.addMany(context.Background(), items, nil); err != nil {
		t.Fatal(err)
	}
}

// TestSearchCommonTerms: past 1,000 memories rows are not looked up by a word or trigram that
// more than a tenth of them hold; the rare ones find the memory, the common ones still count,
// and a query of common words only still finds memories.
func TestSearchCommonTerms(t *testing.T) {
	s, _ := openTest(t, Options{})
	ctx := context.Background()
	var items []Item
	for i := 0; i < 1500; i++ {
		items = append(items, Item{Text: fmt.Sprintf("Note: reading %d pages of the weather report in Leeds.", i)})
	}
	items = append(items,
		Item{Text: "Note: the zebra crossing near the station was repainted."},
		Item{Text: "The zebra at the zoo had a cold."})
	fill(t, s, items)
	st, err := s.lexStats(ctx, []string{"note", "zebra", "zebar"}, true)
	if err != nil || st.rows < 1500 || st.commonAt() == 0 || !st.known["note"] || !st.known["zebra"] || st.known["zebar"] {
		t.Fatalf("stats %+v, %v", st, err)
	}
	hits, err := s.Search(ctx, "note zebra", 5, Filter{})
	if err != nil || len(hits) < 2 || hits[0].ID != items[1500].ID || hits[1].ID != items[1501].ID {
		t.Fatalf("note zebra: %v %v", ids(hits), err)
	}
	if hits[0].Why.Ranks[ArmBM25] != 1 || hits[0].Why.BM25 <= hits[1].Why.BM25 {
		t.Errorf("note zebra: the memory holding both words ranks %d with %.3f, the other %.3f", hits[0].Why.Ranks[ArmBM25], hits[0].Why.BM25, hits[1].Why.BM25)
	}
	if hits, err := s.Search(ctx, "note weather", 5, Filter{}); err != nil || len(hits) != 5 || hits[0].Why.Ranks[ArmBM25] == 0 {
		t.Errorf("common words only: %v %v", ids(hits), err)
	}
	hits, err = s.Search(ctx, "zebar crosing", 5, Filter{})
	if err != nil || len(hits) == 0 || hits[0].ID != items[1500].ID || hits[0].Why.Ranks[ArmTrigram] != 1 {
		t.Errorf("typos: %v %v", ids(hits), err)
	}
	// "ing" and "rea" are in every memory: the typo's other trigrams find it.
	hits, err = s.Search(ctx, "reapainted", 5, Filter{})
	if err != nil || len(hits) == 0 || hits[0].ID != items[1500].ID {
		t.Errorf("typo with common trigrams: %v %v", ids(hits), err)
	}
}

// TestSearchFilters: a kind or conversation filter holds on every arm, and the memories it
// accepts are found among many it does not.
func TestSearchFilters(t *testing.T) {
	s, _ := openTest(t, Options{})
	ctx := context.Background()
	var items []Item
	for i := 0; i < 300; i++ {
		items = append(items, Item{Text: fmt.Sprintf("Maria repaired the bicycle %d times.", i), Kind: Episodic, Conversation: "c1"})
	}
	items = append(items,
		Item{Text: "Always repair a bicycle tyre with a patch.", Kind: Procedural, Conversation: "c2"},
		Item{Text: "Tom repaired the bicycle in Porto.", Kind: Semantic, Conversation: "c2"})
	fill(t, s, items)
	for _, q := range []string{"repair bicycle", "repiar bicylce"} {
		hits, err := s.Search(ctx, q, 5, Filter{Kind: Procedural})
		if err != nil || len(hits) != 1 || hits[0].ID != items[300].ID {
			t.Errorf("%s, procedural: %v %v", q, ids(hits), err)
		}
		hits, err = s.Search(ctx, q, 5, Filter{Conversation: "c2"})
		if err != nil || len(hits) != 2 {
			t.Errorf("%s, conversation c2: %v %v", q, ids(hits), err)
		}
		for _, h := range hits {
			if h.Conversation != "c2" {
				t.Errorf("%s, conversation c2: found %s of %q", q, h.ID, h.Conversation)
			}
		}
	}
}

func ids(hits []Hit) []string {
	var out []string
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}
