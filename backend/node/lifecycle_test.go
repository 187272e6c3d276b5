package node

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// openFiles counts this process's open file descriptors.
func openFiles(t *testing.T) int {
	t.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Skipf("no /proc/self/fd: %v", err)
	}
	return len(ents)
}

// settle waits until the goroutine count falls to at most want (goroutines of closed
// connections end a little after Close returns), and returns the last count.
func settle(want int) int {
	n := runtime.NumGoroutine()
	for deadline := time.Now().Add(10 * time.Second); n > want && time.Now().Before(deadline); n = runtime.NumGoroutine() {
		time.Sleep(20 * time.Millisecond)
	}
	return n
}

// A full node — model, HTTP API, libp2p peer, pipeline server, ledger, every service — started
// and stopped 50 times leaves no goroutine and no open file behind: every part runs under the
// supervisor, and one cancel stops them all.
func TestStartStopFiftyTimes(t *testing.T) {
	if testing.Short() {
		t.Skip("50 node starts")
	}
	dir := t.TempDir()
	mp := filepath.Join(dir, "m.gguf")
	if err := synth.Write(mp, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 4}); err != nil {
		t.Fatal(err)
	}
	start := func(i int) {
		n, err := Start(context.Background(), Config{DataDir: dir, Model: mp, Addr: "127.0.0.1:0", Threads: 1, P2P: true,
			P2PListen: []string{"/ip4/127.0.0.1/tcp/0"}, NoMDNS: true, NoPortMap: true, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatalf("start %d: %v", i, err)
		}
		postJSON(t, n.URL()+"/v1/completions", `{"prompt":"hi","max_tokens":2}`, 200)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := n.Shutdown(ctx); err != nil {
			t.Fatalf("shutdown %d: %v", i, err)
		}
		if err := n.Wait(); err != nil {
			t.Fatalf("wait %d: %v", i, err)
		}
	}
	// The first start pays once for what libraries start for the life of the process.
	start(0)
	closeIdle := func() {
		// Idle keep-alive connections of the test's own client are not the node's.
		if tr, ok := httpTransport(); ok {
			tr.CloseIdleConnections()
		}
	}
	closeIdle()
	baseG, baseF := settle(0), openFiles(t)
	for i := 1; i <= 50; i++ {
		start(i)
	}
	closeIdle()
	if g := settle(baseG); g > baseG {
		buf := make([]byte, 1<<20)
		t.Fatalf("goroutines: %d after 50 starts, %d before\n%s", g, baseG, buf[:runtime.Stack(buf, true)])
	}
	if f := openFiles(t); f > baseF {
		t.Fatalf("open files: %d after 50 starts, %d before", f, baseF)
	}
}

func httpTransport() (*http.Transport, bool) {
	tr, ok := http.DefaultTransport.(*http.Transport)
	return tr, ok
}
