package api

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

var modelPath string

// TestMain writes the synthetic model every test serves.
func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "aria-api-test")
	if err != nil {
		panic(err)
	}
	modelPath = filepath.Join(dir, "tiny-test.gguf")
	if err := synth.Write(modelPath, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 7}); err != nil {
		panic(err)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func tinyModel(*testing.T) string { return modelPath }

// gate is an observer that can hold a generation at its first token.
type gate struct {
	mu      sync.Mutex
	hold    chan struct{} // closed: let tokens through
	started chan string
	ended   chan error
}

func newGate() *gate {
	return &gate{hold: make(chan struct{}), started: make(chan string, 16), ended: make(chan error, 16)}
}
func (g *gate) Start(id, _ string)                          { g.started <- id }
func (g *gate) PromptDone(string, int)                      {}
func (g *gate) Token(string, inference.Token)               { <-g.hold }
func (g *gate) End(_ string, _ inference.Result, err error) { g.ended <- err }
func (g *gate) open() {
	g.mu.Lock()
	defer g.mu.Unlock()
	select {
	case <-g.hold:
	default:
		close(g.hold)
	}
}

type server struct {
	*httptest.Server
	sched *scheduler.Scheduler
}

func newServer(t *testing.T, o Options, cfg scheduler.Config, obs scheduler.Observer, load bool) *server {
	t.Helper()
	s := scheduler.New(cfg, obs)
	if load {
		if _, err := s.Load(context.Background(), tinyModel(t)); err != nil {
			t.Fatal(err)
		}
	}
	o.Backend = s
	ts := httptest.NewServer(New(o))
	t.Cleanup(func() { ts.Close(); s.Close() })
	return &server{ts, s}
}

func post(t *testing.T, url, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

type completion struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Model   string `json:"model"`
	Choices []struct {
		Message struct {
			Role, Content string
		} `json:"message"`
		Text         string `json:"text"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage struct {
		PromptTokens     int `json:"prompt_tokens"`
		CompletionTokens int `json:"completion_tokens"`
		TotalTokens      int `json:"total_tokens"`
	} `json:"usage"`
}

func chatBody(content string, extra string) string {
	b, _ := json.Marshal(content)
	return fmt.Sprintf(`{"messages":[{"role":"user","content":%s}]%s}`, b, extra)
}

func chatOK(t *testing.T, url, body string) completion {
	t.Helper()
	resp, b := post(t, url+"/v1/chat/completions", body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var c completion
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c
}

// streamChat reads an SSE stream and returns the content, the finish reason, the usage chunk
// (if any) and the number of content chunks.
func streamChat(t *testing.T, url, body string) (text, finish string, usage map[string]int, chunks int) {
	t.Helper()
	resp, err := http.Post(url+"/v1/chat/completions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("status %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}
	sc := bufio.NewScanner(resp.Body)
	done := false
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		data, ok := strings.CutPrefix(line, "data: ")
		if !ok {
			t.Fatalf("not an SSE data line: %q", line)
		}
		if data == "[DONE]" {
			done = true
			break
		}
		var c struct {
			Object  string `json:"object"`
			Choices []struct {
				Delta        map[string]string `json:"delta"`
				FinishReason *string           `json:"finish_reason"`
			} `json:"choices"`
			Usage map[string]int `json:"usage"`
		}
		if err := json.Unmarshal([]byte(data), &c); err != nil {
			t.Fatalf("chunk %q: %v", data, err)
		}
		if c.Object != "chat.completion.chunk" {
			t.Fatalf("chunk object %q", c.Object)
		}
		if c.Usage != nil {
			usage = c.Usage
		}
		for _, ch := range c.Choices {
			if s := ch.Delta["content"]; s != "" {
				text += s
				chunks++
			}
			if ch.FinishReason != nil {
				finish = *ch.FinishReason
			}
		}
	}
	if !done {
		t.Fatal("stream ended without data: [DONE]")
	}
	return
}

func TestModelsAndStatus(t *testing.T) {
	s := newServer(t, Options{Version: "test"}, scheduler.Config{}, nil, true)
	resp, err := http.Get(s.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	var list struct {
		Object string
		Data   []modelObject
	}
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if list.Object != "list" || len(list.Data) != 1 || list.Data[0].ID != "tiny-test" || list.Data[0].Object != "model" {
		t.Fatalf("models: %+v", list)
	}
	resp, _ = http.Get(s.URL + "/api/status")
	var st map[string]any
	json.NewDecoder(resp.Body).Decode(&st)
	resp.Body.Close()
	if m, _ := st["model"].(map[string]any); m == nil || m["id"] != "tiny-test" || st["version"] != "test" {
		t.Fatalf("status: %v", st)
	}
}

func TestChatUsageAndFinish(t *testing.T) {
	s := newServer(t, Options{}, scheduler.Config{}, nil, true)
	c := chatOK(t, s.URL, chatBody("Hello there", `,"max_tokens":7,"temperature":0`))
	if c.Object != "chat.completion" || c.Model != "tiny-test" || len(c.Choices) != 1 {
		t.Fatalf("%+v", c)
	}
	eng, err := inference.Load(modelPath, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer eng.Close()
	text, _ := eng.RenderChat([]chat.Message{{Role: "user", Content: "Hello there"}})
	want := len(eng.Tok.Encode(text, false, true))
	if c.Usage.PromptTokens != want || c.Usage.CompletionTokens != 7 || c.Usage.TotalTokens != want+7 {
		t.Fatalf("usage %+v, want prompt %d + 7", c.Usage, want)
	}
	if c.Choices[0].FinishReason != "length" || c.Choices[0].Message.Role != "assistant" {
		t.Fatalf("choice %+v", c.Choices[0])
	}
	// Streaming gives the same text for the same greedy request, token by token.
	text2, finish, usage, chunks := streamChat(t, s.URL, chatBody("Hello there", `,"max_tokens":7,"temperature":0,"stream":true,"stream_options":{"include_usage":true}`))
	if text2 != c.Choices[0].Message.Content || finish != "length" || chunks < 2 {
		t.Fatalf("stream %q (%d chunks, %s), non-stream %q", text2, chunks, finish, c.Choices[0].Message.Content)
	}
	if usage["completion_tokens"] != 7 || usage["prompt_tokens"] != want {
		t.Fatalf("stream usage %v", usage)
	}
}

func TestStopSeedAndCompletions(t *testing.T) {
	s := newServer(t, Options{}, scheduler.Config{}, nil, true)
	full := chatOK(t, s.URL, chatBody("tell me", `,"max_tokens":24,"temperature":0`)).Choices[0].Message.Content
	if len([]rune(full)) < 8 {
		t.Skipf("greedy text %q too short to cut", full)
	}
	r := []rune(full)
	stop := string(r[4:6])
	want := full[:strings.Index(full, stop)]
	stopJSON, _ := json.Marshal(stop)
	c := chatOK(t, s.URL, chatBody("tell me", `,"max_tokens":24,"temperature":0,"stop":[`+string(stopJSON)+`]`))
	if got := c.Choices[0].Message.Content; got != want || c.Choices[0].FinishReason != "stop" {
		t.Fatalf("stop %q: got %q (%s), want %q", stop, got, c.Choices[0].FinishReason, want)
	}
	a := chatOK(t, s.URL, chatBody("tell me", `,"max_tokens":16,"temperature":1,"seed":42`)).Choices[0].Message.Content
	b := chatOK(t, s.URL, chatBody("tell me", `,"max_tokens":16,"temperature":1,"seed":42`)).Choices[0].Message.Content
	if a != b {
		t.Fatalf("same seed, different text: %q vs %q", a, b)
	}
	resp, body := post(t, s.URL+"/v1/completions", `{"prompt":"Once upon","max_tokens":5,"temperature":0}`)
	var cc completion
	json.Unmarshal(body, &cc)
	if resp.StatusCode != 200 || cc.Object != "text_completion" || cc.Usage.CompletionTokens != 5 || cc.Choices[0].Text == "" {
		t.Fatalf("completions %d: %s", resp.StatusCode, body)
	}
}

func TestErrors(t *testing.T) {
	s := newServer(t, Options{Static: fstest.MapFS{"index.html": {Data: []byte("<html>app</html>")}}}, scheduler.Config{Context: 64}, nil, true)
	empty := newServer(t, Options{}, scheduler.Config{}, nil, false)
	long := strings.Repeat("word ", 200)
	for _, tc := range []struct {
		name, url, body string
		status          int
		typ, code       string
	}{
		{"malformed JSON", s.URL, `{"messages":[`, 400, typeInvalid, "invalid_json"},
		{"wrong type", s.URL, `{"messages":"hi"}`, 400, typeInvalid, "invalid_type"},
		{"no messages", s.URL, `{"messages":[]}`, 400, typeInvalid, ""},
		{"unknown role", s.URL, `{"messages":[{"role":"robot","content":"x"}]}`, 400, typeInvalid, ""},
		{"n=2", s.URL, chatBody("x", `,"n":2`), 400, typeInvalid, ""},
		{"temperature", s.URL, chatBody("x", `,"temperature":3`), 400, typeInvalid, ""},
		{"unknown model", s.URL, chatBody("x", `,"model":"gpt-9"`), 404, typeNotFound, "model_not_found"},
		{"too long", s.URL, chatBody(long, ""), 400, typeInvalid, "context_length_exceeded"},
		{"too large", s.URL, chatBody(strings.Repeat("a", MaxBody+10), ""), 413, typeInvalid, "request_too_large"},
		{"no model", empty.URL, chatBody("x", ""), 503, typeOverload, "no_model_loaded"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, b := post(t, tc.url+"/v1/chat/completions", tc.body)
			var e struct{ Error apiError }
			if err := json.Unmarshal(b, &e); err != nil || resp.StatusCode != tc.status || e.Error.Type != tc.typ || e.Error.Message == "" {
				t.Fatalf("status %d body %s (want %d %s)", resp.StatusCode, b, tc.status, tc.typ)
			}
			if tc.code != "" && (e.Error.Code == nil || *e.Error.Code != tc.code) {
				t.Fatalf("code %v, want %s", e.Error.Code, tc.code)
			}
		})
	}
	resp, _ := http.Get(s.URL + "/some/client/route")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Contains(b, []byte("app")) {
		t.Fatalf("SPA fallback: %s", b)
	}
}

func TestAuthAndCORS(t *testing.T) {
	s := newServer(t, Options{APIKey: "secret-key-123", RequireAuth: true}, scheduler.Config{}, nil, true)
	resp, b := post(t, s.URL+"/v1/chat/completions", chatBody("x", `,"max_tokens":1`))
	if resp.StatusCode != 401 || !bytes.Contains(b, []byte(typeAuth)) {
		t.Fatalf("no key: %d %s", resp.StatusCode, b)
	}
	resp, _ = post(t, s.URL+"/v1/chat/completions", chatBody("x", `,"max_tokens":1`), "Authorization", "Bearer wrong")
	if resp.StatusCode != 401 {
		t.Fatalf("wrong key: %d", resp.StatusCode)
	}
	resp, b = post(t, s.URL+"/v1/chat/completions", chatBody("x", `,"max_tokens":1`), "Authorization", "Bearer secret-key-123")
	if resp.StatusCode != 200 {
		t.Fatalf("right key: %d %s", resp.StatusCode, b)
	}
	req, _ := http.NewRequest("OPTIONS", s.URL+"/v1/chat/completions", nil)
	req.Header.Set("Origin", "wails://wails")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 204 || resp.Header.Get("Access-Control-Allow-Origin") != "wails://wails" {
		t.Fatalf("preflight %d %v", resp.StatusCode, resp.Header)
	}
	// A page from another site cannot make the node generate, even with the key.
	resp, b = post(t, s.URL+"/v1/chat/completions", chatBody("x", `,"max_tokens":1`), "Authorization", "Bearer secret-key-123", "Origin", "https://evil.example", "Content-Type", "text/plain")
	if resp.StatusCode != 403 || !bytes.Contains(b, []byte("origin_not_allowed")) {
		t.Fatalf("foreign origin: %d %s", resp.StatusCode, b)
	}
	// The node's own page (same origin) is allowed.
	resp, _ = post(t, s.URL+"/v1/chat/completions", chatBody("x", `,"max_tokens":1`), "Authorization", "Bearer secret-key-123", "Origin", s.URL)
	if resp.StatusCode != 200 {
		t.Fatalf("same origin: %d", resp.StatusCode)
	}
}

func TestQueueFullAndDisconnect(t *testing.T) {
	g := newGate()
	s := newServer(t, Options{}, scheduler.Config{Queue: 1}, g, true)
	// A holds the engine (blocked at its first token), B waits, C finds the queue full.
	ctxA, cancelA := context.WithCancel(context.Background())
	errA := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctxA, "POST", s.URL+"/v1/chat/completions", strings.NewReader(chatBody("a", `,"max_tokens":50,"stream":true`)))
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		errA <- err
	}()
	<-g.started
	resB := make(chan completion, 1)
	go func() { resB <- chatOK(t, s.URL, chatBody("b", `,"max_tokens":3`)) }()
	for s.sched.Queued() != 1 {
		time.Sleep(5 * time.Millisecond)
	}
	resp, b := post(t, s.URL+"/v1/chat/completions", chatBody("c", `,"max_tokens":3`))
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !bytes.Contains(b, []byte(typeRate)) {
		t.Fatalf("queue full: %d %s", resp.StatusCode, b)
	}
	// The client of A goes away: its generation ends with a cancellation, and B runs.
	cancelA()
	g.open()
	if err := <-g.ended; !errors.Is(err, context.Canceled) {
		t.Fatalf("A ended with %v, want context.Canceled", err)
	}
	select {
	case c := <-resB:
		if c.Usage.CompletionTokens != 3 {
			t.Fatalf("B: %+v", c)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("B did not run after A's client left")
	}
	<-errA
}

func TestConcurrentRequestsMatchSolo(t *testing.T) {
	s := newServer(t, Options{}, scheduler.Config{}, nil, true)
	prompts := []string{"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
	solo := map[string]string{}
	for _, p := range prompts {
		solo[p] = chatOK(t, s.URL, chatBody(p, `,"max_tokens":12,"temperature":0`)).Choices[0].Message.Content
	}
	var wg sync.WaitGroup
	got := make([]string, len(prompts))
	for i, p := range prompts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if i%2 == 0 {
				got[i], _, _, _ = streamChat(t, s.URL, chatBody(p, `,"max_tokens":12,"temperature":0,"stream":true`))
			} else {
				got[i] = chatOK(t, s.URL, chatBody(p, `,"max_tokens":12,"temperature":0`)).Choices[0].Message.Content
			}
		}()
	}
	wg.Wait()
	for i, p := range prompts {
		if got[i] != solo[p] {
			t.Errorf("%s: concurrent %q, alone %q", p, got[i], solo[p])
		}
	}
}
