package node

import (
	"bufio"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/route"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// routeStream collects the "route" events of a node's /api/events, as the interface reads them.
type routeStream struct {
	mu  sync.Mutex
	evs []events.Route
	at  []time.Time
}

func watchRoutes(t *testing.T, url string) *routeStream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url+"/api/events?types=route", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	s := &routeStream{}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			data, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var ev events.Route
			if err := json.Unmarshal([]byte(data), &ev); err != nil {
				t.Errorf("route event %s: %v", data, err)
				return
			}
			s.mu.Lock()
			s.evs, s.at = append(s.evs, ev), append(s.at, time.Now())
			s.mu.Unlock()
		}
	}()
	return s
}

func (s *routeStream) all() []events.Route {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]events.Route(nil), s.evs...)
}

// of are the events of one request.
func (s *routeStream) of(id string) []events.Route {
	var out []events.Route
	for _, e := range s.all() {
		if e.RequestID == id {
			out = append(out, e)
		}
	}
	return out
}

// waitFor waits until cond holds on the events so far.
func (s *routeStream) waitFor(t *testing.T, what string, cond func([]events.Route) bool) []events.Route {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		evs := s.all()
		if cond(evs) {
			return evs
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %s in the route events %+v", what, evs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// startRouteNode starts a node on loopback with the network on and short capability refreshes.
func startRouteNode(t *testing.T, mp string, route string, contribute bool) *Node {
	t.Helper()
	n, err := Start(context.Background(), Config{DataDir: t.TempDir(), Model: mp, Addr: "127.0.0.1:0", Threads: 1, P2P: true,
		P2PListen: []string{"/ip4/127.0.0.1/tcp/0"}, NoMDNS: true, NoPortMap: true, Route: route,
		CapsInterval: 200 * time.Millisecond, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	if contribute {
		if err := n.SetContributing(true); err != nil {
			t.Fatal(err)
		}
	}
	return n
}

// streamCompletion runs a streamed completion and returns the request's ID (the route events'
// request_id) once the stream has ended.
func streamCompletion(url string, n int, seed int) (string, error) {
	body := `{"prompt":"Lend the route","max_tokens":` + itoa(n) + `,"temperature":0.8,"seed":` + itoa(seed) + `,"stream":true}`
	resp, err := http.Post(url+"/v1/completions", "application/json", strings.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	id := ""
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok || data == "[DONE]" {
			continue
		}
		var ev struct{ ID string }
		if json.Unmarshal([]byte(data), &ev) == nil && ev.ID != "" {
			id = ev.ID
		}
	}
	return id, sc.Err()
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// Three nodes on loopback (real libp2p hosts): a pipelined generation publishes its route on
// the event stream while it runs — this node, then the two peers, in layer order, with the
// coordinator's time per token of each hop, at most a few times a second — and GET
// /api/network's last route is the last event, the same measurement. A peer that leaves in the
// middle is replaced and the new route is published before the end.
func TestRouteEventsOverThreeNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three nodes and generates")
	}
	mp := filepath.Join(t.TempDir(), "m.gguf")
	sh := synth.Shapes["tiny"]
	sh.NLayer = 6
	if err := synth.Write(mp, synth.Options{Shape: sh, Type: gguf.TypeTQ2_0, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	coord := startRouteNode(t, mp, route.Pipeline, false)
	b := startRouteNode(t, mp, route.Local, true)
	c := startRouteNode(t, mp, route.Local, true)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, n := range []*Node{b, c} {
		if err := n.P2P().Connect(ctx, coord.P2P().Addrs()[0]); err != nil {
			t.Fatal(err)
		}
	}
	sha, err := coord.ad.LoadedSHA(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for len(coord.P2P().Holders(sha, 0, -1, nil)) < 2 {
		if ctx.Err() != nil {
			t.Fatalf("the coordinator sees %+v, want two contributing holders", coord.P2P().Peers())
		}
		time.Sleep(50 * time.Millisecond)
	}
	for _, p := range coord.P2P().Peers() {
		if p.Connection != p2p.Direct {
			t.Errorf("peer %s reached %q on loopback, want direct", p.ID, p.Connection)
		}
	}
	rs := watchRoutes(t, coord.URL())

	// 1. A whole generation: its events, and /api/network at every step of the way.
	done := make(chan error, 1)
	var id string
	t0 := time.Now()
	go func() {
		var err error
		id, err = streamCompletion(coord.URL(), 400, 3)
		done <- err
	}()
	var seen []api.NetworkInfo // /api/network while the generation runs
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatal(err)
			}
			running = false
		case <-time.After(30 * time.Millisecond):
			var net api.NetworkInfo
			getJSON(t, coord.URL()+"/api/network", &net)
			if net.LastPipeline != nil {
				seen = append(seen, net)
			}
		}
	}
	took := time.Since(t0)
	evs := rs.waitFor(t, "ended route", func(evs []events.Route) bool {
		return len(evs) > 0 && evs[len(evs)-1].RequestID == id && evs[len(evs)-1].State == events.RouteEnded
	})
	mine := rs.of(id)
	if len(mine) < 2 || len(mine) != len(evs) {
		t.Fatalf("route events %+v, want those of request %s only", evs, id)
	}
	want := []string{events.LocalHop, b.PeerID().String(), c.PeerID().String()}
	for i, e := range mine {
		if len(e.Hops) != 3 || e.Failovers != 0 {
			t.Fatalf("event %d: %+v, want 3 hops and no failover", i, e)
		}
		peers := []string{e.Hops[0].Peer, e.Hops[1].Peer, e.Hops[2].Peer}
		if peers[0] != events.LocalHop || !(reflect.DeepEqual(peers, want) || reflect.DeepEqual(peers, []string{want[0], want[2], want[1]})) {
			t.Fatalf("event %d hops %v, want this node then the two peers", i, peers)
		}
		next := 0
		for _, h := range e.Hops {
			if h.From != next || h.To <= h.From {
				t.Fatalf("event %d: hop %+v does not follow layer %d", i, h, next)
			}
			next = h.To
		}
		if next != 6 {
			t.Fatalf("event %d: the hops end at layer %d, want 6", i, next)
		}
		if i < len(mine)-1 && e.State != events.RouteRunning {
			t.Fatalf("event %d before the end is %q", i, e.State)
		}
	}
	end := mine[len(mine)-1]
	for _, h := range end.Hops {
		if h.Ms <= 0 || h.Steps < 300 {
			t.Errorf("final hop %+v: want a measured time per token over the generation's steps", h)
		}
	}
	// At most one update per 250 ms as tokens flow, besides the opening and the end.
	if most := 3 + int(took/route.DefaultRouteEvery); len(mine) > most {
		t.Errorf("%d route events over %v, want at most %d", len(mine), took, most)
	}
	// /api/network showed each time one of the events, exactly, and now shows the last one.
	for _, net := range seen {
		if !slicesContain(mine, *net.LastPipeline) || net.LastRoute != net.LastPipeline.Route ||
			!reflect.DeepEqual(net.LastHops, net.LastPipeline.Hops) {
			t.Fatalf("/api/network showed %+v during the generation: not one of its events", net.LastPipeline)
		}
	}
	var net api.NetworkInfo
	getJSON(t, coord.URL()+"/api/network", &net)
	if net.LastPipeline == nil || !reflect.DeepEqual(*net.LastPipeline, end) || !reflect.DeepEqual(net.LastHops, end.Hops) {
		t.Fatalf("/api/network's last route %+v, want the last event %+v", net.LastPipeline, end)
	}

	// 2. A peer leaves in the middle of a generation: the new route is published before the end.
	// (The peers free their stages of the first request as it closes: give them a moment, or
	// the new route may already go around one of them.)
	time.Sleep(500 * time.Millisecond)
	before := len(rs.all())
	go func() {
		var err error
		_, err = streamCompletion(coord.URL(), 1500, 4)
		done <- err
	}()
	hasB := func(e events.Route) bool {
		for _, h := range e.Hops {
			if h.Peer == b.PeerID().String() {
				return true
			}
		}
		return false
	}
	evs = rs.waitFor(t, "a second generation under way through b", func(evs []events.Route) bool {
		e := evs[len(evs)-1]
		return len(evs) > before && (e.State == events.RouteEnded || e.Hops[0].Steps > 20 && hasB(e))
	})
	under := evs[len(evs)-1]
	if under.State == events.RouteEnded || !hasB(under) {
		t.Fatalf("the second generation's route %+v does not go through b", under)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	evs = rs.waitFor(t, "the second generation's end", func(evs []events.Route) bool {
		return evs[len(evs)-1].State == events.RouteEnded && len(evs) > before+1
	})
	var failover *events.Route
	for i, e := range evs[before:] {
		if e.Failovers > under.Failovers {
			failover = &evs[before+i]
			break
		}
	}
	if failover == nil || failover.State != events.RouteRunning || hasB(*failover) {
		t.Fatalf("after b left, the first event with a new failover is %+v, want a running route without b", failover)
	}
	if last := evs[len(evs)-1]; hasB(last) || last.Failovers < failover.Failovers {
		t.Fatalf("final route %+v after b left", last)
	}
}

func slicesContain(evs []events.Route, e events.Route) bool {
	for _, x := range evs {
		if reflect.DeepEqual(x, e) {
			return true
		}
	}
	return false
}
