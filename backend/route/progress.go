package route

import (
	"time"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/pipeline"
)

// DefaultRouteEvery is how often, at most, a running pipeline's "route" event is published
// as tokens flow (a failover publishes at once).
const DefaultRouteEvery = 250 * time.Millisecond

// progress follows one pipelined request for its "route" events: the hops in layer order and
// the coordinator's measured time per token of each. Its methods run on the generation's
// goroutine (the pipeline's opening, each token, the end); what it publishes is also kept by
// the router for GET /api/network, so both always show the same measurement.
type progress struct {
	r     *Router
	id    string
	p     Pipelined
	every time.Duration

	last    time.Time      // of the last event
	shown   pipeline.Route // the route last published
	drawing bool           // the first token was drawn: steps from here on are one token each
	// base is, per hop, its stats when the current measurement began: at the first token (the
	// prompt's steps are not a token's time), or when a failover gave the hop another node.
	base []pipeline.HopStats
}

func newProgress(r *Router, id string, p Pipelined) *progress {
	every := r.cfg.RouteEvery
	if every <= 0 {
		every = DefaultRouteEvery
	}
	g := &progress{r: r, id: id, p: p, every: every}
	g.publishStats(events.RouteRunning, p.Stats())
	return g
}

// token is called for each token passed to the user: it publishes when the route changed
// (a failover) or when the last event is older than the interval.
func (g *progress) token() {
	stats := g.p.Stats()
	if !g.drawing {
		g.drawing = true
		g.base = stats
	}
	g.rebase(stats)
	if g.moved(stats) || time.Since(g.last) >= g.every {
		g.publishStats(events.RouteRunning, stats)
	}
}

// moved reports whether a hop runs elsewhere than the last event said (a failover). It runs
// for every token: it compares, and builds no string.
func (g *progress) moved(stats []pipeline.HopStats) bool {
	if len(stats) != len(g.shown) {
		return true
	}
	for i, s := range stats {
		if s.Hop != g.shown[i] {
			return true
		}
	}
	return false
}

// rebase starts a new measurement for each hop that another node runs now (a failover).
func (g *progress) rebase(stats []pipeline.HopStats) {
	for i := range stats {
		if i < len(g.base) && stats[i].Hop != g.base[i].Hop {
			g.base[i] = stats[i]
		}
	}
}

// end publishes the request's final route.
func (g *progress) end() {
	stats := g.p.Stats()
	g.rebase(stats)
	g.publishStats(events.RouteEnded, stats)
}

func (g *progress) publishStats(state string, stats []pipeline.HopStats) {
	route := make(pipeline.Route, len(stats))
	for i, s := range stats {
		route[i] = s.Hop
	}
	ev := events.Route{RequestID: g.id, Route: route.String(), State: state, Failovers: len(g.p.Failovers()),
		Hops: hopEvents(stats, g.base)}
	g.last, g.shown = time.Now(), route
	g.r.mu.Lock()
	g.r.last, g.r.hasLast = ev, true
	g.r.mu.Unlock()
	g.r.cfg.Publish(events.TypeRoute, ev)
}

// hopEvents are a pipeline's hop statistics as the "route" event carries them; base holds each
// hop's stats when its measurement began (none: from its first step).
func hopEvents(stats, base []pipeline.HopStats) []events.Hop {
	out := make([]events.Hop, 0, len(stats))
	for i, s := range stats {
		who := events.LocalHop
		if s.Hop.Peer != "" {
			who = s.Hop.Peer.String()
		}
		var b pipeline.HopStats
		if i < len(base) && base[i].Hop == s.Hop {
			b = base[i]
		}
		out = append(out, events.Hop{Hop: s.Route, Steps: s.Steps, Tokens: s.Tokens, LastMs: s.LastMs,
			Peer: who, From: s.Hop.From, To: s.Hop.To, Ms: hopMs(s, b)})
	}
	return out
}

// hopMs is a hop's time per token: its mean round trip over the steps since base; with no
// step since base, the last step's; with no base (the prompt still runs), the mean of its steps.
func hopMs(s, base pipeline.HopStats) float64 {
	switch n := s.Steps - base.Steps; {
	case n > 0 && base.Steps > 0:
		return float64((s.RoundTrip - base.RoundTrip).Microseconds()) / 1000 / float64(n)
	case base.Steps > 0:
		return s.LastMs
	case s.Steps > 0:
		return float64(s.RoundTrip.Microseconds()) / 1000 / float64(s.Steps)
	}
	return 0
}
