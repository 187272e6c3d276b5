package node

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

func put(t *testing.T, url, body string, want int) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPut, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("PUT %s: %d %s (want %d)", url, resp.StatusCode, b, want)
	}
	return string(b)
}

// A node that has not joined the network still has its identity, policy and ledger: a request
// with a network route runs here, is written to the ledger, and the ledger verifies; bad
// settings are refused with a reason and change nothing.
func TestNodeOffTheNetwork(t *testing.T) {
	dir := t.TempDir()
	mp := filepath.Join(dir, "m.gguf")
	if err := synth.Write(mp, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), Config{DataDir: dir, Model: mp, Addr: "127.0.0.1:0", Threads: 1,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	u := n.URL()
	put(t, u+"/api/network", `{"route":"pipeline"}`, 200)
	put(t, u+"/api/network", `{"route":"everywhere"}`, 400)
	postJSON(t, u+"/v1/completions", `{"prompt":"hello","max_tokens":4,"temperature":0}`, 200) // greedy: a sampled end token would cut it short
	var led struct {
		Entries []struct {
			Kind      string
			GenTokens int `json:"gen_tokens"`
			Requester string
			Worker    string
		}
	}
	getJSON(t, u+"/api/ledger", &led)
	if len(led.Entries) != 1 || led.Entries[0].Kind != "local" || led.Entries[0].GenTokens != 4 ||
		led.Entries[0].Requester != n.PeerID().String() || led.Entries[0].Worker != n.PeerID().String() {
		t.Fatalf("ledger %+v", led.Entries)
	}
	var v struct{ OK bool }
	getJSON(t, u+"/api/ledger/verify", &v)
	if !v.OK {
		t.Fatal("the ledger does not verify")
	}
	if msg := put(t, u+"/api/policy", `{"contribute":true,"max_cpu_percent":0}`, 400); !strings.Contains(msg, "max_cpu_percent") {
		t.Fatalf("refusal %s does not name the field", msg)
	}
	if n.Policy().Policy().Contribute {
		t.Fatal("a refused policy was applied")
	}
	if err := n.SetContributing(true); err != nil {
		t.Fatal(err)
	}
	var pol struct {
		Policy struct{ Contribute bool }
		Status struct{ Contributing bool }
	}
	getJSON(t, u+"/api/policy", &pol)
	if !pol.Policy.Contribute || !pol.Status.Contributing {
		t.Fatalf("after switching on: %+v", pol)
	}
}
