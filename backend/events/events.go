// Package events is the node's one event bus. Its one subscriber is GET /api/events, which
// streams the events as server-sent events to the interface (the desktop window and the
// browser both read it over HTTP).
//
// The publishers, by event type, with the payload each sends:
//
//   - "token" (Token): the node's scheduler observer, for every generated piece of text.
//   - "token_rate" (TokenRate), "generation" (metrics.Report, at the start and the end of a
//     generation) and "metrics" (metrics.Live, every second): the meter (backend/metrics).
//   - "download" (models.Progress, downloads and imports) and "node" (Node, a model loading
//     or ready): the node's app endpoints (backend/node/appapi.go).
//   - "peers" ([]p2p.PeerInfo, when the known peers change), "policy" (node.PolicyState),
//     "route" (Route, while a pipelined request runs: when it starts, as tokens flow, after a
//     failover and when it ends) and "ledger" (Ledger, when an entry is written): the node's
//     network (backend/node, backend/route).
//   - "memory_reembed" (Reembed): the node's memory, while it makes its vectors again after a
//     model change (backend/node/reembed.go).
//
// The payloads this package defines are the ones whose fields are not another package's type;
// the frontend's api/generated.ts is generated from all of them (backend/api/tsgen).
package events

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Event is one published fact: Data is the payload listed for Type in the package comment.
type Event struct {
	Seq  uint64    `json:"seq"`
	Time time.Time `json:"time"`
	Type string    `json:"type"`
	Data any       `json:"data"`
}

// Bus fans events out to subscribers. Publish never blocks: a subscriber that falls behind
// loses its oldest events (and can see how many).
type Bus struct {
	mu     sync.Mutex
	seq    uint64
	subs   map[*Subscription]struct{}
	buffer int
	closed bool
}

// NewBus returns a bus whose subscribers buffer up to buffer events (default 256).
func NewBus(buffer int) *Bus {
	if buffer <= 0 {
		buffer = 256
	}
	return &Bus{subs: map[*Subscription]struct{}{}, buffer: buffer}
}

// Subscription receives the events of some types (all when none are given).
type Subscription struct {
	c       chan Event
	types   map[string]bool
	bus     *Bus
	mu      sync.Mutex
	dropped uint64
	once    sync.Once
}

// C delivers the events; it is closed when the subscription ends.
func (s *Subscription) C() <-chan Event { return s.c }

// Dropped counts the events this subscriber lost by falling behind.
func (s *Subscription) Dropped() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.dropped
}

// Close ends the subscription.
func (s *Subscription) Close() {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	s.closeLocked()
}

func (s *Subscription) closeLocked() {
	s.once.Do(func() {
		delete(s.bus.subs, s)
		close(s.c)
	})
}

// Subscribe starts a subscription that ends with ctx or the bus.
func (b *Bus) Subscribe(ctx context.Context, types ...string) *Subscription {
	s := &Subscription{c: make(chan Event, b.buffer), bus: b}
	if len(types) > 0 {
		s.types = map[string]bool{}
		for _, t := range types {
			s.types[t] = true
		}
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		s.once.Do(func() { close(s.c) })
		return s
	}
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		s.Close()
	}()
	return s
}

// Publish sends an event to every matching subscriber without waiting for any of them. data
// is the payload of typ (see the package comment); a Payload's EventType is typ.
func (b *Bus) Publish(typ string, data any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return
	}
	b.seq++
	ev := Event{Seq: b.seq, Time: time.Now(), Type: typ, Data: data}
	for s := range b.subs {
		if s.types != nil && !s.types[typ] {
			continue
		}
		for {
			select {
			case s.c <- ev:
			default:
				// Full: drop the oldest and retry, so the subscriber sees the newest state.
				select {
				case <-s.c:
					s.mu.Lock()
					s.dropped++
					s.mu.Unlock()
				default:
				}
				continue
			}
			break
		}
	}
}

// Close ends every subscription; later publishes are ignored.
func (b *Bus) Close() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.closed = true
	for s := range b.subs {
		s.closeLocked()
	}
}

// ServeSSE streams events as server-sent events (?types=a,b filters) until the client leaves,
// with a comment every 15 s so that proxies keep the connection open.
func (b *Bus) ServeSSE(w http.ResponseWriter, r *http.Request) {
	f, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	var types []string
	if t := r.URL.Query().Get("types"); t != "" {
		types = strings.Split(t, ",")
	}
	sub := b.Subscribe(r.Context(), types...)
	defer sub.Close()
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, ": aria events\n\n")
	f.Flush()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	for {
		select {
		case ev, ok := <-sub.C():
			if !ok {
				return
			}
			data, err := json.Marshal(ev.Data)
			if err != nil {
				continue
			}
			if _, err := fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", ev.Seq, ev.Type, data); err != nil {
				return
			}
			f.Flush()
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return
			}
			f.Flush()
		case <-r.Context().Done():
			return
		}
	}
}
