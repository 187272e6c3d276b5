package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/convo"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
)

// convoServer serves the conversation endpoints and chats over a real memory.db, with the
// events on a real bus.
type convoServer struct {
	*server
	events *events.Subscription
}

func newConvoServer(t *testing.T, o Options, obs scheduler.Observer) *convoServer {
	t.Helper()
	ctx := context.Background()
	st, err := memory.Open(ctx, filepath.Join(t.TempDir(), "memory.db"), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cs, err := convo.Open(ctx, st.DB(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	bus := events.NewBus(0)
	sub := bus.Subscribe(ctx, EventConversation, EventConversationDeleted)
	t.Cleanup(sub.Close)
	c := &Conversations{Store: cs, Publish: bus.Publish}
	o.Conversations, o.Mounts = c, c.Mounts()
	return &convoServer{server: newServer(t, o, scheduler.Config{}, obs, true), events: sub}
}

// event waits for the next conversation event.
func (s *convoServer) event(t *testing.T) events.Event {
	t.Helper()
	select {
	case ev := <-s.events.C():
		return ev
	case <-time.After(5 * time.Second):
		t.Fatal("no conversation event")
		return events.Event{}
	}
}

// noEvent checks that no conversation event is waiting.
func (s *convoServer) noEvent(t *testing.T) {
	t.Helper()
	select {
	case ev := <-s.events.C():
		t.Fatalf("unexpected event %s %+v", ev.Type, ev.Data)
	case <-time.After(50 * time.Millisecond):
	}
}

func getConversation(t *testing.T, url, id string) (int, Conversation) {
	t.Helper()
	code, b := do(t, "GET", url+"/api/conversations/"+id, "")
	var c Conversation
	if code == 200 {
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
	}
	return code, c
}

func errParam(t *testing.T, b []byte) string {
	t.Helper()
	var e ErrorBody
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("not an error body: %s", b)
	}
	if e.Error.Param == nil {
		return ""
	}
	return *e.Error.Param
}

const restored = `{"id":"trip-1","title":"Lisbon trip","created":"2026-02-01T10:00:00.123Z","updated":"2026-02-01T10:05:00.456Z",
	"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Plan Lisbon"},
	{"role":"assistant","content":"Day 1:\n` + "```sh\\necho tram 28\\n```" + `","model":"tiny-test","memory":{"fired":[{"id":"i1","text":"ask about trains"}],"used":[{"id":"m1","score":0.5}]}},
	{"role":"user","content":"And Porto?"},{"role":"assistant","content":"By tr","stopped":true,"model":"tiny-test"}]}`

// Each endpoint as the contract says: create (201, 409 on a taken id), get, list with search,
// rename (the summary), delete (204, then 404), and an event after each change.
func TestConversationEndpoints(t *testing.T) {
	s := newConvoServer(t, Options{}, nil)
	code, b := do(t, "POST", s.URL+"/api/conversations", restored)
	if code != 201 {
		t.Fatalf("POST: %d %s", code, b)
	}
	var want Conversation
	if err := json.Unmarshal([]byte(restored), &want); err != nil {
		t.Fatal(err)
	}
	var created Conversation
	_ = json.Unmarshal(b, &created)
	if !reflect.DeepEqual(created, want) {
		t.Fatalf("POST answered\n%+v\nwant\n%+v", created, want)
	}
	if ev := s.event(t); ev.Type != "conversation" || ev.Data.(ConversationSummary).ID != "trip-1" || ev.Data.(ConversationSummary).Messages != 5 {
		t.Fatalf("event after restore: %s %+v", ev.Type, ev.Data)
	}
	if code, got := getConversation(t, s.URL, "trip-1"); code != 200 || !reflect.DeepEqual(got, want) {
		t.Fatalf("GET after restore: %d\n%+v\nwant\n%+v", code, got, want)
	}
	if code, b := do(t, "POST", s.URL+"/api/conversations", restored); code != 409 || errParam(t, b) != "id" {
		t.Fatalf("POST of a taken id: %d %s", code, b)
	}
	s.noEvent(t)

	do(t, "POST", s.URL+"/api/conversations", `{"id":"other","messages":[{"role":"user","content":"Soup recipes"}],"created":"2026-01-01T00:00:00Z"}`)
	s.event(t)
	var list ConversationList
	code, b = do(t, "GET", s.URL+"/api/conversations", "")
	if err := json.Unmarshal(b, &list); code != 200 || err != nil || list.Total != 2 || len(list.Data) != 2 || list.Data[0].ID != "trip-1" {
		t.Fatalf("list: %d %s", code, b)
	}
	if d := list.Data[0]; d.Title != "Lisbon trip" || d.Preview != "By tr" || d.Messages != 5 || d.Updated.Format(time.RFC3339Nano) != "2026-02-01T10:05:00.456Z" {
		t.Fatalf("summary %+v", d)
	}
	for q, ids := range map[string][]string{"TRAM": {"trip-1"}, "soup": {"other"}, "porto lisbon": {"trip-1"}, "nowhere": {}} {
		code, b = do(t, "GET", s.URL+"/api/conversations?q="+strings.ReplaceAll(q, " ", "+"), "")
		list = ConversationList{}
		_ = json.Unmarshal(b, &list)
		got := []string{}
		for _, d := range list.Data {
			got = append(got, d.ID)
		}
		if code != 200 || !reflect.DeepEqual(got, ids) || list.Total != len(ids) {
			t.Errorf("q=%s: %d %v, want %v", q, code, got, ids)
		}
	}
	code, b = do(t, "GET", s.URL+"/api/conversations?limit=1&offset=1", "")
	list = ConversationList{}
	if _ = json.Unmarshal(b, &list); code != 200 || list.Total != 2 || len(list.Data) != 1 || list.Data[0].ID != "other" {
		t.Fatalf("page 2 of 1: %d %s", code, b)
	}

	code, b = do(t, "PATCH", s.URL+"/api/conversations/trip-1", `{"title":"  Portugal  "}`)
	var sum ConversationSummary
	if err := json.Unmarshal(b, &sum); code != 200 || err != nil || sum.Title != "Portugal" || sum.ID != "trip-1" || sum.Messages != 5 {
		t.Fatalf("PATCH: %d %s", code, b)
	}
	if ev := s.event(t); ev.Type != "conversation" || ev.Data.(ConversationSummary).Title != "Portugal" {
		t.Fatalf("event after rename: %s %+v", ev.Type, ev.Data)
	}

	if code, b := do(t, "DELETE", s.URL+"/api/conversations/trip-1", ""); code != 204 || len(b) != 0 {
		t.Fatalf("DELETE: %d %s", code, b)
	}
	if ev := s.event(t); ev.Type != "conversation_deleted" || ev.Data.(ConversationDeleted).ID != "trip-1" {
		t.Fatalf("event after delete: %s %+v", ev.Type, ev.Data)
	}
	if code, _ := getConversation(t, s.URL, "trip-1"); code != 404 {
		t.Fatalf("GET after delete: %d", code)
	}
	// Undo: the deleted conversation posted back is the same again.
	do(t, "POST", s.URL+"/api/conversations", restored)
	if _, got := getConversation(t, s.URL, "trip-1"); !reflect.DeepEqual(got, want) {
		t.Fatalf("after undo: %+v", got)
	}
}

// Bad input is a 4xx in OpenAI's error shape naming the field, and changes nothing.
func TestConversationBadInput(t *testing.T) {
	s := newConvoServer(t, Options{}, nil)
	do(t, "POST", s.URL+"/api/conversations", `{"id":"c","messages":[{"role":"user","content":"hi"}]}`)
	s.event(t)
	msg := `"messages":[{"role":"user","content":"hi"}]`
	for _, tc := range []struct {
		method, path, body string
		code               int
		param              string
	}{
		{"GET", "/api/conversations?limit=x", "", 400, "limit"},
		{"GET", "/api/conversations?limit=1001", "", 400, "limit"},
		{"GET", "/api/conversations?offset=-1", "", 400, "offset"},
		{"GET", "/api/conversations?q=" + strings.Repeat("q", 1025), "", 400, "q"},
		{"GET", "/api/conversations/nope", "", 404, "id"},
		{"POST", "/api/conversations", `{"id":5}`, 400, "id"},
		{"POST", "/api/conversations", `{` + msg + `}`, 400, "id"},
		{"POST", "/api/conversations", `{"id":"a%2Fb",` + msg + `}`, 201, ""}, // a % is fine
		{"POST", "/api/conversations", `{"id":"a/b",` + msg + `}`, 400, "id"},
		{"POST", "/api/conversations", `{"id":"` + strings.Repeat("x", 129) + `",` + msg + `}`, 400, "id"},
		{"POST", "/api/conversations", `{"id":"n","messages":[{"role":"tool","content":"x"}]}`, 400, "messages[0].role"},
		{"POST", "/api/conversations", `{"id":"n","messages":"hi"}`, 400, "messages"},
		{"POST", "/api/conversations", `{"id":"n","created":"yesterday",` + msg + `}`, 400, "created"},
		{"POST", "/api/conversations", `{"id":"n","updated":"2026-13-01T00:00:00Z",` + msg + `}`, 400, "updated"},
		{"POST", "/api/conversations", `{"id":"n","created":"2026-02-01T00:00:00Z","updated":"2026-01-01T00:00:00Z",` + msg + `}`, 400, "updated"},
		{"POST", "/api/conversations", `{"id":"n","title":"` + strings.Repeat("t", 201) + `",` + msg + `}`, 400, "title"},
		{"POST", "/api/conversations", `{"id":"n","messages":[{"role":"assistant","content":"x","memory":{"used":"m1"}}]}`, 400, "messages.memory.used"},
		{"PATCH", "/api/conversations/c", `{"title":""}`, 400, "title"},
		{"PATCH", "/api/conversations/c", `{}`, 400, "title"},
		{"PATCH", "/api/conversations/c", `{"title":"two\nlines"}`, 400, "title"},
		{"PATCH", "/api/conversations/c", `{"title":"` + strings.Repeat("é", 201) + `"}`, 400, "title"},
		{"PATCH", "/api/conversations/c", `{"title":7}`, 400, "title"},
		{"PATCH", "/api/conversations/nope", `{"title":"x"}`, 404, "id"},
		{"DELETE", "/api/conversations/nope", "", 404, "id"},
		{"GET", "/api/conversations/c/export?format=pdf", "", 400, "format"},
		{"GET", "/api/conversations/nope/export?format=md", "", 404, "id"},
	} {
		code, b := do(t, tc.method, s.URL+tc.path, tc.body)
		if code != tc.code || (code >= 400 && errParam(t, b) != tc.param) {
			t.Errorf("%s %.60s %.60s: %d %s, want %d naming %q", tc.method, tc.path, tc.body, code, b, tc.code, tc.param)
		}
		if code == 201 {
			s.event(t)
		}
	}
	s.noEvent(t)
	if _, got := getConversation(t, s.URL, "c"); got.Title != "hi" {
		t.Fatalf("the conversation changed: %+v", got)
	}
}

// The exports: Markdown with the title as heading and each turn as "**You**"/"**ARIA**" with the
// text as it is (code included), JSON that POSTs back as the same conversation; both attachments
// named after the title.
func TestConversationExport(t *testing.T) {
	s := newConvoServer(t, Options{}, nil)
	do(t, "POST", s.URL+"/api/conversations", restored)
	resp, err := http.Get(s.URL + "/api/conversations/trip-1/export?format=md")
	if err != nil {
		t.Fatal(err)
	}
	md, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	wantMD := "# Lisbon trip\n\n**System**\n\nBe brief.\n\n**You**\n\nPlan Lisbon\n\n**ARIA**\n\nDay 1:\n```sh\necho tram 28\n```\n\n" +
		"**You**\n\nAnd Porto?\n\n**ARIA**\n\nBy tr\n\n*(stopped)*\n"
	if resp.StatusCode != 200 || string(md) != wantMD {
		t.Fatalf("markdown export %d:\n%s\nwant:\n%s", resp.StatusCode, md, wantMD)
	}
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); !strings.HasPrefix(ct, "text/markdown") || cd != `attachment; filename="Lisbon trip.md"` {
		t.Fatalf("markdown headers %q %q", ct, cd)
	}

	resp, err = http.Get(s.URL + "/api/conversations/trip-1/export?format=json")
	if err != nil {
		t.Fatal(err)
	}
	js, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if ct, cd := resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"); ct != "application/json" || cd != `attachment; filename="Lisbon trip.json"` {
		t.Fatalf("json headers %q %q", ct, cd)
	}
	_, before := getConversation(t, s.URL, "trip-1")
	do(t, "DELETE", s.URL+"/api/conversations/trip-1", "")
	if code, b := do(t, "POST", s.URL+"/api/conversations", string(js)); code != 201 {
		t.Fatalf("import of the JSON export: %d %s", code, b)
	}
	if _, after := getConversation(t, s.URL, "trip-1"); !reflect.DeepEqual(after, before) {
		t.Fatalf("imported export differs:\n%+v\n%+v", after, before)
	}

	// A title that is no file name: the unsafe characters replaced, its UTF-8 form given too.
	do(t, "PATCH", s.URL+"/api/conversations/trip-1", `{"title":"Café: a/b \"plan\""}`)
	resp, err = http.Get(s.URL + "/api/conversations/trip-1/export")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename="Caf__ a_b _plan_.md"; filename*=UTF-8''Caf%C3%A9_%20a_b%20_plan_.md` {
		t.Fatalf("Content-Disposition %q", cd)
	}
}

// slowTokens is an observer that slows every token, so a client can stop a stream mid-way.
type slowTokens struct{}

func (slowTokens) Start(string, string)                {}
func (slowTokens) PromptDone(string, int)              {}
func (slowTokens) Token(string, inference.Token)       { time.Sleep(5 * time.Millisecond) }
func (slowTokens) End(string, inference.Result, error) {}
func chatAria(content, aria string, extra string) string {
	return chatBody(content, extra+`,"aria":`+aria)
}
func historyBody(msgs []ConversationMessage, x string) string {
	type m struct {
		Role    string `json:"role"`
		Content string `json:"content"`
	}
	var out []m
	for _, c := range msgs {
		out = append(out, m{c.Role, c.Content})
	}
	b, _ := json.Marshal(out)
	return fmt.Sprintf(`{"messages":%s%s}`, b, x)
}

// A chat naming a conversation saves it as the request's messages plus the answer, memory off,
// streamed or not; the next turn's history keeps what was stored with earlier answers; a
// shorter history (regenerate, edit and resend) becomes the conversation; private chats save
// nothing.
func TestChatSavesConversation(t *testing.T) {
	s := newConvoServer(t, Options{}, nil)
	c := chatOK(t, s.URL, chatAria("Hello there", `{"conversation":"c1"}`, `,"max_tokens":5,"temperature":0`))
	code, got := getConversation(t, s.URL, "c1")
	want := []ConversationMessage{{Role: "user", Content: "Hello there"}, {Role: "assistant", Content: c.Choices[0].Message.Content, Model: "tiny-test"}}
	if code != 200 || !reflect.DeepEqual(got.Messages, want) || got.Title != "Hello there" {
		t.Fatalf("saved %d %+v\nwant %+v", code, got, want)
	}
	if ev := s.event(t); ev.Type != "conversation" || ev.Data.(ConversationSummary).Messages != 2 {
		t.Fatalf("event %s %+v", ev.Type, ev.Data)
	}

	// Turn 2, streamed, with a system prompt added by the client.
	hist := append([]ConversationMessage{{Role: "system", Content: "Be brief."}}, want...)
	hist = append(hist, ConversationMessage{Role: "user", Content: "More"})
	text, _, _, _ := streamChat(t, s.URL, historyBody(hist, `,"max_tokens":5,"stream":true,"aria":{"conversation":"c1"}`))
	_, got = getConversation(t, s.URL, "c1")
	want2 := append(append([]ConversationMessage(nil), hist...), ConversationMessage{Role: "assistant", Content: text, Model: "tiny-test"})
	if !reflect.DeepEqual(got.Messages, want2) {
		t.Fatalf("after a streamed turn:\n%+v\nwant\n%+v", got.Messages, want2)
	}
	s.event(t)

	// Regenerate: the history up to the question, again.
	regen := historyBody(hist[:2], `,"max_tokens":3,"aria":{"conversation":"c1"}`)
	c = chatOK(t, s.URL, regen)
	_, got = getConversation(t, s.URL, "c1")
	if len(got.Messages) != 3 || got.Messages[2].Content != c.Choices[0].Message.Content || got.Messages[1].Content != "Hello there" {
		t.Fatalf("after regenerating: %+v", got.Messages)
	}
	s.event(t)

	// Private: answered, saved nowhere, no event.
	chatOK(t, s.URL, chatAria("A secret", `{"conversation":"p1","private":true}`, `,"max_tokens":3`))
	if code, _ := getConversation(t, s.URL, "p1"); code != 404 {
		t.Fatalf("a private chat was saved: %d", code)
	}
	streamChat(t, s.URL, chatAria("A secret", `{"conversation":"p2","private":true}`, `,"max_tokens":3,"stream":true`))
	code, b := do(t, "GET", s.URL+"/api/conversations", "")
	var list ConversationList
	_ = json.Unmarshal(b, &list)
	if code != 200 || list.Total != 1 {
		t.Fatalf("private chats listed: %s", b)
	}
	// No conversation named: nothing saved.
	chatOK(t, s.URL, chatBody("Plain", `,"max_tokens":2`))
	s.noEvent(t)
}

// A chat's bad conversation is a 400 naming the field, before anything runs or is saved.
func TestChatConversationErrors(t *testing.T) {
	s := newConvoServer(t, Options{}, nil)
	for _, tc := range []struct{ path, body, param string }{
		{"/v1/chat/completions", chatAria("hi", `{"conversation":"a/b"}`, ""), "aria.conversation"},
		{"/v1/chat/completions", chatAria("hi", `{"conversation":"`+strings.Repeat("x", 129)+`"}`, ""), "aria.conversation"},
		{"/v1/chat/completions", `{"messages":[{"role":"user","content":"hi"},{"role":"tool","content":"42"}],"aria":{"conversation":"t"}}`, "messages[1].role"},
		{"/v1/completions", `{"prompt":"hi","aria":{"conversation":"t"}}`, "aria.conversation"},
	} {
		resp, b := post(t, s.URL+tc.path, tc.body)
		if resp.StatusCode != 400 || errParam(t, b) != tc.param {
			t.Errorf("%s %.70s: %d %s, want 400 naming %s", tc.path, tc.body, resp.StatusCode, b, tc.param)
		}
	}
	s.noEvent(t)
	// A tool message without a conversation is still fine.
	chatOK(t, s.URL, `{"messages":[{"role":"user","content":"hi"},{"role":"tool","content":"42"}],"max_tokens":2}`)
}

// A client that stops a stream mid-way: the conversation keeps the part of the answer it had,
// marked stopped. The same holds for a non-streamed chat whose client leaves.
func TestStoppedChatKeepsThePartialAnswer(t *testing.T) {
	s := newConvoServer(t, Options{}, slowTokens{})
	full := chatOK(t, s.URL, chatBody("Tell me a long story", `,"max_tokens":300,"temperature":0`)).Choices[0].Message.Content
	if len(full) < 50 {
		t.Fatalf("the full answer is too short to stop mid-way: %q", full)
	}

	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "POST", s.URL+"/v1/chat/completions",
		strings.NewReader(chatAria("Tell me a long story", `{"conversation":"s1"}`, `,"max_tokens":300,"temperature":0,"stream":true`)))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	seen := ""
	sc := bufio.NewScanner(resp.Body)
	for chunks := 0; chunks < 6 && sc.Scan(); {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var ch ChatCompletionChunk
			_ = json.Unmarshal([]byte(d), &ch)
			if len(ch.Choices) == 1 && ch.Choices[0].Delta.Content != nil && *ch.Choices[0].Delta.Content != "" {
				seen += *ch.Choices[0].Delta.Content
				chunks++
			}
		}
	}
	cancel() // Stop
	resp.Body.Close()
	ev := s.event(t)
	if ev.Type != "conversation" || ev.Data.(ConversationSummary).ID != "s1" {
		t.Fatalf("event %s %+v", ev.Type, ev.Data)
	}
	_, got := getConversation(t, s.URL, "s1")
	if len(got.Messages) != 2 {
		t.Fatalf("saved %+v", got)
	}
	a := got.Messages[1]
	if !a.Stopped || a.Role != "assistant" || a.Model != "tiny-test" || !strings.HasPrefix(a.Content, seen) ||
		!strings.HasPrefix(full, a.Content) || len(a.Content) >= len(full) {
		t.Fatalf("stopped answer %+v\nclient saw %q\nfull answer %q", a, seen, full)
	}

	// Not streamed: the client gives up after a while.
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, "POST", s.URL+"/v1/chat/completions",
		strings.NewReader(chatAria("Tell me a long story", `{"conversation":"s2"}`, `,"max_tokens":300,"temperature":0`)))
	if _, err := http.DefaultClient.Do(req); err == nil {
		t.Fatal("the non-streamed chat finished before the client left: the test would prove nothing")
	}
	s.event(t)
	_, got = getConversation(t, s.URL, "s2")
	if len(got.Messages) != 2 || !got.Messages[1].Stopped || !strings.HasPrefix(full, got.Messages[1].Content) || len(got.Messages[1].Content) >= len(full) {
		t.Fatalf("non-streamed stop saved %+v", got.Messages)
	}
}

// textMemory is a memory that reports a used memory with its text, as the node's does.
type textMemory struct{ mu sync.Mutex }

func (m *textMemory) Turn(_ context.Context, t MemoryTurn) (MemoryPlan, error) {
	msgs := append([]chat.Message{{Role: "system", Content: "Remembered: the locker code is memcanary77."}}, t.Messages...)
	return MemoryPlan{Messages: msgs, Report: MemoryReport{Used: []UsedMemory{{ID: "m1", Score: 0.75, Text: "the locker code is memcanary77"}},
		Fired: []FiredIntention{{ID: "i1", Text: "ask about the trip"}}}}, nil
}
func (m *textMemory) Keep(context.Context, MemoryTurn, string) error { return nil }

// A memory chat saves the client's messages (not what memory put into the context) and the
// answer's report, without the used memories' texts; a private memory chat saves nothing.
func TestMemoryChatSavesConversation(t *testing.T) {
	s := newConvoServer(t, Options{Memory: &textMemory{}}, nil)
	chatOK(t, s.URL, chatAria("What is my code?", `{"memory":true,"conversation":"m1"}`, `,"max_tokens":3`))
	_, got := getConversation(t, s.URL, "m1")
	if len(got.Messages) != 2 || got.Messages[0].Content != "What is my code?" {
		t.Fatalf("saved %+v", got.Messages)
	}
	rep := got.Messages[1].Memory
	want := &MemoryReport{Used: []UsedMemory{{ID: "m1", Score: 0.75}}, Fired: []FiredIntention{{ID: "i1", Text: "ask about the trip"}}}
	if !reflect.DeepEqual(rep, want) {
		t.Fatalf("saved report %+v, want %+v", rep, want)
	}
	code, b := do(t, "GET", s.URL+"/api/conversations/m1/export?format=json", "")
	if code != 200 || strings.Contains(string(b), "memcanary77") {
		t.Fatalf("the export holds the memory's text: %s", b)
	}
	chatOK(t, s.URL, chatAria("What is my code?", `{"memory":true,"conversation":"m2","private":true}`, `,"max_tokens":3`))
	if code, _ := getConversation(t, s.URL, "m2"); code != 404 {
		t.Fatalf("a private memory chat was saved: %d", code)
	}
}
