package node

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// savedMessage is a message of GET /api/conversations/{id}.
type savedMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
	Stopped bool   `json:"stopped"`
	Model   string `json:"model"`
}

// getRaw is the status and body of a GET.
func getRaw(t *testing.T, url string) (int, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func savedMessages(t *testing.T, p *proc, id string) []savedMessage {
	t.Helper()
	code, b := getRaw(t, p.url+"/api/conversations/"+id)
	if code != 200 {
		t.Fatalf("GET conversation %s: %d %s", id, code, b)
	}
	var c struct{ Messages []savedMessage }
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return c.Messages
}

func chatText(t *testing.T, p *proc, body string) string {
	t.Helper()
	b := postJSON(t, p.url+"/v1/chat/completions", body, 200)
	var c struct {
		Choices []struct{ Message struct{ Content string } }
	}
	if err := json.Unmarshal(b, &c); err != nil || len(c.Choices) != 1 {
		t.Fatalf("chat answer %s (%v)", b, err)
	}
	return c.Choices[0].Message.Content
}

// stopAfter streams a chat and stops it (closes the connection) after n pieces of text; it
// returns the text it had.
func stopAfter(t *testing.T, p *proc, body string, n int) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "POST", p.url+"/v1/chat/completions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	seen := ""
	sc := bufio.NewScanner(resp.Body)
	for got := 0; got < n && sc.Scan(); {
		d, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || d == "[DONE]" {
			continue
		}
		var ch struct {
			Choices []struct {
				Delta struct{ Content string } `json:"delta"`
			} `json:"choices"`
		}
		_ = json.Unmarshal([]byte(d), &ch)
		if len(ch.Choices) == 1 && ch.Choices[0].Delta.Content != "" {
			seen += ch.Choices[0].Delta.Content
			got++
		}
	}
	return seen
}

// Conversations as a user meets them, across a node killed and started again (aria serve, a
// model given by path): a conversation chatted through /v1/chat/completions with
// "aria":{"conversation":…}, memory off, comes back exactly after kill -9 and a restart; a stream
// the client stopped keeps its partial answer, marked stopped; private chats (memory off and on)
// are saved nowhere. The model given by path is the loaded model of GET /api/models.
func TestConversationsAcrossRestart(t *testing.T) {
	bin, mp := processSetup(t, 52)
	dir := t.TempDir()
	p := serveIn(t, bin, dir, nil, "--model", mp)

	var models struct {
		Local []struct {
			Name   string `json:"name"`
			Loaded bool   `json:"loaded"`
			ByPath bool   `json:"by_path"`
		} `json:"local"`
	}
	getJSON(t, p.url+"/api/models", &models)
	if len(models.Local) != 1 || models.Local[0].Name != "m" || !models.Local[0].Loaded || !models.Local[0].ByPath {
		t.Fatalf("GET /api/models with --model FILE: %+v", models.Local)
	}

	// Two turns, the second streamed.
	const sys = "You answer in one short paragraph."
	a1 := chatText(t, p, `{"messages":[{"role":"system","content":"`+sys+`"},{"role":"user","content":"Plan a trip to Lisbon"}],"max_tokens":8,"seed":3,"aria":{"conversation":"trip"}}`)
	hist, _ := json.Marshal([]map[string]string{{"role": "system", "content": sys}, {"role": "user", "content": "Plan a trip to Lisbon"},
		{"role": "assistant", "content": a1}, {"role": "user", "content": "And ```code```?"}})
	stopAfter(t, p, fmt.Sprintf(`{"messages":%s,"max_tokens":6,"seed":4,"stream":true,"aria":{"conversation":"trip"}}`, hist), 1000)
	got := savedMessages(t, p, "trip")
	if len(got) != 5 || got[2].Content != a1 || got[2].Model != "m" || got[4].Role != "assistant" || got[4].Stopped || got[4].Model != "m" {
		t.Fatalf("saved %+v", got)
	}

	// Stop a long answer after three pieces.
	const long = `"max_tokens":1500,"temperature":0`
	full := chatText(t, p, `{"messages":[{"role":"user","content":"Tell me a long story"}],`+long+`}`)
	seen := stopAfter(t, p, `{"messages":[{"role":"user","content":"Tell me a long story"}],`+long+`,"stream":true,"aria":{"conversation":"story"}}`, 3)
	if seen == "" || len(full) <= len(seen)+20 {
		t.Fatalf("the story is too short to stop mid-way: %q, stopped after %q", full, seen)
	}
	var stopped []savedMessage
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		// The save follows the generation's end, a moment after the client left.
		if code, _ := getRaw(t, p.url+"/api/conversations/story"); code == 200 {
			stopped = savedMessages(t, p, "story")
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the stopped chat was not saved")
		}
	}
	if len(stopped) != 2 || !stopped[1].Stopped || !strings.HasPrefix(stopped[1].Content, seen) ||
		!strings.HasPrefix(full, stopped[1].Content) || len(stopped[1].Content) >= len(full) {
		t.Fatalf("stopped answer %+v\nthe client had %q", stopped, seen)
	}

	// Private chats, memory off and on.
	chatText(t, p, `{"messages":[{"role":"user","content":"private one"}],"max_tokens":3,"aria":{"conversation":"priv-1","private":true}}`)
	chatText(t, p, `{"messages":[{"role":"user","content":"private two"}],"max_tokens":3,"aria":{"conversation":"priv-2","private":true,"memory":true}}`)

	_, trip := getRaw(t, p.url+"/api/conversations/trip")
	_, story := getRaw(t, p.url+"/api/conversations/story")
	// kill -9: what was acknowledged is on disk.
	if err := p.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()

	q := serveIn(t, bin, dir, nil, "--model", mp)
	for id, before := range map[string][]byte{"trip": trip, "story": story} {
		if code, after := getRaw(t, q.url+"/api/conversations/"+id); code != 200 || !bytes.Equal(after, before) {
			t.Errorf("conversation %s after the restart: %d\n%s\nbefore:\n%s", id, code, after, before)
		}
	}
	for _, id := range []string{"priv-1", "priv-2"} {
		if code, b := getRaw(t, q.url+"/api/conversations/"+id); code != 404 {
			t.Errorf("private chat %s was saved: %d %s", id, code, b)
		}
	}
	var list struct {
		Data []struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"data"`
		Total int `json:"total"`
	}
	getJSON(t, q.url+"/api/conversations", &list)
	if list.Total != 2 || len(list.Data) != 2 || list.Data[0].ID != "story" || list.Data[1].Title != "Plan a trip to Lisbon" {
		t.Fatalf("the list after the restart: %+v", list)
	}
	getJSON(t, q.url+"/api/conversations?q=LISBON", &list)
	if list.Total != 1 || list.Data[0].ID != "trip" {
		t.Fatalf("search after the restart: %+v", list)
	}
}
