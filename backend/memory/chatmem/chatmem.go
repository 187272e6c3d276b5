// Package chatmem runs memory around a chat turn: what the turn recalls and fires, the working
// memory it is answered from, and what it leaves behind (episodes, and the facts consolidation
// makes of them). The node serves the API's memory chats with it.
package chatmem

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"

	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/consolidate"
	"github.com/aria-node/aria/backend/memory/prospect"
	"github.com/aria-node/aria/inference/chat"
)

// Config wires a Service.
type Config struct {
	Store *memory.Store
	Book  *prospect.Book
	// Count is the number of tokens a text makes with the loaded model's tokenizer.
	Count func(text string) (int, error)
	// Context is the loaded model's context length, in tokens.
	Context func() int
	// PerMessage is what the chat template adds around each message, in tokens (default 8).
	PerMessage int
	// Recall is how many memories a turn recalls at most (default 5).
	Recall int
	// Answer is the room kept for an answer whose request sets no max_tokens (default 512, at
	// most a quarter of the context).
	Answer int
	Log    *slog.Logger
}

// Service is memory around chat turns. It is safe for concurrent use.
type Service struct {
	cfg   Config
	facts *facts // the rules' pass
	model *facts // the model's pass

	mu     sync.Mutex
	events []prospect.Intention // fired by events, brought up by the next turn

	// apply serialises the runs of the two passes, so that neither plans against facts the
	// other is changing.
	apply sync.Mutex
}

// New makes a Service; it keeps its own table (the episodes consolidated) in memory.db.
func New(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.Store == nil || cfg.Book == nil || cfg.Count == nil || cfg.Context == nil {
		return nil, errors.New("chatmem: a store, a book of intentions, a tokenizer and a context length are needed")
	}
	if cfg.PerMessage <= 0 {
		cfg.PerMessage = 8
	}
	if cfg.Recall <= 0 {
		cfg.Recall = 5
	}
	if cfg.Answer <= 0 {
		cfg.Answer = 512
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	f, err := newFacts(ctx, cfg.Store, rulesPass)
	if err != nil {
		return nil, err
	}
	m, err := newFacts(ctx, cfg.Store, modelPass)
	if err != nil {
		return nil, err
	}
	return &Service{cfg: cfg, facts: f, model: m}, nil
}

// Event fires the intentions waiting for an event (prospect.EventAppStart, …); the next turn of
// any chat with memory brings them up.
func (s *Service) Event(ctx context.Context, event string) error {
	fired, err := s.cfg.Book.OnEvent(ctx, event)
	if err != nil {
		return fmt.Errorf("memory: event %s: %w", event, err)
	}
	s.mu.Lock()
	s.events = append(s.events, fired...)
	s.mu.Unlock()
	return nil
}

// Turn is one chat turn that uses memory.
type Turn struct {
	Conversation string
	Private      bool // reads memory, writes none: fires nothing, keeps nothing
	Messages     []chat.Message
	MaxTokens    int // the answer's budget (0: Config.Answer)
}

// Plan is the context a turn is answered from, with the memories put in it and the intentions
// the turn fired.
type Plan struct {
	Messages []chat.Message
	Used     []memory.Hit
	Fired    []prospect.Intention
}

// reminderNote is how a fired intention enters the context.
func reminderNote(it prospect.Intention) string {
	return "The user asked to be reminded of this now: " + it.Text
}

// Plan assembles a turn's working memory: the client's system prompt, procedural rules, pinned
// facts, reminders due, recalled memories and the conversation's turns that fit (memory.Assemble).
func (s *Service) Plan(ctx context.Context, t Turn) (Plan, error) {
	var system []string
	var turns []memory.Turn
	user := ""
	for _, m := range t.Messages {
		if m.Role == "system" {
			system = append(system, m.Content)
			continue
		}
		turns = append(turns, memory.Turn{Role: m.Role, Content: m.Content})
		if m.Role == "user" {
			user = m.Content
		}
	}
	var p Plan
	if !t.Private {
		// Topic cues are matched by the store's hybrid scorer at its calibrated threshold
		// (backend/memory/match.go), not by prospect's word-only fallback.
		fired, err := s.cfg.Book.OnTurn(ctx, t.Conversation, user, s.cfg.Store.TopicScorer())
		if err != nil {
			return p, fmt.Errorf("memory: intentions: %w", err)
		}
		s.mu.Lock()
		p.Fired = append(s.events, fired...)
		s.events = nil
		s.mu.Unlock()
	}
	var notes []string
	for _, it := range p.Fired {
		notes = append(notes, reminderNote(it))
	}
	rules, err := s.rules(ctx, t.Conversation)
	if err != nil {
		return p, err
	}
	pinned, err := s.pinned(ctx)
	if err != nil {
		return p, err
	}
	var recalled []memory.Hit
	if strings.TrimSpace(user) != "" {
		hits, err := s.cfg.Store.Search(ctx, user, s.cfg.Recall+len(turns), memory.Filter{})
		if err != nil {
			return p, fmt.Errorf("memory: recall: %w", err)
		}
		for _, h := range hits {
			// The conversation's own turns are in the request already; rules and pinned facts
			// are in the context anyway.
			if h.Kind == memory.Episodic && h.Conversation == t.Conversation || h.Kind == memory.Procedural || h.Pinned {
				continue
			}
			if len(recalled) < s.cfg.Recall {
				recalled = append(recalled, h)
			}
		}
	}
	answer := t.MaxTokens
	if answer <= 0 {
		answer = min(s.cfg.Answer, s.cfg.Context()/4)
	}
	var countErr error
	count := func(text string) int {
		n, err := s.cfg.Count(text)
		if err != nil && countErr == nil {
			countErr = err
		}
		return n
	}
	asm, err := memory.Assemble(memory.Budget{Context: s.cfg.Context(), MaxTokens: answer, Count: count, PerMessage: s.cfg.PerMessage},
		strings.Join(system, "\n\n"), rules, pinned, notes, recalled, turns)
	if err == nil {
		err = countErr
	}
	if err != nil {
		return p, fmt.Errorf("memory: working memory: %w", err)
	}
	for _, m := range asm.Messages {
		p.Messages = append(p.Messages, chat.Message{Role: m.Role, Content: m.Content})
	}
	p.Used = asm.Used
	if !t.Private && len(p.Used) > 0 {
		ids := make([]string, len(p.Used))
		for i, h := range p.Used {
			ids[i] = h.ID
		}
		if err := s.cfg.Store.MarkUsed(ctx, ids...); err != nil {
			s.cfg.Log.Warn("memory: last use not recorded", "err", err)
		}
	}
	return p, nil
}

// rules are the procedural memories that apply to a conversation: global ones and its own.
func (s *Service) rules(ctx context.Context, conversation string) ([]memory.Item, error) {
	all, err := s.cfg.Store.List(ctx, memory.Filter{Kind: memory.Procedural, Limit: 200})
	if err != nil {
		return nil, fmt.Errorf("memory: rules: %w", err)
	}
	var out []memory.Item
	for _, r := range all {
		if !r.NeverRecall && (r.Conversation == "" || r.Conversation == conversation) {
			out = append(out, r)
		}
	}
	return out, nil
}

// pinned are the pinned facts: always in the context.
func (s *Service) pinned(ctx context.Context) ([]memory.Item, error) {
	all, err := s.cfg.Store.List(ctx, memory.Filter{Kind: memory.Semantic, Pinned: true, Limit: 200})
	if err != nil {
		return nil, fmt.Errorf("memory: pinned facts: %w", err)
	}
	var out []memory.Item
	for _, it := range all {
		if it.Pinned && !it.Closed() {
			out = append(out, it)
		}
	}
	return out, nil
}

// Keep stores a turn and its answer as episodes, then consolidates the user's turn by the rules
// (explicit statements become facts at once; the model's proposals wait for ConsolidateIdle).
func (s *Service) Keep(ctx context.Context, t Turn, answer string) error {
	if t.Private {
		return nil
	}
	user := ""
	for _, m := range t.Messages {
		if m.Role == "user" {
			user = m.Content
		}
	}
	var eps []consolidate.Episode
	for _, m := range []memory.Turn{{Role: "user", Content: user}, {Role: "assistant", Content: answer}} {
		if strings.TrimSpace(m.Content) == "" {
			continue
		}
		it, err := s.cfg.Store.Add(ctx, memory.Item{Kind: memory.Episodic, Text: m.Content, Conversation: t.Conversation,
			Source: "turn:" + t.Conversation + "/" + m.Role, Importance: 0.3})
		if err != nil {
			return fmt.Errorf("memory: keep the turn: %w", err)
		}
		eps = append(eps, consolidate.Episode{ID: it.ID, Conversation: t.Conversation, Role: m.Role, Text: m.Content, Created: it.Created})
	}
	s.apply.Lock()
	defer s.apply.Unlock()
	if _, err := consolidate.Run(ctx, s.facts, eps, nil); err != nil {
		return fmt.Errorf("memory: consolidate the turn: %w", err)
	}
	return nil
}
