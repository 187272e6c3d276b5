package memory

import (
	"context"
	"crypto/rand"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"

	"modernc.org/sqlite"
)

// attacher attaches, to every connection the pool opens, the in-memory database that holds a
// sealed store's full-text tables. Names starting with "/" in SQLite's memdb VFS are shared by
// all the connections of this process, and each Store has its own.
type attacher struct {
	driver.Connector
	fts string
}

func (a attacher) Connect(ctx context.Context) (driver.Conn, error) {
	c, err := a.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := c.(driver.ExecerContext)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("sqlite connection cannot exec")
	}
	if _, err := ex.ExecContext(ctx, "ATTACH 'file:"+a.fts+"?vfs=memdb' AS fts", nil); err != nil {
		c.Close()
		return nil, fmt.Errorf("attach the in-memory index: %w", err)
	}
	return c, nil
}

// openDB opens memory.db with every connection carrying the "fts" schema. A plain store leaves
// it empty; its full-text tables are in main, so unqualified names find them first.
func openDB(path string) (*sql.DB, error) {
	c, err := sqlite.NewConnector(dsn(path))
	if err != nil {
		return nil, err
	}
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		return nil, err
	}
	return sql.OpenDB(attacher{Connector: c, fts: "/aria-memory-fts-" + hex.EncodeToString(b[:])}), nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Sealed reports whether the store is encrypted at rest.
func (s *Store) Sealed() bool { return s.seal != nil }

// Sealer is the store's sealer for the tables of other packages (prospect), nil when plain.
func (s *Store) Sealer() Sealer {
	if s.seal == nil {
		return nil
	}
	return s.seal
}

// sealText is what goes into items.text: the text, or its box.
func (s *Store) sealText(id, text string) any {
	if s.seal == nil {
		return text
	}
	return s.seal.Seal(itemAD(id), []byte(text))
}

// openText reads items.text back.
func (s *Store) openText(id string, raw []byte) (string, error) {
	if s.seal == nil {
		return string(raw), nil
	}
	p, err := s.seal.Open(itemAD(id), raw)
	if err != nil {
		return "", fmt.Errorf("memory %s: %w", id, err)
	}
	return string(p), nil
}

// The in-memory full-text tables of a sealed store: the same tokenizers as the on-disk ones of a
// plain store (store.go migrations), holding their own copy of the text.
const ftsTables = `
	CREATE VIRTUAL TABLE IF NOT EXISTS fts.fts_words USING fts5 (text, tokenize='porter unicode61 remove_diacritics 2');
	CREATE VIRTUAL TABLE IF NOT EXISTS fts.fts_trigrams USING fts5 (text, tokenize='trigram remove_diacritics 1');
	CREATE VIRTUAL TABLE IF NOT EXISTS fts.fts_words_vocab USING fts5vocab (fts_words, 'row');
	CREATE VIRTUAL TABLE IF NOT EXISTS fts.fts_trigrams_vocab USING fts5vocab (fts_trigrams, 'row');`

func (s *Store) ftsCreate(ctx context.Context) error {
	if _, err := s.pin.ExecContext(ctx, ftsTables); err != nil {
		return fmt.Errorf("in-memory index: %w", err)
	}
	s.ftsGen = -1
	return nil
}

// ftsRebuild fills a sealed store's in-memory index from the opened texts, unless it already
// reflects the database's generation; under wmu.
func (s *Store) ftsRebuild(ctx context.Context) error {
	if s.seal == nil {
		return nil
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("rebuild the in-memory index: %w", err)
	}
	defer tx.Rollback()
	var gen int64
	if err := tx.QueryRowContext(ctx, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'").Scan(&gen); err != nil {
		return fmt.Errorf("rebuild the in-memory index: %w", err)
	}
	if gen == s.ftsGen {
		return nil
	}
	type row struct {
		n    int64
		text string
	}
	var all []row
	rows, err := tx.QueryContext(ctx, "SELECT n, id, text FROM items")
	if err != nil {
		return fmt.Errorf("rebuild the in-memory index: %w", err)
	}
	for rows.Next() {
		var r row
		var id string
		var raw []byte
		err := rows.Scan(&r.n, &id, &raw)
		if err == nil {
			r.text, err = s.openText(id, raw)
		}
		if err != nil {
			rows.Close()
			return fmt.Errorf("rebuild the in-memory index: %w", err)
		}
		all = append(all, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("rebuild the in-memory index: %w", err)
	}
	for _, q := range []string{"DELETE FROM fts.fts_words", "DELETE FROM fts.fts_trigrams"} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("rebuild the in-memory index: %w", err)
		}
	}
	for _, r := range all {
		if err := s.ftsPut(ctx, tx, r.n, r.text); err != nil {
			return fmt.Errorf("rebuild the in-memory index: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("rebuild the in-memory index: %w", err)
	}
	s.ftsGen = gen
	return nil
}

// ftsPut indexes item n's text in a sealed store (a plain store's triggers do it).
func (s *Store) ftsPut(ctx context.Context, tx *sql.Tx, n int64, text string) error {
	if s.seal == nil {
		return nil
	}
	for _, t := range []string{"fts.fts_words", "fts.fts_trigrams"} {
		if _, err := tx.ExecContext(ctx, "INSERT INTO "+t+" (rowid, text) VALUES (?, ?)", n, text); err != nil {
			return fmt.Errorf("index text: %w", err)
		}
	}
	return nil
}

// ftsDel removes item n from a sealed store's index.
func (s *Store) ftsDel(ctx context.Context, tx *sql.Tx, n int64) error {
	if s.seal == nil {
		return nil
	}
	for _, t := range []string{"fts.fts_words", "fts.fts_trigrams"} {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE rowid = ?", n); err != nil {
			return fmt.Errorf("unindex text: %w", err)
		}
	}
	return nil
}

// sealPlain encrypts a plain store in one transaction: the on-disk full-text tables and their
// triggers go, every text and vector is boxed, and meta 'seal' is written; then VACUUM and a
// WAL truncation leave no plain page in memory.db, -wal or -shm. A kill leaves it plain or
// sealed, never half. Intentions are sealed by their own package at its open (prospect).
func (s *Store) sealPlain(ctx context.Context, o Options) error {
	abs, err := filepath.Abs(s.path)
	if err != nil {
		return err
	}
	rec, sl, err := newSeal(ctx, o.Seal, "memory "+abs, o)
	if err != nil {
		return err
	}
	recJSON, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, q := range []string{
		"DROP TRIGGER IF EXISTS main.items_ai",
		"DROP TRIGGER IF EXISTS main.items_au",
		"DROP TRIGGER IF EXISTS main.items_ad",
		"CREATE TRIGGER main.items_ad AFTER DELETE ON items BEGIN DELETE FROM vectors WHERE item = old.n; END",
		"DROP TABLE IF EXISTS main.fts_words_vocab",
		"DROP TABLE IF EXISTS main.fts_trigrams_vocab",
		"DROP TABLE IF EXISTS main.fts_words",
		"DROP TABLE IF EXISTS main.fts_trigrams",
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	type item struct {
		n        int64
		id, text string
	}
	var items []item
	rows, err := tx.QueryContext(ctx, "SELECT n, id, text FROM items")
	if err != nil {
		return err
	}
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.n, &it.id, &it.text); err != nil {
			rows.Close()
			return err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, it := range items {
		if _, err := tx.ExecContext(ctx, "UPDATE items SET text = ? WHERE n = ?", sl.Seal(itemAD(it.id), []byte(it.text)), it.n); err != nil {
			return fmt.Errorf("seal item %s: %w", it.id, err)
		}
	}
	type vec struct {
		space string
		n     int64
		data  []byte
	}
	var vecs []vec
	rows, err = tx.QueryContext(ctx, "SELECT space, item, data FROM vectors")
	if err != nil {
		return err
	}
	for rows.Next() {
		var v vec
		if err := rows.Scan(&v.space, &v.n, &v.data); err != nil {
			rows.Close()
			return err
		}
		vecs = append(vecs, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, v := range vecs {
		if _, err := tx.ExecContext(ctx, "UPDATE vectors SET data = ? WHERE space = ? AND item = ?", sl.Seal(vectorAD(v.space, v.n), v.data), v.space, v.n); err != nil {
			return fmt.Errorf("seal vector: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('seal', ?)", string(recJSON)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	s.seal = sl
	if _, err := s.db.ExecContext(ctx, "VACUUM main"); err != nil {
		return fmt.Errorf("vacuum: %w", err)
	}
	return s.checkpoint(ctx)
}
