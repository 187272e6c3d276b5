package inference_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// A chat template that loops for ever fails within its time limit with ErrTemplate, and a model
// whose template is stuck refuses further renders instead of stacking goroutines on the CPU.
func TestPrepareBoundsTemplate(t *testing.T) {
	// The stuck renders spin until their process ends: run the test in a process of its own.
	if os.Getenv("ARIA_TEST_LOOPING_TEMPLATE") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPrepareBoundsTemplate$", "-test.v")
		cmd.Env = append(os.Environ(), "ARIA_TEST_LOOPING_TEMPLATE=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestPrepareBoundsTemplate") {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "loop.gguf")
	if err := synth.Write(path, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1, ChatTemplate: synth.LoopingTemplate}); err != nil {
		t.Fatal(err)
	}
	e, err := inference.Load(path, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	req := inference.Request{Messages: []chat.Message{{Role: "user", Content: "loop"}}}
	for i := 0; i < 4; i++ {
		t0 := time.Now()
		_, err := e.Prepare(context.Background(), req, 256, inference.Limits{TemplateTimeout: 100 * time.Millisecond})
		if !errors.Is(err, inference.ErrTemplate) {
			t.Fatalf("render %d: err %v, want ErrTemplate", i, err)
		}
		if d := time.Since(t0); d > 2*time.Second {
			t.Fatalf("render %d took %v", i, d)
		}
	}
	// A template that loops on every conversation does not hang loading: the model loads with
	// its template refused, and a raw prompt still runs.
	always := filepath.Join(t.TempDir(), "always.gguf")
	if err := synth.Write(always, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1,
		ChatTemplate: `{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}`}); err != nil {
		t.Fatal(err)
	}
	t0 := time.Now()
	e2, err := inference.Load(always, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e2.Close()
	if e2.Template != nil || time.Since(t0) > 10*time.Second {
		t.Fatalf("looping template accepted (%v) or load took %v", e2.TemplateErr, time.Since(t0))
	}
	if _, err := e2.Prepare(context.Background(), req, 256, inference.Limits{}); !errors.Is(err, inference.ErrTemplate) {
		t.Fatalf("chat on a refused template: %v", err)
	}
	// A raw prompt needs no template and still works.
	if got, err := e.Prepare(context.Background(), inference.Request{Prompt: "hello"}, 256, inference.Limits{}); err != nil || len(got.Tokens) == 0 {
		t.Fatalf("raw prompt: %v %v", got.Tokens, err)
	}
}

// The context check counts the prepared tokens: a prompt that fills the context is refused
// with the sizes, before anything runs.
func TestPrepareContext(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := synth.Write(path, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	e, err := inference.Load(path, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	long := inference.Request{Prompt: "a b c d e f g h i j k l m n o p q r s t u v w x y z"}
	_, err = e.Prepare(context.Background(), long, 8, inference.Limits{})
	var tl *inference.PromptTooLongError
	if !errors.As(err, &tl) || tl.Context != 8 || tl.Tokens < 8 || !errors.Is(err, inference.ErrPromptTooLong) {
		t.Fatalf("err %v", err)
	}
}

// Renders that finish in time are never refused, however many run at once (only renders past
// their limit count against the model).
func TestPrepareConcurrentRenders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := synth.Write(path, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	e, err := inference.Load(path, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		go func() {
			_, err := e.Prepare(context.Background(), inference.Request{Messages: []chat.Message{{Role: "user", Content: "hi"}}}, 256, inference.Limits{})
			errs <- err
		}()
	}
	for i := 0; i < 16; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("render %d: %v", i, err)
		}
	}
}
