// Package memory is ARIA's long-term memory: episodic turns, semantic facts and procedural rules
// in one SQLite file (memory.db), searched by three arms — BM25 over a Porter-stemmed FTS5
// index, a trigram FTS5 index for typos and partial words, and int8 vectors of one embedding
// space — fused by reciprocal rank and rescored by recency, importance and kind. Working memory
// (Assemble) fits system prompt, rules, pinned facts, due reminders, recalled memories and recent
// turns into a token budget.
//
// Facts are never edited into something else: Supersede closes the old fact (ValidTo) and adds
// the new one, so history stays. Forget and ForgetAll really delete: rows, full-text index
// entries and vectors, with secure_delete on and the WAL checkpointed and truncated.
package memory

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind is the kind of a long-term memory.
type Kind string

// The kinds of long-term memory. Working and prospective memory live elsewhere (Assemble, and
// package prospect).
const (
	Episodic   Kind = "episodic"
	Semantic   Kind = "semantic"
	Procedural Kind = "procedural"
)

// MaxText is the longest text an item may hold, in bytes.
const MaxText = 16 << 10

// Errors that callers branch on.
var (
	ErrNotFound = errors.New("memory not found")
	// ErrClosed refuses to supersede a fact that is already closed.
	ErrClosed = errors.New("memory is a closed fact")
	// ErrNotMemory refuses a file that is not an ARIA memory database.
	ErrNotMemory = errors.New("not an ARIA memory database")
	// ErrOverBudget: what must always be in the context does not fit.
	ErrOverBudget = errors.New("working memory over budget")
)

// FieldError is bad input, naming the field (and, for Import, the line).
type FieldError struct {
	Field string `json:"field"`
	Msg   string `json:"msg"`
	Line  int    `json:"line,omitempty"` // 1-based line of an import; 0 elsewhere
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

// Item is one long-term memory.
type Item struct {
	ID           string    `json:"id"` // opaque string
	Kind         Kind      `json:"kind"`
	Text         string    `json:"text"`
	Source       string    `json:"source"` // "user", or "turn:<conversation>/<n>", or "consolidation"
	Conversation string    `json:"conversation,omitempty"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`
	LastUsed     time.Time `json:"last_used,omitzero"`
	Importance   float64   `json:"importance"` // 0..1
	Pinned       bool      `json:"pinned"`
	NeverRecall  bool      `json:"never_recall"`
	ValidFrom    time.Time `json:"valid_from"`
	ValidTo      time.Time `json:"valid_to,omitzero"` // zero: still valid; a superseded fact is closed, never deleted
	Links        []string  `json:"links,omitempty"`   // IDs of the episodes a fact came from
}

// Closed reports whether the item is a superseded fact.
func (it Item) Closed() bool { return !it.ValidTo.IsZero() }

// Filter selects items for List and Search; zero fields select everything that may be recalled.
type Filter struct {
	Kind         Kind
	Conversation string
	Limit        int
	Offset       int // List only
	// IncludeClosed also returns superseded facts.
	IncludeClosed bool
	// Pinned selects pinned items only (List only).
	Pinned bool
	// IncludeNeverRecall lets Search find items marked never-recall (the memory page's search;
	// chat recall leaves it false). List always includes them.
	IncludeNeverRecall bool
}

// Patch changes some fields of an item; nil fields stay.
type Patch struct {
	Text        *string  `json:"text,omitempty"`
	Pinned      *bool    `json:"pinned,omitempty"`
	NeverRecall *bool    `json:"never_recall,omitempty"`
	Importance  *float64 `json:"importance,omitempty"`
	Kind        *Kind    `json:"kind,omitempty"`
}

// Hit is a recalled item with its score and why it was recalled.
type Hit struct {
	Item
	Score float64 `json:"score"`
	Why   Why     `json:"why"`
}

// Why says why an item was recalled: each arm's raw score (0 when the arm did not find it), its
// rank in each arm (1-based; absent when not found), the fused reciprocal-rank score and the
// rescoring factors.
type Why struct {
	BM25       float64        `json:"bm25"`       // -bm25() of the Porter index: higher is better
	Trigram    float64        `json:"trigram"`    // -bm25() of the trigram index
	Vector     float64        `json:"vector"`     // cosine similarity in the current space
	Fused      float64        `json:"fused"`      // sum over arms of 1/(60+rank)
	Recency    float64        `json:"recency"`    // 0..1, half-life RecencyHalfLife since last used or created
	Importance float64        `json:"importance"` // the item's importance, 0..1
	Kind       float64        `json:"kind"`       // the kind's weight
	Ranks      map[string]int `json:"ranks,omitempty"`
}

func validKind(k Kind) bool {
	return k == Episodic || k == Semantic || k == Procedural
}

// normalise fills defaults and checks an item about to be stored.
func normalise(it *Item, now time.Time) error {
	it.Text = strings.TrimSpace(it.Text)
	if it.Kind == "" {
		it.Kind = Semantic
	}
	if err := checkText(it.Text); err != nil {
		return err
	}
	if !validKind(it.Kind) {
		return &FieldError{Field: "kind", Msg: fmt.Sprintf("unknown kind %q (episodic, semantic or procedural)", it.Kind)}
	}
	if err := checkImportance(it.Importance); err != nil {
		return err
	}
	if it.Source == "" {
		it.Source = "user"
	}
	if len(it.Source) > 256 {
		return &FieldError{Field: "source", Msg: "longer than 256 bytes"}
	}
	if len(it.Conversation) > 256 {
		return &FieldError{Field: "conversation", Msg: "longer than 256 bytes"}
	}
	for i, l := range it.Links {
		if l == "" || len(l) > 64 {
			return &FieldError{Field: fmt.Sprintf("links[%d]", i), Msg: "not an item id"}
		}
	}
	ms := func(t time.Time) time.Time {
		if t.IsZero() {
			return t
		}
		return time.UnixMilli(t.UnixMilli()).UTC()
	}
	now = ms(now)
	if it.Created.IsZero() {
		it.Created = now
	}
	if it.Updated.IsZero() {
		it.Updated = it.Created
	}
	if it.ValidFrom.IsZero() {
		it.ValidFrom = it.Created
	}
	it.Created, it.Updated, it.LastUsed = ms(it.Created), ms(it.Updated), ms(it.LastUsed)
	it.ValidFrom, it.ValidTo = ms(it.ValidFrom), ms(it.ValidTo)
	if !it.ValidTo.IsZero() && it.ValidTo.Before(it.ValidFrom) {
		return &FieldError{Field: "valid_to", Msg: "before valid_from"}
	}
	return nil
}

func checkText(s string) error {
	switch {
	case strings.TrimSpace(s) == "":
		return &FieldError{Field: "text", Msg: "empty"}
	case len(s) > MaxText:
		return &FieldError{Field: "text", Msg: fmt.Sprintf("%d bytes, more than %d", len(s), MaxText)}
	case !utf8.ValidString(s):
		return &FieldError{Field: "text", Msg: "not valid UTF-8"}
	}
	return nil
}

func checkImportance(v float64) error {
	if !(v >= 0 && v <= 1) { // also catches NaN
		return &FieldError{Field: "importance", Msg: fmt.Sprintf("%v is outside 0..1", v)}
	}
	return nil
}
