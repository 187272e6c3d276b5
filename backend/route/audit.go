package route

import (
	"context"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/inference"
)

// DefaultAuditShare is the share of a pipelined route's compute spent, by default, re-executing
// peers' hops to catch wrong results.
const DefaultAuditShare = 0.05

// AuditReport is what the audit of one request found; a caller that wants it passes one with
// WithAudit, and may ask for every hop to be checked.
type AuditReport struct {
	// Full asks for every peer's hop of this request to be re-executed (set by the caller).
	Full bool
	// Filled by the router when the request ends:
	Hops      int       // peers' hops re-executed
	Positions int       // positions re-executed, summed over those hops
	Caught    []peer.ID // peers whose work was wrong; they leave every route
}

type auditKey struct{}

// WithAudit asks the router to fill rep with the audit of the request run under ctx.
func WithAudit(ctx context.Context, rep *AuditReport) context.Context {
	return context.WithValue(ctx, auditKey{}, rep)
}

func auditOf(ctx context.Context) *AuditReport {
	rep, _ := ctx.Value(auditKey{}).(*AuditReport)
	return rep
}

// auditor picks the hops to re-execute so that, on average, re-execution costs share of the
// routes' layer time, and keeps the peers caught lying out of every route. Which hops are picked
// is random, so a peer cannot tell whether its work will be checked.
type auditor struct {
	share float64

	mu     sync.Mutex
	credit time.Duration // re-execution time earned by the routes and not spent yet
	cost   float64       // measured ns of re-execution per position and layer (0: not yet)
	liars  map[peer.ID]bool
	stats  AuditStats
}

// AuditStats sum the audits of pipelined requests since the router started.
type AuditStats struct {
	Requests  int           // pipelined requests that ended
	RouteTime time.Duration // their layers' time, as the coordinator saw it
	Hops      int           // peers' hops re-executed
	Positions int           // positions re-executed, summed over those hops
	AuditTime time.Duration // time spent re-executing
	Caught    int           // lies found
}

func newAuditor(share float64, liars []peer.ID) *auditor {
	a := &auditor{share: share, liars: map[peer.ID]bool{}}
	for _, p := range liars {
		a.liars[p] = true
	}
	return a
}

// Liars are the peers caught returning wrong work.
func (a *auditor) list() []peer.ID {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := make([]peer.ID, 0, len(a.liars))
	for p := range a.liars {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

func (a *auditor) caught(p peer.ID) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.liars[p]
}

// pick chooses which audits of a finished request to run: all of them when full, else each with
// the probability that keeps the spending at share of the route's time. layers is the route's
// layer time as the coordinator measured it (a peer cannot shrink it), nLayer the model's layers.
func (a *auditor) pick(audits []pipeline.Audit, layers time.Duration, nLayer int, full bool) []pipeline.Audit {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stats.Requests++
	a.stats.RouteTime += layers
	if full {
		return audits
	}
	if a.share <= 0 || len(audits) == 0 || nLayer <= 0 {
		return nil
	}
	a.credit += time.Duration(a.share * float64(layers))
	// Credit left unspent (every peer caught, say) must not pay for a burst later.
	a.credit = min(a.credit, time.Duration(8*a.share*float64(layers)))
	var out []pipeline.Audit
	for _, i := range rand.Perm(len(audits)) {
		au := audits[i]
		n := au.Hop.To - au.Hop.From
		// Until one audit is measured, take re-execution to cost what the route's layers did.
		est := time.Duration(float64(layers) * float64(n) / float64(nLayer))
		if a.cost > 0 {
			est = time.Duration(a.cost * float64(au.Positions()*n))
		}
		if est <= 0 || rand.Float64() < float64(a.credit)/float64(est) {
			out = append(out, au)
			a.credit -= est
		}
	}
	return out
}

// Stats are the audits' sums so far.
func (a *auditor) Stats() AuditStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

// spent records what an audit of positions × layers cost.
func (a *auditor) spent(d time.Duration, positions, layers int, full bool) {
	if positions*layers == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stats.Hops++
	a.stats.Positions += positions
	a.stats.AuditTime += d
	if full {
		return // paid by the request that asked, not by the sample's budget
	}
	c := float64(d) / float64(positions*layers)
	if a.cost == 0 {
		a.cost = c
	} else {
		a.cost = 0.8*a.cost + 0.2*c
	}
}

// audit re-executes the picked hops of a finished pipelined request on this node (a coordinator
// always holds every layer: it needs a whole model to start a pipeline) and acts on a lie: the
// evidence goes into the ledger, the peer out of every route, and an event to the window.
func (r *Router) audit(ctx context.Context, id, sha string, eng *inference.Engine, layers time.Duration, audits []pipeline.Audit) {
	rep := auditOf(ctx)
	full := rep != nil && rep.Full
	picked := r.audits.pick(audits, layers, eng.Model.HP.NLayer, full)
	for _, au := range picked {
		if r.audits.caught(au.Peer) {
			continue
		}
		t0 := time.Now()
		out, err := pipeline.Recompute(ctx, eng, au, r.cfg.Cache, nil)
		if err != nil {
			r.cfg.Log.Warn("audit: re-execution failed", "hop", au.Hop.String(), "err", err)
			continue
		}
		lie, err := au.Check(out)
		if err != nil {
			r.cfg.Log.Error("audit: claims do not match this node's own inputs", "hop", au.Hop.String(), "err", err)
			continue
		}
		r.audits.spent(time.Since(t0), au.Positions(), au.Hop.To-au.Hop.From, full)
		if rep != nil {
			rep.Hops++
			rep.Positions += au.Positions()
		}
		if lie != nil {
			r.convict(ctx, id, sha, lie)
			if rep != nil {
				rep.Caught = append(rep.Caught, lie.Peer)
			}
		}
	}
}

// convict records a lie and keeps its peer out of every route from now on.
func (r *Router) convict(ctx context.Context, id, sha string, lie *pipeline.Lie) {
	r.cfg.Log.Warn("audit: a peer returned wrong work; it leaves every route", "peer", lie.Peer.String(), "err", lie.Error())
	r.audits.mu.Lock()
	r.audits.liars[lie.Peer] = true
	r.audits.stats.Caught++
	r.audits.mu.Unlock()
	e := ledger.Evidence{Peer: lie.Peer, RequestID: id, ModelSHA256: sha, LayerFrom: int64(lie.Hop.From), LayerTo: int64(lie.Hop.To),
		Pos: int64(lie.Pos), Claimed: lie.Claimed, Computed: lie.Computed, Claim: lie.Claim.Bytes(), Sig: lie.Claim.Sig, Inputs: lie.Inputs}
	if _, err := r.cfg.Ledger.AddEvidence(context.WithoutCancel(ctx), e); err != nil {
		r.cfg.Log.Error("audit: evidence not stored", "peer", lie.Peer.String(), "err", err)
	}
	r.cfg.Publish(events.TypeLiar, events.Liar{Peer: lie.Peer.String(), RequestID: id, Layers: [2]int{lie.Hop.From, lie.Hop.To},
		Pos: lie.Pos, Claimed: lie.Claimed, Computed: lie.Computed})
}

// Liars are the peers caught returning wrong work (this run or, from the ledger, before).
func (r *Router) Liars() []peer.ID { return r.audits.list() }

// AuditStats sum the audits since the router started.
func (r *Router) AuditStats() AuditStats { return r.audits.Stats() }

// exclude is the peers no route may use: the liars, and extra.
func (r *Router) exclude(extra []peer.ID) []peer.ID {
	return append(r.audits.list(), extra...)
}

// routeLayerTime is the time the coordinator saw the hops take, summed: the base of the audit
// budget.
func routeLayerTime(stats []pipeline.HopStats) time.Duration {
	var t time.Duration
	for _, s := range stats {
		t += s.RoundTrip
	}
	return t
}
