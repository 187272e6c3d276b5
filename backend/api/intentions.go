package api

import (
	"errors"
	"net/http"
	"time"

	"github.com/aria-node/aria/backend/memory/prospect"
)

// Intentions serves what the node is to bring up later (backend/memory/prospect) at
// /api/intentions.
type Intentions struct {
	Book  *prospect.Book
	Clock func() time.Time // nil: time.Now
}

// IntentionList is the answer of GET /api/intentions.
type IntentionList struct {
	Data []prospect.Intention `json:"data"`
}

// NewIntention is the body of POST /api/intentions: the text and exactly one trigger.
type NewIntention struct {
	Text string `json:"text"`
	Cue  string `json:"cue,omitempty"`
	// At is an RFC 3339 time, or words such as "tomorrow at 9".
	At           string `json:"at,omitempty"`
	Event        string `json:"event,omitempty"`
	AfterTurns   int    `json:"after_turns,omitempty"`
	Conversation string `json:"conversation,omitempty"`
}

// IntentionPatch is the body of PATCH /api/intentions/{id}.
type IntentionPatch struct {
	Text  *string         `json:"text,omitempty"`
	State *prospect.State `json:"state,omitempty"`
	Until *string         `json:"until,omitempty"` // RFC 3339 or words, with "state": "snoozed"
}

// Mounts are the endpoints, for Options.Mounts.
func (in *Intentions) Mounts() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /api/intentions":         http.HandlerFunc(in.list),
		"POST /api/intentions":        http.HandlerFunc(in.add),
		"PATCH /api/intentions/{id}":  http.HandlerFunc(in.patch),
		"DELETE /api/intentions/{id}": http.HandlerFunc(in.remove),
	}
}

func (in *Intentions) now() time.Time {
	if in.Clock != nil {
		return in.Clock()
	}
	return time.Now()
}

// intentionError answers a prospect error: a field at fault is a 400 naming it.
func intentionError(w http.ResponseWriter, err error) {
	var fe *prospect.FieldError
	switch {
	case errors.As(err, &fe):
		WriteError(w, http.StatusBadRequest, "invalid_"+fe.Field, fe.Field, fe.Error())
	case errors.Is(err, prospect.ErrNotFound):
		WriteError(w, http.StatusNotFound, "not_found", "id", err.Error())
	default:
		WriteError(w, http.StatusInternalServerError, "memory_error", "", err.Error())
	}
}

func (in *Intentions) list(w http.ResponseWriter, r *http.Request) {
	items, err := in.Book.List(r.Context(), prospect.Filter{})
	if err != nil {
		intentionError(w, err)
		return
	}
	if items == nil {
		items = []prospect.Intention{}
	}
	WriteJSON(w, http.StatusOK, IntentionList{Data: items})
}

func (in *Intentions) add(w http.ResponseWriter, r *http.Request) {
	var b NewIntention
	if !readBody(w, r, &b) {
		return
	}
	it := prospect.Intention{Text: b.Text, Cue: b.Cue, Event: b.Event, AfterTurns: b.AfterTurns, Conversation: b.Conversation}
	if b.At != "" {
		at, err := prospect.ParseWhen(b.At, in.now())
		if err != nil {
			intentionError(w, err)
			return
		}
		it.At = at
	}
	it, err := in.Book.Add(r.Context(), it)
	if err != nil {
		intentionError(w, err)
		return
	}
	WriteJSON(w, http.StatusCreated, it)
}

func (in *Intentions) patch(w http.ResponseWriter, r *http.Request) {
	var b IntentionPatch
	if !readBody(w, r, &b) {
		return
	}
	p := prospect.Patch{Text: b.Text, State: b.State}
	if b.Until != nil {
		u, err := prospect.ParseWhen(*b.Until, in.now())
		if err != nil {
			msg := err.Error()
			if fe, ok := errors.AsType[*prospect.FieldError](err); ok {
				msg = fe.Msg
			}
			intentionError(w, &prospect.FieldError{Field: "until", Msg: msg})
			return
		}
		p.Until = &u
	}
	it, err := in.Book.Update(r.Context(), r.PathValue("id"), p)
	if err != nil {
		intentionError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, it)
}

func (in *Intentions) remove(w http.ResponseWriter, r *http.Request) {
	if err := in.Book.Delete(r.Context(), r.PathValue("id")); err != nil {
		intentionError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
