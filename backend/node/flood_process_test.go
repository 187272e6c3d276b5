package node

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// The openings of both inference protocols as any peer writes them (the fields of
// backend/pipeline's messages that an opening uses).
type (
	layersOpening struct {
		Op    string `cbor:"1,keyasint"`
		Model string `cbor:"3,keyasint"`
		From  int    `cbor:"4,keyasint,omitempty"`
		To    int    `cbor:"5,keyasint"`
		NCtx  int    `cbor:"6,keyasint"`
	}
	generateOpening struct {
		Op        string `cbor:"1,keyasint"`
		Model     string `cbor:"3,keyasint"`
		Prompt    string `cbor:"4,keyasint"`
		MaxTokens int    `cbor:"6,keyasint"`
	}
)

const (
	floodStreams = 10000 // streams of each protocol in the stream flood
	floodFrames  = 200   // streams of each protocol sending all but the last byte of a frame
	rssBudget    = 64 << 20
	latencyBound = 1.25
	politeShare  = 0.90
	// floodFor is how long the flood goes on (in rounds) while it is measured.
	floodFor = 3 * time.Second
	// politeEvery paces the polite peer: 100 units a second, a fast decode speed, a tenth or
	// less of what the node can serve one peer here (a peer asking as fast as the node answers
	// is not polite: any other work takes from it).
	politeEvery = 10 * time.Millisecond
)

// rss reads a process's resident set size (VmRSS) or its peak since the last reset (VmHWM).
func rss(t *testing.T, pid int, field string) int64 {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatalf("resident memory of the node: %v", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err != nil {
				t.Fatalf("%s of the node: %q: %v", field, line, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no %s in /proc/%d/status", field, pid)
	return 0
}

func medianOf(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}

// phase is what was measured while the node was unloaded or flooded.
type phase struct {
	api     []time.Duration // GET /api/status, one every 10 ms
	polite  int             // the polite peer's units of work done
	elapsed time.Duration
	peak    int64   // the node's peak resident memory
	cpu     float64 // the node's CPU time over the phase, in cores
}

// cpuTicks is the CPU time a process has used (user and system), in clock ticks.
func cpuTicks(t *testing.T, pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatalf("CPU time of the node: %v", err)
	}
	// The fields after the command's closing parenthesis: state is field 3, utime 14, stime 15.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

func (p phase) rate() float64 { return float64(p.polite) / p.elapsed.Seconds() }

// measure runs the API probe, the polite peer and a resident-memory sampler until load returns
// (or, load nil, for d).
func measure(t *testing.T, p *proc, polite func() error, d time.Duration, load func()) phase {
	t.Helper()
	pid := p.cmd.Process.Pid
	// Resets the kernel's peak (VmHWM) to the current resident size, so that it gives the peak
	// of this phase even between two samples.
	hwm := os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var ph phase
	var peak atomic.Int64
	var politeErr error
	wg.Add(3)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			t0 := time.Now()
			resp, err := http.Get(p.url + "/api/status")
			if err != nil {
				continue
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				ph.api = append(ph.api, time.Since(t0))
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	go func() {
		defer wg.Done()
		// At its own pace, as a coordinator's hop steps at its decode speed: a unit late does not
		// make the next ones come faster, so what a slow node loses stays lost.
		next := time.Now()
		for ctx.Err() == nil {
			if err := polite(); err != nil {
				politeErr = err
				return
			}
			ph.polite++
			next = next.Add(politeEvery)
			if d := time.Until(next); d > 0 {
				time.Sleep(d)
			} else {
				next = time.Now()
			}
		}
	}()
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			if r := rss(t, pid, "VmRSS"); r > peak.Load() {
				peak.Store(r)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}()
	t0 := time.Now()
	c0 := cpuTicks(t, pid)
	if load != nil {
		load()
	} else {
		time.Sleep(d)
	}
	cancel()
	wg.Wait()
	ph.elapsed = time.Since(t0)
	ph.cpu = float64(cpuTicks(t, pid)-c0) / 100 / ph.elapsed.Seconds() // USER_HZ is 100 on Linux
	ph.peak = peak.Load()
	if hwm {
		ph.peak = max(ph.peak, rss(t, pid, "VmHWM"))
	}
	if politeErr != nil {
		t.Fatalf("the polite peer failed: %v", politeErr)
	}
	return ph
}

// floodHost is a peer with no resource limits of its own, so that only the node limits it.
func floodHost(t *testing.T, p *proc) (host.Host, peer.ID) {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableRelay(),
		libp2p.ResourceManager(&network.NullResourceManager{}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	ai, err := peer.AddrInfoFromString(p.addr)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.Connect(ctx, *ai); err != nil {
		t.Fatal(err)
	}
	return h, ai.ID
}

// streamFlood opens n streams of proto as fast as it can (64 at a time), writes the opening on
// each and holds them all until every one is open, then resets them. It gives how many streams
// the node let it open and write.
func streamFlood(h host.Host, node peer.ID, proto string, n int, opening []byte) (written int) {
	var mu sync.Mutex
	var held []network.Stream
	var wg sync.WaitGroup
	next := make(chan struct{})
	for w := 0; w < 64; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				st, err := h.NewStream(ctx, node, protocol.ID(proto))
				cancel()
				if err != nil {
					continue
				}
				_ = st.SetWriteDeadline(time.Now().Add(2 * time.Second))
				_, err = st.Write(opening)
				mu.Lock()
				held = append(held, st)
				if err == nil {
					written++
				}
				mu.Unlock()
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- struct{}{}
	}
	close(next)
	wg.Wait()
	for _, st := range held {
		_ = st.Reset()
	}
	return written
}

// frameFlood opens n streams of proto at once, each writing all but the last byte of a frame
// of wire.MaxFrame bytes (for at most 5 s: a node that reads nothing stops it with flow
// control), holds them until all are done, then resets them. It gives the bytes written.
func frameFlood(h host.Host, node peer.ID, proto string, n int) (sent int64) {
	var hdr [binary.MaxVarintLen64]byte
	frame := append(hdr[:binary.PutUvarint(hdr[:], wire.MaxFrame)], make([]byte, wire.MaxFrame-1)...)
	var mu sync.Mutex
	var held []network.Stream
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			st, err := h.NewStream(ctx, node, protocol.ID(proto))
			cancel()
			if err != nil {
				return
			}
			_ = st.SetWriteDeadline(time.Now().Add(5 * time.Second))
			k, _ := st.Write(frame)
			mu.Lock()
			held = append(held, st)
			sent += int64(k)
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, st := range held {
		_ = st.Reset()
	}
	return sent
}

// A peer flooding a node — 10,000 streams of each inference protocol, or 200 streams of each
// sending all but the last byte of a 16 MiB frame — adds at most 64 MiB to the node process's
// resident memory, whether it contributes or not; the local API's median latency stays within
// 1.25× its unloaded value; and a polite second peer, working at 100 units a second, keeps 90% of
// its unloaded throughput (layer steps on a stage when the node contributes, capability requests
// when it does not).
func TestServeProcessUnderFlood(t *testing.T) {
	if os.Getenv("ARIA_TEST_ALONE") == "" {
		t.Skip("compares latencies: make test-go runs it alone, with ARIA_TEST_ALONE=1")
	}
	bin, mp := processSetup(t, 21)
	sha, err := library.SumFile(mp)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := inference.Load(mp, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	layers, _ := wire.Marshal(layersOpening{Op: "open", Model: sha, To: eng.Model.HP.NLayer, NCtx: 4096})
	request, _ := wire.Marshal(generateOpening{Op: "request", Model: sha, Prompt: "flood", MaxTokens: 64})
	var hdr [binary.MaxVarintLen64]byte
	layers = append(hdr[:binary.PutUvarint(hdr[:], uint64(len(layers)))], layers...)
	request = append(hdr[:binary.PutUvarint(hdr[:], uint64(len(request)))], request...)
	for _, contributing := range []bool{false, true} {
		for _, kind := range []string{"streams", "frames"} {
			t.Run(fmt.Sprintf("%s/contributing=%v", kind, contributing), func(t *testing.T) {
				p := serve(t, bin, "--model", mp)
				polite := politePeer(t, p, eng, sha, contributing)
				// Unloaded: the node has settled (its model hashed, its speed measured).
				measure(t, p, polite, time.Second, nil)
				base := measure(t, p, polite, 3*time.Second, nil)
				before := rss(t, p.cmd.Process.Pid, "VmRSS")
				flood := floodProcess(t, p, kind, layers, request)
				var report string
				// The flood goes on, round after round, for floodFor: a single round of frames
				// lasts a fifth of a second, too few API samples to compare medians.
				load := measure(t, p, polite, 0, func() {
					for t0 := time.Now(); time.Since(t0) < floodFor; {
						report = flood()
					}
				})
				grow := load.peak - before
				lat := float64(medianOf(load.api)) / float64(medianOf(base.api))
				share := load.rate() / base.rate()
				t.Logf("flood of %s (%s written) over %v: resident %d MiB before, peak %d MiB (+%.1f MiB); API median %v unloaded, %v flooded (%.2f×, %d/%d samples); polite peer %.0f/s unloaded, %.0f/s flooded (%.0f%%); node CPU %.2f cores unloaded, %.2f flooded",
					kind, report, load.elapsed.Round(time.Millisecond), before>>20, load.peak>>20, float64(grow)/(1<<20),
					medianOf(base.api), medianOf(load.api), lat, len(base.api), len(load.api), base.rate(), load.rate(), 100*share, base.cpu, load.cpu)
				if grow > rssBudget {
					t.Errorf("the flood added %.1f MiB to the node's resident memory, want ≤ %d MiB", float64(grow)/(1<<20), rssBudget>>20)
				}
				if lat > latencyBound {
					t.Errorf("the local API's median latency rose %.2f× under the flood, want ≤ %.2f×", lat, latencyBound)
				}
				if share < politeShare {
					t.Errorf("the polite peer kept %.0f%% of its throughput, want ≥ %.0f%%", 100*share, 100*politeShare)
				}
			})
		}
	}
}

// politePeer is a second peer doing ordinary work on p, one unit per call: a layer step on a
// stage holding the whole model when p contributes, a capability request when it does not.
func politePeer(t *testing.T, p *proc, eng *inference.Engine, sha string, contributing bool) func() error {
	t.Helper()
	h, node := floodHost(t, p)
	if !contributing {
		return func() error {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			st, err := h.NewStream(ctx, node, p2p.CapsProtocol)
			if err != nil {
				return fmt.Errorf("capabilities: %w", err)
			}
			defer st.Close()
			_ = st.SetDeadline(time.Now().Add(10 * time.Second))
			var c p2p.Capabilities
			if err := wire.NewReader(st, 64<<10).Read(&c); err != nil {
				return fmt.Errorf("capabilities: %w", err)
			}
			return nil
		}
	}
	put(t, p.url+"/api/policy", `{"contribute":true,"max_cpu_percent":50,"pause_on_battery":false,"peer_requests_per_minute":60,"max_concurrent":4}`, 200)
	const nCtx = 1024
	dial := func() (*pipeline.Pipeline, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		return pipeline.Dial(ctx, pipeline.Config{Host: h, Engine: eng, Model: sha, RequestID: "polite", Context: nCtx,
			Cache: model.CacheF16, MaxFailovers: 1,
			Replace: func(_ context.Context, hop pipeline.Hop, _ []peer.ID) (pipeline.Hop, error) {
				return pipeline.Hop{}, fmt.Errorf("hop %v failed", hop)
			}}, pipeline.Route{{Peer: node, From: 0, To: eng.Model.HP.NLayer}})
	}
	// The node hashes its model in the background: it serves it once that is done.
	var pl *pipeline.Pipeline
	deadline := time.Now().Add(30 * time.Second)
	for {
		var err error
		if pl, err = dial(); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no stage on the node: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Cleanup(func() { pl.Close(context.Background()) })
	x := make([]float32, eng.Model.HP.NEmbd)
	pos, steps := 0, 0
	return func() error {
		// A stream may process 4× its context: a fresh stage before that, as a new sequence.
		if steps++; steps%(3*nCtx) == 0 {
			pl.Close(context.Background())
			var err error
			if pl, err = dial(); err != nil {
				return err
			}
			pos = 0
		}
		if pos == nCtx {
			pl.Truncate(0)
			pos = 0
		}
		if err := eng.Model.EmbedRow(int32(3+pos%100), x); err != nil {
			return err
		}
		if err := pl.Forward(context.Background(), x); err != nil {
			return fmt.Errorf("layer step: %w", err)
		}
		pos++
		return nil
	}
}

// floodProcess starts the flooding peer in a child process (this test binary, TestFloodChild),
// as a peer on another machine would be: its CPU and goroutines are not the test's, whose
// probes would otherwise wait behind them. On this machine's few cores the flooder's own work
// (opening streams as fast as it can) would otherwise take CPU from the node that a remote
// flooder does not: it runs at the lowest priority (nice 19), so what the node spends on the
// flood is what is measured. Once it is connected, flood starts the flood and
// gives the child's report when it is over.
func floodProcess(t *testing.T, p *proc, kind string, layers, request []byte) (flood func() string) {
	t.Helper()
	cmd := exec.Command("nice", "-n", "19", os.Args[0], "-test.run", "^TestFloodChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "ARIA_FLOOD_ADDR="+p.addr, "ARIA_FLOOD_KIND="+kind,
		"ARIA_FLOOD_LAYERS="+hex.EncodeToString(layers), "ARIA_FLOOD_REQUEST="+hex.EncodeToString(request))
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	next := func() string {
		for lines.Scan() {
			if r, ok := strings.CutPrefix(lines.Text(), "flood: "); ok {
				return r
			}
		}
		t.Fatalf("the flooding peer ended without a report: %v", lines.Err())
		return ""
	}
	if r := next(); r != "ready" {
		t.Fatalf("the flooding peer: %s", r)
	}
	return func() string {
		if _, err := io.WriteString(in, "go\n"); err != nil {
			t.Fatalf("the flooding peer: %v", err)
		}
		return next()
	}
}

// TestFloodChild is the flooding peer of TestServeProcessUnderFlood, run in a process of its
// own; it does nothing unless that test starts it.
func TestFloodChild(t *testing.T) {
	addr := os.Getenv("ARIA_FLOOD_ADDR")
	if addr == "" {
		t.Skip("run by TestServeProcessUnderFlood")
	}
	layers, err1 := hex.DecodeString(os.Getenv("ARIA_FLOOD_LAYERS"))
	request, err2 := hex.DecodeString(os.Getenv("ARIA_FLOOD_REQUEST"))
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	flooder, node := floodHost(t, &proc{addr: addr})
	fmt.Println("flood: ready")
	// One flood per line on stdin, until it closes.
	in := bufio.NewReader(os.Stdin)
	for {
		if _, err := in.ReadString('\n'); err != nil {
			return
		}
		var wg sync.WaitGroup
		var got [2]int64
		t0 := time.Now()
		for i, proto := range []string{pipeline.LayersProtocol, pipeline.GenerateProtocol} {
			opening := [][]byte{layers, request}[i]
			wg.Add(1)
			go func() {
				defer wg.Done()
				if os.Getenv("ARIA_FLOOD_KIND") == "streams" {
					got[i] = int64(streamFlood(flooder, node, proto, floodStreams, opening))
				} else {
					got[i] = frameFlood(flooder, node, proto, floodFrames)
				}
			}()
		}
		wg.Wait()
		fmt.Printf("flood: layers %d, generate %d written in %v\n", got[0], got[1], time.Since(t0).Round(time.Millisecond))
	}
}
