package consolidate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on a model's proposal: a small model that loops must not fill the store.
const (
	MaxProposal = 64 << 10 // bytes of JSON
	MaxOps      = 32       // facts per proposal
	MaxFactText = 500      // bytes of one fact's text
)

// Proposal is the JSON a model answers with:
//
//	{"facts": [
//	  {"op": "add", "text": "The user has a dog named Rex", "slot": "pet"},
//	  {"op": "update", "replaces": "<id of a valid fact>", "text": "The user lives in Lyon", "slot": "home"},
//	  {"op": "none"}
//	]}
//
// op is "add" (a new fact; no replaces), "update" (closes the fact replaces and adds text in its
// place) or "none" (nothing; no other fields). There is no delete: a fact that stopped being true
// is updated, and the old one stays, closed. slot is optional, lower case letters, digits, '_'
// and ':'. The JSON may be wrapped in one ``` fence; anything else — unknown fields, wrong
// types, trailing text — rejects the whole proposal.
type Proposal struct {
	Facts *[]ProposedFact `json:"facts"`
}

// ProposedFact is one entry of a Proposal.
type ProposedFact struct {
	Op       string `json:"op"`
	Text     string `json:"text,omitempty"`
	Slot     string `json:"slot,omitempty"`
	Replaces string `json:"replaces,omitempty"`
}

var slotRE = regexp.MustCompile(`^[a-z][a-z0-9_:]{0,39}$`)

// FromModel validates a model's proposal against the valid facts and returns its ops: OpAdd, or
// OpSupersede with Replaces (Fact holds only Text and Slot; Run sets the rest). Any fault gives
// no ops and an error.
func FromModel(jsonText string, existing []Fact) ([]Op, error) {
	if len(jsonText) > MaxProposal {
		return nil, fmt.Errorf("proposal is %d bytes, over %d", len(jsonText), MaxProposal)
	}
	s := strings.TrimSpace(jsonText)
	if rest, ok := strings.CutPrefix(s, "```"); ok {
		rest = strings.TrimPrefix(rest, "json")
		body, ok := strings.CutSuffix(strings.TrimSpace(rest), "```")
		if !ok {
			return nil, errors.New("proposal: unterminated ``` fence")
		}
		s = body
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	var p Proposal
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("proposal: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("proposal: text after the JSON object")
	}
	if p.Facts == nil {
		return nil, errors.New(`proposal: no "facts" list`)
	}
	if len(*p.Facts) > MaxOps {
		return nil, fmt.Errorf("proposal: %d facts, over %d", len(*p.Facts), MaxOps)
	}
	valid := map[string]bool{}
	for _, f := range existing {
		if f.ValidTo.IsZero() {
			valid[f.ID] = true
		}
	}
	replaced := map[string]bool{}
	var ops []Op
	for i, f := range *p.Facts {
		at := fmt.Sprintf("proposal: facts[%d]", i)
		switch f.Op {
		case "none":
			if f != (ProposedFact{Op: "none"}) {
				return nil, fmt.Errorf("%s: op none takes no other fields", at)
			}
			continue
		case "add":
			if f.Replaces != "" {
				return nil, fmt.Errorf("%s: op add takes no replaces (use update)", at)
			}
		case "update":
			if !valid[f.Replaces] {
				return nil, fmt.Errorf("%s: replaces %q is not a valid fact", at, f.Replaces)
			}
			if replaced[f.Replaces] {
				return nil, fmt.Errorf("%s: %q is replaced twice", at, f.Replaces)
			}
			replaced[f.Replaces] = true
		case "delete":
			return nil, fmt.Errorf("%s: facts are never deleted; update the fact instead", at)
		default:
			return nil, fmt.Errorf("%s: unknown op %q", at, f.Op)
		}
		text := strings.Join(strings.Fields(f.Text), " ")
		if err := checkText(text); err != nil {
			return nil, fmt.Errorf("%s: text %w", at, err)
		}
		if f.Slot != "" && !slotRE.MatchString(f.Slot) {
			return nil, fmt.Errorf("%s: slot %q is not lower-case words", at, f.Slot)
		}
		op := Op{Kind: OpAdd, Fact: Fact{Text: text, Slot: f.Slot}}
		if f.Op == "update" {
			op.Kind, op.Replaces = OpSupersede, f.Replaces
		}
		ops = append(ops, op)
	}
	return ops, nil
}

func checkText(t string) error {
	switch {
	case t == "":
		return errors.New("is empty")
	case len(t) > MaxFactText:
		return fmt.Errorf("is %d bytes, over %d", len(t), MaxFactText)
	case !utf8.ValidString(t):
		return errors.New("is not UTF-8")
	case strings.IndexFunc(t, unicode.IsControl) >= 0:
		return errors.New("has control characters")
	case !bytes.ContainsFunc([]byte(t), unicode.IsLetter):
		return errors.New("has no words")
	}
	return nil
}
