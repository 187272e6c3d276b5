package scheduler

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
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
			// The order is taken at the first token, while the request holds the engine: taken
			// after Generate returns, two goroutines could note their turns the other way round.
			first := true
			_, _ = s.Generate(ctx, "w", req, func(inference.Token) error {
				if first {
					first = false
					mu.Lock()
					order = append(order, i)
					mu.Unlock()
				}
				return nil
			})
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

// A peer's stage is open while another model loads: its next step gets ErrUnloaded (the old
// weights stay mapped until it lets go), never a fault; steps racing the load end cleanly too.
func TestStageDuringLoad(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.gguf"), filepath.Join(dir, "b.gguf")
	for i, p := range []string{a, b} {
		if err := synth.Write(p, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: uint64(i + 1)}); err != nil {
			t.Fatal(err)
		}
	}
	s := New(Config{}, nil)
	defer s.Close()
	info, err := s.Load(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.OpenStage(64, 0, info.NLayer, s.Cache(), nil)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, info.Width)
	step := func(st *Stage) error {
		for i := range x {
			x[i] = 0.01 * float32(i%7)
		}
		return st.Forward(context.Background(), x)
	}
	if err := step(st); err != nil {
		t.Fatal(err)
	}
	// Steps in a loop on a second stage while the load happens.
	st2, err := s.OpenStage(64, 0, info.NLayer, s.Cache(), nil)
	if err != nil {
		t.Fatal(err)
	}
	racing := make(chan error, 1)
	go func() {
		defer st2.Close()
		y := make([]float32, info.Width)
		for i := 0; ; i++ {
			if st2.Pos() >= 60 {
				st2.Truncate(0)
			}
			if err := st2.Forward(context.Background(), y); err != nil {
				racing <- err
				return
			}
		}
	}()
	loaded := make(chan error, 1)
	go func() {
		_, err := s.Load(context.Background(), b)
		loaded <- err
	}()
	if err := <-racing; !errors.Is(err, ErrUnloaded) {
		t.Fatalf("racing stage: %v, want ErrUnloaded", err)
	}
	// The load waits for the first stage, whose next step is refused cleanly.
	if err := step(st); !errors.Is(err, ErrUnloaded) {
		t.Fatalf("step after the load began: %v, want ErrUnloaded", err)
	}
	select {
	case err := <-loaded:
		t.Fatalf("load finished while a lease was open (err %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	st.Close()
	if err := <-loaded; err != nil {
		t.Fatal(err)
	}
	if m, _ := s.Model(); m.ID != "b" {
		t.Fatalf("loaded %q", m.ID)
	}
	// Stages of the new model work; Close stops them too.
	st3, err := s.OpenStage(64, 0, info.NLayer, s.Cache(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := step(st3); err != nil {
		t.Fatal(err)
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	for {
		if st3.Pos() >= 60 {
			st3.Truncate(0)
		}
		if err := step(st3); err != nil {
			if !errors.Is(err, ErrUnloaded) {
				t.Fatalf("after Close: %v", err)
			}
			break
		}
	}
	st3.Close()
	<-closed
	if _, err := s.OpenStage(64, 0, info.NLayer, s.Cache(), nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("stage after Close: %v", err)
	}
}

// Peers' requests wait behind every local one: with a generation running and three peers'
// requests queued, a local request that arrives last runs next, and a full peers' lane does not
// refuse the local user.
func TestLocalRequestsFirst(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.gguf")
	if err := synth.Write(p, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	obs := &holdFirst{started: make(chan struct{}), hold: make(chan struct{})}
	s := New(Config{Queue: 3}, obs)
	defer s.Close()
	if _, err := s.Load(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	req := inference.Request{Prompt: "hello", MaxTokens: 1}
	go s.Generate(context.Background(), "first", req, nil)
	<-obs.started
	var mu sync.Mutex
	var order []string
	var wg sync.WaitGroup
	run := func(name string, gen func(context.Context, string, inference.Request, func(inference.Token) error) (inference.Result, error)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Noted at the first token, while the request holds the engine (TestFIFOAndCancel).
			first := true
			_, _ = gen(context.Background(), name, req, func(inference.Token) error {
				if first {
					first = false
					mu.Lock()
					order = append(order, name)
					mu.Unlock()
				}
				return nil
			})
		}()
	}
	for i, name := range []string{"peer-1", "peer-2", "peer-3"} {
		run(name, s.GeneratePeer)
		for s.Queued() != i+1 {
			time.Sleep(time.Millisecond)
		}
	}
	if _, err := s.GeneratePeer(context.Background(), "peer-4", req, nil); !errors.Is(err, ErrBusy) {
		t.Fatalf("a fourth peer's request in a lane of 3: %v, want ErrBusy", err)
	}
	run("local", s.Generate)
	for s.Queued() != 4 {
		time.Sleep(time.Millisecond)
	}
	close(obs.hold)
	wg.Wait()
	if want := []string{"local", "peer-1", "peer-2", "peer-3"}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}
