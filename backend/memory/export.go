package memory

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Export writes every item (closed facts and never-recall items included), oldest first, one
// JSON object a line. Vectors are not exported: Import embeds again.
func (s *Store) Export(ctx context.Context, w io.Writer) error {
	rows, err := s.db.QueryContext(ctx, "SELECT "+itemColumns+" FROM items ORDER BY n")
	if err != nil {
		return fmt.Errorf("export memory: %w", err)
	}
	defer rows.Close()
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for rows.Next() {
		_, it, err := s.scanItem(rows)
		if err != nil {
			return fmt.Errorf("export memory: %w", err)
		}
		if err := enc.Encode(it); err != nil {
			return fmt.Errorf("export memory: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("export memory: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("export memory: %w", err)
	}
	return nil
}

// maxLine bounds an import line: 16 KiB of text escaped six bytes a byte, and the other fields.
const maxLine = 8 * MaxText

// Import reads JSONL as Export writes it and stores every item in one transaction. Blank lines
// are skipped. A line that is not a JSON object, fails validation or repeats an ID (of the
// file or of the store) gives a *FieldError naming the line, and nothing is stored. Missing
// IDs and times are filled as Add does.
func (s *Store) Import(ctx context.Context, r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLine)
	now := s.now()
	var items []Item
	ids := map[string]int{}
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var it Item
		dec := json.NewDecoder(bytes.NewReader(b))
		if err := dec.Decode(&it); err != nil {
			return 0, fmt.Errorf("import memory: %w", &FieldError{Line: line, Msg: "not a memory item: " + err.Error()})
		}
		if dec.More() {
			return 0, fmt.Errorf("import memory: %w", &FieldError{Line: line, Msg: "more than one JSON value on the line"})
		}
		if err := normalise(&it, now); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				fe.Line = line
			}
			return 0, fmt.Errorf("import memory: %w", err)
		}
		if it.ID == "" {
			id, err := newID()
			if err != nil {
				return 0, fmt.Errorf("import memory: %w", err)
			}
			it.ID = id
		}
		if len(it.ID) > 64 {
			return 0, fmt.Errorf("import memory: %w", &FieldError{Line: line, Field: "id", Msg: "longer than 64 bytes"})
		}
		if first, ok := ids[it.ID]; ok {
			return 0, fmt.Errorf("import memory: %w", &FieldError{Line: line, Field: "id", Msg: fmt.Sprintf("%q repeats line %d", it.ID, first)})
		}
		ids[it.ID] = line
		items = append(items, it)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return 0, fmt.Errorf("import memory: %w", &FieldError{Line: line + 1, Msg: fmt.Sprintf("longer than %d bytes", maxLine)})
		}
		return 0, fmt.Errorf("import memory: read: %w", err)
	}
	if len(items) == 0 {
		return 0, nil
	}
	if err := s.addMany(ctx, items, ids); err != nil {
		return 0, fmt.Errorf("import memory: %w", err)
	}
	return len(items), nil
}

// addMany stores normalised items with IDs in one transaction; line maps an ID to the line
// named by a FieldError (nil: none).
func (s *Store) addMany(ctx context.Context, items []Item, line map[string]int) error {
	texts := make([]string, len(items))
	for i, it := range items {
		texts[i] = it.Text
	}
	e := s.embedder()
	vecs, err := e.Embed(ctx, texts)
	if err != nil || len(vecs) != len(items) {
		vecs = make([][]float32, len(items)) // stored without vectors; Reembed makes them
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
	err = s.write(ctx, func(tx *sql.Tx) (func(), error) {
		ns := make([]int64, len(items))
		for i, it := range items {
			v := vecs[i]
			if len(v) != s.emb.Dim() || e.Space() != s.emb.Space() {
				v = nil
			}
			n, err := s.insert(ctx, tx, it, s.emb.Space(), v)
			if err != nil {
				var fe *FieldError
				if errors.As(err, &fe) {
					fe.Line = line[it.ID]
				}
				return nil, err
			}
			ns[i] = n
		}
		return func() {
			for i, it := range items {
				v := vecs[i]
				if len(v) != s.emb.Dim() || e.Space() != s.emb.Space() {
					v = nil
				}
				s.indexPut(ns[i], it, v)
			}
		}, nil
	})
	return err
}
