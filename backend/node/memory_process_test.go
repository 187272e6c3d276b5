package node

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// memoryAnswer is what a memory chat's answer says of memory.
type memoryAnswer struct {
	Aria struct {
		Memory *struct {
			Used []struct {
				ID    string  `json:"id"`
				Score float64 `json:"score"`
			} `json:"used"`
			Fired []struct {
				ID   string `json:"id"`
				Text string `json:"text"`
			} `json:"fired"`
		} `json:"memory"`
	} `json:"aria"`
}

// memoryTurn sends one memory chat turn and returns the texts of the intentions it fired.
func memoryTurn(t *testing.T, p *proc, conversation, text string) []string {
	t.Helper()
	msg, _ := json.Marshal(text)
	b := postJSON(t, p.url+"/v1/chat/completions", fmt.Sprintf(
		`{"messages":[{"role":"user","content":%s}],"max_tokens":3,"aria":{"memory":true,"conversation":%q}}`, msg, conversation), 200)
	var a memoryAnswer
	if err := json.Unmarshal(b, &a); err != nil || a.Aria.Memory == nil {
		t.Fatalf("memory chat answer without aria.memory (%v): %s", err, b)
	}
	var fired []string
	for _, f := range a.Aria.Memory.Fired {
		fired = append(fired, f.Text)
	}
	return fired
}

// stopProc ends an aria serve process the way a user's Ctrl-C does, and waits for it.
func stopProc(t *testing.T, p *proc) {
	t.Helper()
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan error, 1)
	go func() { done <- p.cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		t.Fatalf("aria serve did not stop on interrupt:\n%s", p.out.String())
	}
}

// Three runs of aria serve on one data directory, judged by aria.memory: a topic intention set in
// run 1 fires exactly once in run 3, on a turn that shares only inflected words with its cue, and
// never in 20 unrelated turns of run 2; a time trigger fires on the first turn after its time
// (the clock is injected); an app-start trigger fires once per start.
func TestMemoryAcrossRuns(t *testing.T) {
	bin, mp := processSetup(t, 31)
	dir := t.TempDir()
	run := func(now string) *proc {
		return serveIn(t, bin, dir, []string{"ARIA_TEST_NOW=" + now}, "--model", mp)
	}
	const (
		topic   = "Ask how the travel plans are coming along"
		dentist = "Call the dentist about the appointment"
		welcome = "Say welcome back"
	)

	p := run("2026-12-07T09:00:00Z")
	for _, body := range []string{
		`{"text":"` + topic + `","cue":"travel plans"}`,
		`{"text":"` + dentist + `","at":"2026-12-07T12:00:00Z"}`,
		`{"text":"` + welcome + `","event":"app-start"}`,
	} {
		if b := postJSON(t, p.url+"/api/intentions", body, 201); !strings.Contains(string(b), `"pending"`) {
			t.Fatalf("POST /api/intentions %s: %s", body, b)
		}
	}
	if fired := memoryTurn(t, p, "run1", "Hello there, how are you today?"); len(fired) != 0 {
		t.Fatalf("run 1 fired %q before anything was due", fired)
	}
	stopProc(t, p)

	p = run("2026-12-07T10:00:00Z")
	unrelated := []string{
		"What is a good recipe for lentil soup?", "Explain how a bicycle gear works.", "Tell me a joke about cats.",
		"How do I fix a squeaky door hinge?", "What's the capital of Portugal?", "Summarise the plot of Hamlet.",
		"How many legs does a spider have?", "Suggest a name for a goldfish.", "Why is the sky blue?",
		"Convert 30 degrees Celsius to Fahrenheit.", "What rhymes with orange?", "How do I water a cactus?",
		"Write a haiku about rain.", "What is the boiling point of water at altitude?", "Recommend a board game for four.",
		"How does a refrigerator keep food cold?", "What is the difference between a violin and a viola?",
		"Give me three tips for a job interview.", "How long should I boil an egg?", "What year did the Berlin Wall fall?",
	}
	for i, u := range unrelated {
		fired := memoryTurn(t, p, "run2", u)
		want := []string(nil)
		if i == 0 {
			want = []string{welcome} // once per start, with the first turn
		}
		if !slices.Equal(fired, want) {
			t.Fatalf("run 2, turn %d (%q): fired %q, want %q", i+1, u, fired, want)
		}
	}
	stopProc(t, p)

	p = run("2026-12-07T13:00:00Z")
	fired := memoryTurn(t, p, "run3", "I'm travelling to Lisbon next month and still planning the route.")
	slices.Sort(fired)
	want := []string{dentist, topic, welcome}
	slices.Sort(want)
	if !slices.Equal(fired, want) {
		t.Fatalf("run 3, first turn: fired %q, want %q", fired, want)
	}
	if fired := memoryTurn(t, p, "run3", "More about my travel plans: I travel by train."); len(fired) != 0 {
		t.Fatalf("run 3, second turn: fired %q again", fired)
	}
	stopProc(t, p)
}

// POST /v1/embeddings serves the loaded model's embedder in OpenAI's shape, and with
// --memory-embedder model the memories get the model's vectors in the background: search then
// uses the vector arm too.
func TestModelEmbeddings(t *testing.T) {
	bin, mp := processSetup(t, 41)
	p := serveIn(t, bin, t.TempDir(), nil, "--model", mp, "--memory-embedder", "model")
	for _, text := range []string{"The garden shed needs a new roof", "My bicycle chain squeaks", "Lentil soup with cumin"} {
		postJSON(t, p.url+"/api/memory", `{"text":"`+text+`","kind":"semantic"}`, 201)
	}
	var emb struct {
		Object string `json:"object"`
		Data   []struct {
			Index     int       `json:"index"`
			Embedding []float64 `json:"embedding"`
		} `json:"data"`
	}
	// The embedder exists once the model's SHA-256 is known: retry briefly.
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Post(p.url+"/v1/embeddings", "application/json", strings.NewReader(`{"input":["a roof","a chain"]}`))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			if err := json.Unmarshal(b, &emb); err != nil {
				t.Fatal(err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("POST /v1/embeddings: %d %s", resp.StatusCode, b)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if emb.Object != "list" || len(emb.Data) != 2 || len(emb.Data[0].Embedding) == 0 || emb.Data[1].Index != 1 {
		t.Fatalf("embeddings %+v", emb)
	}
	for {
		resp, err := http.Get(p.url + "/api/memory/search?q=roof&k=3")
		if err != nil {
			t.Fatal(err)
		}
		var s struct {
			Data []struct {
				Text string `json:"text"`
				Why  struct {
					Vector float64 `json:"vector"`
				} `json:"why"`
			} `json:"data"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&s)
		resp.Body.Close()
		if len(s.Data) > 0 && s.Data[0].Why.Vector != 0 {
			if !strings.Contains(s.Data[0].Text, "roof") {
				t.Fatalf("search for roof: first %q", s.Data[0].Text)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the memories never got the model's vectors (search: %+v)\n%s", s, p.out.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}
