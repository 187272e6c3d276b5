package api

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference/chat"
)

// recordingMemory stands in for the node's memory in the API's own tests: it puts one note
// before the client's messages, reports one memory used and one intention fired, and records
// what it was asked to keep. The node's tests run the real one.
type recordingMemory struct {
	mu    sync.Mutex
	turns []MemoryTurn
	kept  []string
}

func (m *recordingMemory) Turn(_ context.Context, t MemoryTurn) (MemoryPlan, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.turns = append(m.turns, t)
	msgs := append([]chat.Message{{Role: "system", Content: "Remembered: the user's name is Ada."}}, t.Messages...)
	return MemoryPlan{Messages: msgs, Report: MemoryReport{Used: []UsedMemory{{ID: "m1", Score: 0.5}},
		Fired: []FiredIntention{{ID: "i1", Text: "ask about the trip"}}}}, nil
}

func (m *recordingMemory) Keep(_ context.Context, t MemoryTurn, answer string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.kept = append(m.kept, t.Conversation+": "+answer)
	return nil
}

type memoryAnswer struct {
	Choices []struct {
		Message struct{ Content string } `json:"message"`
	} `json:"choices"`
	Aria struct {
		Memory *MemoryReport `json:"memory"`
	} `json:"aria"`
}

// A chat that opts in gets the context memory assembled (the turn sees the client's messages
// and the answer's budget), says what was used and fired in aria.memory, streamed or not, and
// is kept, unless private; chats that do not opt in are untouched.
func TestMemoryChat(t *testing.T) {
	mem := &recordingMemory{}
	s := newServer(t, Options{Memory: mem}, scheduler.Config{}, nil, true)
	body := chatBody("What is my name?", `,"max_tokens":4,"aria":{"memory":true,"conversation":"c1"}`)
	resp, b := post(t, s.URL+"/v1/chat/completions", body)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	var a memoryAnswer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	if r := a.Aria.Memory; r == nil || len(r.Used) != 1 || r.Used[0].ID != "m1" || len(r.Fired) != 1 || r.Fired[0].Text != "ask about the trip" {
		t.Fatalf("aria.memory %+v", a.Aria.Memory)
	}
	if len(mem.turns) != 1 || mem.turns[0].Conversation != "c1" || mem.turns[0].MaxTokens != 4 ||
		len(mem.turns[0].Messages) != 1 || mem.turns[0].Messages[0].Content != "What is my name?" {
		t.Fatalf("memory was asked %+v", mem.turns)
	}
	if len(mem.kept) != 1 || mem.kept[0] != "c1: "+a.Choices[0].Message.Content {
		t.Fatalf("kept %q, the answer was %q", mem.kept, a.Choices[0].Message.Content)
	}

	// Streamed: aria.memory comes in the last chunk before [DONE].
	streamed := chatBody("Again?", `,"max_tokens":4,"stream":true,"aria":{"memory":true,"conversation":"c2"}`)
	hr, err := http.Post(s.URL+"/v1/chat/completions", "application/json", strings.NewReader(streamed))
	if err != nil {
		t.Fatal(err)
	}
	defer hr.Body.Close()
	var last string
	for sc := bufio.NewScanner(hr.Body); sc.Scan(); {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok && d != "[DONE]" {
			last = d
		}
	}
	var chunk struct {
		Aria *struct {
			Memory *MemoryReport `json:"memory"`
		} `json:"aria"`
	}
	if err := json.Unmarshal([]byte(last), &chunk); err != nil || chunk.Aria == nil || chunk.Aria.Memory == nil || len(chunk.Aria.Memory.Used) != 1 {
		t.Fatalf("last chunk %s (%v): no aria.memory", last, err)
	}

	// Private: memory is read, nothing is kept.
	chatOK(t, s.URL, chatBody("Secret", `,"max_tokens":2,"aria":{"memory":true,"conversation":"c3","private":true}`))
	// Without the opt-in memory is not asked.
	chatOK(t, s.URL, chatBody("Plain", `,"max_tokens":2`))
	if len(mem.turns) != 3 || len(mem.kept) != 2 {
		t.Fatalf("%d turns asked of memory, %d kept; want 3 and 2 (private and plain chats keep nothing)", len(mem.turns), len(mem.kept))
	}
}

// A memory chat without a conversation, on a completion, or on a node without memory is a 400
// naming the field, and nothing is asked of memory or kept.
func TestMemoryChatErrors(t *testing.T) {
	mem := &recordingMemory{}
	s := newServer(t, Options{Memory: mem}, scheduler.Config{}, nil, true)
	bare := newServer(t, Options{}, scheduler.Config{}, nil, true)
	for _, tc := range []struct {
		url, path, body, param string
	}{
		{s.URL, "/v1/chat/completions", chatBody("hi", `,"aria":{"memory":true}`), "aria.conversation"},
		{s.URL, "/v1/chat/completions", chatBody("hi", `,"aria":{"memory":true,"conversation":"`+strings.Repeat("x", 200)+`"}`), "aria.conversation"},
		{s.URL, "/v1/completions", `{"prompt":"hi","aria":{"memory":true,"conversation":"c"}}`, "aria.memory"},
		{bare.URL, "/v1/chat/completions", chatBody("hi", `,"aria":{"memory":true,"conversation":"c"}`), "aria.memory"},
	} {
		resp, b := post(t, tc.url+tc.path, tc.body)
		var e ErrorBody
		_ = json.Unmarshal(b, &e)
		if resp.StatusCode != 400 || e.Error.Param == nil || *e.Error.Param != tc.param {
			t.Errorf("%s %.60s: %d %s, want 400 naming %s", tc.path, tc.body, resp.StatusCode, b, tc.param)
		}
	}
	if len(mem.turns) != 0 || len(mem.kept) != 0 {
		t.Fatalf("bad requests reached memory: %d turns, %d kept", len(mem.turns), len(mem.kept))
	}
}
