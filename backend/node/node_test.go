package node

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	json.NewDecoder(resp.Body).Decode(v)
}

func postJSON(t *testing.T, url, body string, want int) []byte {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("POST %s: %d %s (want %d)", url, resp.StatusCode, b, want)
	}
	return b
}

// A first start with no model: the demo model, then a catalogue download through the app's
// endpoints (progress on the event stream), loading it, and a chat metered in mJ/token.
func TestFirstStartDownloadAndChat(t *testing.T) {
	src := filepath.Join(t.TempDir(), "hub.gguf")
	if err := synth.Write(src, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeI2_S, Seed: 5}); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(src)
	sum := sha256.Sum256(data)
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/resolve/") {
			w.Header().Set("X-Linked-Etag", `"`+hex.EncodeToString(sum[:])+`"`)
			w.Header().Set("X-Linked-Size", strconv.Itoa(len(data)))
			http.Redirect(w, r, "/cdn/ggml-model-i2_s.gguf", http.StatusFound)
			return
		}
		http.ServeContent(w, r, "m.gguf", time.Time{}, strings.NewReader(string(data)))
	}))
	defer hub.Close()

	n, err := Start(context.Background(), Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", HubURL: hub.URL,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	var st map[string]any
	getJSON(t, n.URL()+"/api/status", &st)
	if st["model"] != nil || (st["energy_kind"] != "estimated" && st["energy_kind"] != "measured") {
		t.Fatalf("status %v", st)
	}
	postJSON(t, n.URL()+"/api/models/demo", `{}`, 200)
	getJSON(t, n.URL()+"/api/status", &st)
	if m, _ := st["model"].(map[string]any); m == nil || m["id"] != "aria-demo-random-tq2_0" {
		t.Fatalf("after demo: %v", st)
	}

	// Watch the event stream while the official model "downloads" from the fake hub.
	resp, err := http.Get(n.URL() + "/api/events?types=download")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	postJSON(t, n.URL()+"/api/models/download", `{"id":"bitnet-b1.58-2b4t"}`, 202)
	sc := bufio.NewScanner(resp.Body)
	state := ""
	for sc.Scan() && state != "done" && state != "failed" {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			var p struct{ State, Error string }
			json.Unmarshal([]byte(d), &p)
			state = p.State
			if p.Error != "" {
				t.Fatalf("download failed: %s", p.Error)
			}
		}
	}
	if state != "done" {
		t.Fatalf("download ended in state %q", state)
	}
	var ms struct {
		Catalogue []struct {
			ID         string
			Downloaded bool
		}
		Local []struct {
			Name   string
			SHA256 string
		}
	}
	getJSON(t, n.URL()+"/api/models", &ms)
	if len(ms.Local) != 2 || !ms.Catalogue[0].Downloaded {
		t.Fatalf("models %+v", ms)
	}
	postJSON(t, n.URL()+"/api/models/load", `{"name":"ggml-model-i2_s"}`, 200)
	b := postJSON(t, n.URL()+"/v1/chat/completions", `{"messages":[{"role":"user","content":"hi"}],"max_tokens":6}`, 200)
	var c struct {
		Model string
		Aria  map[string]any
	}
	json.Unmarshal(b, &c)
	if c.Model != "ggml-model-i2_s" || c.Aria["energy_kind"] == nil || c.Aria["mj_per_token"] == nil {
		t.Fatalf("chat %s", b)
	}
	postJSON(t, n.URL()+"/api/models/load", `{"name":"no-such"}`, 404)
}
