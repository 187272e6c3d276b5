package chatmem

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/consolidate"
)

// facts is consolidate.Facts over the memory store: semantic items are the facts, and a table
// of its own in memory.db records the episodes consolidated, in the same transaction as the
// facts made of them.
type facts struct{ st *memory.Store }

const factsSchema = `CREATE TABLE IF NOT EXISTS consolidated (episode TEXT PRIMARY KEY, at INTEGER NOT NULL)`

func newFacts(ctx context.Context, st *memory.Store) (*facts, error) {
	if _, err := st.DB().ExecContext(ctx, factsSchema); err != nil {
		return nil, fmt.Errorf("memory: consolidation table: %w", err)
	}
	return &facts{st: st}, nil
}

// Valid implements consolidate.Facts.
func (f *facts) Valid(ctx context.Context) ([]consolidate.Fact, error) {
	items, err := f.st.List(ctx, memory.Filter{Kind: memory.Semantic})
	if err != nil {
		return nil, err
	}
	out := make([]consolidate.Fact, 0, len(items))
	for _, it := range items {
		if it.Closed() {
			continue
		}
		out = append(out, consolidate.Fact{ID: it.ID, Text: it.Text, Slot: consolidate.SlotOf(it.Text), Source: it.Source,
			ValidFrom: it.ValidFrom, ValidTo: it.ValidTo, Links: it.Links})
	}
	return out, nil
}

// Consolidated implements consolidate.Facts.
func (f *facts) Consolidated(ctx context.Context, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, id := range ids {
		var one int
		err := f.st.DB().QueryRowContext(ctx, "SELECT 1 FROM consolidated WHERE episode = ?", id).Scan(&one)
		switch {
		case err == nil:
			out[id] = true
		case err != sql.ErrNoRows:
			return nil, fmt.Errorf("memory: consolidated episodes: %w", err)
		}
	}
	return out, nil
}

// Apply implements consolidate.Facts: every op in one transaction of the store.
func (f *facts) Apply(ctx context.Context, ops []consolidate.Op) error {
	return f.st.Batch(ctx, func(b *memory.Batch) error {
		for _, op := range ops {
			fact := memory.Item{ID: op.Fact.ID, Kind: memory.Semantic, Text: op.Fact.Text, Source: "consolidation",
				Links: op.Fact.Links, Importance: 0.6}
			switch op.Kind {
			case consolidate.OpAdd:
				if _, err := b.Add(fact); err != nil {
					return err
				}
			case consolidate.OpSupersede:
				if _, err := b.Supersede(op.Replaces, fact); err != nil {
					return err
				}
			case consolidate.OpMark:
				for _, e := range op.Episodes {
					if _, err := b.Tx().ExecContext(ctx, "INSERT OR IGNORE INTO consolidated (episode, at) VALUES (?, strftime('%s','now'))", e); err != nil {
						return fmt.Errorf("mark episode %s: %w", e, err)
					}
				}
			default:
				return fmt.Errorf("unknown consolidation op %q", op.Kind)
			}
		}
		return nil
	})
}

// Consolidate turns the episodes not consolidated yet into semantic facts (consolidate.Run):
// by the rules, and by propose's JSON when given (nil: rules only). It is idempotent: episodes
// consolidated once are skipped.
func Consolidate(ctx context.Context, st *memory.Store, propose consolidate.Propose) (consolidate.Report, error) {
	f, err := newFacts(ctx, st)
	if err != nil {
		return consolidate.Report{}, err
	}
	items, err := st.List(ctx, memory.Filter{Kind: memory.Episodic})
	if err != nil {
		return consolidate.Report{}, fmt.Errorf("memory: episodes: %w", err)
	}
	eps := make([]consolidate.Episode, 0, len(items))
	for i := len(items) - 1; i >= 0; i-- { // oldest first: a later statement wins
		it := items[i]
		role := "user"
		if strings.HasSuffix(it.Source, "/assistant") {
			role = "assistant"
		}
		eps = append(eps, consolidate.Episode{ID: it.ID, Conversation: it.Conversation, Role: role, Text: it.Text, Created: it.Created})
	}
	rep, err := consolidate.Run(ctx, f, eps, propose)
	if err != nil {
		return rep, fmt.Errorf("memory: consolidate: %w", err)
	}
	return rep, nil
}
