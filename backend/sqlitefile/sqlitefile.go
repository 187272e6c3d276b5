// Package sqlitefile is what the node's SQLite files (the ledger, memory) share before they
// open: refusing another program's database, and keeping the files their owner's only.
package sqlitefile

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strconv"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// Probe refuses a file that is neither new nor of application id app before the caller's
// pragmas run, since journal_mode(WAL) would rewrite another program's database. The error
// says what the file is; the caller wraps it in its own "not a …" error.
func Probe(ctx context.Context, path string, app int64) error {
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	// sql.Open connects lazily: this first query is where a file that is not SQLite fails.
	var id int64
	var objects int
	if err := db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id); err != nil {
		return err
	}
	if id == app {
		return nil
	}
	if id != 0 {
		return fmt.Errorf("SQLite application id %#x", id)
	}
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&objects); err != nil {
		return err
	}
	if objects > 0 {
		return fmt.Errorf("a SQLite database with %d other objects", objects)
	}
	return nil
}

// Private creates path if missing and makes it, and its -wal and -shm where they exist, its
// owner's only (0600).
func Private(path string) error {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// ErrForeign is a database Migrate will not touch: another program's, or a newer schema.
var ErrForeign = errors.New("not this program's database")

// Migrate brings db's schema from its user_version to len(migrations) in one transaction:
// migrations[i] takes it from version i to i+1. A new database gets application id app, and
// created runs in the same transaction (nil: nothing more). A schema newer than this program's,
// or a new database that already holds objects, gives an error wrapping ErrForeign.
func Migrate(ctx context.Context, db *sql.DB, app int64, migrations []string, created func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var v, objects int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return fmt.Errorf("schema version: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("%w: schema version %d is newer than this program's %d", ErrForeign, v, len(migrations))
	}
	if v == 0 {
		// Refuse to add tables to somebody else's database.
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema").Scan(&objects); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if objects > 0 {
			return fmt.Errorf("%w: a SQLite database with %d other objects", ErrForeign, objects)
		}
	}
	for i := v; i < len(migrations); i++ {
		if _, err := tx.ExecContext(ctx, migrations[i]); err != nil {
			return fmt.Errorf("migration %d: %w", i+1, err)
		}
	}
	if v == 0 {
		if created != nil {
			if err := created(tx); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA application_id = %d", app)); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if v != len(migrations) {
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", len(migrations))); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// ErrNewer is a schema newer than this program's, in MigrateMeta.
var ErrNewer = errors.New("newer schema")

// MigrateMeta is Migrate for a package that keeps its tables in another package's database
// (memory.db's intentions and conversations): its version lives in meta under key, never in
// user_version, and migrations[i] takes it from i to i+1, all in one transaction.
func MigrateMeta(ctx context.Context, db *sql.DB, key string, migrations []string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// The owner of the database has usually made meta; the same shape, in case it has not.
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`); err != nil {
		return err
	}
	v := 0
	var s string
	switch err := tx.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&s); {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return err
	default:
		if v, err = strconv.Atoi(s); err != nil {
			return fmt.Errorf("%s %q: %w", key, s, err)
		}
	}
	if v > len(migrations) {
		return fmt.Errorf("%w (%s %d, this program knows %d)", ErrNewer, key, v, len(migrations))
	}
	for ; v < len(migrations); v++ {
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("migration %d: %w", v+1, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, strconv.Itoa(v)); err != nil {
		return err
	}
	return tx.Commit()
}
