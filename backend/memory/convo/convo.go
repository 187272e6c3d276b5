// Package convo keeps the chat history: conversations, each a title and its messages, saved
// whether memory is on or off (never a private chat's). A chat turn saves its conversation as
// exactly the history the client sent plus the answer (Save), so regenerating or editing an
// earlier message simply makes that shorter history the conversation.
//
// The conversations live in their own tables inside memory.db; the schema version is the row
// "convo_version" of the meta table (PRAGMA user_version belongs to the memory store). In a
// store encrypted at rest (memory.Store.Sealer) every title, message text and memory report is
// a sealed box bound to its conversation and place, so search runs here, in Go, over the opened
// texts rather than in SQL. Every write is one transaction: a process killed mid-save leaves the
// conversation as it was before, never half of it.
package convo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/aria-node/aria/backend/sqlitefile"
)

// The roles a saved message may have.
const (
	RoleSystem    = "system"
	RoleUser      = "user"
	RoleAssistant = "assistant"
)

// Limits on input, so that a bad request is refused with the field it got wrong.
const (
	MaxID         = 128 // bytes of a conversation's id (the chat's aria.conversation)
	MaxTitle      = 200 // characters of a title
	AutoTitle     = 60  // characters of the title made from the first user message
	PreviewLength = 120 // characters of a summary's preview, "…" included
)

// Message is one message of a conversation.
type Message struct {
	Role    string
	Content string
	// Stopped: the client stopped the answer while it streamed; Content is what it had.
	Stopped bool
	// Model is the model that wrote an answer ("" for the user's messages).
	Model string
	// Memory is the answer's memory report as JSON (the API's aria.memory), nil when the chat
	// did not use memory. convo keeps it as it is given, sealed like the text.
	Memory []byte
}

// Conversation is a saved conversation.
type Conversation struct {
	ID       string
	Title    string
	Created  time.Time
	Updated  time.Time
	Messages []Message
}

// Summary is a conversation in a list: no messages, their count and a preview of the last one.
type Summary struct {
	ID       string
	Title    string
	Created  time.Time
	Updated  time.Time
	Messages int
	Preview  string
}

// FieldError is bad input; Field is the JSON name of the field at fault.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

var (
	// ErrNotFound is returned for an unknown conversation id.
	ErrNotFound = errors.New("conversation not found")
	// ErrExists refuses to create a conversation whose id is taken.
	ErrExists = errors.New("a conversation with this id exists")
	// ErrNewerSchema refuses a memory.db written by a newer ARIA: its tables may mean other things.
	ErrNewerSchema = errors.New("conversation tables are newer than this program")
)

// Sealer boxes the texts of a store encrypted at rest (memory.Store.Sealer).
type Sealer interface {
	Seal(ad string, plain []byte) []byte
	Open(ad string, box []byte) ([]byte, error)
}

// migrations[i] brings the tables from convo_version i to i+1. Messages are rows of their own,
// so a turn rewrites only the messages that changed.
var migrations = []string{
	`CREATE TABLE IF NOT EXISTS conversations (
		id TEXT PRIMARY KEY,
		title NOT NULL,              -- the text, or its box in a sealed store
		renamed INTEGER NOT NULL,    -- 1: the user named it; saves keep the title
		created INTEGER NOT NULL,    -- unix ms
		updated INTEGER NOT NULL,
		messages INTEGER NOT NULL    -- how many rows conversation_messages holds for it
	);
	CREATE INDEX IF NOT EXISTS conversations_updated ON conversations (updated);
	CREATE TABLE IF NOT EXISTS conversation_messages (
		conversation TEXT NOT NULL,
		n INTEGER NOT NULL,          -- 0-based place in the conversation
		role TEXT NOT NULL,
		content NOT NULL,            -- the text, or its box
		stopped INTEGER NOT NULL,
		model TEXT NOT NULL,
		memory,                      -- NULL: none; else the report's JSON, or its box
		UNIQUE (conversation, n)
	);`,
}

// Store holds the conversations. Its methods are safe for concurrent use: SQLite serialises
// the writes (memory.db's transactions take the write lock at BEGIN).
type Store struct {
	db    *sql.DB
	clock func() time.Time
	seal  Sealer // nil: texts are stored plain
}

// Open creates or migrates the conversation tables in db (memory.db). clock nil means
// time.Now; seal nil stores texts plain.
func Open(ctx context.Context, db *sql.DB, clock func() time.Time, seal Sealer) (*Store, error) {
	if clock == nil {
		clock = time.Now
	}
	if err := migrate(ctx, db); err != nil {
		return nil, fmt.Errorf("conversations: migrate: %w", err)
	}
	s := &Store{db: db, clock: clock, seal: seal}
	if seal != nil {
		if err := s.sealPlain(ctx); err != nil {
			return nil, fmt.Errorf("conversations: encrypt: %w", err)
		}
	}
	return s, nil
}

func migrate(ctx context.Context, db *sql.DB) error {
	err := sqlitefile.MigrateMeta(ctx, db, "convo_version", migrations)
	if errors.Is(err, sqlitefile.ErrNewer) {
		return fmt.Errorf("%w: %w", ErrNewerSchema, err)
	}
	return err
}

// Box places: what a sealed value is bound to. The id and the message's place are both in
// it, so that boxes cannot be moved between conversations or reordered unnoticed.
func titleAD(id string) string { return "aria-memory/conversation/" + id + "/title" }
func contentAD(id string, n int) string {
	return fmt.Sprintf("aria-memory/conversation/%s/%d/content", id, n)
}
func memoryAD(id string, n int) string {
	return fmt.Sprintf("aria-memory/conversation/%s/%d/memory", id, n)
}

// box is what a column holds: the value, or its box.
func (s *Store) box(ad string, v []byte) any {
	if s.seal == nil {
		return string(v)
	}
	return s.seal.Seal(ad, v)
}

func (s *Store) unbox(ad string, raw []byte) ([]byte, error) {
	if s.seal == nil {
		return raw, nil
	}
	return s.seal.Open(ad, raw)
}

// memoryColumn is what the memory column holds: NULL for none.
func (s *Store) memoryColumn(id string, n int, m []byte) any {
	if len(m) == 0 {
		return nil
	}
	return s.box(memoryAD(id, n), m)
}

// sealPlain seals what a store encrypted after it was written holds in plain text, then
// truncates the WAL so that the plain pages leave it.
func (s *Store) sealPlain(ctx context.Context) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	type title struct{ id, text string }
	var titles []title
	rows, err := tx.QueryContext(ctx, `SELECT id, title FROM conversations WHERE typeof(title) = 'text'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var t title
		if err := rows.Scan(&t.id, &t.text); err != nil {
			rows.Close()
			return err
		}
		titles = append(titles, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	type msg struct {
		id      string
		n       int
		content string
		memory  sql.NullString
	}
	var msgs []msg
	rows, err = tx.QueryContext(ctx, `SELECT conversation, n, content, memory FROM conversation_messages
		WHERE typeof(content) = 'text' OR typeof(memory) = 'text'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var m msg
		if err := rows.Scan(&m.id, &m.n, &m.content, &m.memory); err != nil {
			rows.Close()
			return err
		}
		msgs = append(msgs, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if len(titles) == 0 && len(msgs) == 0 {
		return nil
	}
	for _, t := range titles {
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET title = ? WHERE id = ?`, s.box(titleAD(t.id), []byte(t.text)), t.id); err != nil {
			return err
		}
	}
	for _, m := range msgs {
		var mem []byte
		if m.memory.Valid {
			mem = []byte(m.memory.String)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE conversation_messages SET content = ?, memory = ? WHERE conversation = ? AND n = ?`,
			s.box(contentAD(m.id, m.n), []byte(m.content)), s.memoryColumn(m.id, m.n, mem), m.id, m.n); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	_, err = s.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

// CheckID checks a conversation's id: 1 to MaxID bytes of UTF-8 text without control
// characters or "/" (it is a path segment of the API).
func CheckID(id string) error {
	switch {
	case strings.TrimSpace(id) == "":
		return &FieldError{"id", "is empty"}
	case len(id) > MaxID:
		return &FieldError{"id", fmt.Sprintf("is %d bytes, over the %d byte limit", len(id), MaxID)}
	case !utf8.ValidString(id):
		return &FieldError{"id", "is not valid UTF-8"}
	case strings.ContainsRune(id, '/'):
		return &FieldError{"id", `holds a "/"`}
	case strings.IndexFunc(id, unicode.IsControl) >= 0:
		return &FieldError{"id", "holds a control character"}
	}
	return nil
}

// CheckTitle checks a title a user gives (trimmed): 1 to MaxTitle characters, one line.
func CheckTitle(title string) error {
	switch n := utf8.RuneCountInString(title); {
	case strings.TrimSpace(title) == "":
		return &FieldError{"title", "is empty"}
	case !utf8.ValidString(title):
		return &FieldError{"title", "is not valid UTF-8"}
	case n > MaxTitle:
		return &FieldError{"title", fmt.Sprintf("is %d characters, over the %d character limit", n, MaxTitle)}
	case strings.IndexFunc(title, unicode.IsControl) >= 0:
		return &FieldError{"title", "holds a control character (a title is one line)"}
	}
	return nil
}

// checkMessages checks the messages of a save or a restore.
func checkMessages(msgs []Message) error {
	for i, m := range msgs {
		switch m.Role {
		case RoleSystem, RoleUser, RoleAssistant:
		default:
			return &FieldError{fmt.Sprintf("messages[%d].role", i), fmt.Sprintf("%q is not one of system, user, assistant", m.Role)}
		}
		if !utf8.ValidString(m.Content) {
			return &FieldError{fmt.Sprintf("messages[%d].content", i), "is not valid UTF-8"}
		}
		if len(m.Model) > 256 {
			return &FieldError{fmt.Sprintf("messages[%d].model", i), "is longer than 256 bytes"}
		}
	}
	return nil
}

// Title is the title a conversation gets until it is renamed: the first line of its first user
// message, cut at AutoTitle characters with "…" ("New chat" when there is none).
func Title(msgs []Message) string {
	for _, m := range msgs {
		if m.Role != RoleUser {
			continue
		}
		line, _, _ := strings.Cut(strings.TrimSpace(m.Content), "\n")
		line = strings.Join(strings.FieldsFunc(line, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }), " ")
		if line == "" {
			continue
		}
		return cut(line, AutoTitle, false)
	}
	return "New chat"
}

// cut shortens s to n characters followed by "…" (within n, "…" included, when within).
func cut(s string, n int, within bool) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if within {
		n--
	}
	r := []rune(s)[:n]
	return strings.TrimRightFunc(string(r), unicode.IsSpace) + "…"
}

// preview is a summary's preview of a message: one line, at most PreviewLength characters.
func preview(content string) string {
	return cut(strings.Join(strings.Fields(content), " "), PreviewLength, true)
}

// ms stores a time as Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// toMS rounds a time to what the store keeps, so that what is returned is what is read back.
func toMS(t time.Time) time.Time { return fromMS(t.UnixMilli()) }

func (s *Store) now() time.Time { return toMS(s.clock()) }

type querier interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// head is a conversation's row.
type head struct {
	title            string
	renamed          bool
	created, updated time.Time
	messages         int
}

func (s *Store) head(ctx context.Context, q querier, id string) (head, error) {
	var h head
	var raw []byte
	var created, updated int64
	err := q.QueryRowContext(ctx, `SELECT title, renamed, created, updated, messages FROM conversations WHERE id = ?`, id).
		Scan(&raw, &h.renamed, &created, &updated, &h.messages)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if err != nil {
		return h, err
	}
	t, err := s.unbox(titleAD(id), raw)
	if err != nil {
		return h, fmt.Errorf("conversation %q: %w", id, err)
	}
	h.title, h.created, h.updated = string(t), fromMS(created), fromMS(updated)
	return h, nil
}

// messages reads a conversation's messages in order; each is given to f, which may stop the
// reading early by returning false.
func (s *Store) messages(ctx context.Context, q querier, id string, f func(n int, m Message) bool) error {
	rows, err := q.QueryContext(ctx, `SELECT n, role, content, stopped, model, memory FROM conversation_messages
		WHERE conversation = ? ORDER BY n`, id)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var n int
		var m Message
		var content, mem []byte
		if err := rows.Scan(&n, &m.Role, &content, &m.Stopped, &m.Model, &mem); err != nil {
			return err
		}
		c, err := s.unbox(contentAD(id, n), content)
		if err != nil {
			return fmt.Errorf("conversation %q: %w", id, err)
		}
		m.Content = string(c)
		if mem != nil {
			if m.Memory, err = s.unbox(memoryAD(id, n), mem); err != nil {
				return fmt.Errorf("conversation %q: %w", id, err)
			}
		}
		if !f(n, m) {
			return nil
		}
	}
	return rows.Err()
}

// message reads the message n of a conversation (a preview needs the last one).
func (s *Store) message(ctx context.Context, q querier, id string, n int) (Message, error) {
	var m Message
	if n < 0 {
		return m, nil
	}
	var content []byte
	err := q.QueryRowContext(ctx, `SELECT role, content FROM conversation_messages WHERE conversation = ? AND n = ?`, id, n).Scan(&m.Role, &content)
	if errors.Is(err, sql.ErrNoRows) {
		return m, nil
	}
	if err != nil {
		return m, err
	}
	c, err := s.unbox(contentAD(id, n), content)
	if err != nil {
		return m, fmt.Errorf("conversation %q: %w", id, err)
	}
	m.Content = string(c)
	return m, nil
}

func (s *Store) summary(ctx context.Context, q querier, id string, h head) (Summary, error) {
	last, err := s.message(ctx, q, id, h.messages-1)
	if err != nil {
		return Summary{}, err
	}
	return Summary{ID: id, Title: h.title, Created: h.created, Updated: h.updated, Messages: h.messages, Preview: preview(last.Content)}, nil
}

// carry gives the messages a client sent back (same role and text, nothing else said of them)
// what was stored with them: the model, the memory report, stopped. They are matched in order,
// so that a message the client added or left out (a system prompt changed between turns, say)
// moves none of it onto another message.
func carry(old, msgs []Message) {
	j := 0
	for i := range msgs {
		m := &msgs[i]
		if m.Stopped || m.Model != "" || m.Memory != nil {
			continue
		}
		for k := j; k < len(old); k++ {
			if sameText(old[k], *m) {
				m.Stopped, m.Model, m.Memory = old[k].Stopped, old[k].Model, old[k].Memory
				j = k + 1
				break
			}
		}
	}
}

// sameText reports whether a stored message is the one a client sent back: same role and text.
func sameText(a, b Message) bool { return a.Role == b.Role && a.Content == b.Content }

func sameMessage(a, b Message) bool {
	return sameText(a, b) && a.Stopped == b.Stopped && a.Model == b.Model && string(a.Memory) == string(b.Memory)
}

// Save stores the conversation id as exactly msgs: a chat turn's history as the client sent it,
// plus the answer. A message the client sent back unchanged (same role and text, and nothing
// else said of it) keeps what was stored with it: the model, the memory report, stopped. A new
// conversation is created; the title follows the first user message until the user renames it.
// It returns the conversation's summary.
func (s *Store) Save(ctx context.Context, id string, msgs []Message) (Summary, error) {
	if err := CheckID(id); err != nil {
		return Summary{}, err
	}
	if len(msgs) == 0 {
		return Summary{}, &FieldError{"messages", "a conversation holds at least one message"}
	}
	if err := checkMessages(msgs); err != nil {
		return Summary{}, err
	}
	msgs = append([]Message(nil), msgs...)
	now := s.now()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Summary{}, fmt.Errorf("save conversation: %w", err)
	}
	defer tx.Rollback()
	h, err := s.head(ctx, tx, id)
	exists := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return Summary{}, fmt.Errorf("save conversation: %w", err)
	}
	// keep: the stored messages that stay as they are.
	keep := 0
	if exists {
		var old []Message
		err = s.messages(ctx, tx, id, func(_ int, m Message) bool { old = append(old, m); return true })
		if err != nil {
			return Summary{}, fmt.Errorf("save conversation: %w", err)
		}
		carry(old, msgs)
		for keep < len(old) && keep < len(msgs) && sameMessage(old[keep], msgs[keep]) {
			keep++
		}
	} else {
		h = head{created: now}
	}
	if !h.renamed {
		h.title = Title(msgs)
	}
	h.updated, h.messages = now, len(msgs)
	if err := s.write(ctx, tx, id, h, exists, msgs, keep); err != nil {
		return Summary{}, fmt.Errorf("save conversation: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Summary{}, fmt.Errorf("save conversation: %w", err)
	}
	return Summary{ID: id, Title: h.title, Created: h.created, Updated: h.updated, Messages: h.messages, Preview: preview(msgs[len(msgs)-1].Content)}, nil
}

// write stores a conversation's row and its messages from keep on, within tx.
func (s *Store) write(ctx context.Context, tx *sql.Tx, id string, h head, exists bool, msgs []Message, keep int) error {
	title := s.box(titleAD(id), []byte(h.title))
	if exists {
		if _, err := tx.ExecContext(ctx, `UPDATE conversations SET title = ?, renamed = ?, created = ?, updated = ?, messages = ? WHERE id = ?`,
			title, h.renamed, ms(h.created), ms(h.updated), h.messages, id); err != nil {
			return err
		}
	} else if _, err := tx.ExecContext(ctx, `INSERT INTO conversations (id, title, renamed, created, updated, messages) VALUES (?, ?, ?, ?, ?, ?)`,
		id, title, h.renamed, ms(h.created), ms(h.updated), h.messages); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM conversation_messages WHERE conversation = ? AND n >= ?`, id, keep); err != nil {
		return err
	}
	for n := keep; n < len(msgs); n++ {
		m := msgs[n]
		if _, err := tx.ExecContext(ctx, `INSERT INTO conversation_messages (conversation, n, role, content, stopped, model, memory)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, id, n, m.Role, s.box(contentAD(id, n), []byte(m.Content)), m.Stopped, m.Model,
			s.memoryColumn(id, n, m.Memory)); err != nil {
			return err
		}
	}
	return nil
}

// Create stores c exactly as given (the undo of a delete, or the import of an exported
// conversation): ErrExists when its id is taken. An empty title is made from the messages; zero
// times are now (Updated: Created). Times are kept to the millisecond.
func (s *Store) Create(ctx context.Context, c Conversation) (Conversation, error) {
	if err := CheckID(c.ID); err != nil {
		return Conversation{}, err
	}
	if err := checkMessages(c.Messages); err != nil {
		return Conversation{}, err
	}
	auto := Title(c.Messages)
	h := head{title: strings.TrimSpace(c.Title), created: toMS(c.Created), updated: toMS(c.Updated), messages: len(c.Messages)}
	if h.title == "" {
		h.title = auto
	} else if err := CheckTitle(h.title); err != nil {
		return Conversation{}, err
	}
	// A title other than the one the messages give was a rename: later saves keep it.
	h.renamed = h.title != auto
	if c.Created.IsZero() {
		h.created = s.now()
	}
	if c.Updated.IsZero() {
		h.updated = h.created
	}
	if h.updated.Before(h.created) {
		return Conversation{}, &FieldError{"updated", "is before created"}
	}
	msgs := make([]Message, len(c.Messages))
	for i, m := range c.Messages {
		msgs[i] = m
		if len(m.Memory) == 0 {
			msgs[i].Memory = nil
		}
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Conversation{}, fmt.Errorf("create conversation: %w", err)
	}
	defer tx.Rollback()
	if _, err := s.head(ctx, tx, c.ID); err == nil {
		return Conversation{}, fmt.Errorf("%w: %q", ErrExists, c.ID)
	} else if !errors.Is(err, ErrNotFound) {
		return Conversation{}, fmt.Errorf("create conversation: %w", err)
	}
	if err := s.write(ctx, tx, c.ID, h, false, msgs, 0); err != nil {
		return Conversation{}, fmt.Errorf("create conversation: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Conversation{}, fmt.Errorf("create conversation: %w", err)
	}
	return Conversation{ID: c.ID, Title: h.title, Created: h.created, Updated: h.updated, Messages: msgs}, nil
}

// readTx is a read transaction: one snapshot of the database.
func (s *Store) readTx(ctx context.Context) (*sql.Tx, error) {
	return s.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
}

// Get returns a conversation with its messages.
func (s *Store) Get(ctx context.Context, id string) (Conversation, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return Conversation{}, fmt.Errorf("get conversation: %w", err)
	}
	defer tx.Rollback()
	h, err := s.head(ctx, tx, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return Conversation{}, err
		}
		return Conversation{}, fmt.Errorf("get conversation: %w", err)
	}
	c := Conversation{ID: id, Title: h.title, Created: h.created, Updated: h.updated, Messages: make([]Message, 0, h.messages)}
	if err := s.messages(ctx, tx, id, func(_ int, m Message) bool { c.Messages = append(c.Messages, m); return true }); err != nil {
		return Conversation{}, fmt.Errorf("get conversation: %w", err)
	}
	return c, nil
}

// Summary returns a conversation's summary.
func (s *Store) Summary(ctx context.Context, id string) (Summary, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return Summary{}, fmt.Errorf("conversation summary: %w", err)
	}
	defer tx.Rollback()
	h, err := s.head(ctx, tx, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return Summary{}, err
		}
		return Summary{}, fmt.Errorf("conversation summary: %w", err)
	}
	return s.summary(ctx, tx, id, h)
}

// Rename gives a conversation the user's title (trimmed; CheckTitle), which later saves keep.
// Its place in the list (Updated) does not change.
func (s *Store) Rename(ctx context.Context, id, title string) (Summary, error) {
	title = strings.TrimSpace(title)
	if err := CheckTitle(title); err != nil {
		return Summary{}, err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return Summary{}, fmt.Errorf("rename conversation: %w", err)
	}
	defer tx.Rollback()
	h, err := s.head(ctx, tx, id)
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return Summary{}, err
		}
		return Summary{}, fmt.Errorf("rename conversation: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE conversations SET title = ?, renamed = 1 WHERE id = ?`, s.box(titleAD(id), []byte(title)), id); err != nil {
		return Summary{}, fmt.Errorf("rename conversation: %w", err)
	}
	h.title = title
	sum, err := s.summary(ctx, tx, id, h)
	if err != nil {
		return Summary{}, fmt.Errorf("rename conversation: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Summary{}, fmt.Errorf("rename conversation: %w", err)
	}
	return sum, nil
}

// Delete removes a conversation and its messages. memory.db zeroes freed space (secure_delete),
// and the write-ahead log is checkpointed so that the text leaves it too, unless a reader
// keeps it busy (then it leaves at the next checkpoint).
func (s *Store) Delete(ctx context.Context, id string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("delete conversation: %w", err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM conversations WHERE id = ?`, id)
	if err != nil {
		return fmt.Errorf("delete conversation: %w", err)
	}
	if n, err := res.RowsAffected(); err == nil && n == 0 {
		return fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM conversation_messages WHERE conversation = ?`, id); err != nil {
		return fmt.Errorf("delete conversation: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("delete conversation: %w", err)
	}
	if _, err := s.db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return fmt.Errorf("delete conversation: checkpoint: %w", err)
	}
	return nil
}

// List returns conversations newest Updated first, from offset, at most limit of them, and how
// many there are in all. A non-empty q keeps those whose title or messages contain each of its
// words, ignoring case; it is matched here over the opened texts, since a sealed store's SQL sees
// only boxes.
func (s *Store) List(ctx context.Context, q string, limit, offset int) ([]Summary, int, error) {
	tx, err := s.readTx(ctx)
	if err != nil {
		return nil, 0, fmt.Errorf("list conversations: %w", err)
	}
	defer tx.Rollback()
	words := strings.Fields(strings.ToLower(q))
	var total int
	var page []string
	var heads []head
	if len(words) == 0 {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM conversations`).Scan(&total); err != nil {
			return nil, 0, fmt.Errorf("list conversations: %w", err)
		}
		page, heads, err = s.heads(ctx, tx, limit, offset)
	} else {
		page, heads, total, err = s.search(ctx, tx, words, limit, offset)
	}
	if err != nil {
		return nil, 0, fmt.Errorf("list conversations: %w", err)
	}
	out := make([]Summary, 0, len(page))
	for i, id := range page {
		sum, err := s.summary(ctx, tx, id, heads[i])
		if err != nil {
			return nil, 0, fmt.Errorf("list conversations: %w", err)
		}
		out = append(out, sum)
	}
	return out, total, nil
}

// heads reads conversation rows newest first; limit < 0 reads them all.
func (s *Store) heads(ctx context.Context, q querier, limit, offset int) ([]string, []head, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, title, renamed, created, updated, messages FROM conversations
		ORDER BY updated DESC, id LIMIT ? OFFSET ?`, limit, offset)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var ids []string
	var hs []head
	for rows.Next() {
		var id string
		var h head
		var raw []byte
		var created, updated int64
		if err := rows.Scan(&id, &raw, &h.renamed, &created, &updated, &h.messages); err != nil {
			return nil, nil, err
		}
		t, err := s.unbox(titleAD(id), raw)
		if err != nil {
			return nil, nil, fmt.Errorf("conversation %q: %w", id, err)
		}
		h.title, h.created, h.updated = string(t), fromMS(created), fromMS(updated)
		ids, hs = append(ids, id), append(hs, h)
	}
	return ids, hs, rows.Err()
}

// search keeps the conversations whose texts contain every word (lower case).
func (s *Store) search(ctx context.Context, q querier, words []string, limit, offset int) ([]string, []head, int, error) {
	ids, hs, err := s.heads(ctx, q, -1, 0)
	if err != nil {
		return nil, nil, 0, err
	}
	var pageIDs []string
	var pageHeads []head
	total := 0
	for i, id := range ids {
		left := missing(words, nil, hs[i].title)
		if len(left) > 0 {
			err := s.messages(ctx, q, id, func(_ int, m Message) bool {
				left = missing(left, left[:0:0], m.Content)
				return len(left) > 0
			})
			if err != nil {
				return nil, nil, 0, err
			}
		}
		if len(left) > 0 {
			continue
		}
		if total >= offset && len(pageIDs) < limit {
			pageIDs, pageHeads = append(pageIDs, id), append(pageHeads, hs[i])
		}
		total++
	}
	return pageIDs, pageHeads, total, nil
}

// missing appends to out the words text does not contain, ignoring case.
func missing(words, out []string, text string) []string {
	lower := strings.ToLower(text)
	for _, w := range words {
		if !strings.Contains(lower, w) {
			out = append(out, w)
		}
	}
	return out
}
