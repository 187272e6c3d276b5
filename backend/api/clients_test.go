package api

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/scheduler"
)

// needTool skips when a client program is missing, except in CI, where its absence is a failure
// of the setup (make test installs it).
func needTool(t *testing.T, what, hint string, ok bool) {
	t.Helper()
	if ok {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s missing in CI (%s)", what, hint)
	}
	t.Skipf("%s missing (%s)", what, hint)
}

// The official openai npm package lists models, chats with and without streaming, reads usage
// and gets typed errors from a real server.
func TestOpenAINodeClient(t *testing.T) {
	dir, _ := filepath.Abs("testdata/openai-client")
	_, err := os.Stat(filepath.Join(dir, "node_modules", "openai"))
	_, nodeErr := exec.LookPath("node")
	needTool(t, "node and testdata/openai-client/node_modules", "run `npm ci` there; make test does", err == nil && nodeErr == nil)
	s := newServer(t, Options{}, scheduler.Config{}, nil, true)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "node", filepath.Join(dir, "test.mjs"), s.URL).CombinedOutput()
	if err != nil {
		t.Fatalf("openai client: %v\n%s", err, out)
	}
	t.Logf("%s", strings.TrimSpace(string(out)))
}

// curl, as in the README: a non-streaming chat, a stream and an error.
func TestCurl(t *testing.T) {
	_, err := exec.LookPath("curl")
	needTool(t, "curl", "apt-get install curl", err == nil)
	s := newServer(t, Options{}, scheduler.Config{}, nil, true)
	run := func(args ...string) (string, error) {
		out, err := exec.Command("curl", append([]string{"-sS"}, args...)...).Output()
		return string(out), err
	}
	out, err := run(s.URL+"/v1/chat/completions", "-H", "Content-Type: application/json",
		"-d", `{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4,"temperature":0}`)
	var c completion
	if err != nil || json.Unmarshal([]byte(out), &c) != nil || c.Usage.CompletionTokens != 4 {
		t.Fatalf("curl chat: %v %s", err, out)
	}
	out, err = run("-N", s.URL+"/v1/chat/completions", "-H", "Content-Type: application/json",
		"-d", `{"messages":[{"role":"user","content":"Hi"}],"max_tokens":4,"stream":true}`)
	if err != nil || !strings.Contains(out, "data: {") || !strings.HasSuffix(strings.TrimSpace(out), "data: [DONE]") {
		t.Fatalf("curl stream: %v %s", err, out)
	}
	out, err = run("-w", "%{http_code}", s.URL+"/v1/chat/completions", "-d", `{"messages":`)
	if err != nil || !strings.HasSuffix(out, "400") || !strings.Contains(out, "invalid_request_error") {
		t.Fatalf("curl error: %v %s", err, out)
	}
}
