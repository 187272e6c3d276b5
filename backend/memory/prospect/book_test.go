package prospect

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// testClock is a settable clock shared by the Books of one test.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func openDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newBook(t *testing.T) (*Book, *testClock, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "memory.db")
	clk := &testClock{t: time.Date(2026, 3, 11, 15, 0, 0, 0, time.UTC)}
	b, err := Open(context.Background(), openDB(t, path), clk.now)
	if err != nil {
		t.Fatal(err)
	}
	return b, clk, path
}

func ids(its []Intention) []string {
	var out []string
	for _, it := range its {
		out = append(out, it.Text)
	}
	return out
}

func TestAddValidation(t *testing.T) {
	b, _, _ := newBook(t)
	ctx := context.Background()
	for _, c := range []struct {
		it    Intention
		field string
	}{
		{Intention{Text: "x"}, "trigger"},
		{Intention{Text: "x", Cue: "dogs", AfterTurns: 2}, "after_turns"},
		{Intention{Text: "x", At: time.Now(), Event: EventAppStart}, "event"},
		{Intention{Text: "x", Event: "reboot"}, "event"},
		{Intention{Text: "x", AfterTurns: -1}, "after_turns"},
		{Intention{Text: "", Cue: "dogs"}, "text"},
		{Intention{Text: string(make([]byte, MaxText+1)), Cue: "dogs"}, "text"},
		{Intention{Text: "x", Cue: "?!"}, "cue"},
		{Intention{Text: "x", Cue: "dogs", State: Fired}, "state"},
	} {
		_, err := b.Add(ctx, c.it)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("Add(%+v) = %v, want FieldError for %s", c.it, err, c.field)
		}
	}
	got, err := b.List(ctx, Filter{})
	if err != nil || len(got) != 0 {
		t.Fatalf("refused intentions were stored: %v %v", got, err)
	}
	it, err := b.Add(ctx, Intention{Text: "ask about the trip", Cue: "travel plans"})
	if err != nil || it.ID == "" || it.State != Pending {
		t.Fatalf("Add = %+v, %v", it, err)
	}
}

func TestTopicFiresOnceOnInflectedTurn(t *testing.T) {
	b, _, path := newBook(t)
	ctx := context.Background()
	it, err := b.Add(ctx, Intention{Text: "Ask whether the hotel is booked", Cue: "travel plans"})
	if err != nil {
		t.Fatal(err)
	}
	for _, turn := range []string{"What is the capital of Peru?", "My plan is to repaint the kitchen",
		"Tell me about time travel in fiction"} {
		f, err := b.OnTurn(ctx, "c1", turn, nil)
		if err != nil || len(f) != 0 {
			t.Fatalf("OnTurn(%q) fired %v, %v", turn, ids(f), err)
		}
	}
	// A second Book on the same file, as after a restart.
	b2, err := Open(ctx, openDB(t, path), nil)
	if err != nil {
		t.Fatal(err)
	}
	f, err := b2.OnTurn(ctx, "c1", "I'm travelling next week and planning the route", nil)
	if err != nil || len(f) != 1 || f[0].ID != it.ID || f[0].State != Fired {
		t.Fatalf("OnTurn fired %+v, %v; want %s", f, err, it.ID)
	}
	f, _ = b2.OnTurn(ctx, "c1", "More about my travel plans: we travelled a lot", nil)
	if len(f) != 0 {
		t.Fatalf("fired twice: %v", ids(f))
	}
	got, _ := b2.Get(ctx, it.ID)
	if got.State != Fired || got.Count != 1 || got.Fired.IsZero() {
		t.Fatalf("after firing: %+v", got)
	}
	if _, err := b2.Update(ctx, it.ID, Patch{State: ptr(Done)}); err != nil {
		t.Fatal(err)
	}
	if got, _ := b2.Get(ctx, it.ID); got.State != Done {
		t.Fatalf("state %s, want done", got.State)
	}
}

func ptr[T any](v T) *T { return &v }

func TestTimeTriggerFirstTurnAfter(t *testing.T) {
	b, clk, _ := newBook(t)
	ctx := context.Background()
	at, err := ParseWhen("in 2 hours", clk.now())
	if err != nil {
		t.Fatal(err)
	}
	it, _ := b.Add(ctx, Intention{Text: "stretch", At: at})
	if f, _ := b.OnTurn(ctx, "c", "hello", nil); len(f) != 0 {
		t.Fatalf("fired before its time: %v", ids(f))
	}
	clk.add(2*time.Hour + time.Minute)
	f, err := b.OnTurn(ctx, "other", "hello again", nil)
	if err != nil || len(f) != 1 || f[0].ID != it.ID {
		t.Fatalf("first turn after: %v %v", ids(f), err)
	}
	if f, _ := b.OnTurn(ctx, "c", "and again", nil); len(f) != 0 {
		t.Fatalf("fired again: %v", ids(f))
	}
}

func TestTimeTriggerExpires(t *testing.T) {
	b, clk, _ := newBook(t)
	ctx := context.Background()
	it, _ := b.Add(ctx, Intention{Text: "call mum", At: clk.now().Add(time.Hour)})
	clk.add(ExpireAfter + 2*time.Hour)
	if f, _ := b.OnTurn(ctx, "c", "hi", nil); len(f) != 0 {
		t.Fatalf("a week-old reminder fired: %v", ids(f))
	}
	if got, _ := b.Get(ctx, it.ID); got.State != Expired {
		t.Fatalf("state %s, want expired", got.State)
	}
	// Explicit expiry on a cue intention.
	it2, _ := b.Add(ctx, Intention{Text: "x", Cue: "gardening", Expires: clk.now().Add(time.Hour)})
	clk.add(2 * time.Hour)
	if f, _ := b.OnTurn(ctx, "c", "gardening tips please", nil); len(f) != 0 {
		t.Fatalf("expired intention fired: %v", ids(f))
	}
	if got, _ := b.Get(ctx, it2.ID); got.State != Expired {
		t.Fatalf("state %s, want expired", got.State)
	}
}

func TestSnooze(t *testing.T) {
	b, clk, _ := newBook(t)
	ctx := context.Background()
	it, _ := b.Add(ctx, Intention{Text: "water plants", Cue: "garden"})
	if f, _ := b.OnTurn(ctx, "c", "the garden is dry", nil); len(f) != 1 {
		t.Fatal("did not fire")
	}
	if _, err := b.Update(ctx, it.ID, Patch{State: ptr(Snoozed)}); err == nil {
		t.Fatal("snooze without until accepted")
	}
	if _, err := b.Update(ctx, it.ID, Patch{State: ptr(Snoozed), Until: ptr(clk.now().Add(time.Hour))}); err != nil {
		t.Fatal(err)
	}
	if f, _ := b.OnTurn(ctx, "c", "gardens everywhere", nil); len(f) != 0 {
		t.Fatal("fired while snoozed")
	}
	clk.add(61 * time.Minute)
	f, _ := b.OnTurn(ctx, "c", "back in the garden", nil)
	if len(f) != 1 || f[0].Count != 2 {
		t.Fatalf("after the snooze: %+v", f)
	}
	if _, err := b.Update(ctx, it.ID, Patch{State: ptr(Cancelled)}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Update(ctx, it.ID, Patch{State: ptr(Done)}); err == nil {
		t.Fatal("cancelled → done accepted")
	}
}

func TestAfterTurnsPerScope(t *testing.T) {
	b, _, _ := newBook(t)
	ctx := context.Background()
	local, _ := b.Add(ctx, Intention{Text: "local", AfterTurns: 3, Conversation: "a"})
	global, _ := b.Add(ctx, Intention{Text: "global", AfterTurns: 3})
	fired := map[string]int{}
	for i, conv := range []string{"a", "b", "b", "a", "a"} {
		f, err := b.OnTurn(ctx, conv, fmt.Sprintf("turn %d", i), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range f {
			fired[it.ID] = i + 1
		}
	}
	// global counts every conversation: its third turn is turn 3; local counts a's turns only.
	if fired[global.ID] != 3 || fired[local.ID] != 5 {
		t.Fatalf("fired at turns global=%d local=%d, want 3 and 5", fired[global.ID], fired[local.ID])
	}
}

func TestAppStartOncePerStart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "memory.db")
	ctx := context.Background()
	var id string
	for start := 1; start <= 3; start++ {
		b, err := Open(ctx, openDB(t, path), nil)
		if err != nil {
			t.Fatal(err)
		}
		if start == 1 {
			it, err := b.Add(ctx, Intention{Text: "say good morning", Event: EventAppStart})
			if err != nil {
				t.Fatal(err)
			}
			id = it.ID
		}
		f, err := b.OnEvent(ctx, EventAppStart)
		if err != nil || len(f) != 1 || f[0].ID != id {
			t.Fatalf("start %d: fired %v, %v", start, ids(f), err)
		}
		if f, _ := b.OnEvent(ctx, EventAppStart); len(f) != 0 {
			t.Fatalf("start %d fired twice", start)
		}
		if start == 2 { // marked done: it still comes back at the next start
			if _, err := b.Update(ctx, id, Patch{State: ptr(Done)}); err != nil {
				t.Fatal(err)
			}
		}
		got, _ := b.Get(ctx, id)
		if got.Count != start {
			t.Fatalf("start %d: count %d", start, got.Count)
		}
	}
}

func TestOtherEventsFireOnce(t *testing.T) {
	b, _, _ := newBook(t)
	ctx := context.Background()
	it, _ := b.Add(ctx, Intention{Text: "benchmark it", Event: EventModelLoaded})
	if f, _ := b.OnEvent(ctx, EventPeerJoined); len(f) != 0 {
		t.Fatal("wrong event fired it")
	}
	if f, _ := b.OnEvent(ctx, EventModelLoaded); len(f) != 1 || f[0].ID != it.ID {
		t.Fatalf("fired %v", ids(f))
	}
	if f, _ := b.OnEvent(ctx, EventModelLoaded); len(f) != 0 {
		t.Fatal("fired twice")
	}
	var fe *FieldError
	if _, err := b.OnEvent(ctx, "reboot"); !errors.As(err, &fe) || fe.Field != "event" {
		t.Fatalf("unknown event: %v", err)
	}
}

func TestConcurrentTurnsFireOnce(t *testing.T) {
	b, _, path := newBook(t)
	ctx := context.Background()
	it, _ := b.Add(ctx, Intention{Text: "x", Cue: "birthday present"})
	b2, err := Open(ctx, openDB(t, path), nil) // a second Book: only the state guard protects
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	n := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(bk *Book) {
			defer wg.Done()
			f, err := bk.OnTurn(ctx, "c", "birthday presents for my sister", nil)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			n += len(f)
			mu.Unlock()
		}([]*Book{b, b2}[i%2])
	}
	wg.Wait()
	if n != 1 {
		t.Fatalf("fired %d times", n)
	}
	if got, _ := b.Get(ctx, it.ID); got.Count != 1 {
		t.Fatalf("count %d", got.Count)
	}
}

func TestMigrationVersionAndDelete(t *testing.T) {
	b, _, path := newBook(t)
	ctx := context.Background()
	db := openDB(t, path)
	var v string
	if err := db.QueryRow(`SELECT value FROM meta WHERE key = 'prospect_version'`).Scan(&v); err != nil || v != "1" {
		t.Fatalf("prospect_version %q, %v", v, err)
	}
	var uv int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&uv); err != nil || uv != 0 {
		t.Fatalf("user_version touched: %d %v", uv, err)
	}
	it, _ := b.Add(ctx, Intention{Text: "x", Cue: "y"})
	if err := b.Delete(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, it.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Get after delete: %v", err)
	}
	if err := b.Delete(ctx, it.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second delete: %v", err)
	}
	if _, err := db.Exec(`UPDATE meta SET value = '9' WHERE key = 'prospect_version'`); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(ctx, db, nil); !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("newer schema opened: %v", err)
	}
}
