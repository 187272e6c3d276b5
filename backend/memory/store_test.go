package memory

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTest(t *testing.T, o Options) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "memory.db")
	s, err := Open(context.Background(), path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func mustAdd(t *testing.T, s *Store, it Item) Item {
	t.Helper()
	it, err := s.Add(context.Background(), it)
	if err != nil {
		t.Fatal(err)
	}
	return it
}

func TestOpenCreatesPrivateWALFileAndReopens(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t, Options{})
	a := mustAdd(t, s, Item{Text: "The user's cat is called Miso", Kind: Semantic, Importance: 0.7, Links: []string{"m1"}})
	for _, p := range []string{path, path + "-wal"} {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode %v, want 0600", filepath.Base(p), st.Mode().Perm())
		}
	}
	var mode string
	if err := s.DB().QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode %q %v, want wal", mode, err)
	}
	var sd int
	if err := s.DB().QueryRowContext(ctx, "PRAGMA secure_delete").Scan(&sd); err != nil || sd != 1 {
		t.Errorf("secure_delete %d %v, want 1", sd, err)
	}
	s.Close()
	s2, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Get(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != a.Text || !got.Created.Equal(a.Created) || got.Importance != 0.7 || len(got.Links) != 1 {
		t.Errorf("reopened item %+v, want %+v", got, a)
	}
	hits, err := s2.Search(ctx, "what is the cat called", 3, Filter{})
	if err != nil || len(hits) == 0 || hits[0].ID != a.ID || hits[0].Why.Ranks[ArmVector] != 1 {
		t.Errorf("search after reopen: %+v %v (the vector index should be rebuilt)", hits, err)
	}
}

func TestOpenRefusesOtherDatabases(t *testing.T) {
	path := filepath.Join(t.TempDir(), "memory.db")
	os.WriteFile(path, []byte("not a database at all, just some text that is long enough"), 0o600)
	if _, err := Open(context.Background(), path, Options{}); !errors.Is(err, ErrNotMemory) {
		t.Errorf("open a text file: %v, want ErrNotMemory", err)
	}
}

func TestValidation(t *testing.T) {
	s, _ := openTest(t, Options{})
	ctx := context.Background()
	cases := []struct {
		it    Item
		field string
	}{
		{Item{Text: "  "}, "text"},
		{Item{Text: strings.Repeat("x", MaxText+1)}, "text"},
		{Item{Text: "ok", Kind: "dream"}, "kind"},
		{Item{Text: "ok", Importance: 1.5}, "importance"},
	}
	for _, c := range cases {
		_, err := s.Add(ctx, c.it)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("add %.20q kind %q: %v, want a FieldError on %s", c.it.Text, c.it.Kind, err, c.field)
		}
	}
	if _, err := s.Add(ctx, Item{Text: strings.Repeat("x", MaxText)}); err != nil {
		t.Errorf("16 KiB exactly: %v", err)
	}
	if _, err := s.Get(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("get unknown: %v", err)
	}
	k := Kind("dream")
	if _, err := s.Update(ctx, "nope", Patch{Kind: &k}); err == nil {
		t.Error("update with unknown kind accepted")
	}
	if err := s.Forget(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("forget unknown: %v", err)
	}
	if items, _ := s.List(ctx, Filter{}); len(items) != 1 {
		t.Errorf("%d items stored, want only the valid one", len(items))
	}
}

func TestUpdateSupersedeList(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	s, _ := openTest(t, Options{Clock: func() time.Time { return now }})
	old := mustAdd(t, s, Item{Text: "The user lives in Lisbon", Kind: Semantic})
	mustAdd(t, s, Item{Text: "Answer in French", Kind: Procedural, Conversation: "c1"})

	now = now.Add(time.Hour)
	nf, err := s.Supersede(ctx, old.ID, Item{Text: "The user lives in Porto", Source: "consolidation", Links: []string{old.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if nf.Kind != Semantic || !nf.ValidFrom.Equal(now) {
		t.Errorf("new fact %+v", nf)
	}
	got, _ := s.Get(ctx, old.ID)
	if !got.ValidTo.Equal(now) {
		t.Errorf("old fact valid_to %v, want %v", got.ValidTo, now)
	}
	if _, err := s.Supersede(ctx, old.ID, Item{Text: "again"}); !errors.Is(err, ErrClosed) {
		t.Errorf("supersede a closed fact: %v", err)
	}
	hits, err := s.Search(ctx, "where does the user live, Lisbon?", 5, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.ID == old.ID {
			t.Error("a closed fact was recalled")
		}
	}
	if len(hits) == 0 || hits[0].ID != nf.ID {
		t.Errorf("hits %+v, want the new fact first", hits)
	}
	open, _ := s.List(ctx, Filter{})
	all, _ := s.List(ctx, Filter{IncludeClosed: true})
	proc, _ := s.List(ctx, Filter{Kind: Procedural, Conversation: "c1"})
	if len(open) != 2 || len(all) != 3 || len(proc) != 1 {
		t.Errorf("list: %d open, %d all, %d procedural in c1; want 2, 3, 1", len(open), len(all), len(proc))
	}
	page, _ := s.List(ctx, Filter{IncludeClosed: true, Limit: 2, Offset: 2})
	if len(page) != 1 {
		t.Errorf("page 2 of 2: %d items", len(page))
	}

	text, never := "The user lives in Porto, near the river", true
	up, err := s.Update(ctx, nf.ID, Patch{Text: &text, NeverRecall: &never})
	if err != nil || up.Text != text || !up.NeverRecall || !up.Updated.Equal(now) {
		t.Fatalf("update: %+v %v", up, err)
	}
	if hits, _ := s.Search(ctx, "river Porto", 5, Filter{}); len(hits) != 0 {
		t.Errorf("never-recall item recalled: %+v", hits)
	}
	if hits, _ := s.Search(ctx, "river Porto", 5, Filter{IncludeNeverRecall: true}); len(hits) != 1 || hits[0].Why.Ranks[ArmBM25] != 1 {
		t.Errorf("the memory page's search misses the edited text: %+v", hits)
	}
}

func TestSearchArmsExplainTypoAndInflection(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	target := mustAdd(t, s, Item{Text: "Maria is travelling to Kyoto in April for the cherry blossoms"})
	for _, txt := range []string{"Tom bought a new bicycle", "The meeting with the accountant moved to Friday",
		"Dinner with Anna at the Italian place", "Remember to water the tomatoes"} {
		mustAdd(t, s, Item{Text: txt})
	}
	for _, q := range []string{"travels Kyoto", "Kyotto trip", "blosso", "cherry blossom travel plans"} {
		hits, err := s.Search(ctx, q, 3, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].ID != target.ID {
			t.Errorf("%q: %+v, want the Kyoto memory first", q, hits)
			continue
		}
		w := hits[0].Why
		if w.Fused <= 0 || len(w.Ranks) == 0 || hits[0].Score <= 0 || w.Recency <= 0.99 {
			t.Errorf("%q: why %+v", q, w)
		}
	}
	hits, _ := s.Search(ctx, "Kyotto", 3, Filter{})
	if len(hits) == 0 || hits[0].Why.Trigram <= 0 || hits[0].Why.BM25 != 0 {
		t.Errorf("a typo should be found by the trigram arm, not BM25: %+v", hits)
	}
	var fe *FieldError
	if _, err := s.Search(ctx, " ", 3, Filter{}); !errors.As(err, &fe) || fe.Field != "q" {
		t.Errorf("empty query: %v", err)
	}
}

func TestMatchIsStemAware(t *testing.T) {
	s, _ := openTest(t, Options{})
	ctx := context.Background()
	hi, why := s.Match(ctx, "travel plans", "I've been travelling a lot and planned nothing")
	lo, _ := s.Match(ctx, "travel plans", "the tomatoes need watering")
	syn, _ := s.Match(ctx, "car", "my automobile broke down")
	if hi < 0.6 || why.BM25 != 1 || lo > 0.15 || syn < 0.5 {
		t.Errorf("match: inflected %.2f (%+v), unrelated %.2f, synonym %.2f", hi, why, lo, syn)
	}
}

func TestStem(t *testing.T) {
	for w, want := range map[string]string{
		"travelling": "travel", "travelled": "travel", "travels": "travel", "caresses": "caress",
		"ponies": "poni", "agreed": "agre", "hopping": "hop", "filing": "file", "happy": "happi",
		"relational": "relat", "generalization": "gener", "hopeful": "hope", "adjustment": "adjust",
		"controlling": "control", "rate": "rate", "cease": "ceas", "running": "run", "run": "run",
	} {
		if got := Stem(w); got != want {
			t.Errorf("Stem(%q) = %q, want %q", w, got, want)
		}
	}
}

// TestForgetLeavesNoBytes writes a canary, forgets it, and looks for its bytes in every file.
func TestForgetLeavesNoBytes(t *testing.T) {
	ctx := context.Background()
	s, path := openTest(t, Options{})
	const canary = "zebracanary7741 likes quokkamarmalade9"
	for i := 0; i < 50; i++ {
		mustAdd(t, s, Item{Text: "ordinary memory number " + strings.Repeat("x", i%7) + " about gardening"})
	}
	c := mustAdd(t, s, Item{Text: canary})
	keep := mustAdd(t, s, Item{Text: "second canary zebracanary8852 forgotten by forget all"})
	if hits, _ := s.Search(ctx, "quokkamarmalade9", 1, Filter{}); len(hits) != 1 || hits[0].ID != c.ID {
		t.Fatalf("canary not searchable before forget: %+v", hits)
	}
	if err := s.Forget(ctx, c.ID); err != nil {
		t.Fatal(err)
	}
	checkAbsent := func(needles ...string) {
		t.Helper()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			b, err := os.ReadFile(p)
			if err != nil && !os.IsNotExist(err) {
				t.Fatal(err)
			}
			for _, n := range needles {
				if bytes.Contains(b, []byte(n)) {
					t.Errorf("%q still in %s", n, filepath.Base(p))
				}
			}
		}
	}
	checkAbsent("zebracanary7741", "quokkamarmalade9")
	hits, _ := s.Search(ctx, "quokkamarmalade9 zebracanary7741", 5, Filter{})
	for _, h := range hits {
		if h.ID == c.ID {
			t.Errorf("forgotten canary recalled: %+v", h)
		}
	}
	if _, err := s.Get(ctx, keep.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.ForgetAll(ctx); err != nil {
		t.Fatal(err)
	}
	checkAbsent("zebracanary8852", "gardening")
	if items, _ := s.List(ctx, Filter{IncludeClosed: true}); len(items) != 0 {
		t.Errorf("%d items after forget all", len(items))
	}
	var v int
	s.DB().QueryRowContext(ctx, "SELECT count(*) FROM vectors").Scan(&v)
	var ok string
	s.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok)
	if v != 0 || ok != "ok" {
		t.Errorf("after forget all: %d vectors, integrity %q", v, ok)
	}
	mustAdd(t, s, Item{Text: "life goes on after forgetting"})
	if hits, _ := s.Search(ctx, "forgetting", 1, Filter{}); len(hits) != 1 {
		t.Errorf("store unusable after forget all: %+v", hits)
	}
}

func TestExportImport(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t, Options{})
	a := mustAdd(t, s, Item{Text: "Likes green tea", Importance: 0.4, Conversation: "c9", Source: "turn:c9/3"})
	b, _ := s.Supersede(ctx, a.ID, Item{Text: "Likes oolong tea", Links: []string{a.ID}})
	var buf bytes.Buffer
	if err := s.Export(ctx, &buf); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != 2 {
		t.Fatalf("export has %d lines, want 2:\n%s", n, buf.String())
	}
	s2, _ := openTest(t, Options{})
	n, err := s2.Import(ctx, bytes.NewReader(buf.Bytes()))
	if err != nil || n != 2 {
		t.Fatalf("import: %d %v", n, err)
	}
	for _, want := range []Item{a, b} {
		got, err := s2.Get(ctx, want.ID)
		if err != nil || got.Text != want.Text || got.Conversation != want.Conversation || !got.Created.Equal(want.Created) {
			t.Errorf("imported %+v %v, want %+v", got, err, want)
		}
	}
	if got, _ := s2.Get(ctx, a.ID); got.ValidTo.IsZero() {
		t.Error("closed fact imported open")
	}
	if hits, _ := s2.Search(ctx, "oolong", 1, Filter{}); len(hits) != 1 || hits[0].ID != b.ID || hits[0].Why.Ranks[ArmVector] == 0 {
		t.Errorf("imported item not searchable on all arms: %+v", hits)
	}

	// A broken line: an error naming it, and nothing stored.
	bad := `{"text": "fine one", "kind": "semantic"}
{"text": "fine two"}

{"text": "broken", "kind": "semantic"`
	s3, _ := openTest(t, Options{})
	_, err = s3.Import(ctx, strings.NewReader(bad))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Line != 4 || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("broken line 4: %v", err)
	}
	_, err = s3.Import(ctx, strings.NewReader("{\"text\": \"ok\"}\n{\"text\": \"x\", \"kind\": \"dream\"}\n"))
	if !errors.As(err, &fe) || fe.Line != 2 || fe.Field != "kind" {
		t.Errorf("unknown kind on line 2: %v", err)
	}
	_, err = s2.Import(ctx, strings.NewReader(buf.String()))
	if !errors.As(err, &fe) || fe.Field != "id" || fe.Line != 1 {
		t.Errorf("re-import of existing ids: %v", err)
	}
	if items, _ := s3.List(ctx, Filter{IncludeClosed: true}); len(items) != 0 {
		t.Errorf("%d items stored by failed imports", len(items))
	}
	if items, _ := s2.List(ctx, Filter{IncludeClosed: true}); len(items) != 2 {
		t.Errorf("%d items after a failed re-import, want 2", len(items))
	}
}
