package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/aria-node/aria/backend/memory/convo"
	"github.com/aria-node/aria/inference/chat"
)

// Memory is what the node remembers (backend/memory): a chat that opts in with
// "aria": {"memory": true} gets its context assembled from it, and its turns kept.
type Memory interface {
	// Turn assembles the messages of a turn within the context, and fires the intentions the
	// user's turn triggers.
	Turn(ctx context.Context, t MemoryTurn) (MemoryPlan, error)
	// Keep stores the turn and its answer as episodes (never for a private chat).
	Keep(ctx context.Context, t MemoryTurn, answer string) error
}

// MemoryTurn is one chat turn that uses memory.
type MemoryTurn struct {
	Conversation string
	Private      bool           // reads memory, writes none
	Messages     []chat.Message // as the client sent them
	MaxTokens    int            // the answer's budget: the context minus it holds the prompt
}

// MemoryPlan is what memory made of a turn: the messages to run, and what it put in them.
type MemoryPlan struct {
	Messages []chat.Message
	Report   MemoryReport
}

// MemoryReport is a chat answer's "aria.memory": the memories put into the context and the
// intentions this turn fired.
type MemoryReport struct {
	Fired []FiredIntention `json:"fired"`
	Used  []UsedMemory     `json:"used"`
}

// UsedMemory is a memory put into a turn's context.
type UsedMemory struct {
	ID    string  `json:"id"`
	Score float64 `json:"score"`
	Text  string  `json:"text,omitempty"` // what the chat shows of it
}

// FiredIntention is an intention a turn fired: it was put into the context as a marked note.
type FiredIntention struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// ariaRequest is ARIA's extension of a chat request ("aria").
type ariaRequest struct {
	// Memory: assemble the context from what the node remembers, and keep the turn.
	Memory bool `json:"memory"`
	// Conversation names the chat: its memory's scope, and the saved conversation that becomes
	// the request's messages plus the answer (backend/memory/convo), memory on or off.
	Conversation string `json:"conversation"`
	// Private: read memory, write none, and save no conversation.
	Private bool `json:"private"`
	// Peers lets a memory chat run on peers (the route's choice); by default it runs here, so
	// that what is remembered never leaves the node.
	Peers bool `json:"peers"`
}

// maxConversationID bounds a conversation's name.
const maxConversationID = convo.MaxID

// validate checks the extension: a memory chat names its conversation, and a conversation's
// name is one the chat history can keep (convo.CheckID).
func (a *ariaRequest) validate() error {
	if a == nil {
		return nil
	}
	if a.Memory && a.Conversation == "" {
		return bad("aria.conversation", "aria.conversation must name the conversation when aria.memory is on")
	}
	if a.Conversation == "" {
		return nil
	}
	if len(a.Conversation) > maxConversationID {
		return bad("aria.conversation", "aria.conversation is longer than %d bytes", maxConversationID)
	}
	var fe *convo.FieldError
	if err := convo.CheckID(a.Conversation); errors.As(err, &fe) {
		return bad("aria.conversation", "aria.conversation %s", fe.Msg)
	}
	return nil
}

// errNoMemory is a memory chat on a node that keeps none.
var errNoMemory = errors.New("this node keeps no memory")

// withMemory assembles a memory chat's messages; ok is false for a chat that does not use memory.
func (h *Handler) withMemory(ctx context.Context, a *ariaRequest, msgs []chat.Message, maxTokens int) (t MemoryTurn, plan MemoryPlan, ok bool, err error) {
	if a == nil || !a.Memory {
		return t, plan, false, nil
	}
	if h.o.Memory == nil {
		return t, plan, false, bad("aria.memory", "%v", errNoMemory)
	}
	t = MemoryTurn{Conversation: a.Conversation, Private: a.Private, Messages: msgs, MaxTokens: maxTokens}
	plan, err = h.o.Memory.Turn(ctx, t)
	if err != nil {
		return t, plan, false, fmt.Errorf("memory: %w", err)
	}
	if plan.Report.Used == nil {
		plan.Report.Used = []UsedMemory{}
	}
	if plan.Report.Fired == nil {
		plan.Report.Fired = []FiredIntention{}
	}
	return t, plan, true, nil
}
