package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/libp2p/go-libp2p/core/peer"
)

// ErrFilter is wrapped by the queries for a Filter they cannot run (FilterError says which
// field).
var ErrFilter = errors.New("invalid ledger filter")

// FilterError names the Filter field at fault.
type FilterError struct {
	Field string // the field's name in the HTTP query and the CLI: kind, model, from, to, limit, offset
	Msg   string
}

func (e *FilterError) Error() string { return e.Field + ": " + e.Msg }

// Unwrap makes errors.Is(err, ErrFilter) hold.
func (e *FilterError) Unwrap() error { return ErrFilter }

// Filter selects entries for List, Count, Totals and ExportFilter; zero fields select
// everything.
type Filter struct {
	Kind Kind
	Peer peer.ID // requester or worker
	// Model is a model's SHA-256 in hex, or the start of it (the page shows the first 8 digits).
	Model   string
	Since   int64 // started at or after, unix ms
	Until   int64 // started before, unix ms (0: no bound)
	Limit   int
	Offset  int
	Reverse bool // newest first
}

// check refuses what where cannot express, naming the field.
func (f *Filter) check() error {
	switch f.Kind {
	case "", Local, Served, Hop, Remote:
	default:
		return &FilterError{"kind", fmt.Sprintf("%q is not local, served, hop or remote", f.Kind)}
	}
	m := strings.ToLower(f.Model)
	if len(m) > 64 || strings.Trim(m, "0123456789abcdef") != "" {
		return &FilterError{"model", fmt.Sprintf("%q is not a hex SHA-256 or the start of one", f.Model)}
	}
	if f.Since < 0 {
		return &FilterError{"from", "times before 1970 are not in any ledger"}
	}
	if f.Until < 0 {
		return &FilterError{"to", "times before 1970 are not in any ledger"}
	}
	if f.Until != 0 && f.Until <= f.Since {
		return &FilterError{"to", "must be after from"}
	}
	if f.Limit < 0 {
		return &FilterError{"limit", "must not be negative"}
	}
	if f.Offset < 0 {
		return &FilterError{"offset", "must not be negative"}
	}
	return nil
}

// where is the WHERE clause of f (empty for everything) and its arguments; f is checked.
func (f *Filter) where() (string, []any) {
	var w []string
	var args []any
	if f.Kind != "" {
		w, args = append(w, "kind = ?"), append(args, string(f.Kind))
	}
	if f.Peer != "" {
		w, args = append(w, "(requester = ? OR worker = ?)"), append(args, f.Peer.String(), f.Peer.String())
	}
	if m := strings.ToLower(f.Model); m != "" {
		// A prefix as a range, so that the index on model_sha256 serves it: every lowercase hex
		// string that starts with m sorts between m and m+"g" ('g' follows 'f' and '9').
		w, args = append(w, "model_sha256 >= ? AND model_sha256 < ?"), append(args, m, m+"g")
	}
	if f.Since != 0 {
		w, args = append(w, "started_at >= ?"), append(args, f.Since)
	}
	if f.Until != 0 {
		w, args = append(w, "started_at < ?"), append(args, f.Until)
	}
	if len(w) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(w, " AND "), args
}

// selectEntries is the query of the entries f selects, in its order and page.
func (f *Filter) selectEntries() (string, []any) {
	where, args := f.where()
	q := "SELECT " + columns + " FROM entries" + where + " ORDER BY seq"
	if f.Reverse {
		q += " DESC"
	}
	if f.Limit > 0 || f.Offset > 0 {
		limit := f.Limit
		if limit <= 0 {
			limit = -1
		}
		q += " LIMIT ? OFFSET ?"
		args = append(args, limit, f.Offset)
	}
	return q, args
}

// List returns the entries f selects, in ledger order (or newest first).
func (l *Ledger) List(ctx context.Context, f Filter) ([]Entry, error) {
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	q, args := f.selectEntries()
	var out []Entry
	err := l.each(ctx, q, args, func(seq uint64, e Entry, err error) error {
		if err != nil {
			return fmt.Errorf("entry %d: %w", seq, err)
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	return out, nil
}

// Count returns how many entries f selects, ignoring its Limit and Offset.
func (l *Ledger) Count(ctx context.Context, f Filter) (int64, error) {
	if err := f.check(); err != nil {
		return 0, fmt.Errorf("count ledger entries: %w", err)
	}
	where, args := f.where()
	var n int64
	if err := l.db.QueryRowContext(ctx, "SELECT count(*) FROM entries"+where, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count ledger entries: %w", err)
	}
	return n, nil
}

// Totals sums the entries f selects (ignoring its Limit and Offset) per kind; kinds without
// entries are absent.
func (l *Ledger) Totals(ctx context.Context, f Filter) (map[Kind]Totals, error) {
	if err := f.check(); err != nil {
		return nil, fmt.Errorf("ledger totals: %w", err)
	}
	where, args := f.where()
	rows, err := l.db.QueryContext(ctx, `SELECT kind, count(*), total(prompt_tokens), total(gen_tokens),
		total(duration_ms), total(energy_mj), total(CASE WHEN energy_label = 'measured' THEN 0 ELSE energy_mj END)
		FROM entries`+where+` GROUP BY kind`, args...)
	if err != nil {
		return nil, fmt.Errorf("ledger totals: %w", err)
	}
	defer rows.Close()
	out := map[Kind]Totals{}
	for rows.Next() {
		var k string
		var t Totals
		var p, g, d, e, est float64 // total() is a float, and never overflows
		if err := rows.Scan(&k, &t.Entries, &p, &g, &d, &e, &est); err != nil {
			return nil, fmt.Errorf("ledger totals: %w", err)
		}
		t.PromptTokens, t.GenTokens, t.DurationMs, t.EnergyMJ, t.EstimatedMJ = int64(p), int64(g), int64(d), int64(e), int64(est)
		out[Kind(k)] = t
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("ledger totals: %w", err)
	}
	return out, nil
}

// Stats returns the totals per kind of the whole ledger; kinds without entries are absent.
func (l *Ledger) Stats(ctx context.Context) (map[Kind]Totals, error) {
	return l.Totals(ctx, Filter{})
}

// choicesLimit bounds Models and Peers: they are the choices of a filter, not a report.
const choicesLimit = 500

// Models returns the models the ledger names, most recently used first (at most 500).
func (l *Ledger) Models(ctx context.Context) ([]string, error) {
	out, err := l.strings(ctx, `SELECT model_sha256 FROM entries GROUP BY model_sha256 ORDER BY max(seq) DESC LIMIT ?`, choicesLimit)
	if err != nil {
		return nil, fmt.Errorf("ledger models: %w", err)
	}
	return out, nil
}

// Peers returns the other peers the ledger names as requester or worker, most recent first
// (at most 500).
func (l *Ledger) Peers(ctx context.Context) ([]peer.ID, error) {
	ss, err := l.strings(ctx, `SELECT p FROM (SELECT requester AS p, seq FROM entries UNION ALL SELECT worker, seq FROM entries)
		WHERE p != ? GROUP BY p ORDER BY max(seq) DESC LIMIT ?`, l.owner.String(), choicesLimit)
	if err != nil {
		return nil, fmt.Errorf("ledger peers: %w", err)
	}
	out := make([]peer.ID, 0, len(ss))
	for _, s := range ss {
		// An edited row with a bad ID is Verify's to report; a filter cannot use it.
		if id, err := peer.Decode(s); err == nil {
			out = append(out, id)
		}
	}
	return out, nil
}

func (l *Ledger) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := l.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
