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
