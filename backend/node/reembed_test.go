package node

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// With --memory-embedder model, loading a model makes the memories' vectors again in the
// background: the event stream shows the run from 0 of all of them to done with every one
// embedded, GET /api/memory/status says the same afterwards, and search then uses the vectors.
func TestModelLoadReembedsWithProgress(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	const memories = 24
	st, err := memory.Open(ctx, filepath.Join(dir, MemoryFile), memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range memories {
		topic := []string{"the garden shed roof", "my bicycle chain", "lentil soup with cumin"}[i%3]
		if _, err := st.Add(ctx, memory.Item{Text: fmt.Sprintf("note %d about %s", i, topic)}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	n, err := Start(ctx, Config{DataDir: dir, Addr: "127.0.0.1:0", Threads: 1, MemoryEmbedder: EmbedModel,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var before api.MemoryStatus
	getJSON(t, n.URL()+"/api/memory/status", &before)
	if before.Count != memories || before.Missing != 0 || before.Reembed != nil || before.Space != memory.NewLexical().Space() {
		t.Fatalf("status with no model: %+v, want %d memories with lexical vectors and no re-embedding", before, memories)
	}

	resp, err := http.Get(n.URL() + "/api/events?types=" + events.TypeReembed)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	timeout := time.AfterFunc(2*time.Minute, func() { resp.Body.Close() })
	defer timeout.Stop()
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() || !strings.HasPrefix(sc.Text(), ":") { // the stream's opening comment: subscribed
		t.Fatalf("event stream opened with %q", sc.Text())
	}

	mp := filepath.Join(dir, "models", "reembed-tiny.gguf")
	if err := synth.Write(mp, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	var loaded struct{ ID string }
	if err := json.Unmarshal(postJSON(t, n.URL()+"/api/models/load", `{"name":"reembed-tiny"}`, 200), &loaded); err != nil {
		t.Fatal(err)
	}

	var evs []events.Reembed
	for sc.Scan() {
		d, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var r events.Reembed
		if err := json.Unmarshal([]byte(d), &r); err != nil {
			t.Fatalf("event %s: %v", d, err)
		}
		evs = append(evs, r)
		if r.State != events.ReembedRunning {
			break
		}
	}
	if len(evs) < 2 {
		t.Fatalf("events %+v: want the start and the end at least", evs)
	}
	t.Logf("events: %+v", evs)
	first, last := evs[0], evs[len(evs)-1]
	if first.State != events.ReembedRunning || first.Done != 0 || first.Total != memories || first.Model != loaded.ID ||
		!strings.HasPrefix(first.Space, "model/") {
		t.Fatalf("first event %+v: want running, 0 of %d, model %s, a model space", first, memories, loaded.ID)
	}
	for i, r := range evs {
		if r.Total != r.Done+r.Left || r.Total != memories || r.Space != first.Space || r.Model != loaded.ID ||
			(i > 0 && r.Done < evs[i-1].Done) {
			t.Fatalf("event %d of %+v is inconsistent", i, evs)
		}
	}
	if last.State != events.ReembedDone || last.Done != memories || last.Left != 0 {
		t.Fatalf("last event %+v: want done with all %d memories", last, memories)
	}

	var after api.MemoryStatus
	getJSON(t, n.URL()+"/api/memory/status", &after)
	if after.Count != memories || after.Missing != 0 || after.Space != first.Space || after.Reembed == nil || *after.Reembed != last {
		t.Fatalf("status after the run: %+v (reembed %+v), want %d memories, none missing, and the last event %+v",
			after, after.Reembed, memories, last)
	}
	var found struct {
		Data []struct {
			Text string `json:"text"`
			Why  struct {
				Vector float64 `json:"vector"`
			} `json:"why"`
		} `json:"data"`
	}
	getJSON(t, n.URL()+"/api/memory/search?q=bicycle+chain&k=3", &found)
	if len(found.Data) == 0 || found.Data[0].Why.Vector == 0 || !strings.Contains(found.Data[0].Text, "bicycle") {
		t.Fatalf("search after re-embedding: %+v, want a bicycle note found by the vector arm too", found.Data)
	}
}

// The progress a user sees only moves forward: a memory forgotten during the run counts as
// done, one added without a vector adds to the total, and an unchanged count is no new event.
func TestReembedProgressMovesForward(t *testing.T) {
	var s reembedState
	if s.get() != nil {
		t.Fatal("a state before any run")
	}
	s.begin("m", "model/x", 10)
	step := func(left, done, total int, changed bool) {
		t.Helper()
		r, ch := s.progress(left)
		if r.Done != done || r.Total != total || r.Left != left || ch != changed {
			t.Fatalf("progress(%d): %+v changed %v, want done %d of %d, changed %v", left, r, ch, done, total, changed)
		}
	}
	step(6, 4, 10, true)
	step(6, 4, 10, false)
	step(7, 4, 11, true) // added without a vector
	step(5, 6, 11, true)
	if r := s.end(events.ReembedDone, 0); r.Done != 11 || r.Total != 11 || r.State != events.ReembedDone {
		t.Fatalf("end: %+v", r)
	}
	if g := s.get(); g == nil || g.State != events.ReembedDone || g.Done != 11 {
		t.Fatalf("get after the end: %+v", g)
	}
}
