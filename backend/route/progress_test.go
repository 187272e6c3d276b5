package route

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
)

// shortOf is how a route names a peer (pipeline.Hop's String without the range).
func shortOf(id peer.ID) string {
	s := pipeline.Hop{Peer: id}.String()
	return s[:strings.Index(s, "[")]
}

// timedPipeline sets a router up to pipeline over this node and the peers a and b (both holding
// the whole 4-layer model); its pipeline's hop 1 fails at the steps in failAt, and a step of
// one position takes node's time on the node it runs on (100 ms for the prompt's step).
func timedPipeline(t *testing.T, every time.Duration, failAt map[int]bool, node map[peer.ID]time.Duration, sleep time.Duration) (*Router, *eventLog, **fakePipeline, peer.ID, peer.ID) {
	t.Helper()
	s := newScheduler(t)
	a, b := newPeerID(t), newPeerID(t)
	var fp *fakePipeline
	peers := &fakePeers{t: t, infos: []p2p.PeerInfo{holder(a, 0, 4, 1), holder(b, 0, 4, 1)}}
	peers.dial = func(_ context.Context, cfg pipeline.Config, r pipeline.Route) (Pipelined, error) {
		fp = &fakePipeline{t: t, cfg: cfg, route: slices.Clone(r), failing: 1, failAt: failAt,
			roundTrip: func(_ int, p peer.ID, n int) time.Duration {
				time.Sleep(sleep)
				if n > 1 {
					return 100 * time.Millisecond
				}
				return node[p]
			}}
		for _, h := range r {
			st, err := cfg.Engine.NewStage(cfg.Context, h.From, h.To, cfg.Cache, nil)
			if err != nil {
				return nil, err
			}
			fp.stages = append(fp.stages, st)
			fp.stats = append(fp.stats, pipeline.HopStats{Hop: h, Route: h.String()})
		}
		return fp, nil
	}
	evs := &eventLog{}
	r := newRouter(t, Config{Self: newPeerID(t), Engine: s, Peers: peers, Ledger: &fakeLedger{}, Publish: evs.publish,
		ModelSHA: modelSHA, MsPerLayer: func() float64 { return 1 }, Route: Pipeline, RouteEvery: every})
	return r, evs, &fp, a, b
}

func routeEvents(evs []event) []events.Route {
	var out []events.Route
	for _, e := range evs {
		if e.typ == events.TypeRoute {
			out = append(out, e.data.(events.Route))
		}
	}
	return out
}

func hopMsOf(r events.Route) []float64 {
	var out []float64
	for _, h := range r.Hops {
		out = append(out, h.Ms)
	}
	return out
}

// The "route" events of a pipelined request name each hop's node and layers in order and its
// time per token as the coordinator measures it: the prompt's step does not count, and after a
// failover the hop's time is its new node's alone. The failover is published at once, and
// GET /api/network's last route (Last) is the last event itself.
func TestRouteEventsMeasureEachHop(t *testing.T) {
	const local = peer.ID("")
	times := map[peer.ID]time.Duration{local: time.Millisecond}
	r, evs, fpp, a, b := timedPipeline(t, time.Hour, map[int]bool{5: true}, times, 0)
	times[a], times[b] = 2*time.Millisecond, 3*time.Millisecond
	req := greedy() // 8 tokens: the prompt's step, then 7 steps of one token
	got := generate(r.Generate, "req-ms", req)
	if got.err != nil {
		t.Fatal(got.err)
	}
	fp := *fpp
	rs := routeEvents(evs.all())
	if len(rs) != 3 {
		t.Fatalf("route events %+v, want 3: the opening, the failover, the end", rs)
	}
	open, failover, end := rs[0], rs[1], rs[2]

	// Opening: local, a, b in layer order, no time yet.
	if open.State != events.RouteRunning || open.Failovers != 0 || len(open.Hops) != 3 {
		t.Fatalf("opening event %+v", open)
	}
	wantPeers := []string{events.LocalHop, a.String(), b.String()}
	next := 0
	for i, h := range open.Hops {
		if h.Peer != wantPeers[i] || h.From != next || h.To <= h.From || h.Ms != 0 || h.Steps != 0 {
			t.Errorf("opening hop %d: %+v, want %s from layer %d, not measured yet", i, h, wantPeers[i], next)
		}
		next = h.To
	}
	if next != 4 {
		t.Errorf("the opening hops end at layer %d, want 4", next)
	}

	// Failover at step 5: hop 1 now on b, published with that token; its time is b's.
	o := open.Hops
	moved := pipeline.Route{{From: o[0].From, To: o[0].To}, {Peer: b, From: o[1].From, To: o[1].To}, {Peer: b, From: o[2].From, To: o[2].To}}
	if failover.State != events.RouteRunning || failover.Failovers != 1 || failover.Hops[1].Peer != b.String() || failover.Route != moved.String() {
		t.Errorf("failover event %+v, want route %s and 1 failover", failover, moved)
	}
	if ms := hopMsOf(failover); !slices.Equal(ms, []float64{1, 3, 3}) {
		t.Errorf("failover event's ms per hop %v, want [1 3 3]", ms)
	}
	if failover.Hops[1].From != open.Hops[1].From || failover.Hops[1].To != open.Hops[1].To {
		t.Errorf("the replacement runs [%d,%d), the failed hop ran [%d,%d)", failover.Hops[1].From, failover.Hops[1].To,
			open.Hops[1].From, open.Hops[1].To)
	}

	// End: the decode steps only (the prompt's 100 ms would make local 13.4 ms), b's alone on hop 1.
	if end.State != events.RouteEnded || end.Failovers != 1 || end.Route != fp.Route().String() {
		t.Errorf("end event %+v, want ended with 1 failover on route %s", end, fp.Route())
	}
	if ms := hopMsOf(end); !slices.Equal(ms, []float64{1, 3, 3}) {
		t.Errorf("end event's ms per hop %v, want [1 3 3]", ms)
	}
	for i, h := range end.Hops {
		if h.Steps != 8 || h.Tokens < 8 {
			t.Errorf("end hop %d: %d steps, %d tokens; want 8 steps (the prompt and 7 tokens)", i, h.Steps, h.Tokens)
		}
	}
	last, ok := r.Last()
	if !ok || !reflect.DeepEqual(last, end) {
		t.Errorf("Last %+v, want the end event %+v", last, end)
	}
}

// While tokens flow the route is published again, at most once per interval.
func TestRouteEventsAsTokensFlow(t *testing.T) {
	const local = peer.ID("")
	for _, tc := range []struct {
		name  string
		every time.Duration
		sleep time.Duration
	}{
		{"every token", time.Nanosecond, 0},
		{"at most every 60 ms", 60 * time.Millisecond, 5 * time.Millisecond},
	} {
		t.Run(tc.name, func(t *testing.T) {
			times := map[peer.ID]time.Duration{local: time.Millisecond}
			r, evs, _, a, b := timedPipeline(t, tc.every, nil, times, tc.sleep)
			times[a], times[b] = 2*time.Millisecond, 3*time.Millisecond
			req := greedy()
			req.MaxTokens = 24
			t0 := time.Now()
			got := generate(r.Generate, "req-flow", req)
			took := time.Since(t0)
			if got.err != nil {
				t.Fatal(got.err)
			}
			rs := routeEvents(evs.all())
			running := 0
			for _, e := range rs[:len(rs)-1] {
				if e.State != events.RouteRunning {
					t.Errorf("event %+v before the end is not running", e)
				}
				running++
			}
			if rs[len(rs)-1].State != events.RouteEnded {
				t.Errorf("last event %+v, want ended", rs[len(rs)-1])
			}
			// The opening event, then one per token (or per interval).
			most := 1 + len(got.tokens)
			if tc.every > time.Nanosecond {
				most = 2 + int(took/tc.every)
			}
			least := min(most, 2)
			if running < least || running > most {
				t.Errorf("%d running events over %v and %d tokens, want %d to %d", running, took, len(got.tokens), least, most)
			}
			if tc.every == time.Nanosecond && running != most {
				t.Errorf("%d running events, want one at the opening and one per token (%d)", running, most)
			}
			// Every update after a token's step measures the decode steps so far: local 1 ms, a 2
			// ms, b 3 ms per token.
			for _, e := range rs {
				if e.Hops[0].Steps < 2 {
					continue
				}
				if ms := hopMsOf(e); !slices.Equal(ms, []float64{1, 2, 3}) {
					t.Errorf("event %+v: ms per hop %v, want [1 2 3]", e, ms)
				}
			}
		})
	}
}
