package memory

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go

	"github.com/aria-node/aria/backend/sqlitefile"
)

// applicationID marks the SQLite file as a memory database ("ARIM").
const applicationID = 0x4152494d

// migrations[i] brings the schema from user_version i to i+1 (the house style of
// backend/ledger/ledger.go). Other packages (prospect) keep their own tables in this file and
// their own versions in meta; they never touch user_version.
var migrations = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	INSERT INTO meta (key, value) VALUES ('generation', '0');
	CREATE TABLE items (
		n INTEGER PRIMARY KEY,
		id TEXT NOT NULL UNIQUE,
		kind TEXT NOT NULL,
		text TEXT NOT NULL,
		source TEXT NOT NULL,
		conversation TEXT NOT NULL DEFAULT '',
		created INTEGER NOT NULL,
		updated INTEGER NOT NULL,
		last_used INTEGER NOT NULL DEFAULT 0,
		importance REAL NOT NULL,
		pinned INTEGER NOT NULL,
		never_recall INTEGER NOT NULL,
		valid_from INTEGER NOT NULL,
		valid_to INTEGER NOT NULL DEFAULT 0,
		links TEXT NOT NULL DEFAULT '[]'
	);
	CREATE INDEX items_created ON items (created);
	CREATE INDEX items_kind ON items (kind, created);
	CREATE INDEX items_conversation ON items (conversation, created);
	-- External-content FTS5 tables: the text is stored once, in items.
	CREATE VIRTUAL TABLE fts_words USING fts5 (text, content='items', content_rowid='n', tokenize='porter unicode61 remove_diacritics 2');
	CREATE VIRTUAL TABLE fts_trigrams USING fts5 (text, content='items', content_rowid='n', tokenize='trigram remove_diacritics 1');
	-- A deleted row's terms leave the index at once instead of at the next merge (Forget).
	INSERT INTO fts_words (fts_words, rank) VALUES ('secure-delete', 1);
	INSERT INTO fts_trigrams (fts_trigrams, rank) VALUES ('secure-delete', 1);
	CREATE TABLE vectors (
		space TEXT NOT NULL,
		item INTEGER NOT NULL,
		dim INTEGER NOT NULL,
		format TEXT NOT NULL, -- 'i8': dim signed bytes, value = byte * scale
		data BLOB NOT NULL,
		scale REAL NOT NULL,
		PRIMARY KEY (space, item)
	) WITHOUT ROWID;
	CREATE INDEX vectors_item ON vectors (item);
	CREATE TRIGGER items_ai AFTER INSERT ON items BEGIN
		INSERT INTO fts_words (rowid, text) VALUES (new.n, new.text);
		INSERT INTO fts_trigrams (rowid, text) VALUES (new.n, new.text);
	END;
	CREATE TRIGGER items_ad AFTER DELETE ON items BEGIN
		INSERT INTO fts_words (fts_words, rowid, text) VALUES ('delete', old.n, old.text);
		INSERT INTO fts_trigrams (fts_trigrams, rowid, text) VALUES ('delete', old.n, old.text);
		DELETE FROM vectors WHERE item = old.n;
	END;
	CREATE TRIGGER items_au AFTER UPDATE OF text ON items BEGIN
		INSERT INTO fts_words (fts_words, rowid, text) VALUES ('delete', old.n, old.text);
		INSERT INTO fts_trigrams (fts_trigrams, rowid, text) VALUES ('delete', old.n, old.text);
		INSERT INTO fts_words (rowid, text) VALUES (new.n, new.text);
		INSERT INTO fts_trigrams (rowid, text) VALUES (new.n, new.text);
	END;`,
	// 2: the Porter index's terms, so that the trigram arm runs only for words it lacks.
	`CREATE VIRTUAL TABLE fts_words_vocab USING fts5vocab (fts_words, 'row');`,
	// 3: trigram document counts, so that the trigram arm can leave out the commonest.
	`CREATE VIRTUAL TABLE fts_trigrams_vocab USING fts5vocab (fts_trigrams, 'row');`,
}

// Options configure a Store.
type Options struct {
	Clock    func() time.Time // nil: time.Now
	Embedder Embedder         // nil: NewLexical()

	// Seal encrypts a plain store at open (SealOff: leave it plain). A sealed store stays
	// sealed and opens with the key its record names: Passphrase or Keychain.
	Seal       SealMode
	Passphrase string
	Keychain   Keychain
}

// Store is an open memory.db. Its methods are safe for concurrent use; writes are serialised.
type Store struct {
	db    *sql.DB
	path  string
	clock func() time.Time
	// emb is read under embMu by the paths that embed before they take wmu, and changed
	// (SetEmbedder) under both: a write checks, under wmu, that its vector is of the current
	// space, and stores none otherwise (Reembed makes it).
	embMu sync.RWMutex
	emb   Embedder
	lex   lexical // Match's vector arm and the synonym table
	idx   *vindex
	// maskPool lends the lexical arms their row → bits maps (see postings).
	maskPool sync.Pool

	// wmu serialises writes with the in-memory index and gen, the value of meta 'generation'
	// the index reflects: a write by another process (the CLI beside a running node) changes
	// the generation and the next Search reloads the index.
	wmu     sync.Mutex
	gen     int64
	missing int // items with no vector in the current space

	// seal is nil for a plain store. A sealed store's full-text tables live in the in-memory
	// database attached as "fts" to every connection (seal.go); pin keeps one connection open
	// so that database lives as long as the store.
	seal *sealer
	pin  *sql.Conn
	// ftsGen is the generation the in-memory index of a sealed store reflects.
	ftsGen int64
}

func dsn(path string) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	// Per connection: freed cells and pages are zeroed, so forgotten text leaves the file.
	q.Add("_pragma", "secure_delete(ON)")
	q.Set("_txlock", "immediate")
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens (creating and migrating as needed) the memory database at path, normally
// memory.db in the node's data directory, and loads the current space's vectors into memory. A
// sealed store needs its key (Options); without it, or with a wrong one, Open fails with
// ErrLocked or ErrWrongKey and writes nothing.
func Open(ctx context.Context, path string, o Options) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open memory %s: %w", path, err)
	}
	if err := private(path); err != nil {
		return nil, fmt.Errorf("open memory %s: %w", path, err)
	}
	if err := probe(ctx, path); err != nil {
		return nil, fmt.Errorf("open memory %s: %w", path, err)
	}
	db, err := openDB(path)
	if err != nil {
		return nil, fmt.Errorf("open memory %s: %w", path, err)
	}
	s := &Store{db: db, path: path, clock: o.Clock, emb: o.Embedder, lex: NewLexical().(lexical)}
	if s.clock == nil {
		s.clock = time.Now
	}
	if s.emb == nil {
		s.emb = s.lex
	}
	fail := func(err error) (*Store, error) {
		if s.pin != nil {
			s.pin.Close()
		}
		db.Close()
		return nil, fmt.Errorf("open memory %s: %w", path, err)
	}
	// The key is checked before anything is written, migrations included.
	rec, err := readSeal(ctx, db)
	if err != nil {
		return fail(err)
	}
	if rec != nil {
		if s.seal, err = unlock(ctx, rec, o); err != nil {
			return fail(err)
		}
	}
	if err := s.migrate(ctx); err != nil {
		return fail(err)
	}
	if err := private(path); err != nil { // -wal and -shm exist now
		return fail(err)
	}
	if rec == nil && o.Seal != SealOff {
		if err := s.sealPlain(ctx, o); err != nil {
			return fail(fmt.Errorf("encrypt: %w", err))
		}
	}
	if s.seal != nil {
		if s.pin, err = db.Conn(ctx); err != nil {
			return fail(err)
		}
		if err := s.ftsCreate(ctx); err != nil {
			return fail(err)
		}
	}
	s.wmu.Lock()
	err = s.reload(ctx)
	s.wmu.Unlock()
	if err != nil {
		return fail(err)
	}
	return s, nil
}

// probe refuses a file that is neither new nor a memory database (sqlitefile.Probe).
func probe(ctx context.Context, path string) error {
	if err := sqlitefile.Probe(ctx, path, applicationID); err != nil {
		return fmt.Errorf("%w: %w", ErrNotMemory, err)
	}
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	if err := sqlitefile.Migrate(ctx, s.db, applicationID, migrations, nil); err != nil {
		if errors.Is(err, sqlitefile.ErrForeign) {
			return fmt.Errorf("%w: %w", ErrNotMemory, err)
		}
		return err
	}
	return nil
}

// private creates path with mode 0600 if missing and tightens the modes of its WAL files.
func private(path string) error { return sqlitefile.Private(path) }

// Close closes the database.
func (s *Store) Close() error {
	if s.pin != nil {
		s.pin.Close()
	}
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close memory %s: %w", s.path, err)
	}
	return nil
}

// DB is the database, for packages that keep their own tables in memory.db (prospect). Their
// tables must not be named meta, items, vectors or fts_*; a version of their own may live in
// meta (key TEXT PRIMARY KEY, value TEXT).
func (s *Store) DB() *sql.DB { return s.db }

// Embedder is the store's current embedder.
func (s *Store) Embedder() Embedder { return s.embedder() }

func (s *Store) embedder() Embedder {
	s.embMu.RLock()
	defer s.embMu.RUnlock()
	return s.emb
}

// SetEmbedder makes e the embedder of new vectors and of search (a model loaded or changed):
// the index is rebuilt for e's space, which has no vectors of the items embedded before until
// Reembed makes them; meanwhile Search uses the lexical arms.
func (s *Store) SetEmbedder(ctx context.Context, e Embedder) error {
	if e == nil {
		e = s.lex
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	s.embMu.Lock()
	old := s.emb
	s.emb = e
	s.embMu.Unlock()
	if old.Space() == e.Space() {
		return nil
	}
	if err := s.reload(ctx); err != nil {
		return fmt.Errorf("memory: new embedder %s: %w", e.Space(), err)
	}
	return nil
}

func (s *Store) now() time.Time { return time.UnixMilli(s.clock().UnixMilli()).UTC() }

func newID() (string, error) {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("new id: %w", err)
	}
	return "m" + hex.EncodeToString(b[:]), nil
}

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
	return time.UnixMilli(v).UTC()
}

const itemColumns = `n, id, kind, text, source, conversation, created, updated, last_used, importance,
	pinned, never_recall, valid_from, valid_to, links`

type scanner interface{ Scan(...any) error }

func (s *Store) scanItem(r scanner) (int64, Item, error) {
	var it Item
	var n, created, updated, lastUsed, from, to int64
	var links string
	var text []byte
	err := r.Scan(&n, &it.ID, &it.Kind, &text, &it.Source, &it.Conversation, &created, &updated, &lastUsed,
		&it.Importance, &it.Pinned, &it.NeverRecall, &from, &to, &links)
	if err != nil {
		return 0, Item{}, err
	}
	if it.Text, err = s.openText(it.ID, text); err != nil {
		return 0, Item{}, err
	}
	it.Created, it.Updated, it.LastUsed = fromMS(created), fromMS(updated), fromMS(lastUsed)
	it.ValidFrom, it.ValidTo = fromMS(from), fromMS(to)
	if links != "" && links != "[]" {
		if err := json.Unmarshal([]byte(links), &it.Links); err != nil {
			return 0, Item{}, fmt.Errorf("item %s links: %w", it.ID, err)
		}
	}
	return n, it, nil
}

func linksJSON(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l) // a []string always marshals
	return string(b)
}

// insert writes a normalised item with its vector (nil: none) and returns its row number.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, it Item, space string, vec []float32) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO items (id, kind, text, source, conversation, created, updated,
		last_used, importance, pinned, never_recall, valid_from, valid_to, links)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		it.ID, string(it.Kind), s.sealText(it.ID, it.Text), it.Source, it.Conversation, ms(it.Created), ms(it.Updated),
		ms(it.LastUsed), it.Importance, it.Pinned, it.NeverRecall, ms(it.ValidFrom), ms(it.ValidTo), linksJSON(it.Links))
	if err != nil {
		if strings.Contains(err.Error(), "UNIQUE constraint failed: items.id") {
			return 0, &FieldError{Field: "id", Msg: fmt.Sprintf("%q already exists", it.ID)}
		}
		return 0, fmt.Errorf("insert item: %w", err)
	}
	n, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert item: %w", err)
	}
	if err := s.ftsPut(ctx, tx, n, it.Text); err != nil {
		return 0, err
	}
	if vec != nil {
		if err := s.putVector(ctx, tx, n, space, vec); err != nil {
			return 0, err
		}
	}
	return n, nil
}

func (s *Store) putVector(ctx context.Context, tx *sql.Tx, n int64, space string, vec []float32) error {
	q, scale := quantize(vec)
	var data any = int8Bytes(q)
	if s.seal != nil {
		data = s.seal.Seal(vectorAD(space, n), int8Bytes(q))
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO vectors (space, item, dim, format, data, scale) VALUES (?, ?, ?, 'i8', ?, ?)
		ON CONFLICT (space, item) DO UPDATE SET dim = excluded.dim, format = excluded.format, data = excluded.data, scale = excluded.scale`,
		space, n, len(vec), data, scale)
	if err != nil {
		return fmt.Errorf("store vector: %w", err)
	}
	return nil
}

// embedOne embeds text in the current space; an embedder that fails (no model loaded) leaves
// the item without a vector for Reembed, and retrieval on the lexical arms.
// embedOne embeds text with the current embedder and says in which space (nil: none).
func (s *Store) embedOne(ctx context.Context, text string) ([]float32, string) {
	e := s.embedder()
	vs, err := e.Embed(ctx, []string{text})
	if err != nil || len(vs) != 1 || len(vs[0]) != e.Dim() {
		return nil, e.Space()
	}
	return vs[0], e.Space()
}

// current is vec when space is the current embedder's, else nil; under wmu.
func (s *Store) current(vec []float32, space string) []float32 {
	if space != s.emb.Space() {
		return nil
	}
	return vec
}

// write runs fn in one immediate transaction, bumps the generation and commits; after (still
// under the write lock) updates the in-memory index. The caller holds no locks.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) (after func(), err error)) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	after, err := fn(tx)
	if err != nil {
		return err
	}
	var gen int64
	if err := tx.QueryRowContext(ctx, `UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation' RETURNING CAST(value AS INTEGER)`).Scan(&gen); err != nil {
		return fmt.Errorf("generation: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if gen != s.gen+1 {
		// Another process wrote since the index was loaded: reload it whole, on the next
		// search, rather than patch a stale copy.
		s.gen = -1
		return nil
	}
	if s.ftsGen == s.gen {
		s.ftsGen = gen
	}
	s.gen = gen
	if after != nil {
		after()
	}
	return nil
}

// Add stores a new item. Empty fields get defaults: kind semantic, source "user", times now,
// a fresh ID; a given ID must be new.
func (s *Store) Add(ctx context.Context, it Item) (Item, error) {
	if err := normalise(&it, s.now()); err != nil {
		return Item{}, fmt.Errorf("add memory: %w", err)
	}
	if it.ID == "" {
		id, err := newID()
		if err != nil {
			return Item{}, fmt.Errorf("add memory: %w", err)
		}
		it.ID = id
	}
	vec, space := s.embedOne(ctx, it.Text)
	err := s.write(ctx, func(tx *sql.Tx) (func(), error) {
		vec := s.current(vec, space)
		n, err := s.insert(ctx, tx, it, s.emb.Space(), vec)
		if err != nil {
			return nil, err
		}
		return func() { s.indexPut(n, it, vec) }, nil
	})
	if err != nil {
		return Item{}, fmt.Errorf("add memory: %w", err)
	}
	return it, nil
}

// Batch is writes that Store.Batch applies in one transaction: all or none.
type Batch struct {
	s      *Store
	ctx    context.Context
	tx     *sql.Tx
	now    time.Time
	afters []func()
}

// Batch runs fn with a Batch and commits what it wrote in one transaction, or nothing when fn
// fails (consolidation applies a run's facts and marks so).
func (s *Store) Batch(ctx context.Context, fn func(b *Batch) error) error {
	err := s.write(ctx, func(tx *sql.Tx) (func(), error) {
		b := &Batch{s: s, ctx: ctx, tx: tx, now: s.now()}
		if err := fn(b); err != nil {
			return nil, err
		}
		return func() {
			for _, a := range b.afters {
				a()
			}
		}, nil
	})
	if err != nil {
		return fmt.Errorf("memory batch: %w", err)
	}
	return nil
}

// Tx is the batch's transaction, for tables of other packages in memory.db.
func (b *Batch) Tx() *sql.Tx { return b.tx }

// Add is Store.Add within the batch.
func (b *Batch) Add(it Item) (Item, error) {
	if err := normalise(&it, b.now); err != nil {
		return Item{}, fmt.Errorf("add memory: %w", err)
	}
	if it.ID == "" {
		id, err := newID()
		if err != nil {
			return Item{}, fmt.Errorf("add memory: %w", err)
		}
		it.ID = id
	}
	vec, _ := b.s.embedOne(b.ctx, it.Text) // under wmu: of the current space
	n, err := b.s.insert(b.ctx, b.tx, it, b.s.emb.Space(), vec)
	if err != nil {
		return Item{}, fmt.Errorf("add memory: %w", err)
	}
	b.afters = append(b.afters, func() { b.s.indexPut(n, it, vec) })
	return it, nil
}

// Supersede is Store.Supersede within the batch.
func (b *Batch) Supersede(oldID string, newFact Item) (Item, error) {
	out, after, err := b.s.supersede(b.ctx, b.tx, oldID, newFact, b.now)
	if err != nil {
		return Item{}, fmt.Errorf("supersede memory %q: %w", oldID, err)
	}
	b.afters = append(b.afters, after)
	return out, nil
}

// indexPut records new item n's vector (nil: it has none yet) and metadata; under wmu.
func (s *Store) indexPut(n int64, it Item, vec []float32) {
	if vec == nil {
		s.missing++
		return
	}
	s.idx.put(n, vec, metaOf(it), it.Conversation)
}

// Get returns the item with the given ID, or ErrNotFound.
func (s *Store) Get(ctx context.Context, id string) (Item, error) {
	_, it, err := s.scanItem(s.db.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM items WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Item{}, fmt.Errorf("get memory %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return Item{}, fmt.Errorf("get memory %q: %w", id, err)
	}
	return it, nil
}

func (s *Store) getTx(ctx context.Context, tx *sql.Tx, id string) (int64, Item, error) {
	n, it, err := s.scanItem(tx.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM items WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return 0, Item{}, fmt.Errorf("%q: %w", id, ErrNotFound)
	}
	return n, it, err
}

// List returns items newest first. Closed facts only with IncludeClosed; never-recall items
// always (the memory page shows them). Limit <= 0: no limit.
func (s *Store) List(ctx context.Context, f Filter) ([]Item, error) {
	q := "SELECT " + itemColumns + " FROM items WHERE 1"
	var args []any
	if f.Kind != "" {
		if !validKind(f.Kind) {
			return nil, fmt.Errorf("list memory: %w", &FieldError{Field: "kind", Msg: fmt.Sprintf("unknown kind %q", f.Kind)})
		}
		q += " AND kind = ?"
		args = append(args, string(f.Kind))
	}
	if f.Conversation != "" {
		q += " AND conversation = ?"
		args = append(args, f.Conversation)
	}
	if !f.IncludeClosed {
		q += " AND valid_to = 0"
	}
	if f.Pinned {
		q += " AND pinned = 1"
	}
	q += " ORDER BY created DESC, n DESC"
	if f.Limit > 0 || f.Offset > 0 {
		lim := f.Limit
		if lim <= 0 {
			lim = -1
		}
		q += " LIMIT ? OFFSET ?"
		args = append(args, lim, max(f.Offset, 0))
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list memory: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		_, it, err := s.scanItem(rows)
		if err != nil {
			return nil, fmt.Errorf("list memory: %w", err)
		}
		out = append(out, it)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list memory: %w", err)
	}
	return out, nil
}

// Update changes the fields set in p. A new text is re-indexed and re-embedded (vectors of
// other spaces are dropped: they describe the old text).
func (s *Store) Update(ctx context.Context, id string, p Patch) (Item, error) {
	var vec []float32
	var space string
	if p.Text != nil {
		t := strings.TrimSpace(*p.Text)
		if err := checkText(t); err != nil {
			return Item{}, fmt.Errorf("update memory %q: %w", id, err)
		}
		p.Text = &t
		vec, space = s.embedOne(ctx, t)
	}
	if p.Kind != nil && !validKind(*p.Kind) {
		return Item{}, fmt.Errorf("update memory %q: %w", id, &FieldError{Field: "kind", Msg: fmt.Sprintf("unknown kind %q (episodic, semantic or procedural)", *p.Kind)})
	}
	if p.Importance != nil {
		if err := checkImportance(*p.Importance); err != nil {
			return Item{}, fmt.Errorf("update memory %q: %w", id, err)
		}
	}
	var out Item
	err := s.write(ctx, func(tx *sql.Tx) (func(), error) {
		n, it, err := s.getTx(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		textChanged := p.Text != nil && *p.Text != it.Text
		if p.Text != nil {
			it.Text = *p.Text
		}
		if p.Pinned != nil {
			it.Pinned = *p.Pinned
		}
		if p.NeverRecall != nil {
			it.NeverRecall = *p.NeverRecall
		}
		if p.Importance != nil {
			it.Importance = *p.Importance
		}
		if p.Kind != nil {
			it.Kind = *p.Kind
		}
		it.Updated = s.now()
		if _, err := tx.ExecContext(ctx, `UPDATE items SET text = ?, pinned = ?, never_recall = ?, importance = ?, kind = ?,
			updated = ? WHERE n = ?`, s.sealText(it.ID, it.Text), it.Pinned, it.NeverRecall, it.Importance, string(it.Kind), ms(it.Updated), n); err != nil {
			return nil, fmt.Errorf("update: %w", err)
		}
		if textChanged {
			if err := s.ftsDel(ctx, tx, n); err != nil {
				return nil, err
			}
			if err := s.ftsPut(ctx, tx, n, it.Text); err != nil {
				return nil, err
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM vectors WHERE item = ?", n); err != nil {
				return nil, fmt.Errorf("drop vectors: %w", err)
			}
			if vec = s.current(vec, space); vec != nil {
				if err := s.putVector(ctx, tx, n, s.emb.Space(), vec); err != nil {
					return nil, err
				}
			}
		}
		out = it
		return func() {
			switch {
			case !textChanged:
				s.idx.setMeta(n, metaOf(it))
			case vec != nil:
				if !s.idx.has(n) {
					s.missing--
				}
				s.idx.put(n, vec, metaOf(it), it.Conversation)
			default:
				if s.idx.remove(n) {
					s.missing++
				}
			}
		}, nil
	})
	if err != nil {
		return Item{}, fmt.Errorf("update memory %q: %w", id, err)
	}
	return out, nil
}

// Supersede closes the fact oldID (ValidTo = now) and adds newFact in one transaction. The
// new fact's kind defaults to the old one's; a closed fact cannot be superseded (ErrClosed).
func (s *Store) Supersede(ctx context.Context, oldID string, newFact Item) (Item, error) {
	now := s.now()
	var out Item
	err := s.write(ctx, func(tx *sql.Tx) (func(), error) {
		var after func()
		var err error
		out, after, err = s.supersede(ctx, tx, oldID, newFact, now)
		return after, err
	})
	if err != nil {
		return Item{}, fmt.Errorf("supersede memory %q: %w", oldID, err)
	}
	return out, nil
}

// supersede closes oldID and inserts newFact in tx; after updates the in-memory index once the
// transaction is committed.
func (s *Store) supersede(ctx context.Context, tx *sql.Tx, oldID string, newFact Item, now time.Time) (Item, func(), error) {
	newFact.ValidFrom = time.Time{}
	newFact.ValidTo = time.Time{}
	n, old, err := s.getTx(ctx, tx, oldID)
	if err != nil {
		return Item{}, nil, err
	}
	if old.Closed() {
		return Item{}, nil, fmt.Errorf("%q: %w", oldID, ErrClosed)
	}
	if newFact.Kind == "" {
		newFact.Kind = old.Kind
	}
	if err := normalise(&newFact, now); err != nil {
		return Item{}, nil, err
	}
	if newFact.ID == "" {
		if newFact.ID, err = newID(); err != nil {
			return Item{}, nil, err
		}
	}
	vec, _ := s.embedOne(ctx, newFact.Text) // under wmu: of the current space
	old.ValidTo, old.Updated = now, now
	if old.ValidTo.Before(old.ValidFrom) {
		old.ValidTo = old.ValidFrom
	}
	if _, err := tx.ExecContext(ctx, "UPDATE items SET valid_to = ?, updated = ? WHERE n = ?", ms(old.ValidTo), ms(now), n); err != nil {
		return Item{}, nil, fmt.Errorf("close old fact: %w", err)
	}
	nn, err := s.insert(ctx, tx, newFact, s.emb.Space(), vec)
	if err != nil {
		return Item{}, nil, err
	}
	return newFact, func() {
		s.idx.setMeta(n, metaOf(old))
		s.indexPut(nn, newFact, vec)
	}, nil
}

// MarkUsed sets LastUsed to now for the items put into a context (recency rescoring).
func (s *Store) MarkUsed(ctx context.Context, ids ...string) error {
	if len(ids) == 0 {
		return nil
	}
	now := ms(s.now())
	err := s.write(ctx, func(tx *sql.Tx) (func(), error) {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE items SET last_used = ? WHERE id = ?", now, id); err != nil {
				return nil, err
			}
		}
		return nil, nil
	})
	if err != nil {
		return fmt.Errorf("mark memory used: %w", err)
	}
	return nil
}

// Forget deletes the item: its row, its full-text index entries and its vectors, with
// secure_delete zeroing the freed bytes, then checkpoints and truncates the WAL so that the
// text is in none of memory.db, -wal and -shm.
func (s *Store) Forget(ctx context.Context, id string) error {
	err := s.write(ctx, func(tx *sql.Tx) (func(), error) {
		n, _, err := s.getTx(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM items WHERE n = ?", n); err != nil {
			return nil, fmt.Errorf("delete: %w", err)
		}
		if err := s.ftsDel(ctx, tx, n); err != nil {
			return nil, err
		}
		return func() {
			if !s.idx.remove(n) {
				s.missing--
			}
		}, nil
	})
	if err != nil {
		return fmt.Errorf("forget memory %q: %w", id, err)
	}
	if err := s.checkpoint(ctx); err != nil {
		return fmt.Errorf("forget memory %q: %w", id, err)
	}
	return nil
}

// ForgetAll deletes every item, index entry and vector (the tables of other packages stay).
func (s *Store) ForgetAll(ctx context.Context) error {
	err := s.write(ctx, func(tx *sql.Tx) (func(), error) {
		// Row by row through the trigger: an external-content FTS5 index must be told each
		// deleted row's text.
		if _, err := tx.ExecContext(ctx, "DELETE FROM items"); err != nil {
			return nil, fmt.Errorf("delete: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM vectors"); err != nil {
			return nil, fmt.Errorf("delete vectors: %w", err)
		}
		for _, t := range []string{"fts_words", "fts_trigrams"} {
			if s.seal != nil {
				if _, err := tx.ExecContext(ctx, "DELETE FROM fts."+t); err != nil {
					return nil, fmt.Errorf("clear %s: %w", t, err)
				}
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES ('optimize')", t, t)); err != nil {
				return nil, fmt.Errorf("optimize %s: %w", t, err)
			}
		}
		return func() {
			s.idx.reset(s.emb.Space(), s.emb.Dim())
			s.missing = 0
		}, nil
	})
	if err != nil {
		return fmt.Errorf("forget all memory: %w", err)
	}
	if err := s.checkpoint(ctx); err != nil {
		return fmt.Errorf("forget all memory: %w", err)
	}
	return nil
}

// checkpoint copies the WAL into the database and truncates it to zero bytes. A reader that
// still holds an old snapshot blocks truncation: retry briefly, then say so.
func (s *Store) checkpoint(ctx context.Context) error {
	for try := 0; ; try++ {
		var busy, log, done int
		if err := s.db.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &log, &done); err != nil {
			return fmt.Errorf("wal checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
		if try == 20 {
			return fmt.Errorf("wal checkpoint: readers kept the write-ahead log busy; the forgotten text leaves it at the next checkpoint")
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wal checkpoint: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}
