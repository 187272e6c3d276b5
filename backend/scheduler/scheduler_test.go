package scheduler

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

type holdFirst struct {
	once    sync.Once
	started chan struct{}
	hold    chan struct{}
}

func (h *holdFirst) Start(string, string)                {}
func (h *holdFirst) PromptDone(string, int)              {}
func (h *holdFirst) End(string, inference.Result, error) {}
func (h *holdFirst) Token(string, inference.Token) {
	h.once.Do(func() { close(h.started); <-h.hold })
}

// Waiting requests run in arrival order; a cancelled waiter leaves the queue; Close fails the rest.
func TestFIFOAndCancel(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.gguf")
	if err := synth.Write(p, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	obs := &holdFirst{started: make(chan struct{}), hold: make(chan struct{})}
	s := New(Config{Queue: 8}, obs)
	if _, err := s.Generate(context.Background(), "x", inference.Request{Prompt: "a"}, nil); !errors.Is(err, ErrNoModel) {
		t.Fatalf("no model: %v", err)
	}
	if _, err := s.Load(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	req := inference.Request{Prompt: "hello", MaxTokens: 2}
	go s.Generate(context.Background(), "first", req, nil)
	<-obs.started
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	ctxs := make([]context.CancelFunc, 5)
	for i := 0; i < 5; i++ {
		ctx, cancel := context.WithCancel(context.Background())
		ctxs[i] = cancel
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := s.Generate(ctx, "w", req, nil); err == nil {
				mu.Lock()
				order = append(order, i)
				mu.Unlock()
			}
		}()
		for s.Queued() != i+1 {
			time.Sleep(time.Millisecond)
		}
	}
	ctxs[2]()
	for s.Queued() != 4 {
		time.Sleep(time.Millisecond)
	}
	close(obs.hold)
	wg.Wait()
	if len(order) != 4 || order[0] != 0 || order[1] != 1 || order[2] != 3 || order[3] != 4 {
		t.Fatalf("order %v, want [0 1 3 4]", order)
	}
	s.Close()
	if _, err := s.Generate(context.Background(), "late", req, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}
}
