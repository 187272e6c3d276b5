package memory

import (
	"context"
	"fmt"
)

// Status is what the memory holds and how far its vectors are, for the Memory page.
type Status struct {
	Count   int    // items stored, closed facts included
	Space   string // the current embedder's space
	Missing int    // items with no vector in Space: Search uses the lexical arms until none is left
	Sealed  bool   // encrypted at rest (seal.go)
}

// Status counts the items and those lacking a vector in the current space. It brings the index
// up to date first, so that writes by another process (the CLI beside a node) are counted.
func (s *Store) Status(ctx context.Context) (Status, error) {
	if _, _, err := s.snapshot(ctx); err != nil {
		return Status{}, fmt.Errorf("memory status: %w", err)
	}
	var st Status
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&st.Count); err != nil {
		return Status{}, fmt.Errorf("memory status: %w", err)
	}
	st.Space, st.Missing, st.Sealed = s.embedder().Space(), s.Missing(), s.Sealed()
	return st, nil
}

// Missing is how many items lack a vector in the current space, what Reembed has left. It reads
// the count kept beside the index, with no query, so that a progress report can poll it while
// Reembed runs.
func (s *Store) Missing() int {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.missing
}
