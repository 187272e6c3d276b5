package node

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// A peer's /aria/generate request is prepared under the same limit as the API's: a chat template
// that never finishes fails the request within the limit (before, it rendered with no limit
// while holding the scheduler, and the node answered nothing more), the API's requests go on,
// and the peer's later requests are answered.
func TestPeerGenerateTemplateLimit(t *testing.T) {
	// The stuck render spins until its process ends: run the test in a process of its own.
	if os.Getenv("ARIA_TEST_PEER_TEMPLATE") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestPeerGenerateTemplateLimit$", "-test.v")
		cmd.Env = append(os.Environ(), "ARIA_TEST_PEER_TEMPLATE=1")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "--- PASS: TestPeerGenerateTemplateLimit") {
			t.Fatalf("%v\n%s", err, out)
		}
		return
	}
	dir := t.TempDir()
	mp := filepath.Join(dir, "loop.gguf")
	if err := synth.Write(mp, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 6, ChatTemplate: synth.LoopingTemplate}); err != nil {
		t.Fatal(err)
	}
	sha, err := library.SumFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	n := startPeerNode(t, dir, mp)
	h, ctx := peerOf(t, n)
	// The node answers for its model once it has hashed it.
	ask := func(content string) (pipeline.RemoteResult, error) {
		for {
			res, err := pipeline.Generate(ctx, h, n.P2P().ID(), sha, "tpl-"+content, inference.Request{
				Messages: []chat.Message{{Role: "user", Content: content}}, MaxTokens: 2}, nil)
			// The policy admits one peer job at a time: the last one may still be closing.
			var re *pipeline.RemoteError
			if errors.As(err, &re) && re.Code == pipeline.CodeRefused && ctx.Err() == nil {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			return res, err
		}
	}
	for {
		_, err := ask("hello")
		var re *pipeline.RemoteError
		if err == nil || !errors.As(err, &re) || re.Code != pipeline.CodeNoModel {
			if err != nil {
				t.Fatalf("a plain chat: %v", err)
			}
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	t0 := time.Now()
	_, err = ask("loop")
	took := time.Since(t0)
	var re *pipeline.RemoteError
	if !errors.As(err, &re) || !strings.Contains(re.Msg, "chat template") || took > 10*time.Second {
		t.Fatalf("looping template: err %v after %v, want a chat template error within the limit", err, took)
	}
	// The node goes on: the API and the peer are both answered.
	postJSON(t, n.URL()+"/v1/completions", `{"prompt":"still here","max_tokens":2}`, 200)
	if _, err := ask("hello again"); err != nil {
		t.Fatalf("after the looping template: %v", err)
	}
}
