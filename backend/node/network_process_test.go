package node

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// proc is one `aria serve` child process.
type proc struct {
	cmd  *exec.Cmd
	url  string
	addr string // first p2p multiaddr
	dir  string
	out  *syncBuffer
}

// syncBuffer collects a child's stderr while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func serve(t *testing.T, bin string, args ...string) *proc {
	t.Helper()
	return serveIn(t, bin, t.TempDir(), nil, args...)
}

// serveIn is serve on the data directory dir, with env added to the process's environment.
func serveIn(t *testing.T, bin, dir string, env []string, args ...string) *proc {
	t.Helper()
	all := append([]string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--p2p-listen", "/ip4/127.0.0.1/tcp/0",
		"--no-mdns", "--dht-server", "--caps-interval", "300ms", "--threads", "1"}, args...)
	cmd := exec.Command(bin, all...)
	cmd.Env = append(os.Environ(), env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{cmd: cmd, dir: dir, out: &syncBuffer{}}
	cmd.Stderr = p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	sc := bufio.NewScanner(stdout)
	deadline := time.AfterFunc(30*time.Second, func() { _ = cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() {
		line := sc.Text()
		if u, ok := strings.CutPrefix(line, "ARIA node listening on "); ok {
			p.url = u
		}
		if a, ok := strings.CutPrefix(line, "p2p address "); ok && p.addr == "" {
			p.addr = a
			break
		}
	}
	go io.Copy(io.Discard, stdout)
	if p.url == "" || p.addr == "" {
		t.Fatalf("aria serve did not start: %s", p.out)
	}
	return p
}

const longN = 1200

func complete(t *testing.T, url, prompt string, n int) string {
	return completeSeed(t, url, prompt, n, 5)
}

func complete9(t *testing.T, url, prompt string, n int) string {
	return completeSeed(t, url, prompt, n, 9)
}

func completeSeed(t *testing.T, url, prompt string, n, seed int) string {
	t.Helper()
	text, err := tryComplete(url, prompt, n, seed)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// tryComplete asks for a completion, for goroutines that must not stop the test themselves.
func tryComplete(url, prompt string, n, seed int) (string, error) {
	body := fmt.Sprintf(`{"prompt":%q,"max_tokens":%d,"temperature":0.8,"seed":%d}`, prompt, n, seed)
	resp, err := http.Post(url+"/v1/completions", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Choices []struct{ Text string }
		Error   *struct{ Message string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 || len(out.Choices) != 1 {
		return "", fmt.Errorf("completion: status %d, %v, %+v", resp.StatusCode, err, out.Error)
	}
	return out.Choices[0].Text, nil
}

// tryStream asks for a streamed completion and gives the text the stream carried. It closes
// started once some tokens have arrived.
func tryStream(url, prompt string, n, seed int, started chan<- struct{}) (string, error) {
	defer func() {
		if started != nil {
			close(started)
		}
	}()
	body := fmt.Sprintf(`{"prompt":%q,"max_tokens":%d,"temperature":0.8,"seed":%d,"stream":true}`, prompt, n, seed)
	resp, err := http.Post(url+"/v1/completions", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var text strings.Builder
	events := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		if data == "[DONE]" {
			return text.String(), nil
		}
		var ev struct {
			Choices []struct{ Text string }
			Error   *struct{ Message string }
		}
		if err := json.Unmarshal([]byte(data), &ev); err != nil {
			return "", fmt.Errorf("stream event %q: %w", data, err)
		}
		if ev.Error != nil {
			return "", fmt.Errorf("stream error: %s", ev.Error.Message)
		}
		for _, c := range ev.Choices {
			text.WriteString(c.Text)
		}
		if events++; events == 20 && started != nil {
			close(started)
			started = nil
		}
	}
	return "", fmt.Errorf("the stream ended without [DONE] (%v) after %q", sc.Err(), text.String())
}

type peerView struct {
	ID   string `json:"id"`
	Caps struct {
		Contributing bool
		Models       []struct{ SHA256 string }
		MsPerLayer   float64 `json:"ms_per_layer"`
	} `json:"caps"`
}

// waitPeers waits until p sees want peers holding the model, with their contribution state and a
// measured speed per layer.
func waitPeers(t *testing.T, p *proc, want int, contributing bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var net struct{ Peers []peerView }
		getJSON(t, p.url+"/api/network", &net)
		ok := 0
		for _, pv := range net.Peers {
			if len(pv.Caps.Models) == 1 && pv.Caps.Contributing == contributing && pv.Caps.MsPerLayer > 0 {
				ok++
			}
		}
		if ok >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s sees %+v, want %d peers with the model (contributing %v)", p.url, net.Peers, want, contributing)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// processSetup gives the aria binary to start (skipping when there is none) and a 6-layer
// synthetic model.
func processSetup(t *testing.T, seed uint64) (bin, model string) {
	t.Helper()
	bin = os.Getenv("ARIA_BIN")
	if bin == "" {
		t.Skip("ARIA_BIN is not set (make test sets it to the built binary)")
	}
	if testing.Short() {
		t.Skip("starts several processes")
	}
	model = filepath.Join(t.TempDir(), "m.gguf")
	sh := synth.Shapes["tiny"]
	sh.NLayer = 6
	if err := synth.Write(model, synth.Options{Shape: sh, Type: gguf.TypeTQ2_0, Seed: seed}); err != nil {
		t.Fatal(err)
	}
	return bin, model
}

func ledgerVerify(t *testing.T, bin, dir string) string {
	t.Helper()
	out, err := exec.Command(bin, "ledger", "verify", "--data-dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("aria ledger verify --data-dir %s: %v\n%s", dir, err, out)
	}
	return string(out)
}

// Three `aria serve` processes on loopback: the nodes find each other through a bootstrap peer,
// a request pipelined over all three gives the single-node text, a node killed mid-generation
// is replaced and the text is still the same, and every node's ledger verifies.
func TestServeProcessesFormANetwork(t *testing.T) {
	bin, mp := processSetup(t, 3)
	a := serve(t, bin, "--model", mp, "--contribute", "on")
	b := serve(t, bin, "--model", mp, "--contribute", "on", "--bootstrap", a.addr)
	c := serve(t, bin, "--model", mp, "--contribute", "on", "--bootstrap", a.addr)
	coord := serve(t, bin, "--model", mp, "--route", "pipeline", "--bootstrap", a.addr)
	waitPeers(t, coord, 3, true)

	const prompt = "Nodes lend their idle CPU"
	want := complete(t, a.url, prompt, 40) // a runs locally
	got := complete(t, coord.url, prompt, 40)
	if got != want {
		t.Fatalf("pipelined text %q, single node %q", got, want)
	}
	var net struct {
		LastRoute string `json:"last_route"`
	}
	getJSON(t, coord.url+"/api/network", &net)
	if strings.Count(net.LastRoute, "→") != 3 {
		t.Fatalf("route %q, want 4 hops (this node and 3 peers)", net.LastRoute)
	}

	// Kill one hop while a long generation runs: the pipeline replaces it.
	done, started := make(chan string, 1), make(chan struct{})
	go func() {
		text, err := tryStream(coord.url, prompt+" again", longN, 9, started)
		if err != nil {
			text = "error: " + err.Error()
		}
		done <- text
	}()
	<-started
	_ = b.cmd.Process.Kill()
	after := <-done
	if !strings.Contains(coord.out.String(), "hop replaced") {
		t.Fatalf("the node was killed after the generation: no failover in the coordinator's log:\n%s", coord.out)
	}
	if wantAfter := complete9(t, a.url, prompt+" again", longN); after != wantAfter {
		t.Fatalf("after a node was killed: %.80q, single node %.80q\ncoordinator log:\n%s", after, wantAfter, coord.out)
	}

	for _, p := range []*proc{a, c, coord} {
		out := ledgerVerify(t, bin, p.dir)
		if !strings.Contains(out, "OK") {
			t.Fatalf("ledger of %s: %s", p.dir, out)
		}
	}
	var led struct {
		Entries []struct {
			Kind      string
			Requester string
			Receipt   *struct{ Signer string }
		}
	}
	getJSON(t, c.url+"/api/ledger", &led)
	coordID := peerID(t, coord)
	hops := 0
	for _, e := range led.Entries {
		if e.Kind != "hop" {
			continue
		}
		hops++
		if e.Requester != coordID || e.Receipt == nil || e.Receipt.Signer != coordID {
			t.Fatalf("hop entry %+v: want the coordinator as requester and its signed receipt", e)
		}
	}
	if hops == 0 {
		t.Fatalf("no hop in c's ledger: %+v", led.Entries)
	}

	// Policy off: the peer stops taking work and the coordinator routes around it.
	put(t, c.url+"/api/policy", `{"contribute":false,"max_cpu_percent":50,"pause_on_battery":true,"peer_requests_per_minute":30,"max_concurrent":1}`, 200)
	deadline := time.Now().Add(20 * time.Second)
	for {
		if got := complete(t, coord.url, prompt, 8); got != complete(t, a.url, prompt, 8) {
			t.Fatalf("pipelined text differs after policy change")
		}
		getJSON(t, coord.url+"/api/network", &net)
		if !strings.Contains(net.LastRoute, shortPrefix(t, c)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("route %q still uses the node whose policy is off", net.LastRoute)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func peerID(t *testing.T, p *proc) string {
	t.Helper()
	var net struct {
		PeerID string `json:"peer_id"`
	}
	getJSON(t, p.url+"/api/network", &net)
	return net.PeerID
}

// shortPrefix is how routes name a peer: the last six characters of its ID.
func shortPrefix(t *testing.T, p *proc) string {
	t.Helper()
	id := peerID(t, p)
	return id[len(id)-6:]
}

func setRoute(t *testing.T, p *proc, route string) {
	t.Helper()
	put(t, p.url+"/api/network", `{"route":"`+route+`"}`, 200)
}

// A model too large for one machine: two nodes each load half of the layers (--layers), and a
// third, holding the whole file for embedding and head, runs requests through them with the
// text it gets on its own.
func TestServeProcessesSplitAModel(t *testing.T) {
	bin, mp := processSetup(t, 4)
	coord := serve(t, bin, "--model", mp)
	first := serve(t, bin, "--model", mp, "--layers", "0:3", "--contribute", "on", "--bootstrap", coord.addr)
	second := serve(t, bin, "--model", mp, "--layers", "3:6", "--contribute", "on", "--bootstrap", coord.addr)
	waitPeers(t, coord, 2, true)

	const prompt = "Half of a model here, half there"
	want := completeSeed(t, coord.url, prompt, 64, 3)
	setRoute(t, coord, "pipeline")
	if got := completeSeed(t, coord.url, prompt, 64, 3); got != want {
		t.Fatalf("through two half-model nodes: %q, one node %q", got, want)
	}
	var net struct {
		LastRoute string `json:"last_route"`
	}
	getJSON(t, coord.url+"/api/network", &net)
	id1, id2 := peerID(t, first), peerID(t, second)
	if !strings.Contains(net.LastRoute, id1[len(id1)-6:]+"[0,3)") || !strings.Contains(net.LastRoute, id2[len(id2)-6:]+"[3,6)") {
		t.Fatalf("route %q, want the two halves", net.LastRoute)
	}
	resp, err := http.Post(first.url+"/v1/completions", "application/json", strings.NewReader(`{"prompt":"x","max_tokens":2}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "partial_model") {
		t.Fatalf("a half-model node answered a request itself: %d %s", resp.StatusCode, body)
	}
}

// Whole requests on a peer (route remote): the text is the one this node gives on its own, the
// ledger names the peer as the worker, and when the peers die in the middle of a long generation
// the request goes on here with the same text.
func TestServeProcessesRemoteRoute(t *testing.T) {
	bin, mp := processSetup(t, 5)
	coord := serve(t, bin, "--model", mp)
	b := serve(t, bin, "--model", mp, "--contribute", "on", "--bootstrap", coord.addr)
	c := serve(t, bin, "--model", mp, "--contribute", "on", "--bootstrap", coord.addr)
	waitPeers(t, coord, 2, true)

	const prompt = "Lend me your layers"
	want := complete(t, coord.url, prompt, 32)
	wantLong := complete9(t, coord.url, prompt, longN)
	setRoute(t, coord, "remote")
	if got := complete(t, coord.url, prompt, 32); got != want {
		t.Fatalf("remote text %q, this node %q", got, want)
	}
	var led struct {
		Entries []struct{ Kind, Worker string }
	}
	getJSON(t, coord.url+"/api/ledger", &led)
	if e := led.Entries[0]; e.Kind != "remote" || (e.Worker != peerID(t, b) && e.Worker != peerID(t, c)) {
		t.Fatalf("newest ledger entry %+v, want a remote one worked by a peer", e)
	}

	done, started := make(chan string, 1), make(chan struct{})
	go func() {
		text, err := tryStream(coord.url, prompt, longN, 9, started)
		if err != nil {
			text = "error: " + err.Error()
		}
		done <- text
	}()
	<-started
	_ = b.cmd.Process.Kill()
	_ = c.cmd.Process.Kill()
	if got := <-done; got != wantLong {
		t.Fatalf("after the peers were killed, the stream gave %.80q, this node alone %.80q\nlog:\n%s", got, wantLong, coord.out)
	}
	if !strings.Contains(coord.out.String(), "continuing a remote request here") {
		t.Fatalf("the peers were killed after the generation: no continuation in the log:\n%s", coord.out)
	}
}
