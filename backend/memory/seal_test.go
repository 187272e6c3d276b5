package memory_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/prospect"
)

const pass = "correct horse battery staple"

// canaryAbsent fails the test when any needle is in memory.db, -wal or -shm.
func canaryAbsent(t *testing.T, path string, needles ...string) {
	t.Helper()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, n := range needles {
			if bytes.Contains(b, []byte(n)) {
				t.Errorf("%q is in %s", n, filepath.Base(p))
			}
		}
	}
}

// fill adds what a user's memory holds: facts, chat turns, a rule, an edit, and an intention.
func fill(t *testing.T, st *memory.Store) (fact memory.Item, cue prospect.Intention) {
	t.Helper()
	ctx := context.Background()
	for i := 0; i < 40; i++ {
		if _, err := st.Add(ctx, memory.Item{Text: "ordinary memory about gardening number " + strings.Repeat("i", i%5)}); err != nil {
			t.Fatal(err)
		}
	}
	fact, err := st.Add(ctx, memory.Item{Text: "my locker code is zebracanary7741 near quokkamarmalade9", Pinned: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Add(ctx, memory.Item{Kind: memory.Episodic, Text: "user: tell nobody about okapisecret55", Conversation: "c1"}); err != nil {
		t.Fatal(err)
	}
	rule, err := st.Add(ctx, memory.Item{Kind: memory.Procedural, Text: "answer in French"})
	if err != nil {
		t.Fatal(err)
	}
	edited := "answer in French, and mention narwhalcanary31 never"
	if _, err := st.Update(ctx, rule.ID, memory.Patch{Text: &edited}); err != nil {
		t.Fatal(err)
	}
	book, err := prospect.OpenSealed(ctx, st.DB(), nil, st.Sealer())
	if err != nil {
		t.Fatal(err)
	}
	cue, err = book.Add(ctx, prospect.Intention{Text: "remind about axolotlcanary88", Cue: "wombatcue19 holidays"})
	if err != nil {
		t.Fatal(err)
	}
	return fact, cue
}

var secrets = []string{"zebracanary7741", "quokkamarmalade9", "okapisecret55", "narwhalcanary31", "axolotlcanary88", "wombatcue19", "gardening"}

// searchable checks recall on every arm of a store: words, a typo (trigrams) and the vector.
func searchable(t *testing.T, st *memory.Store, fact memory.Item) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{"locker code", "zebracanary7741", "quokkamarmelade9" /* typo */} {
		hits, err := st.Search(ctx, q, 3, memory.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].ID != fact.ID {
			t.Errorf("search %q: want %s first, got %+v", q, fact.ID, hits)
		}
	}
	hits, _ := st.Search(ctx, "quokkamarmelade9", 1, memory.Filter{})
	if len(hits) == 1 && hits[0].Why.Trigram == 0 {
		t.Errorf("typo found without the trigram arm: %+v", hits[0].Why)
	}
	hits, _ = st.Search(ctx, "locker code", 1, memory.Filter{})
	if len(hits) == 1 && (hits[0].Why.BM25 == 0 || hits[0].Why.Vector == 0) {
		t.Errorf("words or vector arm silent on a sealed store: %+v", hits[0].Why)
	}
}

func TestSealedStoreKeepsNoPlainText(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "memory.db")
	st, err := memory.Open(ctx, path, memory.Options{Seal: memory.SealPassphrase, Passphrase: pass})
	if err != nil {
		t.Fatal(err)
	}
	if !st.Sealed() {
		t.Fatal("store not sealed")
	}
	fact, cue := fill(t, st)
	searchable(t, st, fact)
	// While it runs, the WAL holds the latest pages: they must be sealed too.
	canaryAbsent(t, path, secrets...)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	canaryAbsent(t, path, secrets...)

	// Reopened without the encryption option: a sealed store stays sealed and opens with its key.
	st, err = memory.Open(ctx, path, memory.Options{Passphrase: pass})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	searchable(t, st, fact)
	got, err := st.Get(ctx, fact.ID)
	if err != nil || got.Text != fact.Text {
		t.Fatalf("get after reopen: %q, %v", got.Text, err)
	}
	book, err := prospect.OpenSealed(ctx, st.DB(), nil, st.Sealer())
	if err != nil {
		t.Fatal(err)
	}
	it, err := book.Get(ctx, cue.ID)
	if err != nil || it.Text != cue.Text || it.Cue != cue.Cue {
		t.Fatalf("intention after reopen: %+v, %v", it, err)
	}
	fired, err := book.OnTurn(ctx, "c2", "wombatcue19 plans for the holidays", nil)
	if err != nil || len(fired) != 1 {
		t.Fatalf("sealed cue did not fire: %+v, %v", fired, err)
	}
	// Writes after reopening keep the index and the files right.
	if err := st.Forget(ctx, fact.ID); err != nil {
		t.Fatal(err)
	}
	if hits, _ := st.Search(ctx, "zebracanary7741", 3, memory.Filter{}); len(hits) > 0 && hits[0].ID == fact.ID {
		t.Errorf("forgotten item recalled: %+v", hits[0])
	}
	more, err := st.Add(ctx, memory.Item{Text: "the spare key hides under the capybaraflowerpot"})
	if err != nil {
		t.Fatal(err)
	}
	if hits, _ := st.Search(ctx, "capybaraflowerpot", 1, memory.Filter{}); len(hits) != 1 || hits[0].ID != more.ID {
		t.Errorf("new item not found: %+v", hits)
	}
	canaryAbsent(t, path, "capybaraflowerpot")
	var ok string
	if err := st.DB().QueryRowContext(ctx, "PRAGMA main.integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Errorf("integrity %q, %v", ok, err)
	}
}

func digest(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestSealedStoreRefusesWrongKeyAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "memory.db")
	st, err := memory.Open(ctx, path, memory.Options{Seal: memory.SealPassphrase, Passphrase: pass})
	if err != nil {
		t.Fatal(err)
	}
	fact, _ := fill(t, st)
	st.Close()
	before := digest(t, path)
	if _, err := memory.Open(ctx, path, memory.Options{Passphrase: "wrong horse battery staple"}); !errors.Is(err, memory.ErrWrongKey) {
		t.Errorf("wrong passphrase: %v, want ErrWrongKey", err)
	}
	_, err = memory.Open(ctx, path, memory.Options{})
	if !errors.Is(err, memory.ErrLocked) || !strings.Contains(err.Error(), "passphrase") {
		t.Errorf("no passphrase: %v, want ErrLocked saying a passphrase is needed", err)
	}
	if digest(t, path) != before {
		t.Error("a refused open changed memory.db")
	}
	st, err = memory.Open(ctx, path, memory.Options{Passphrase: pass})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	searchable(t, st, fact)
}

// TestEncryptingAPlainStore seals a store used for a while without encryption: afterwards no
// earlier plain text is left in its files, and everything is still found.
func TestEncryptingAPlainStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "memory.db")
	st, err := memory.Open(ctx, path, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fact, cue := fill(t, st)
	st.Close()
	b, _ := os.ReadFile(path)
	if !bytes.Contains(b, []byte("zebracanary7741")) {
		t.Fatal("the plain store does not hold its text: the check below would prove nothing")
	}
	if _, err := memory.Open(ctx, path, memory.Options{Seal: memory.SealPassphrase, Passphrase: "short"}); err == nil {
		t.Error("a 5-character passphrase was accepted")
	}
	st, err = memory.Open(ctx, path, memory.Options{Seal: memory.SealPassphrase, Passphrase: pass})
	if err != nil {
		t.Fatal(err)
	}
	book, err := prospect.OpenSealed(ctx, st.DB(), nil, st.Sealer())
	if err != nil {
		t.Fatal(err)
	}
	canaryAbsent(t, path, secrets...)
	searchable(t, st, fact)
	it, err := book.Get(ctx, cue.ID)
	if err != nil || it.Cue != cue.Cue {
		t.Fatalf("intention after sealing: %+v, %v", it, err)
	}
	st.Close()
	canaryAbsent(t, path, secrets...)
}
