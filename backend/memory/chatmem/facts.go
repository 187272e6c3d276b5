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
// facts made of them. There are two passes, each with its table: the rules' (Keep, at once)
// and the model's (ConsolidateIdle); the model's pass runs the rules again, which add nothing
// new.
type facts struct {
	st    *memory.Store
	table string // rulesPass or modelPass
}

// The tables of the two passes.
const (
	rulesPass = "consolidated"
	modelPass = "consolidated_model"
)

func newFacts(ctx context.Context, st *memory.Store, table string) (*facts, error) {
	if table != rulesPass && table != modelPass {
		return nil, fmt.Errorf("memory: unknown consolidation table %q", table)
	}
	if _, err := st.DB().ExecContext(ctx, "CREATE TABLE IF NOT EXISTS "+table+" (episode TEXT PRIMARY KEY, at INTEGER NOT NULL)"); err != nil {
		return nil, fmt.Errorf("memory: consolidation table: %w", err)
	}
	return &facts{st: st, table: table}, nil
}

// passOf is the table of the pass a run with propose belongs to.
func passOf(propose consolidate.Propose) string {
	if propose == nil {
		return rulesPass
	}
	return modelPass
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
		err := f.st.DB().QueryRowContext(ctx, "SELECT 1 FROM "+f.table+" WHERE episode = ?", id).Scan(&one)
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
					if _, err := b.Tx().ExecContext(ctx, "INSERT OR IGNORE INTO "+f.table+" (episode, at) VALUES (?, strftime('%s','now'))", e); err != nil {
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

// Consolidate turns the episodes not consolidated yet into semantic facts (consolidate.Run), in
// one run: by the rules, and by propose's JSON when given (nil: rules only). It is idempotent:
// episodes consolidated once are skipped (the rules' pass and the model's are kept apart, so
// a model still sees the episodes the rules consolidated when they were kept).
func Consolidate(ctx context.Context, st *memory.Store, propose consolidate.Propose) (consolidate.Report, error) {
	f, err := newFacts(ctx, st, passOf(propose))
	if err != nil {
		return consolidate.Report{}, err
	}
	eps, err := pending(ctx, f, 0)
	if err != nil {
		return consolidate.Report{}, err
	}
	rep, err := consolidate.Run(ctx, f, eps, propose)
	if err != nil {
		return rep, fmt.Errorf("memory: consolidate: %w", err)
	}
	return rep, nil
}

// pending lists the episodes f's pass has not consolidated, oldest first (a later statement
// wins); at most limit of them (<= 0: all).
func pending(ctx context.Context, f *facts, limit int) ([]consolidate.Episode, error) {
	items, err := f.st.List(ctx, memory.Filter{Kind: memory.Episodic})
	if err != nil {
		return nil, fmt.Errorf("memory: episodes: %w", err)
	}
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	done, err := f.Consolidated(ctx, ids)
	if err != nil {
		return nil, err
	}
	var eps []consolidate.Episode
	for i := len(items) - 1; i >= 0 && (limit <= 0 || len(eps) < limit); i-- {
		it := items[i]
		if done[it.ID] {
			continue
		}
		role := "user"
		if strings.HasSuffix(it.Source, "/assistant") {
			role = "assistant"
		}
		eps = append(eps, consolidate.Episode{ID: it.ID, Conversation: it.Conversation, Role: role, Text: it.Text, Created: it.Created})
	}
	return eps, nil
}
