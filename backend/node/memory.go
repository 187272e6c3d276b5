package node

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/embed"
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/chatmem"
	"github.com/aria-node/aria/backend/memory/convo"
	"github.com/aria-node/aria/backend/memory/prospect"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
)

// MemoryFile is the memory's file in the data directory.
const MemoryFile = "memory.db"

// mind is the node's memory: the store, the intentions, the service around chat turns, and the
// chat history.
type mind struct {
	store *memory.Store
	book  *prospect.Book
	chat  *chatmem.Service
	convo *convo.Store
}

// openMemory opens memory.db beside the ledger.
func openMemory(ctx context.Context, dir string, sched *scheduler.Scheduler, o memory.Options, log *slog.Logger) (*mind, error) {
	st, err := memory.Open(ctx, filepath.Join(dir, MemoryFile), o)
	if err != nil {
		return nil, err
	}
	book, err := prospect.OpenSealed(ctx, st.DB(), o.Clock, st.Sealer())
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("intentions: %w", err)
	}
	svc, err := chatmem.New(ctx, chatmem.Config{Store: st, Book: book, Count: sched.CountTokens, Context: sched.Context, Log: log})
	if err != nil {
		st.Close()
		return nil, err
	}
	history, err := convo.Open(ctx, st.DB(), o.Clock, st.Sealer())
	if err != nil {
		st.Close()
		return nil, err
	}
	return &mind{store: st, book: book, chat: svc, convo: history}, nil
}

// Turn implements api.Memory.
func (m *mind) Turn(ctx context.Context, t api.MemoryTurn) (api.MemoryPlan, error) {
	p, err := m.chat.Plan(ctx, chatmem.Turn{Conversation: t.Conversation, Private: t.Private, Messages: t.Messages, MaxTokens: t.MaxTokens})
	if err != nil {
		return api.MemoryPlan{}, err
	}
	out := api.MemoryPlan{Messages: p.Messages}
	for _, h := range p.Used {
		out.Report.Used = append(out.Report.Used, api.UsedMemory{ID: h.ID, Score: h.Score, Text: h.Text})
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

// memoryEvents makes the loaded model the embedder, then at each load of a model fires the
// model-loaded intentions and does so again, until ctx ends.
func (n *Node) memoryEvents(ctx context.Context) error {
	changed := n.sched.Changed()
	if _, ok := n.sched.Model(); ok {
		n.useModel(ctx)
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		}
		changed = n.sched.Changed()
		if _, ok := n.sched.Model(); ok {
			if err := n.mind.chat.Event(ctx, prospect.EventModelLoaded); err != nil {
				n.cfg.Log.Warn("memory: model-loaded intentions", "err", err)
			}
			n.useModel(ctx)
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

// Memory embedders (Config.MemoryEmbedder).
const (
	// EmbedLexical: hashed words and trigrams, the same on every node (the default: the model
	// recipe of backend/embed is not yet measured on a real model's weights).
	EmbedLexical = "lexical"
	// EmbedModel: the loaded model's hidden states (backend/embed); vectors are made again in
	// the background after each model change.
	EmbedModel = "model"
)

// embeddings is the model embedder of the loaded model, for POST /v1/embeddings and (with
// EmbedModel) the memory's vectors.
type embeddings struct {
	mu    sync.Mutex
	model *embed.Model
	name  string // the model's ID
}

// ServeHTTP serves POST /v1/embeddings with the current model, 503 while none is loaded.
func (e *embeddings) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e.mu.Lock()
	m, name := e.model, e.name
	e.mu.Unlock()
	if m == nil {
		api.WriteError(w, http.StatusServiceUnavailable, "no_model_loaded", "", "no model is loaded: embeddings come from the loaded model")
		return
	}
	api.EmbeddingsHandler(m, name).ServeHTTP(w, r)
}

// newEmbedder makes the model embedder of the loaded model.
func (n *Node) newEmbedder(ctx context.Context) (*embed.Model, scheduler.ModelInfo, error) {
	info, ok := n.sched.Model()
	if !ok {
		return nil, info, scheduler.ErrNoModel
	}
	sha, err := n.ad.LoadedSHA(ctx)
	if err != nil {
		return nil, info, err
	}
	m, err := embed.New(n.sched, embed.Info{Path: info.Path, SHA256: sha, Layers: info.NLayer, Width: info.Width}, embed.Options{})
	return m, info, err
}

// useModel makes the loaded model the embedder of /v1/embeddings and, with EmbedModel, of the
// memory, whose vectors it then makes again in the background.
func (n *Node) useModel(ctx context.Context) {
	m, info, err := n.newEmbedder(ctx)
	if err != nil {
		n.cfg.Log.Warn("embeddings: no model embedder", "err", err)
		return
	}
	n.emb.mu.Lock()
	n.emb.model, n.emb.name = m, info.ID
	n.emb.mu.Unlock()
	if n.cfg.MemoryEmbedder != EmbedModel {
		return
	}
	if err := n.mind.store.SetEmbedder(ctx, m); err != nil {
		n.cfg.Log.Warn("memory: embedder", "err", err)
		return
	}
	n.reembed(ctx)
}

// reembed makes the memory's missing vectors in the background, publishing its progress
// (reembed.go). It pauses while requests wait, so that chats go first, and a kill loses no
// committed batch: the next start resumes with what is missing.
func (n *Node) reembed(ctx context.Context) {
	st := n.mind.store
	space := st.Embedder().Space()
	if r := n.rem.begin(n.embedderModel(), space, st.Missing()); r.Left > 0 {
		n.bus.Publish(events.TypeReembed, r)
	}
	for {
		n.waitIdle(ctx)
		if ctx.Err() != nil {
			n.bus.Publish(events.TypeReembed, n.rem.end(events.ReembedStopped, st.Missing()))
			return
		}
		paused, left, err := n.reembedPass(ctx)
		if paused && ctx.Err() == nil {
			continue
		}
		if err != nil {
			if left < 0 { // Reembed could not count them
				left = st.Missing()
			}
			r := n.rem.end(events.ReembedStopped, left)
			n.bus.Publish(events.TypeReembed, r)
			n.cfg.Log.Info("memory: re-embedding stopped", "done", r.Done, "left", r.Left, "err", err)
			return
		}
		r := n.rem.end(events.ReembedDone, 0)
		n.bus.Publish(events.TypeReembed, r)
		n.cfg.Log.Info("memory: vectors made with the model", "space", space, "done", r.Done)
		return
	}
}

// memoryConsolidation consolidates the kept episodes with the loaded model (chatmem.RunIdle)
// each minute while a whole model is loaded and no request waits, until ctx ends. The model's
// requests run on this node's scheduler only: what is remembered never leaves it.
func (n *Node) memoryConsolidation(ctx context.Context) error {
	idle := func() bool {
		info, ok := n.sched.Model()
		return ok && info.From == 0 && info.To == info.NLayer && n.sched.Queued() == 0
	}
	gen := func(ctx context.Context, req inference.Request) (inference.Result, error) {
		return n.sched.Generate(ctx, scheduler.NewID("memory-"), req, nil)
	}
	return n.mind.chat.RunIdle(ctx, time.Minute, idle, chatmem.ModelPropose(n.mind.store, gen))
}
