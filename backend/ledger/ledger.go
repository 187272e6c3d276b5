// Package ledger is the node's record of every inference it does or asks for: an append-only,
// hash-chained, signed SQLite table that anyone can verify with the node's peer ID alone.
//
// Each entry's hash is
//
//	hash = SHA-256(prev_hash || wire.Marshal(hashedEntry))
//
// where prev_hash is the previous entry's hash as 32 raw bytes (32 zero bytes for seq 1) and
// hashedEntry is the deterministic CBOR map of every other field under fixed integer keys:
// 1 seq, 2 request_id, 3 kind, 4 model_sha256, 5 layer_from, 6 layer_to, 7 prompt_tokens,
// 8 gen_tokens, 9 started_at (unix ms), 10 duration_ms, 11 energy_mj, 12 energy_label,
// 13 requester, 14 worker (raw peer ID bytes), 15 input_hash, 16 output_hash (lowercase hex
// text), 17 receipt signer (raw peer ID bytes), 18 receipt payload, 19 receipt signature (byte
// strings, empty when there is no receipt). Hashes are stored as lowercase hex.
//
// The owner's signature of an entry covers "aria/ledger/entry/v1\n" followed by the raw hash.
// A signed head, "aria/ledger/head/v1\n" followed by the CBOR map {1: seq, 2: raw hash} of the
// last entry, is rewritten in the same transaction as each append, so that removing the last
// entries is detected too. Receipts sign "aria/ledger/receipt/v1\n" followed by the payload.
//
// What verification cannot detect: the owner, who holds the key, can rewrite and re-sign its
// whole ledger, and deleting every entry together with the head leaves a valid empty ledger.
// Receipts are what the owner cannot forge: they carry another peer's signature.
package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go

	"github.com/aria-node/aria/backend/sqlitefile"
)

// Errors that callers branch on.
var (
	ErrNotFound  = errors.New("ledger entry not found")
	ErrNotLedger = errors.New("not an ARIA ledger")
	ErrReadOnly  = errors.New("ledger is open read-only")
	ErrWrongKey  = errors.New("ledger belongs to another peer")
	// ErrReceiptUsed refuses an entry whose receipt another entry already carries: one piece
	// of work is credited once.
	ErrReceiptUsed = errors.New("the receipt is already used by another entry")
	ErrBroken      = errors.New("ledger head does not match its last entry (run verify)")
)

// applicationID marks the SQLite file as a ledger ("ARIL").
const applicationID = 0x4152494c

// migrations[i] brings the schema from user_version i to i+1.
var migrations = []string{
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	CREATE TABLE entries (
		seq INTEGER PRIMARY KEY,
		request_id TEXT NOT NULL,
		kind TEXT NOT NULL,
		model_sha256 TEXT NOT NULL,
		layer_from INTEGER NOT NULL,
		layer_to INTEGER NOT NULL,
		prompt_tokens INTEGER NOT NULL,
		gen_tokens INTEGER NOT NULL,
		started_at INTEGER NOT NULL,
		duration_ms INTEGER NOT NULL,
		energy_mj INTEGER NOT NULL,
		energy_label TEXT NOT NULL,
		requester TEXT NOT NULL,
		worker TEXT NOT NULL,
		input_hash TEXT NOT NULL,
		output_hash TEXT NOT NULL,
		receipt_signer TEXT,
		receipt_payload BLOB,
		receipt_sig BLOB,
		prev_hash TEXT NOT NULL,
		hash TEXT NOT NULL,
		sig BLOB NOT NULL
	);
	CREATE INDEX entries_kind ON entries (kind, seq);
	CREATE INDEX entries_started ON entries (started_at);
	CREATE INDEX entries_requester ON entries (requester);
	CREATE INDEX entries_worker ON entries (worker);
	CREATE TABLE head (
		id INTEGER PRIMARY KEY CHECK (id = 1),
		seq INTEGER NOT NULL,
		hash TEXT NOT NULL,
		sig BLOB NOT NULL
	);`,
	// 2: proof of peers' wrong work (evidence.go).
	`CREATE TABLE evidence (
		id INTEGER PRIMARY KEY,
		at INTEGER NOT NULL,
		peer TEXT NOT NULL,
		request_id TEXT NOT NULL,
		model_sha256 TEXT NOT NULL,
		layer_from INTEGER NOT NULL,
		layer_to INTEGER NOT NULL,
		pos INTEGER NOT NULL,
		claimed TEXT NOT NULL,
		computed TEXT NOT NULL,
		claim BLOB NOT NULL,
		sig BLOB NOT NULL,
		inputs BLOB
	);
	CREATE INDEX evidence_peer ON evidence (peer);`,
	// 3: the ledger page filters by model (query.go).
	`CREATE INDEX IF NOT EXISTS entries_model ON entries (model_sha256, seq);`,
}

// Ledger is an open ledger file. Its methods are safe for concurrent use; appends are serialised.
type Ledger struct {
	db    *sql.DB
	path  string
	key   crypto.PrivKey // nil when read-only
	owner peer.ID
	// allowReuse lets tests write what an edited database would hold.
	allowReuse bool
	mu         sync.Mutex // one append at a time
}

func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	// Immediate transactions take the write lock at BEGIN, so two processes appending to one file
	// wait for each other instead of failing on a lock upgrade.
	q.Set("_txlock", "immediate")
	if readOnly {
		q.Set("_query_only", "1")
	}
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
}

// Open opens the ledger at path for appending, signed with key, creating the file (and its
// directory) and migrating the schema as needed. The ledger's owner is key's peer ID; a ledger
// created with another key gives ErrWrongKey.
func Open(ctx context.Context, path string, key crypto.PrivKey) (*Ledger, error) {
	owner, err := keyID(key)
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	if err := private(path); err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	l, err := open(ctx, path, false)
	if err != nil {
		return nil, err
	}
	if err := l.migrate(ctx, owner); err != nil {
		l.db.Close()
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	if l.owner != owner {
		l.db.Close()
		return nil, fmt.Errorf("open ledger %s: %w: it is %s's, the key is %s's", path, ErrWrongKey, l.owner, owner)
	}
	l.key = key
	return l, nil
}

// OpenReadOnly opens an existing ledger for reading and verifying; it needs no key.
func OpenReadOnly(ctx context.Context, path string) (*Ledger, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open ledger: %w", err)
	}
	l, err := open(ctx, path, true)
	if err != nil {
		return nil, err
	}
	v, err := l.version(ctx)
	if err == nil && (v < 1 || v > len(migrations)) {
		err = fmt.Errorf("%w: schema version %d, this program reads 1 to %d", ErrNotLedger, v, len(migrations))
	}
	if err == nil {
		err = l.loadOwner(ctx)
	}
	if err != nil {
		l.db.Close()
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	return l, nil
}

func open(ctx context.Context, path string, readOnly bool) (*Ledger, error) {
	if err := probe(ctx, path); err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	db, err := sql.Open("sqlite", dsn(path, readOnly))
	if err != nil {
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open ledger %s: %w", path, err)
	}
	return &Ledger{db: db, path: path}, nil
}

// probe refuses a file that is neither new nor a ledger (sqlitefile.Probe).
func probe(ctx context.Context, path string) error {
	if err := sqlitefile.Probe(ctx, path, applicationID); err != nil {
		return fmt.Errorf("%w: %w", ErrNotLedger, err)
	}
	return nil
}

func (l *Ledger) version(ctx context.Context) (int, error) {
	var v int
	if err := l.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return 0, fmt.Errorf("schema version: %w", err)
	}
	return v, nil
}

// migrate applies the missing migrations in one transaction; a new ledger records owner.
func (l *Ledger) migrate(ctx context.Context, owner peer.ID) error {
	err := sqlitefile.Migrate(ctx, l.db, applicationID, migrations, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('owner', ?)", owner.String()); err != nil {
			return fmt.Errorf("record owner: %w", err)
		}
		return nil
	})
	if errors.Is(err, sqlitefile.ErrForeign) {
		return fmt.Errorf("%w: %w", ErrNotLedger, err)
	}
	if err != nil {
		return err
	}
	return l.loadOwner(ctx)
}

func (l *Ledger) loadOwner(ctx context.Context) error {
	var s string
	if err := l.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'owner'").Scan(&s); err != nil {
		return fmt.Errorf("%w: owner: %w", ErrNotLedger, err)
	}
	id, err := peer.Decode(s)
	if err != nil {
		return fmt.Errorf("%w: owner %q: %w", ErrNotLedger, s, err)
	}
	l.owner = id
	return nil
}

// Owner is the peer whose key signs this ledger.
func (l *Ledger) Owner() peer.ID { return l.owner }

// Close closes the database.
func (l *Ledger) Close() error {
	if err := l.db.Close(); err != nil {
		return fmt.Errorf("close ledger %s: %w", l.path, err)
	}
	return nil
}

// Append fills e's Seq, PrevHash, Hash and Sig, writes it and the new head in one transaction,
// and returns the entry once committed. An invalid entry gives ErrInvalid and writes nothing.
func (l *Ledger) Append(ctx context.Context, e Entry) (Entry, error) {
	if l.key == nil {
		return Entry{}, ErrReadOnly
	}
	e.ModelSHA256 = strings.ToLower(e.ModelSHA256)
	e.InputHash = strings.ToLower(e.InputHash)
	e.OutputHash = strings.ToLower(e.OutputHash)
	if err := validate(&e, l.owner); err != nil {
		return Entry{}, fmt.Errorf("append to ledger: %w", err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	tx, err := l.db.BeginTx(ctx, nil)
	if err != nil {
		return Entry{}, fmt.Errorf("append to ledger: %w", err)
	}
	defer tx.Rollback()
	var last uint64
	prev := zeroHash
	err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM entries ORDER BY seq DESC LIMIT 1").Scan(&last, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fmt.Errorf("append to ledger: last entry: %w", err)
	}
	var headSeq uint64
	var headHash string
	err = tx.QueryRowContext(ctx, "SELECT seq, hash FROM head WHERE id = 1").Scan(&headSeq, &headHash)
	if errors.Is(err, sql.ErrNoRows) {
		headHash = zeroHash
	} else if err != nil {
		return Entry{}, fmt.Errorf("append to ledger: head: %w", err)
	}
	// Continuing a chain whose end was cut or edited would sign over the damage.
	if headSeq != last || headHash != prev {
		return Entry{}, fmt.Errorf("append to ledger: %w", ErrBroken)
	}
	if r := e.Receipt; r != nil && !l.allowReuse {
		var seq uint64
		err := tx.QueryRowContext(ctx, "SELECT seq FROM entries WHERE receipt_sig = ? LIMIT 1", nonNil(r.Sig)).Scan(&seq)
		if err == nil {
			return Entry{}, fmt.Errorf("append to ledger: %w (entry %d)", ErrReceiptUsed, seq)
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return Entry{}, fmt.Errorf("append to ledger: receipts: %w", err)
		}
	}
	e.Seq, e.PrevHash = last+1, prev
	if e.Hash, err = computeHash(&e); err != nil {
		return Entry{}, fmt.Errorf("append to ledger: %w", err)
	}
	msg, err := signedHash(entryDomain, e.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("append to ledger: %w", err)
	}
	if e.Sig, err = l.key.Sign(msg); err != nil {
		return Entry{}, fmt.Errorf("append to ledger: sign: %w", err)
	}
	hb, err := headBytes(e.Seq, e.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("append to ledger: %w", err)
	}
	headSig, err := l.key.Sign(hb)
	if err != nil {
		return Entry{}, fmt.Errorf("append to ledger: sign head: %w", err)
	}
	var rs, rp, rsig any
	if r := e.Receipt; r != nil {
		rs, rp, rsig = r.Signer.String(), nonNil(r.Payload), nonNil(r.Sig)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO entries (seq, request_id, kind, model_sha256, layer_from, layer_to,
		prompt_tokens, gen_tokens, started_at, duration_ms, energy_mj, energy_label, requester, worker,
		input_hash, output_hash, receipt_signer, receipt_payload, receipt_sig, prev_hash, hash, sig)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Seq, e.RequestID, string(e.Kind), e.ModelSHA256, e.LayerFrom, e.LayerTo, e.PromptTokens, e.GenTokens,
		e.StartedAt, e.DurationMs, e.EnergyMJ, e.EnergyLabel, e.Requester.String(), e.Worker.String(),
		e.InputHash, e.OutputHash, rs, rp, rsig, e.PrevHash, e.Hash, e.Sig)
	if err != nil {
		return Entry{}, fmt.Errorf("append to ledger: insert: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO head (id, seq, hash, sig) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash, sig = excluded.sig`,
		e.Seq, e.Hash, headSig)
	if err != nil {
		return Entry{}, fmt.Errorf("append to ledger: head: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return Entry{}, fmt.Errorf("append to ledger: commit: %w", err)
	}
	return e, nil
}

const columns = `seq, request_id, kind, model_sha256, layer_from, layer_to, prompt_tokens, gen_tokens,
	started_at, duration_ms, energy_mj, energy_label, requester, worker, input_hash, output_hash,
	receipt_signer, receipt_payload, receipt_sig, prev_hash, hash, sig`

// scanEntry reads one row of columns. Every value is scanned untyped and then checked, so a row
// edited into nonsense (text in a number column, a bad peer ID) is an error naming its seq rather
// than a failed query.
func scanEntry(s interface{ Scan(...any) error }) (uint64, Entry, error) {
	var v [22]any
	dest := make([]any, len(v))
	for i := range v {
		dest[i] = &v[i]
	}
	if err := s.Scan(dest...); err != nil {
		return 0, Entry{}, err
	}
	var e Entry
	seq, ok := v[0].(int64)
	if !ok || seq < 0 {
		return 0, e, fmt.Errorf("seq %v is not a number", v[0])
	}
	e.Seq = uint64(seq)
	var bad []string
	num := func(i int, name string, p *int64) {
		if n, ok := v[i].(int64); ok {
			*p = n
		} else {
			bad = append(bad, fmt.Sprintf("%s is %T, not a number", name, v[i]))
		}
	}
	text := func(i int, name string, p *string) {
		switch t := v[i].(type) {
		case string:
			*p = t
		case []byte:
			*p = string(t)
		default:
			bad = append(bad, fmt.Sprintf("%s is %T, not text", name, v[i]))
		}
	}
	blob := func(i int, p *[]byte) {
		switch t := v[i].(type) {
		case []byte:
			*p = t
		case string:
			*p = []byte(t)
		}
	}
	id := func(i int, name string, p *peer.ID) {
		var s string
		text(i, name, &s)
		if d, err := peer.Decode(s); err == nil {
			*p = d
		} else if s != "" {
			bad = append(bad, fmt.Sprintf("%s %q: %v", name, s, err))
		}
	}
	var kind string
	text(1, "request_id", &e.RequestID)
	text(2, "kind", &kind)
	e.Kind = Kind(kind)
	text(3, "model_sha256", &e.ModelSHA256)
	num(4, "layer_from", &e.LayerFrom)
	num(5, "layer_to", &e.LayerTo)
	num(6, "prompt_tokens", &e.PromptTokens)
	num(7, "gen_tokens", &e.GenTokens)
	num(8, "started_at", &e.StartedAt)
	num(9, "duration_ms", &e.DurationMs)
	num(10, "energy_mj", &e.EnergyMJ)
	text(11, "energy_label", &e.EnergyLabel)
	id(12, "requester", &e.Requester)
	id(13, "worker", &e.Worker)
	text(14, "input_hash", &e.InputHash)
	text(15, "output_hash", &e.OutputHash)
	if v[16] != nil {
		e.Receipt = &Receipt{}
		id(16, "receipt signer", &e.Receipt.Signer)
		blob(17, &e.Receipt.Payload)
		blob(18, &e.Receipt.Sig)
		e.Receipt.Payload, e.Receipt.Sig = nonNil(e.Receipt.Payload), nonNil(e.Receipt.Sig)
	}
	text(19, "prev_hash", &e.PrevHash)
	text(20, "hash", &e.Hash)
	blob(21, &e.Sig)
	if len(bad) > 0 {
		return e.Seq, e, errors.New(strings.Join(bad, "; "))
	}
	return e.Seq, e, nil
}

// Get returns entry seq, or ErrNotFound.
func (l *Ledger) Get(ctx context.Context, seq uint64) (Entry, error) {
	_, e, err := scanEntry(l.db.QueryRowContext(ctx, "SELECT "+columns+" FROM entries WHERE seq = ?", seq))
	if errors.Is(err, sql.ErrNoRows) {
		return Entry{}, fmt.Errorf("entry %d: %w", seq, ErrNotFound)
	}
	if err != nil {
		return Entry{}, fmt.Errorf("entry %d: %w", seq, err)
	}
	return e, nil
}

// each calls fn for every entry the query returns, without holding them all in memory; a row
// that does not parse is passed with its error.
func (l *Ledger) each(ctx context.Context, q string, args []any, fn func(uint64, Entry, error) error) error {
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(scanEntry(rows)); err != nil {
			return err
		}
	}
	return rows.Err()
}

// private makes the database file readable by its owner only before SQLite opens it (SQLite
// gives its -wal and -shm files the database's mode), creating it empty when absent, and
// narrows files an older version left wider.
func private(path string) error { return sqlitefile.Private(path) }
