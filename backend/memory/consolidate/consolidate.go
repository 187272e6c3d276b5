// Package consolidate turns chat episodes into semantic facts: rules for explicit statements
// ("my name is …", "I moved to …"), and, with a model, a JSON proposal that code validates.
//
// A run is one batch of ops applied by the store in one transaction (Facts.Apply): the new facts,
// the facts they close, and a mark op recording which episodes were consolidated. A rerun over the
// same episodes finds them marked and changes nothing. A fact is never deleted: a new statement
// about the same slot ("home", "name", "employer"…) closes the old fact (ValidTo) and adds the
// new one.
package consolidate

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Episode is one chat turn as the store keeps it.
type Episode struct {
	ID           string    `json:"id"`
	Conversation string    `json:"conversation,omitempty"`
	Role         string    `json:"role"` // "user" or "assistant": rules read only the user's turns
	Text         string    `json:"text"`
	Created      time.Time `json:"created"`
}

// Fact is a semantic memory.
type Fact struct {
	ID   string `json:"id"`
	Text string `json:"text"`
	// Slot names what the fact is about when a newer fact about it replaces it ("home", "name",
	// "favourite:colour"); empty for facts that accumulate. A store that cannot keep it may leave
	// it empty: SlotOf recovers it from the texts Rules writes.
	Slot      string    `json:"slot,omitempty"`
	Source    string    `json:"source"` // "consolidation"
	ValidFrom time.Time `json:"valid_from"`
	ValidTo   time.Time `json:"valid_to,omitzero"` // zero: still valid
	Links     []string  `json:"links,omitempty"`   // the episodes it came from
}

// OpKind is what an Op does.
type OpKind string

// The ops of a run.
const (
	// OpAdd adds Fact, with the ID consolidate gave it.
	OpAdd OpKind = "add"
	// OpSupersede closes the fact Replaces (ValidTo = the new fact's ValidFrom) and adds Fact.
	// Replaces may name a fact added by an earlier op of the same Apply.
	OpSupersede OpKind = "supersede"
	// OpMark records Episodes as consolidated; it is the last op of every run.
	OpMark OpKind = "mark"
)

// Op is one change of a run.
type Op struct {
	Kind     OpKind   `json:"kind"`
	Fact     Fact     `json:"fact,omitzero"`
	Replaces string   `json:"replaces,omitempty"`
	Episodes []string `json:"episodes,omitempty"`
}

// Facts is what consolidation needs from the memory store. The lead's adapter implements it
// over backend/memory's Store.
type Facts interface {
	// Valid lists the semantic facts that are still valid.
	Valid(ctx context.Context) ([]Fact, error)
	// Consolidated reports which of ids earlier runs marked (OpMark).
	Consolidated(ctx context.Context, ids []string) (map[string]bool, error)
	// Apply applies ops in order in one transaction: all of them or none. Added facts keep the
	// IDs given (or the store maps them within the transaction for later ops' Replaces).
	Apply(ctx context.Context, ops []Op) error
}

// Propose asks a model for a JSON proposal (see FromModel) about episodes.
type Propose func(ctx context.Context, episodes []Episode) (string, error)

// Report says what a run did.
type Report struct {
	Episodes   int    `json:"episodes"`   // episodes consolidated by this run
	Skipped    int    `json:"skipped"`    // episodes an earlier run consolidated
	Added      int    `json:"added"`      // facts added (superseding ones included)
	Superseded int    `json:"superseded"` // facts closed
	FromModel  int    `json:"from_model"` // of the added facts, those the model proposed
	ModelError string `json:"model_error,omitempty"`
	Ops        []Op   `json:"ops,omitempty"`
}

// Run consolidates the episodes not yet consolidated: rules on the user's turns, then the
// model's proposal when propose is not nil. All changes go to facts.Apply in one call. A proposal
// that fails validation adds nothing (Report.ModelError says why); the rules' facts and the mark
// are still applied. An error from propose or Apply leaves the store as it was.
func Run(ctx context.Context, facts Facts, episodes []Episode, propose Propose) (Report, error) {
	var rep Report
	seen := map[string]bool{}
	var ids []string
	for _, e := range episodes {
		if e.ID == "" {
			return rep, fmt.Errorf("consolidate: an episode has no id")
		}
		if !seen[e.ID] {
			seen[e.ID] = true
			ids = append(ids, e.ID)
		}
	}
	done, err := facts.Consolidated(ctx, ids)
	if err != nil {
		return rep, fmt.Errorf("consolidate: read marks: %w", err)
	}
	var todo []Episode
	for _, e := range episodes {
		if !seen[e.ID] {
			continue // a repeated id
		}
		seen[e.ID] = false
		if done[e.ID] {
			rep.Skipped++
			continue
		}
		todo = append(todo, e)
	}
	if len(todo) == 0 {
		return rep, nil
	}
	sort.SliceStable(todo, func(i, j int) bool {
		if !todo[i].Created.Equal(todo[j].Created) {
			return todo[i].Created.Before(todo[j].Created)
		}
		return todo[i].ID < todo[j].ID
	})
	existing, err := facts.Valid(ctx)
	if err != nil {
		return rep, fmt.Errorf("consolidate: list facts: %w", err)
	}
	p := newPlan(existing)
	for _, e := range todo {
		if e.Role != "user" {
			continue
		}
		for _, c := range Rules(e.Text) {
			p.add(c, "", e.Created, []string{e.ID})
		}
	}
	if propose != nil {
		out, err := propose(ctx, todo)
		if err != nil {
			return Report{Skipped: rep.Skipped}, fmt.Errorf("consolidate: model: %w", err)
		}
		ops, err := FromModel(out, existing)
		if err != nil {
			rep.ModelError = err.Error()
		} else {
			last := todo[len(todo)-1].Created
			var links []string
			for _, e := range todo {
				links = append(links, e.ID)
			}
			before := p.added
			for _, op := range ops {
				p.add(op.Fact, op.Replaces, last, links)
			}
			rep.FromModel = p.added - before
		}
	}
	var marked []string
	for _, e := range todo {
		marked = append(marked, e.ID)
	}
	ops := append(p.ops, Op{Kind: OpMark, Episodes: marked})
	if err := ctx.Err(); err != nil {
		return Report{Skipped: rep.Skipped}, err
	}
	if err := facts.Apply(ctx, ops); err != nil {
		return Report{Skipped: rep.Skipped}, fmt.Errorf("consolidate: apply %d ops: %w", len(ops), err)
	}
	rep.Episodes = len(todo)
	rep.Added, rep.Superseded = p.added, p.superseded
	rep.Ops = ops
	return rep, nil
}

// plan is the facts as they will be after the ops so far.
type plan struct {
	valid             []Fact
	ops               []Op
	added, superseded int
}

func newPlan(existing []Fact) *plan {
	p := &plan{}
	for _, f := range existing {
		if f.Slot == "" {
			f.Slot = SlotOf(f.Text)
		}
		p.valid = append(p.valid, f)
	}
	return p
}

// add plans candidate c, stated at `at` in the episodes links. replaces, when set, is the fact
// the model said c updates; otherwise a valid fact of the same slot is replaced. A duplicate of a
// valid fact, a statement older than the fact it would replace, and an update of a fact already
// closed in this run are dropped.
func (p *plan) add(c Fact, replaces string, at time.Time, links []string) {
	norm := normalize(c.Text)
	for _, f := range p.valid {
		if normalize(f.Text) == norm {
			return
		}
	}
	if c.Slot == "" {
		c.Slot = SlotOf(c.Text)
	}
	old := -1
	for i, f := range p.valid {
		if (replaces != "" && f.ID == replaces) || (replaces == "" && c.Slot != "" && f.Slot == c.Slot) {
			old = i
			break
		}
	}
	if replaces != "" && old < 0 {
		return // the rules closed it earlier in this run: explicit statements win
	}
	if old >= 0 && at.Before(p.valid[old].ValidFrom) {
		return
	}
	f := Fact{
		ID:        factID(c.Text, links),
		Text:      c.Text,
		Slot:      c.Slot,
		Source:    "consolidation",
		ValidFrom: at,
		Links:     append([]string(nil), links...),
	}
	if old >= 0 {
		p.ops = append(p.ops, Op{Kind: OpSupersede, Fact: f, Replaces: p.valid[old].ID})
		p.valid = append(p.valid[:old], p.valid[old+1:]...)
		p.superseded++
	} else {
		p.ops = append(p.ops, Op{Kind: OpAdd, Fact: f})
	}
	p.valid = append(p.valid, f)
	p.added++
}

// factID is deterministic, so a replayed run proposes the same IDs.
func factID(text string, links []string) string {
	h := sha256.New()
	for _, l := range links {
		h.Write([]byte(l))
		h.Write([]byte{0})
	}
	h.Write([]byte(text))
	return "fact-" + hex.EncodeToString(h.Sum(nil))[:20]
}

func normalize(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	return strings.TrimRight(s, ".!")
}
