package node

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/chatmem"
	"github.com/aria-node/aria/backend/memory/prospect"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/scheduler"
)

// MemoryFile is the memory's file in the data directory.
const MemoryFile = "memory.db"

// mind is the node's memory: the store, the intentions, and the service around chat turns.
type mind struct {
	store *memory.Store
	book  *prospect.Book
	chat  *chatmem.Service
}

// openMemory opens memory.db beside the ledger.
func openMemory(ctx context.Context, dir string, sched *scheduler.Scheduler, clock func() time.Time, log *slog.Logger) (*mind, error) {
	st, err := memory.Open(ctx, filepath.Join(dir, MemoryFile), memory.Options{Clock: clock})
	if err != nil {
		return nil, err
	}
	book, err := prospect.Open(ctx, st.DB(), clock)
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("intentions: %w", err)
	}
	svc, err := chatmem.New(ctx, chatmem.Config{Store: st, Book: book, Count: sched.CountTokens, Context: sched.Context, Log: log})
	if err != nil {
		st.Close()
		return nil, err
	}
	return &mind{store: st, book: book, chat: svc}, nil
}

// Turn implements api.Memory.
func (m *mind) Turn(ctx context.Context, t api.MemoryTurn) (api.MemoryPlan, error) {
	p, err := m.chat.Plan(ctx, chatmem.Turn{Conversation: t.Conversation, Private: t.Private, Messages: t.Messages, MaxTokens: t.MaxTokens})
	if err != nil {
		return api.MemoryPlan{}, err
	}
	out := api.MemoryPlan{Messages: p.Messages}
	for _, h := range p.Used {
		out.Report.Used = append(out.Report.Used, api.UsedMemory{ID: h.ID, Score: h.Score})
	}
	for _, it := range p.Fired {
		out.Report.Fired = append(out.Report.Fired, api.FiredIntention{ID: it.ID, Text: it.Text})
	}
	return out, nil
}

// Keep implements api.Memory.
func (m *mind) Keep(ctx context.Context, t api.MemoryTurn, answer string) error {
	return m.chat.Keep(ctx, chatmem.Turn{Conversation: t.Conversation, Private: t.Private, Messages: t.Messages, MaxTokens: t.MaxTokens}, answer)
}

// memoryEvents fires the model-loaded intentions at each load of a model, until ctx ends.
func (n *Node) memoryEvents(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-n.sched.Changed():
		}
		if _, ok := n.sched.Model(); ok {
			if err := n.mind.chat.Event(ctx, prospect.EventModelLoaded); err != nil {
				n.cfg.Log.Warn("memory: model-loaded intentions", "err", err)
			}
		}
	}
}

// peerSet remembers the peers seen, to tell when a new one joins.
type peerSet struct {
	mu   sync.Mutex
	seen map[peer.ID]bool
}

func newPeerSet() *peerSet { return &peerSet{seen: map[peer.ID]bool{}} }

// joined records peers and reports whether one of them is new.
func (s *peerSet) joined(peers []p2p.PeerInfo) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	fresh := false
	for _, p := range peers {
		if !s.seen[p.ID] {
			s.seen[p.ID], fresh = true, true
		}
	}
	return fresh
}
