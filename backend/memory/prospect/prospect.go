// Package prospect is ARIA's prospective memory: intentions the assistant should bring up later.
//
// An intention has exactly one trigger:
//
//   - cue: topic words, fired when a user turn scores at least the threshold against them
//     (Scorer; see Threshold and LexicalScorer);
//   - at: a time, fired on the first user turn at or after it (the Book's clock);
//   - event: "app-start", "model-loaded" or "peer-joined", fired by OnEvent;
//   - after_turns N: fired on the Nth user turn after the intention was created.
//
// States: pending → fired → done; a pending or fired intention may be snoozed until a time, after
// which it is pending again; any open intention may be cancelled; a pending `at` intention that is
// still unfired ExpireAfter past its time (or any intention past its explicit Expires) is expired.
//
// Scope: an intention with a Conversation only sees that conversation's turns; one without sees
// every conversation's turns. after_turns counts the user turns in that scope, so a global
// intention counts the turns of all conversations together.
//
// app-start intentions recur: every start of the app (every Book, since the node opens one Book
// per process) fires each app-start intention that is pending, fired or done, once, however often
// OnEvent("app-start") is called during that start. Cancel one to stop it. model-loaded and
// peer-joined intentions fire once, like the other triggers.
//
// The intentions live in their own tables inside memory.db; the schema version is the row
// "prospect_version" of the meta table (PRAGMA user_version belongs to the memory store).
package prospect

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aria-node/aria/backend/sqlitefile"
)

// State is where an intention is in its life.
type State string

// The states of an intention.
const (
	Pending   State = "pending"
	Fired     State = "fired"
	Done      State = "done"
	Snoozed   State = "snoozed"
	Cancelled State = "cancelled"
	Expired   State = "expired"
)

// The events OnEvent accepts.
const (
	EventAppStart    = "app-start"
	EventModelLoaded = "model-loaded"
	EventPeerJoined  = "peer-joined"
)

// Limits on input, so that a bad request is refused with the field it got wrong.
const (
	MaxText = 16 << 10 // bytes of an intention's text, the same bound as a memory item
	MaxCue  = 1 << 10  // bytes of a cue: topic words, not a document
	// ExpireAfter is how long an unfired `at` intention stays pending past its time: a reminder
	// for a day the user never chatted on is stale a week later.
	ExpireAfter = 7 * 24 * time.Hour
)

// Intention is one thing to bring up later. Exactly one of Cue, At, Event and AfterTurns is set.
type Intention struct {
	ID           string    `json:"id"`
	Text         string    `json:"text"`
	Cue          string    `json:"cue,omitempty"`
	At           time.Time `json:"at,omitzero"`
	Event        string    `json:"event,omitempty"`
	AfterTurns   int       `json:"after_turns,omitempty"`
	State        State     `json:"state"`
	Created      time.Time `json:"created"`
	Fired        time.Time `json:"fired,omitzero"` // the last firing
	Turns        int       `json:"turns"`          // user turns seen in scope while pending
	Conversation string    `json:"conversation,omitempty"`
	Until        time.Time `json:"until,omitzero"`   // snoozed until
	Expires      time.Time `json:"expires,omitzero"` // optional explicit expiry
	Count        int       `json:"count"`            // how many times it has fired
}

// FieldError is bad input; Field is the JSON name of the field at fault.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// ErrNotFound is returned for an unknown intention ID.
var ErrNotFound = errors.New("intention not found")

// ErrNewerSchema refuses a memory.db written by a newer ARIA: its tables may mean other things.
var ErrNewerSchema = errors.New("prospect tables are newer than this program")

// migrations[i] brings the prospect tables from prospect_version i to i+1.
var migrations = []string{
	`CREATE TABLE IF NOT EXISTS intentions (
		id TEXT PRIMARY KEY,
		text TEXT NOT NULL,
		cue TEXT NOT NULL DEFAULT '',
		at INTEGER NOT NULL DEFAULT 0,
		event TEXT NOT NULL DEFAULT '',
		after_turns INTEGER NOT NULL DEFAULT 0,
		state TEXT NOT NULL,
		created INTEGER NOT NULL,
		fired INTEGER NOT NULL DEFAULT 0,
		turns INTEGER NOT NULL DEFAULT 0,
		conversation TEXT NOT NULL DEFAULT '',
		until INTEGER NOT NULL DEFAULT 0,
		expires INTEGER NOT NULL DEFAULT 0,
		fire_count INTEGER NOT NULL DEFAULT 0
	);
	CREATE INDEX IF NOT EXISTS intentions_state ON intentions (state);`,
}

// Book holds the intentions. Its methods are safe for concurrent use; firing is serialised so a
// turn cannot fire an intention twice.
type Book struct {
	db    *sql.DB
	clock func() time.Time
	seal  Sealer // nil: text and cue are stored plain
	mu    sync.Mutex
	// started: this Book has fired the app-start intentions (once per start).
	started bool
}

// Open creates or migrates the prospect tables in db (memory.db) and returns the Book.
// clock nil means time.Now.
func Open(ctx context.Context, db *sql.DB, clock func() time.Time) (*Book, error) {
	return OpenSealed(ctx, db, clock, nil)
}

// Sealer boxes the text and cue of each intention in a store encrypted at rest
// (memory.Store.Sealer).
type Sealer interface {
	Seal(ad string, plain []byte) []byte
	Open(ad string, box []byte) ([]byte, error)
}

// OpenSealed is Open for an encrypted memory.db: texts and cues are stored sealed, and those
// stored plain before are sealed now, in one transaction.
func OpenSealed(ctx context.Context, db *sql.DB, clock func() time.Time, seal Sealer) (*Book, error) {
	if clock == nil {
		clock = time.Now
	}
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("prospect: migrate: %w", err)
	}
	b := &Book{db: db, clock: clock, seal: seal}
	if seal != nil {
		if err := b.sealPlain(ctx); err != nil {
			return nil, fmt.Errorf("prospect: encrypt: %w", err)
		}
	}
	return b, nil
}

func textAD(id string) string { return "aria-memory/intention/" + id + "/text" }
func cueAD(id string) string  { return "aria-memory/intention/" + id + "/cue" }

// box is what a column holds: the value, or its box (an empty cue stays empty: the other
// columns already say the trigger is not a topic).
func (b *Book) box(ad, v string) any {
	if b.seal == nil || v == "" {
		return v
	}
	return b.seal.Seal(ad, []byte(v))
}

func (b *Book) unbox(ad string, raw []byte) (string, error) {
	if b.seal == nil || len(raw) == 0 {
		return string(raw), nil
	}
	p, err := b.seal.Open(ad, raw)
	if err != nil {
		return "", err
	}
	return string(p), nil
}

// sealPlain seals the intentions stored plain (a store encrypted after they were written),
// then truncates the WAL so their plain pages leave it.
func (b *Book) sealPlain(ctx context.Context) error {
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	type row struct{ id, text, cue string }
	var todo []row
	rows, err := tx.QueryContext(ctx, `SELECT id, text, cue FROM intentions WHERE typeof(text) = 'text'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.text, &r.cue); err != nil {
			rows.Close()
			return err
		}
		todo = append(todo, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(todo) == 0 {
		return nil
	}
	for _, r := range todo {
		if _, err := tx.ExecContext(ctx, `UPDATE intentions SET text = ?, cue = ? WHERE id = ?`,
			b.box(textAD(r.id), r.text), b.box(cueAD(r.id), r.cue), r.id); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = b.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

func migrate(ctx context.Context, db *sql.DB) error {
	err := sqlitefile.MigrateMeta(ctx, db, "prospect_version", migrations)
	if errors.Is(err, sqlitefile.ErrNewer) {
		return fmt.Errorf("%w: %w", ErrNewerSchema, err)
	}
	return err
}

func newID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

// validate checks an intention as Add and Update would store it.
func validate(it Intention) error {
	if strings.TrimSpace(it.Text) == "" {
		return &FieldError{"text", "is empty"}
	}
	if len(it.Text) > MaxText {
		return &FieldError{"text", fmt.Sprintf("is %d bytes, over the %d byte limit", len(it.Text), MaxText)}
	}
	if !utf8.ValidString(it.Text) {
		return &FieldError{"text", "is not valid UTF-8"}
	}
	set := []string{}
	if it.Cue != "" {
		set = append(set, "cue")
	}
	if !it.At.IsZero() {
		set = append(set, "at")
	}
	if it.Event != "" {
		set = append(set, "event")
	}
	if it.AfterTurns != 0 {
		set = append(set, "after_turns")
	}
	switch {
	case len(set) == 0:
		return &FieldError{"trigger", "one of cue, at, event or after_turns is required"}
	case len(set) > 1:
		return &FieldError{set[1], fmt.Sprintf("only one trigger is allowed, %s is already set", set[0])}
	}
	switch {
	case it.Cue != "":
		if len(it.Cue) > MaxCue {
			return &FieldError{"cue", fmt.Sprintf("is %d bytes, over the %d byte limit", len(it.Cue), MaxCue)}
		}
		if len(words(it.Cue)) == 0 {
			return &FieldError{"cue", "has no words"}
		}
	case it.Event != "":
		if !knownEvent(it.Event) {
			return &FieldError{"event", fmt.Sprintf("%q is not one of app-start, model-loaded, peer-joined", it.Event)}
		}
	case it.AfterTurns < 0:
		return &FieldError{"after_turns", "must be a positive number of turns"}
	}
	return nil
}

func knownEvent(e string) bool {
	return e == EventAppStart || e == EventModelLoaded || e == EventPeerJoined
}

// Add stores a new pending intention; ID, State, Created and the counters are set here.
func (b *Book) Add(ctx context.Context, it Intention) (Intention, error) {
	if it.State != "" && it.State != Pending {
		return Intention{}, &FieldError{"state", "a new intention is pending"}
	}
	if err := validate(it); err != nil {
		return Intention{}, err
	}
	now := b.clock()
	if !it.Expires.IsZero() && !it.Expires.After(now) {
		return Intention{}, &FieldError{"expires", "is in the past"}
	}
	it.ID = newID()
	it.State = Pending
	it.Created = now
	it.Fired, it.Until = time.Time{}, time.Time{}
	it.Turns, it.Count = 0, 0
	b.mu.Lock()
	defer b.mu.Unlock()
	_, err := b.db.ExecContext(ctx, `INSERT INTO intentions
		(id, text, cue, at, event, after_turns, state, created, conversation, expires)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, b.box(textAD(it.ID), it.Text), b.box(cueAD(it.ID), it.Cue), ms(it.At), it.Event, it.AfterTurns, string(it.State), ms(it.Created),
		it.Conversation, ms(it.Expires))
	if err != nil {
		return Intention{}, fmt.Errorf("prospect: add: %w", err)
	}
	return it, nil
}

// ms stores a time as Unix milliseconds, 0 for the zero time.
func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v)
}

const columns = `id, text, cue, at, event, after_turns, state, created, fired, turns, conversation, until, expires, fire_count`

type scanner interface{ Scan(dest ...any) error }

func (b *Book) scan(r scanner) (Intention, error) {
	var it Intention
	var at, created, fired, until, expires int64
	var state string
	var text, cue []byte
	err := r.Scan(&it.ID, &text, &cue, &at, &it.Event, &it.AfterTurns, &state, &created, &fired,
		&it.Turns, &it.Conversation, &until, &expires, &it.Count)
	if err != nil {
		return Intention{}, err
	}
	if it.Text, err = b.unbox(textAD(it.ID), text); err != nil {
		return Intention{}, fmt.Errorf("intention %s: %w", it.ID, err)
	}
	if it.Cue, err = b.unbox(cueAD(it.ID), cue); err != nil {
		return Intention{}, fmt.Errorf("intention %s: %w", it.ID, err)
	}
	it.State = State(state)
	it.At, it.Created, it.Fired = fromMS(at), fromMS(created), fromMS(fired)
	it.Until, it.Expires = fromMS(until), fromMS(expires)
	return it, nil
}

// Get returns one intention, with snoozes and expiries brought up to the clock.
func (b *Book) Get(ctx context.Context, id string) (Intention, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.sweep(ctx, b.clock()); err != nil {
		return Intention{}, err
	}
	return b.get(ctx, b.db, id)
}

type querier interface {
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

func (b *Book) get(ctx context.Context, q querier, id string) (Intention, error) {
	it, err := b.scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM intentions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Intention{}, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return Intention{}, fmt.Errorf("prospect: get %q: %w", id, err)
	}
	return it, nil
}

// Filter narrows List. Zero fields match everything.
type Filter struct {
	State        State
	Conversation string // intentions of this conversation and the global ones
}

// List returns intentions, newest first, with snoozes and expiries brought up to the clock.
func (b *Book) List(ctx context.Context, f Filter) ([]Intention, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if err := b.sweep(ctx, b.clock()); err != nil {
		return nil, err
	}
	q := `SELECT ` + columns + ` FROM intentions WHERE 1 = 1`
	var args []any
	if f.State != "" {
		q += ` AND state = ?`
		args = append(args, string(f.State))
	}
	if f.Conversation != "" {
		q += ` AND conversation IN ('', ?)`
		args = append(args, f.Conversation)
	}
	q += ` ORDER BY created DESC, id`
	return b.query(ctx, q, args...)
}

func (b *Book) query(ctx context.Context, q string, args ...any) ([]Intention, error) {
	rows, err := b.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("prospect: list: %w", err)
	}
	defer rows.Close()
	var out []Intention
	for rows.Next() {
		it, err := b.scan(rows)
		if err != nil {
			return nil, fmt.Errorf("prospect: list: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("prospect: list: %w", err)
	}
	return out, nil
}

// Patch changes an intention; nil fields stay as they are. Changing the trigger replaces it: set
// exactly one of Cue, At, Event, AfterTurns to move an intention to another trigger, which also
// reopens it (pending, turn count reset).
type Patch struct {
	Text       *string
	State      *State // done, cancelled, pending (reopen) or snoozed (needs Until)
	Until      *time.Time
	Cue        *string
	At         *time.Time
	Event      *string
	AfterTurns *int
	Expires    *time.Time
}

// allowed[from] lists the states a user may move an intention to.
var allowed = map[State][]State{
	Pending:   {Done, Cancelled, Snoozed, Pending},
	Fired:     {Done, Cancelled, Snoozed, Pending},
	Snoozed:   {Pending, Done, Cancelled, Snoozed},
	Done:      {Pending, Cancelled},
	Cancelled: {Pending},
	Expired:   {Pending, Cancelled},
}

// Update applies p to the intention id and returns it as stored.
func (b *Book) Update(ctx context.Context, id string, p Patch) (Intention, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock()
	if err := b.sweep(ctx, now); err != nil {
		return Intention{}, err
	}
	tx, err := b.db.BeginTx(ctx, nil)
	if err != nil {
		return Intention{}, fmt.Errorf("prospect: update: %w", err)
	}
	defer tx.Rollback()
	it, err := b.get(ctx, tx, id)
	if err != nil {
		return Intention{}, err
	}
	if p.Text != nil {
		it.Text = *p.Text
	}
	if p.Cue != nil || p.At != nil || p.Event != nil || p.AfterTurns != nil {
		it.Cue, it.At, it.Event, it.AfterTurns = "", time.Time{}, "", 0
		if p.Cue != nil {
			it.Cue = *p.Cue
		}
		if p.At != nil {
			it.At = *p.At
		}
		if p.Event != nil {
			it.Event = *p.Event
		}
		if p.AfterTurns != nil {
			it.AfterTurns = *p.AfterTurns
		}
		it.State, it.Turns, it.Until = Pending, 0, time.Time{}
	}
	if p.Expires != nil {
		if !p.Expires.IsZero() && !p.Expires.After(now) {
			return Intention{}, &FieldError{"expires", "is in the past"}
		}
		it.Expires = *p.Expires
	}
	if p.State != nil {
		to := *p.State
		ok := false
		for _, s := range allowed[it.State] {
			ok = ok || s == to
		}
		if !ok {
			return Intention{}, &FieldError{"state", fmt.Sprintf("cannot go from %s to %s", it.State, to)}
		}
		switch to {
		case Snoozed:
			if p.Until == nil || !p.Until.After(now) {
				return Intention{}, &FieldError{"until", "snoozing needs a time in the future"}
			}
			it.Until = *p.Until
		case Pending:
			it.Until, it.Turns = time.Time{}, 0
		}
		it.State = to
	} else if p.Until != nil {
		return Intention{}, &FieldError{"until", "is only used with state snoozed"}
	}
	if err := validate(it); err != nil {
		return Intention{}, err
	}
	_, err = tx.ExecContext(ctx, `UPDATE intentions SET text = ?, cue = ?, at = ?, event = ?,
		after_turns = ?, state = ?, turns = ?, until = ?, expires = ? WHERE id = ?`,
		b.box(textAD(id), it.Text), b.box(cueAD(id), it.Cue), ms(it.At), it.Event, it.AfterTurns, string(it.State), it.Turns, ms(it.Until),
		ms(it.Expires), id)
	if err != nil {
		return Intention{}, fmt.Errorf("prospect: update %q: %w", id, err)
	}
	if err := tx.Commit(); err != nil {
		return Intention{}, fmt.Errorf("prospect: update %q: %w", id, err)
	}
	return it, nil
}

// Delete removes an intention for good (cancel keeps it listed; delete does not).
func (b *Book) Delete(ctx context.Context, id string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	res, err := b.db.ExecContext(ctx, `DELETE FROM intentions WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("prospect: delete %q: %w", id, err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	return nil
}

// sweep wakes snoozed intentions whose time has come and expires stale ones. Callers hold b.mu.
func (b *Book) sweep(ctx context.Context, now time.Time) error {
	n := ms(now)
	// Until is kept: an `at` intention woken from a snooze counts its week from the snooze.
	_, err := b.db.ExecContext(ctx, `UPDATE intentions SET state = 'pending'
		WHERE state = 'snoozed' AND until <= ?`, n)
	if err != nil {
		return fmt.Errorf("prospect: wake snoozed: %w", err)
	}
	_, err = b.db.ExecContext(ctx, `UPDATE intentions SET state = 'expired'
		WHERE state = 'pending' AND ((expires > 0 AND expires <= ?)
			OR (at > 0 AND MAX(at, until) + ? < ?))`,
		n, ExpireAfter.Milliseconds(), n)
	if err != nil {
		return fmt.Errorf("prospect: expire: %w", err)
	}
	return nil
}
