package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/memory"
)

// Memories serves what the node remembers (backend/memory) at /api/memory.
type Memories struct {
	Store *memory.Store
	// Reembed is the re-embedding running or last ended, nil when none ran since the node
	// started (and when Reembed itself is nil).
	Reembed func() *events.Reembed
}

// MemoryList is the answer of GET /api/memory.
type MemoryList struct {
	Data []memory.Item `json:"data"`
}

// MemorySearch is the answer of GET /api/memory/search, best first.
type MemorySearch struct {
	Data []memory.Hit `json:"data"`
}

// NewMemory is the body of POST /api/memory.
type NewMemory struct {
	Text         string      `json:"text"`
	Kind         memory.Kind `json:"kind"`
	Pinned       bool        `json:"pinned"`
	NeverRecall  bool        `json:"never_recall"`
	Importance   *float64    `json:"importance,omitempty"`
	Conversation string      `json:"conversation,omitempty"` // a procedural rule for one chat
}

// MemoryStatus is the answer of GET /api/memory/status: what the Memory page shows at load,
// before the "memory_reembed" events bring it up to date.
type MemoryStatus struct {
	Count int    `json:"count"` // memories stored, closed facts included
	Space string `json:"space"` // the space of the vectors search uses (backend/embed, or lexical)
	// Missing memories have no vector in Space yet: until none is left, search uses its words
	// and trigram arms only.
	Missing int             `json:"missing"`
	Reembed *events.Reembed `json:"reembed"` // the re-embedding running or last ended; null: none since the node started
	// Encrypted: memory.db is sealed at rest (serve --memory-encryption).
	Encrypted bool `json:"encrypted"`
}

// ImportAnswer is the answer of POST /api/memory/import.
type ImportAnswer struct {
	Imported int `json:"imported"`
}

// maxImport bounds an import's body.
const maxImport = 64 << 20

// Mounts are the endpoints, for Options.Mounts.
func (m *Memories) Mounts() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /api/memory":         http.HandlerFunc(m.list),
		"POST /api/memory":        http.HandlerFunc(m.add),
		"DELETE /api/memory":      http.HandlerFunc(m.forgetAll),
		"GET /api/memory/search":  http.HandlerFunc(m.search),
		"GET /api/memory/status":  http.HandlerFunc(m.status),
		"GET /api/memory/export":  http.HandlerFunc(m.export),
		"POST /api/memory/import": http.HandlerFunc(m.importJSONL),
		"GET /api/memory/{id}":    http.HandlerFunc(m.get),
		"PATCH /api/memory/{id}":  http.HandlerFunc(m.patch),
		"DELETE /api/memory/{id}": http.HandlerFunc(m.forget),
	}
}

// memoryError answers a memory error: bad input is a 400 naming the field (and the line of an
// import), an unknown id a 404.
func memoryError(w http.ResponseWriter, err error) {
	var fe *memory.FieldError
	switch {
	case errors.As(err, &fe):
		WriteError(w, http.StatusBadRequest, "invalid_"+fe.Field, fe.Field, fe.Error())
	case errors.Is(err, memory.ErrNotFound):
		WriteError(w, http.StatusNotFound, "not_found", "id", err.Error())
	default:
		WriteError(w, http.StatusInternalServerError, "memory_error", "", err.Error())
	}
}

// intParam reads a non-negative integer query parameter (def when absent).
func intParam(r *http.Request, name string, def, most int) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 || n > most {
		return 0, &memory.FieldError{Field: name, Msg: fmt.Sprintf("%q is not a whole number from 0 to %d", s, most)}
	}
	return n, nil
}

func (m *Memories) list(w http.ResponseWriter, r *http.Request) {
	f := memory.Filter{Kind: memory.Kind(r.URL.Query().Get("kind")), Conversation: r.URL.Query().Get("conversation")}
	var err error
	if f.Limit, err = intParam(r, "limit", 50, 1000); err == nil {
		f.Offset, err = intParam(r, "offset", 0, 1<<30)
	}
	if err != nil {
		memoryError(w, err)
		return
	}
	items, err := m.Store.List(r.Context(), f)
	if err != nil {
		memoryError(w, err)
		return
	}
	if items == nil {
		items = []memory.Item{}
	}
	WriteJSON(w, http.StatusOK, MemoryList{Data: items})
}

func (m *Memories) status(w http.ResponseWriter, r *http.Request) {
	st, err := m.Store.Status(r.Context())
	if err != nil {
		memoryError(w, err)
		return
	}
	out := MemoryStatus{Count: st.Count, Space: st.Space, Missing: st.Missing, Encrypted: st.Sealed}
	if m.Reembed != nil {
		out.Reembed = m.Reembed()
	}
	WriteJSON(w, http.StatusOK, out)
}

func (m *Memories) get(w http.ResponseWriter, r *http.Request) {
	it, err := m.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		memoryError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, it)
}

func (m *Memories) add(w http.ResponseWriter, r *http.Request) {
	var b NewMemory
	if !readBody(w, r, &b) {
		return
	}
	it := memory.Item{Text: b.Text, Kind: b.Kind, Pinned: b.Pinned, NeverRecall: b.NeverRecall, Source: "user", Conversation: b.Conversation, Importance: 0.5}
	if b.Importance != nil {
		it.Importance = *b.Importance
	}
	it, err := m.Store.Add(r.Context(), it)
	if err != nil {
		memoryError(w, err)
		return
	}
	WriteJSON(w, http.StatusCreated, it)
}

func (m *Memories) patch(w http.ResponseWriter, r *http.Request) {
	var p memory.Patch
	if !readBody(w, r, &p) {
		return
	}
	it, err := m.Store.Update(r.Context(), r.PathValue("id"), p)
	if err != nil {
		memoryError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, it)
}

func (m *Memories) forget(w http.ResponseWriter, r *http.Request) {
	if err := m.Store.Forget(r.Context(), r.PathValue("id")); err != nil {
		memoryError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (m *Memories) forgetAll(w http.ResponseWriter, r *http.Request) {
	if err := m.Store.ForgetAll(r.Context()); err != nil {
		memoryError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (m *Memories) search(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query().Get("q")
	if q == "" {
		memoryError(w, &memory.FieldError{Field: "q", Msg: "the query is empty"})
		return
	}
	k, err := intParam(r, "k", 5, 100)
	if err != nil {
		memoryError(w, err)
		return
	}
	// The memory page finds everything, never-recall items included; chat recall does not.
	hits, err := m.Store.Search(r.Context(), q, max(k, 1), memory.Filter{IncludeNeverRecall: true})
	if err != nil {
		memoryError(w, err)
		return
	}
	if hits == nil {
		hits = []memory.Hit{}
	}
	WriteJSON(w, http.StatusOK, MemorySearch{Data: hits})
}

func (m *Memories) export(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="aria-memory.jsonl"`)
	if err := m.Store.Export(r.Context(), w); err != nil {
		// Headers are gone; the client sees a short body.
		return
	}
}

func (m *Memories) importJSONL(w http.ResponseWriter, r *http.Request) {
	n, err := m.Store.Import(r.Context(), io.LimitReader(r.Body, maxImport))
	if err != nil {
		memoryError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, ImportAnswer{Imported: n})
}
