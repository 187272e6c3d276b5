package node

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/route"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// hostRequest is one request a web page could send to the loopback node.
type hostRequest struct {
	method, path, body string
}

// everyRoute lists every /api and /v1 route the node serves, with bodies that would change the
// node's state if they were obeyed.
func everyRoute(model string) []hostRequest {
	return []hostRequest{
		{"GET", "/api/status", ""},
		{"GET", "/api/events", ""},
		{"GET", "/api/models", ""},
		{"POST", "/api/models/download", `{"id":"bitnet-b1.58-2b4t"}`},
		{"POST", "/api/models/cancel", `{"id":"bitnet-b1.58-2b4t"}`},
		{"POST", "/api/models/import", `{"path":"/etc/passwd"}`},
		{"POST", "/api/models/load", `{"name":"` + model + `"}`},
		{"POST", "/api/models/demo", `{}`},
		{"DELETE", "/api/models/" + model, ""},
		{"GET", "/api/network", ""},
		{"PUT", "/api/network", `{"route":"remote"}`},
		{"GET", "/api/policy", ""},
		{"PUT", "/api/policy", `{"contribute":true,"max_cpu_percent":100,"peer_requests_per_minute":60,"max_concurrent":4}`},
		{"GET", "/api/ledger", ""},
		{"GET", "/api/ledger/verify", ""},
		{"GET", "/v1/models", ""},
		{"GET", "/v1/models/" + model, ""},
		{"POST", "/v1/chat/completions", `{"messages":[{"role":"user","content":"hi"}],"max_tokens":2}`},
		{"POST", "/v1/completions", `{"prompt":"hi","max_tokens":2}`},
	}
}

// DNS rebinding: a page at http://evil.example:PORT whose name resolves to 127.0.0.1 sends
// Host: evil.example:PORT and a matching Origin. Every route must refuse it with 403 and change
// nothing; local clients naming loopback (curl, SDKs: no Origin) keep working without a key.
func TestLoopbackRefusesForeignHost(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "models"), 0o755); err != nil {
		t.Fatal(err)
	}
	mpath := filepath.Join(dir, "models", "tiny.gguf")
	if err := synth.Write(mpath, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 3}); err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), Config{DataDir: dir, Addr: "127.0.0.1:0", Model: mpath,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	port := n.URL()[strings.LastIndex(n.URL(), ":")+1:]
	client := &http.Client{Timeout: 10 * time.Second}
	do := func(r hostRequest, host, origin string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(r.method, n.URL()+r.path, strings.NewReader(r.body))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		if origin != "" {
			req.Header.Set("Origin", origin)
		}
		if r.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		resp, err := client.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatalf("%s %s: %v", r.method, r.path, err)
		}
		defer resp.Body.Close()
		// /api/events streams: read its first bytes only.
		b := make([]byte, 512)
		k, _ := io.ReadAtLeast(resp.Body, b, 1)
		return resp.StatusCode, string(b[:k])
	}

	for _, host := range []string{"evil.example:" + port, "evil.example", "127.0.0.1.evil.example:" + port, "localhost.evil.example:" + port} {
		for _, r := range everyRoute("tiny") {
			for _, origin := range []string{"http://" + host, ""} {
				code, body := do(r, host, origin)
				if code != http.StatusForbidden || !strings.Contains(body, "host_not_allowed") {
					t.Errorf("Host %s, Origin %q: %s %s answered %d %q, want 403 host_not_allowed", host, origin, r.method, r.path, code, body)
				}
			}
		}
	}
	if t.Failed() {
		return
	}
	// Nothing changed: the model is still there and loaded, the policy off, the route local.
	if _, err := os.Stat(mpath); err != nil {
		t.Fatalf("model file: %v", err)
	}
	if n.Policy().Policy().Contribute {
		t.Fatal("a foreign page switched contribution on")
	}
	if n.Route() != route.Local {
		t.Fatalf("a foreign page set the route to %q", n.Route())
	}
	if ggufs, _ := filepath.Glob(filepath.Join(dir, "models", "*.gguf*")); len(ggufs) != 2 {
		t.Fatalf("models directory changed: %v", ggufs) // tiny.gguf and its .sha256
	}

	// Loopback names, with and without a port, without Origin: served.
	for _, host := range []string{"localhost:" + port, "127.0.0.1:" + port, "[::1]:" + port, "localhost", "LOCALHOST:" + port} {
		for _, p := range []string{"/api/status", "/v1/models", "/api/policy"} {
			if code, body := do(hostRequest{"GET", p, ""}, host, ""); code != 200 {
				t.Errorf("Host %s: GET %s answered %d %s", host, p, code, body)
			}
		}
	}
	// The node's own page in a browser (same origin, loopback Host) still works.
	if code, body := do(hostRequest{"GET", "/api/status", ""}, "127.0.0.1:"+port, "http://127.0.0.1:"+port); code != 200 {
		t.Errorf("same-origin loopback page: %d %s", code, body)
	}
}

// A name the user configured (--allowed-host) is served like loopback's.
func TestLoopbackAllowedHost(t *testing.T) {
	n, err := Start(context.Background(), Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", AllowedHosts: []string{"aria.home"},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	for host, want := range map[string]int{"aria.home:8741": 200, "ARIA.home": 200, "other.home": 403} {
		req, _ := http.NewRequest("GET", n.URL()+"/api/status", nil)
		req.Host = host
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}
