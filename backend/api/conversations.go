package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/aria-node/aria/backend/memory/convo"
)

// Conversations serves the chat history (backend/memory/convo) at /api/conversations, and
// saves the chats that name a conversation (Options.Conversations).
type Conversations struct {
	Store *convo.Store
	// Publish puts an event on the node's bus (nil: none): "conversation" after each save,
	// rename and restore, "conversation_deleted" after a delete.
	Publish func(typ string, data any)
}

// The events of the chat history.
const (
	EventConversation        = "conversation"
	EventConversationDeleted = "conversation_deleted"
)

// ConversationSummary is a conversation in GET /api/conversations, the answer of PATCH
// /api/conversations/{id}, and the "conversation" event.
type ConversationSummary struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Created  time.Time `json:"created"`
	Updated  time.Time `json:"updated"`
	Messages int       `json:"messages"` // how many messages it holds
	Preview  string    `json:"preview"`  // the last message, one line, at most 120 characters
}

// EventType is EventConversation.
func (ConversationSummary) EventType() string { return EventConversation }

// ConversationDeleted is the "conversation_deleted" event.
type ConversationDeleted struct {
	ID string `json:"id"`
}

// EventType is EventConversationDeleted.
func (ConversationDeleted) EventType() string { return EventConversationDeleted }

// ConversationList is the answer of GET /api/conversations: newest updated first.
type ConversationList struct {
	Data  []ConversationSummary `json:"data"`
	Total int                   `json:"total"` // all that match, beyond this page
}

// ConversationMessage is one message of a saved conversation.
type ConversationMessage struct {
	Role    string `json:"role"` // system, user or assistant
	Content string `json:"content"`
	// Stopped: the client stopped this answer while it streamed; Content is what it had.
	Stopped bool `json:"stopped,omitempty"`
	// Model is the model that wrote this answer.
	Model string `json:"model,omitempty"`
	// Memory is this answer's aria.memory. The texts of the memories used are not kept with the
	// conversation (forgetting a memory removes its text from every file): their IDs and scores are.
	Memory *MemoryReport `json:"memory,omitempty"`
}

// Conversation is the answer of GET /api/conversations/{id}, the body and answer of POST
// /api/conversations, and the JSON export.
type Conversation struct {
	ID       string                `json:"id"`
	Title    string                `json:"title"`
	Created  time.Time             `json:"created"`
	Updated  time.Time             `json:"updated"`
	Messages []ConversationMessage `json:"messages"`
}

// ConversationPatch is the body of PATCH /api/conversations/{id}.
type ConversationPatch struct {
	Title string `json:"title"` // 1 to 200 characters, one line
}

// conversationBody is the body of POST /api/conversations: a Conversation whose times are read
// here, so that a bad one is refused naming its field.
type conversationBody struct {
	ID       string                `json:"id"`
	Title    string                `json:"title"`
	Created  string                `json:"created"`
	Updated  string                `json:"updated"`
	Messages []ConversationMessage `json:"messages"`
}

// Mounts are the endpoints, for Options.Mounts.
func (c *Conversations) Mounts() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /api/conversations":             http.HandlerFunc(c.list),
		"POST /api/conversations":            http.HandlerFunc(c.create),
		"GET /api/conversations/{id}":        http.HandlerFunc(c.get),
		"PATCH /api/conversations/{id}":      http.HandlerFunc(c.rename),
		"DELETE /api/conversations/{id}":     http.HandlerFunc(c.remove),
		"GET /api/conversations/{id}/export": http.HandlerFunc(c.export),
	}
}

func (c *Conversations) publish(typ string, data any) {
	if c.Publish != nil {
		c.Publish(typ, data)
	}
}

// conversationError answers a store error: a field at fault is a 400 naming it, an unknown id a
// 404, a taken one a 409.
func conversationError(w http.ResponseWriter, err error) {
	var fe *convo.FieldError
	switch {
	case errors.As(err, &fe):
		// The code names the field without its place: "messages[2].role" is invalid_role.
		name := fe.Field[strings.LastIndexByte(fe.Field, '.')+1:]
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		WriteError(w, http.StatusBadRequest, "invalid_"+name, fe.Field, fe.Error())
	case errors.Is(err, convo.ErrNotFound):
		WriteError(w, http.StatusNotFound, "conversation_not_found", "id", err.Error())
	case errors.Is(err, convo.ErrExists):
		WriteError(w, http.StatusConflict, "conversation_exists", "id", err.Error())
	default:
		WriteError(w, http.StatusInternalServerError, "conversation_error", "", err.Error())
	}
}

func summaryOf(s convo.Summary) ConversationSummary {
	return ConversationSummary{ID: s.ID, Title: s.Title, Created: s.Created, Updated: s.Updated, Messages: s.Messages, Preview: s.Preview}
}

// storedReport is what a conversation keeps of an answer's memory report: the used memories'
// texts are left out.
func storedReport(r *MemoryReport) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	out := MemoryReport{Used: make([]UsedMemory, len(r.Used)), Fired: r.Fired}
	for i, u := range r.Used {
		out.Used[i] = UsedMemory{ID: u.ID, Score: u.Score}
	}
	if out.Fired == nil {
		out.Fired = []FiredIntention{}
	}
	return json.Marshal(out)
}

func toStore(msgs []ConversationMessage) ([]convo.Message, error) {
	out := make([]convo.Message, len(msgs))
	for i, m := range msgs {
		mem, err := storedReport(m.Memory)
		if err != nil {
			return nil, fmt.Errorf("messages[%d].memory: %w", i, err)
		}
		out[i] = convo.Message{Role: m.Role, Content: m.Content, Stopped: m.Stopped, Model: m.Model, Memory: mem}
	}
	return out, nil
}

func fromStore(c convo.Conversation) Conversation {
	out := Conversation{ID: c.ID, Title: c.Title, Created: c.Created, Updated: c.Updated, Messages: make([]ConversationMessage, len(c.Messages))}
	for i, m := range c.Messages {
		cm := ConversationMessage{Role: m.Role, Content: m.Content, Stopped: m.Stopped, Model: m.Model}
		if len(m.Memory) > 0 {
			var r MemoryReport
			// Written by storedReport: a report that does not read back is left out, not fatal.
			if json.Unmarshal(m.Memory, &r) == nil {
				cm.Memory = &r
			}
		}
		out.Messages[i] = cm
	}
	return out
}

func (c *Conversations) list(w http.ResponseWriter, r *http.Request) {
	limit, err := intParam(r, "limit", 50, 1000)
	var offset int
	if err == nil {
		offset, err = intParam(r, "offset", 0, 1<<30)
	}
	if err != nil {
		memoryError(w, err)
		return
	}
	q := r.URL.Query().Get("q")
	if len(q) > 1024 {
		WriteError(w, http.StatusBadRequest, "invalid_q", "q", "q is longer than 1024 bytes")
		return
	}
	sums, total, err := c.Store.List(r.Context(), q, limit, offset)
	if err != nil {
		conversationError(w, err)
		return
	}
	out := ConversationList{Data: make([]ConversationSummary, len(sums)), Total: total}
	for i, s := range sums {
		out.Data[i] = summaryOf(s)
	}
	WriteJSON(w, http.StatusOK, out)
}

func (c *Conversations) get(w http.ResponseWriter, r *http.Request) {
	conv, err := c.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		conversationError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, fromStore(conv))
}

// parseTime reads an RFC 3339 time of the body; "" is the zero time (now, for the store).
func parseTime(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return t, &convo.FieldError{Field: field, Msg: fmt.Sprintf("%q is not an RFC 3339 time", s)}
	}
	return t, nil
}

func (c *Conversations) create(w http.ResponseWriter, r *http.Request) {
	var b conversationBody
	if !decode(w, r, &b) {
		return
	}
	created, err := parseTime("created", b.Created)
	var updated time.Time
	if err == nil {
		updated, err = parseTime("updated", b.Updated)
	}
	var msgs []convo.Message
	if err == nil {
		msgs, err = toStore(b.Messages)
	}
	if err != nil {
		conversationError(w, err)
		return
	}
	conv, err := c.Store.Create(r.Context(), convo.Conversation{ID: b.ID, Title: b.Title, Created: created, Updated: updated, Messages: msgs})
	if err != nil {
		conversationError(w, err)
		return
	}
	sum, err := c.Store.Summary(r.Context(), conv.ID)
	if err == nil {
		c.publish(EventConversation, summaryOf(sum))
	}
	WriteJSON(w, http.StatusCreated, fromStore(conv))
}

func (c *Conversations) rename(w http.ResponseWriter, r *http.Request) {
	var p ConversationPatch
	if !decode(w, r, &p) {
		return
	}
	sum, err := c.Store.Rename(r.Context(), r.PathValue("id"), p.Title)
	if err != nil {
		conversationError(w, err)
		return
	}
	out := summaryOf(sum)
	c.publish(EventConversation, out)
	WriteJSON(w, http.StatusOK, out)
}

func (c *Conversations) remove(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := c.Store.Delete(r.Context(), id); err != nil {
		conversationError(w, err)
		return
	}
	c.publish(EventConversationDeleted, ConversationDeleted{ID: id})
	w.WriteHeader(http.StatusNoContent)
}

func (c *Conversations) export(w http.ResponseWriter, r *http.Request) {
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "md"
	}
	if format != "md" && format != "json" {
		WriteError(w, http.StatusBadRequest, "invalid_format", "format", fmt.Sprintf("format %q is not md or json", format))
		return
	}
	conv, err := c.Store.Get(r.Context(), r.PathValue("id"))
	if err != nil {
		conversationError(w, err)
		return
	}
	out := fromStore(conv)
	w.Header().Set("Content-Disposition", attachment(out.Title, format))
	if format == "json" {
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		_ = enc.Encode(out)
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	_, _ = w.Write([]byte(Markdown(out)))
}

// Markdown is a conversation as a Markdown document: its title as the heading, then each message
// under "**You**", "**ARIA**" (or "**System**"), its text as it is, so code blocks stay code
// blocks.
func Markdown(c Conversation) string {
	var b strings.Builder
	b.WriteString("# " + c.Title + "\n")
	for _, m := range c.Messages {
		who := "**You**"
		switch m.Role {
		case convo.RoleAssistant:
			who = "**ARIA**"
		case convo.RoleSystem:
			who = "**System**"
		}
		b.WriteString("\n" + who + "\n\n")
		b.WriteString(m.Content)
		if !strings.HasSuffix(m.Content, "\n") {
			b.WriteString("\n")
		}
		if m.Stopped {
			b.WriteString("\n*(stopped)*\n")
		}
	}
	return b.String()
}

// attachment is the Content-Disposition of an export: the title as the file name, with the
// characters file systems refuse replaced, and its UTF-8 form for clients that read it.
func attachment(title, ext string) string {
	clean := strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || strings.ContainsRune(`/\:*?"<>|`, r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(title))
	clean = strings.Trim(clean, ". ")
	if clean == "" {
		clean = "conversation"
	}
	name := clean + "." + ext
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '_'
		}
		return r
	}, name)
	if ascii == name {
		return `attachment; filename="` + name + `"`
	}
	return `attachment; filename="` + ascii + `"; filename*=UTF-8''` + rfc5987(name)
}

// rfc5987 percent-encodes a value for a header's "filename*" (RFC 5987: attr-char stays).
func rfc5987(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c)) || strings.IndexByte("!#$&+-.^_`|~", c) >= 0) {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// saveChat saves a chat turn's conversation: the request's messages plus the answer. A save
// that fails is logged by the caller; the answer is not taken away.
func (c *Conversations) saveChat(ctx context.Context, id string, msgs []ConversationMessage) error {
	stored, err := toStore(msgs)
	if err != nil {
		return err
	}
	sum, err := c.Store.Save(ctx, id, stored)
	if err != nil {
		return err
	}
	c.publish(EventConversation, summaryOf(sum))
	return nil
}
