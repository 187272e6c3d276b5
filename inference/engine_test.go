package inference_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/fixtures"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/sample"
	"github.com/aria-node/aria/inference/synth"
)

func tinyModel(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := synth.Write(p, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	return p
}

func session(t *testing.T, path string, nCtx int) *inference.Session {
	t.Helper()
	e, err := inference.Load(path, inference.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	s, err := e.NewSession(nCtx, model.CacheF32)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func greedy(n int) inference.Request {
	return inference.Request{Prompt: "Once upon a time", MaxTokens: n, IgnoreEOS: true, Sampling: sample.Params{Temperature: 0}}
}

// Streamed pieces add up to the final text, and a repeated request on a warm cache gives
// the same tokens as on a cold one.
func TestGenerateStreamsAndReusesCache(t *testing.T) {
	s := session(t, tinyModel(t), 256)
	var streamed strings.Builder
	n := 0
	res, err := s.Generate(context.Background(), greedy(20), func(tok inference.Token) error {
		streamed.WriteString(tok.Text)
		n++
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if streamed.String() != res.Text || len(res.Tokens) != 20 || n < 20 {
		t.Fatalf("streamed %q (%d calls), result %q (%d tokens)", streamed.String(), n, res.Text, len(res.Tokens))
	}
	again, err := s.Generate(context.Background(), greedy(20), nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.CachedTokens == 0 {
		t.Error("second run reused no cached tokens")
	}
	if again.Text != res.Text {
		t.Errorf("warm cache gave %q, cold %q", again.Text, res.Text)
	}
}

func TestSeedRepeats(t *testing.T) {
	p := tinyModel(t)
	s := session(t, p, 256)
	req := inference.Request{Prompt: "Hello", MaxTokens: 16, IgnoreEOS: true, Sampling: sample.Params{Temperature: 0.9, TopK: 40, TopP: 0.95, Seed: 42}}
	a, err := s.Generate(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.Reset()
	b, err := s.Generate(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Text != b.Text {
		t.Fatalf("same seed: %q vs %q", a.Text, b.Text)
	}
}

func TestStopSequence(t *testing.T) {
	s := session(t, tinyModel(t), 256)
	full, err := s.Generate(context.Background(), greedy(24), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(full.Text) < 6 {
		t.Skip("generation too short to pick a stop string")
	}
	stop := full.Text[3:6]
	req := greedy(24)
	req.Stop = []string{stop}
	res, err := s.Generate(context.Background(), req, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := full.Text[:strings.Index(full.Text, stop)]
	if res.Text != want || res.FinishReason != inference.FinishStop {
		t.Fatalf("with stop %q: %q (%s), want %q", stop, res.Text, res.FinishReason, want)
	}
}

func TestContextLimits(t *testing.T) {
	s := session(t, tinyModel(t), 12)
	_, err := s.Generate(context.Background(), inference.Request{Prompt: strings.Repeat("word ", 40)}, nil)
	if !errors.Is(err, inference.ErrPromptTooLong) {
		t.Fatalf("long prompt: err = %v", err)
	}
	res, err := s.Generate(context.Background(), greedy(0), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.FinishReason != inference.FinishLength || res.PromptTokens+len(res.Tokens) != 12+1 {
		t.Fatalf("context full: %d prompt + %d generated, finish %s", res.PromptTokens, len(res.Tokens), res.FinishReason)
	}
}

func TestCancel(t *testing.T) {
	s := session(t, tinyModel(t), 256)
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	_, err := s.Generate(ctx, greedy(100), func(inference.Token) error {
		n++
		if n == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) || n != 3 {
		t.Fatalf("err = %v after %d tokens", err, n)
	}
	// The session stays usable.
	if _, err := s.Generate(context.Background(), greedy(4), nil); err != nil {
		t.Fatal(err)
	}
}

func TestChatTemplatePrompt(t *testing.T) {
	tinyPath := tinyModel(t)
	s := session(t, tinyPath, 256)
	msgs := []chat.Message{{Role: "system", Content: "Be brief."}, {Role: "user", Content: "Hi"}}
	res, err := s.Generate(context.Background(), inference.Request{Messages: msgs, MaxTokens: 4, IgnoreEOS: true}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The LLaMA-3 template of the synthetic model starts with BOS and closes each turn with
	// <|eot_id|>; both must arrive as single special tokens, not as text.
	e, err := inference.Load(tinyPath, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	prep, err := e.Prepare(context.Background(), inference.Request{Messages: msgs}, 256, inference.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	ids := prep.Tokens
	if res.PromptTokens != len(ids) || ids[0] != e.Tok.BOS() || !contains(ids, e.Tok.EOT()) {
		t.Fatalf("chat prompt ids %v (BOS %d, EOT %d)", ids, e.Tok.BOS(), e.Tok.EOT())
	}
}

func contains(ids []int32, id int32) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := inference.Load(filepath.Join(dir, "missing.gguf"), inference.Options{}); err == nil {
		t.Error("missing file accepted")
	}
	b, err := os.ReadFile(fixtures.Path(t, "bitnet-tiny-tq2_0.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.gguf")
	os.WriteFile(cut, b[:len(b)-1000], 0o644)
	if _, err := inference.Load(cut, inference.Options{}); err == nil || !strings.Contains(err.Error(), "truncated") {
		t.Errorf("truncated model: %v", err)
	}
	if _, err := inference.Load(fixtures.Path(t, "llama3-vocab.gguf"), inference.Options{}); err == nil || !strings.Contains(err.Error(), "architecture") {
		t.Errorf("vocab-only file: %v", err)
	}
}

// TQ1_0 and TQ2_0 files of the same weights give bit-identical logits, as in llama.cpp.
func TestTernaryFormatsAgree(t *testing.T) {
	dir := t.TempDir()
	logits := map[gguf.Type][]float32{}
	for _, typ := range []gguf.Type{gguf.TypeTQ2_0, gguf.TypeTQ1_0} {
		p := filepath.Join(dir, typ.String()+".gguf")
		if err := synth.Write(p, synth.Options{Shape: synth.Shapes["tiny"], Type: typ, Seed: 11}); err != nil {
			t.Fatal(err)
		}
		s := session(t, p, 64)
		l, err := s.Eval(context.Background(), []int32{1, 2, 3, 4, 5, 6, 7, 8}, nil)
		if err != nil {
			t.Fatal(err)
		}
		logits[typ] = append([]float32(nil), l...)
	}
	a, b := logits[gguf.TypeTQ2_0], logits[gguf.TypeTQ1_0]
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("logit %d: TQ2_0 %v, TQ1_0 %v", i, a[i], b[i])
		}
	}
}
