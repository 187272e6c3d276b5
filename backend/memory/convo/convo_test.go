package convo_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/convo"
)

// clock is a settable clock: each conversation written gets a later time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }
func (c *clock) tick()          { c.t = c.t.Add(time.Minute) }

// open opens a plain memory.db and its conversations, as the node does.
func open(t *testing.T, path string, o memory.Options, c *clock) (*memory.Store, *convo.Store) {
	t.Helper()
	ctx := context.Background()
	st, err := memory.Open(ctx, path, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	var now func() time.Time
	if c != nil {
		now = c.now
	}
	cs, err := convo.Open(ctx, st.DB(), now, st.Sealer())
	if err != nil {
		t.Fatal(err)
	}
	return st, cs
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)} }

func user(s string) convo.Message { return convo.Message{Role: convo.RoleUser, Content: s} }
func answer(s, model string) convo.Message {
	return convo.Message{Role: convo.RoleAssistant, Content: s, Model: model}
}

// A chat turn saves the history plus its answer; the next turn's history, sent back without
// what the node added (model, memory report, stopped), keeps it; an edit-and-resend (a shorter
// history) makes the conversation that history plus the new answer. The title follows the
// first user message until the user renames it; a rename is kept by later saves.
func TestSaveTurnsAndRename(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	_, cs := open(t, filepath.Join(t.TempDir(), "memory.db"), memory.Options{}, c)
	report := []byte(`{"fired":[],"used":[{"id":"m1","score":0.5}]}`)
	first := convo.Message{Role: convo.RoleAssistant, Content: "Hello!\n```go\nfmt.Println(1)\n```", Model: "tiny", Memory: report}
	sum, err := cs.Save(ctx, "c1", []convo.Message{{Role: convo.RoleSystem, Content: "Be brief."}, user("  Plan my trip to Lisbon\nwith trains"), first})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Title != "Plan my trip to Lisbon" || sum.Messages != 3 || !sum.Created.Equal(c.t) || !sum.Updated.Equal(c.t) {
		t.Fatalf("summary %+v", sum)
	}
	created := c.t
	c.tick()
	// The client sends the answer back as it showed it: role and text only.
	turn2 := []convo.Message{{Role: convo.RoleSystem, Content: "Be brief."}, user("  Plan my trip to Lisbon\nwith trains"),
		{Role: convo.RoleAssistant, Content: first.Content}, user("And back?"), {Role: convo.RoleAssistant, Content: "By tr", Stopped: true, Model: "tiny"}}
	if _, err := cs.Save(ctx, "c1", turn2); err != nil {
		t.Fatal(err)
	}
	got, err := cs.Get(ctx, "c1")
	if err != nil {
		t.Fatal(err)
	}
	want := append([]convo.Message(nil), turn2...)
	want[2] = first
	if !reflect.DeepEqual(got.Messages, want) {
		t.Fatalf("after turn 2:\n got %+v\nwant %+v", got.Messages, want)
	}
	if !got.Created.Equal(created) || !got.Updated.Equal(c.t) {
		t.Fatalf("times %v %v, want created %v updated %v", got.Created, got.Updated, created, c.t)
	}

	// Edit and resend the first question: the conversation is that history plus the new answer.
	c.tick()
	edited := []convo.Message{{Role: convo.RoleSystem, Content: "Be brief."}, user("Plan my trip to Porto"), answer("Take the train.", "tiny")}
	if _, err := cs.Save(ctx, "c1", edited); err != nil {
		t.Fatal(err)
	}
	got, _ = cs.Get(ctx, "c1")
	if !reflect.DeepEqual(got.Messages, edited) || got.Title != "Plan my trip to Porto" {
		t.Fatalf("after the edit: %q %+v", got.Title, got.Messages)
	}

	if _, err := cs.Rename(ctx, "c1", "  Holidays  "); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Save(ctx, "c1", append(edited, user("More?"), answer("No.", "tiny"))); err != nil {
		t.Fatal(err)
	}
	if got, _ := cs.Get(ctx, "c1"); got.Title != "Holidays" || len(got.Messages) != 5 {
		t.Fatalf("a save after the rename: %q with %d messages", got.Title, len(got.Messages))
	}
}

func TestTitleAndPreview(t *testing.T) {
	long := strings.Repeat("é", 70)
	for _, tc := range []struct {
		msgs []convo.Message
		want string
	}{
		{[]convo.Message{user(long)}, strings.Repeat("é", 60) + "…"},
		{[]convo.Message{user(strings.Repeat("a", 60))}, strings.Repeat("a", 60)},
		{[]convo.Message{{Role: convo.RoleSystem, Content: "sys"}, user("\n\n  first\tline  \nsecond")}, "first line"},
		{[]convo.Message{{Role: convo.RoleSystem, Content: "sys"}}, "New chat"},
	} {
		if got := convo.Title(tc.msgs); got != tc.want {
			t.Errorf("Title(%+v) = %q, want %q", tc.msgs, got, tc.want)
		}
	}
	ctx := context.Background()
	_, cs := open(t, filepath.Join(t.TempDir(), "memory.db"), memory.Options{}, nil)
	sum, err := cs.Save(ctx, "p", []convo.Message{user("q"), answer(strings.Repeat("word ", 40)+"\nend", "m")})
	if err != nil {
		t.Fatal(err)
	}
	if n := len([]rune(sum.Preview)); n != convo.PreviewLength || !strings.HasSuffix(sum.Preview, "…") || strings.Contains(sum.Preview, "\n") {
		t.Fatalf("preview of %d characters: %q", n, sum.Preview)
	}
}

// List is newest updated first, pages with offset and limit and counts all; q matches the title
// and every message's text, each word, ignoring case.
func TestListAndSearch(t *testing.T) {
	ctx := context.Background()
	c := newClock()
	_, cs := open(t, filepath.Join(t.TempDir(), "memory.db"), memory.Options{}, c)
	save := func(id string, msgs ...convo.Message) {
		t.Helper()
		c.tick()
		if _, err := cs.Save(ctx, id, msgs); err != nil {
			t.Fatal(err)
		}
	}
	save("a", user("Soup recipes"), answer("Try LENTIL soup with cumin.", "m"))
	save("b", user("Bicycle gears"), answer("A derailleur moves the chain.", "m"))
	save("c", user("Lentil salad?"), answer("Yes, with lemon.", "m"))
	save("a", user("Soup recipes"), answer("Try LENTIL soup with cumin.", "m"), user("And bread?"), answer("Soda bread.", "m"))

	ids := func(q string, limit, offset int) ([]string, int) {
		t.Helper()
		sums, total, err := cs.List(ctx, q, limit, offset)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, s := range sums {
			out = append(out, s.ID)
		}
		return out, total
	}
	for _, tc := range []struct {
		q             string
		limit, offset int
		want          []string
		total         int
	}{
		{"", 50, 0, []string{"a", "c", "b"}, 3},
		{"", 1, 1, []string{"c"}, 3},
		{"lentil", 50, 0, []string{"a", "c"}, 2},
		{"LENTIL cumin", 50, 0, []string{"a"}, 1}, // every word, in any message
		{"soup bread", 50, 0, []string{"a"}, 1},   // title and a later message
		{"derailleur", 50, 0, []string{"b"}, 1},
		{"lentil", 1, 1, []string{"c"}, 2},
		{"lentil gears", 50, 0, nil, 0},
	} {
		got, total := ids(tc.q, tc.limit, tc.offset)
		if !reflect.DeepEqual(got, tc.want) || total != tc.total {
			t.Errorf("List(%q, %d, %d) = %v of %d, want %v of %d", tc.q, tc.limit, tc.offset, got, total, tc.want, tc.total)
		}
	}
	sums, _, _ := cs.List(ctx, "", 1, 0)
	if len(sums) != 1 || sums[0].Preview != "Soda bread." || sums[0].Messages != 4 || sums[0].Title != "Soup recipes" {
		t.Fatalf("summary %+v", sums)
	}
}

// Create restores a conversation exactly (times to the millisecond, a title that is not the
// messages' own is kept by later saves) and refuses a taken id.
func TestCreateRestoresExactly(t *testing.T) {
	ctx := context.Background()
	_, cs := open(t, filepath.Join(t.TempDir(), "memory.db"), memory.Options{}, newClock())
	in := convo.Conversation{ID: "r1", Title: "My trip", Created: time.Date(2025, 1, 2, 3, 4, 5, 6_000_000, time.UTC),
		Updated:  time.Date(2025, 1, 3, 3, 4, 5, 7_000_000, time.UTC),
		Messages: []convo.Message{user("hi"), {Role: convo.RoleAssistant, Content: "he", Stopped: true, Model: "m", Memory: []byte(`{"fired":[],"used":[]}`)}}}
	out, err := cs.Create(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	got, err := cs.Get(ctx, "r1")
	if err != nil || !reflect.DeepEqual(got, in) || !reflect.DeepEqual(out, in) {
		t.Fatalf("restored:\n got %+v (%v)\nwant %+v", got, err, in)
	}
	if _, err := cs.Create(ctx, in); !errors.Is(err, convo.ErrExists) {
		t.Fatalf("a second create: %v, want ErrExists", err)
	}
	if _, err := cs.Save(ctx, "r1", append(in.Messages, user("more"), answer("yes", "m"))); err != nil {
		t.Fatal(err)
	}
	if got, _ := cs.Get(ctx, "r1"); got.Title != "My trip" {
		t.Fatalf("the restored title became %q", got.Title)
	}
}

// Bad input is refused naming the field, and nothing is stored.
func TestValidation(t *testing.T) {
	ctx := context.Background()
	_, cs := open(t, filepath.Join(t.TempDir(), "memory.db"), memory.Options{}, nil)
	field := func(err error) string {
		var fe *convo.FieldError
		if errors.As(err, &fe) {
			return fe.Field
		}
		return "(" + err.Error() + ")"
	}
	for _, tc := range []struct {
		id    string
		msgs  []convo.Message
		field string
	}{
		{"", []convo.Message{user("x")}, "id"},
		{strings.Repeat("x", 129), []convo.Message{user("x")}, "id"},
		{"a/b", []convo.Message{user("x")}, "id"},
		{"a\nb", []convo.Message{user("x")}, "id"},
		{"ok", nil, "messages"},
		{"ok", []convo.Message{user("x"), {Role: "tool", Content: "y"}}, "messages[1].role"},
		{"ok", []convo.Message{user("\xff")}, "messages[0].content"},
	} {
		_, err := cs.Save(ctx, tc.id, tc.msgs)
		if err == nil || field(err) != tc.field {
			t.Errorf("Save(%q, %v): %v, want a FieldError on %s", tc.id, tc.msgs, err, tc.field)
		}
	}
	if _, err := cs.Create(ctx, convo.Conversation{ID: "t", Title: strings.Repeat("t", 201), Messages: []convo.Message{user("x")}}); field(err) != "title" {
		t.Errorf("a 201-character title: %v", err)
	}
	if _, err := cs.Create(ctx, convo.Conversation{ID: "t", Created: time.Now(), Updated: time.Now().Add(-time.Hour)}); field(err) != "updated" {
		t.Errorf("updated before created: %v", err)
	}
	if _, err := cs.Save(ctx, "t2", []convo.Message{user("x")}); err != nil {
		t.Fatal(err)
	}
	for _, title := range []string{"", "   ", strings.Repeat("é", 201), "two\nlines"} {
		if _, err := cs.Rename(ctx, "t2", title); field(err) != "title" {
			t.Errorf("Rename(%q): %v", title, err)
		}
	}
	if _, err := cs.Rename(ctx, "t2", strings.Repeat("é", 200)); err != nil {
		t.Errorf("a 200-character title: %v", err)
	}
	if _, err := cs.Rename(ctx, "nope", "x"); !errors.Is(err, convo.ErrNotFound) {
		t.Errorf("rename of an unknown id: %v", err)
	}
	if sums, total, _ := cs.List(ctx, "", 50, 0); total != 1 || len(sums) != 1 {
		t.Fatalf("bad input stored something: %+v", sums)
	}
}

// canaryAbsent fails the test when any needle is in memory.db, -wal or -shm.
func canaryAbsent(t *testing.T, path string, needles ...string) {
	t.Helper()
	n := 0
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		b, err := os.ReadFile(p)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		n += len(b)
		for _, s := range needles {
			if bytes.Contains(b, []byte(s)) {
				t.Errorf("%q is in %s", s, filepath.Base(p))
			}
		}
	}
	if n == 0 {
		t.Fatal("no database files: the check proves nothing")
	}
}

// canaryPresent fails unless a needle is in one of the files: a check that it is absent
// elsewhere then means something.
func canaryPresent(t *testing.T, path, needle string) {
	t.Helper()
	for _, p := range []string{path, path + "-wal"} {
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(needle)) {
			return
		}
	}
	t.Fatalf("%q is in no file of a plain store", needle)
}

// A delete takes the text out of the files of a plain store too (secure delete and a checkpoint).
func TestDeleteLeavesNoText(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "memory.db")
	_, cs := open(t, path, memory.Options{}, nil)
	if _, err := cs.Save(ctx, "d", []convo.Message{user("my door code is plaincanary4412"), answer("noted plaincanary4412", "m")}); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Save(ctx, "keep", []convo.Message{user("ordinary chat")}); err != nil {
		t.Fatal(err)
	}
	canaryPresent(t, path, "plaincanary4412")
	if err := cs.Delete(ctx, "d"); err != nil {
		t.Fatal(err)
	}
	canaryAbsent(t, path, "plaincanary4412")
	if _, err := cs.Get(ctx, "d"); !errors.Is(err, convo.ErrNotFound) {
		t.Fatalf("get after delete: %v", err)
	}
	if err := cs.Delete(ctx, "d"); !errors.Is(err, convo.ErrNotFound) {
		t.Fatalf("a second delete: %v", err)
	}
	if got, err := cs.Get(ctx, "keep"); err != nil || len(got.Messages) != 1 {
		t.Fatalf("the other conversation: %+v %v", got, err)
	}
}

const pass = "correct horse battery staple"

var secrets = []string{"titlecanary5521", "usercanary7731", "answercanary9043", "firedcanary3307"}

func fillSecrets(t *testing.T, cs *convo.Store) []convo.Message {
	t.Helper()
	msgs := []convo.Message{
		{Role: convo.RoleSystem, Content: "You are terse."},
		user("titlecanary5521 is the subject\nand usercanary7731 the detail"),
		{Role: convo.RoleAssistant, Content: "Sure: answercanary9043", Model: "tiny", Stopped: true,
			Memory: []byte(`{"fired":[{"id":"i1","text":"remind firedcanary3307"}],"used":[]}`)},
	}
	if _, err := cs.Save(context.Background(), "sealed-1", msgs); err != nil {
		t.Fatal(err)
	}
	return msgs
}

// In a store encrypted at rest, no title, message or memory report reaches memory.db, -wal or
// -shm in plain text, while it runs or after; reopened with the key, the conversation reads back
// exactly and search finds it.
func TestSealedConversationsKeepNoPlainText(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "memory.db")
	st, cs := open(t, path, memory.Options{Seal: memory.SealPassphrase, Passphrase: pass}, nil)
	msgs := fillSecrets(t, cs)
	if _, err := cs.Rename(ctx, "sealed-1", "renamedcanary6610"); err != nil {
		t.Fatal(err)
	}
	if sums, _, err := cs.List(ctx, "ANSWERCANARY9043", 10, 0); err != nil || len(sums) != 1 {
		t.Fatalf("search on a sealed store: %+v %v", sums, err)
	}
	canaryAbsent(t, path, append(secrets, "renamedcanary6610")...)
	st.Close()
	canaryAbsent(t, path, append(secrets, "renamedcanary6610")...)

	_, cs = open(t, path, memory.Options{Passphrase: pass}, nil)
	got, err := cs.Get(ctx, "sealed-1")
	if err != nil || !reflect.DeepEqual(got.Messages, msgs) || got.Title != "renamedcanary6610" {
		t.Fatalf("after reopening: %+v %v", got, err)
	}
	if sums, _, err := cs.List(ctx, "usercanary7731", 10, 0); err != nil || len(sums) != 1 || sums[0].Preview != "Sure: answercanary9043" {
		t.Fatalf("search after reopening: %+v %v", sums, err)
	}
}

// Encrypting a store used for a while without encryption seals the conversations already there.
func TestEncryptingAPlainStoreSealsConversations(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "memory.db")
	st, cs := open(t, path, memory.Options{}, nil)
	msgs := fillSecrets(t, cs)
	st.Close()
	canaryPresent(t, path, "usercanary7731")
	_, cs = open(t, path, memory.Options{Seal: memory.SealPassphrase, Passphrase: pass}, nil)
	canaryAbsent(t, path, secrets...)
	if got, err := cs.Get(ctx, "sealed-1"); err != nil || !reflect.DeepEqual(got.Messages, msgs) {
		t.Fatalf("after sealing: %+v %v", got, err)
	}
}

// A sealed box is bound to its conversation and place: one moved to another row does not open.
func TestSealedBoxesAreBoundToTheirPlace(t *testing.T) {
	ctx := context.Background()
	st, cs := open(t, filepath.Join(t.TempDir(), "memory.db"), memory.Options{Seal: memory.SealPassphrase, Passphrase: pass}, nil)
	if _, err := cs.Save(ctx, "x", []convo.Message{user("first"), answer("second", "m")}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, `UPDATE conversation_messages SET content = (SELECT content FROM conversation_messages WHERE n = 0) WHERE n = 1`); err != nil {
		t.Fatal(err)
	}
	if _, err := cs.Get(ctx, "x"); err == nil {
		t.Fatal("a box moved to another message opened")
	}
}

// A memory.db whose conversation tables are newer than this program is refused, not misread.
func TestNewerSchemaRefused(t *testing.T) {
	ctx := context.Background()
	st, _ := open(t, filepath.Join(t.TempDir(), "memory.db"), memory.Options{}, nil)
	if _, err := st.DB().ExecContext(ctx, `UPDATE meta SET value = '99' WHERE key = 'convo_version'`); err != nil {
		t.Fatal(err)
	}
	if _, err := convo.Open(ctx, st.DB(), nil, nil); !errors.Is(err, convo.ErrNewerSchema) {
		t.Fatalf("open: %v, want ErrNewerSchema", err)
	}
}
