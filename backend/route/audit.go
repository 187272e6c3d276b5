package route

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
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
	whole  float64       // measured ns of a whole request's replay per position (0: not yet)
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

// pickWhole says whether to replay a whole request a peer ran in d (as this node saw it) over
// positions: always when full, else with the probability that keeps the spending at share.
func (a *auditor) pickWhole(d time.Duration, positions int, full bool) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stats.Requests++
	a.stats.RouteTime += d
	if full {
		return true
	}
	if a.share <= 0 || positions <= 0 {
		return false
	}
	a.credit += time.Duration(a.share * float64(d))
	// Until one replay is measured, take it to cost what the peer's generation did.
	est := d
	if a.whole > 0 {
		est = time.Duration(a.whole * float64(positions))
	}
	a.credit = min(a.credit, time.Duration(8*a.share*float64(d))+est)
	if est <= 0 || rand.Float64() < float64(a.credit)/float64(est) {
		a.credit -= est
		return true
	}
	return false
}

// spentWhole records what a replay over positions cost.
func (a *auditor) spentWhole(d time.Duration, positions int, full bool) {
	if positions == 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.stats.Hops++
	a.stats.Positions += positions
	a.stats.AuditTime += d
	if full {
		return
	}
	c := float64(d) / float64(positions)
	if a.whole == 0 {
		a.whole = c
	} else {
		a.whole = 0.8*a.whole + 0.2*c
	}
}

// auditWhole replays, after the fact and when picked, a whole request a peer ran: the tokens it
// signed must be the ones this node's model draws from the prompt tokens it signed, with the
// seed and the cache type it signed.
func (r *Router) auditWhole(ctx context.Context, id, sha string, p peer.ID, rr pipeline.RemoteResult) {
	ctx = context.WithoutCancel(ctx)
	rep := auditOf(ctx)
	full := rep != nil && rep.Full
	c := rr.Claim
	positions := len(c.Prompt) + len(c.Tokens)
	if r.audits.caught(p) || !r.audits.pickWhole(rr.Duration, positions, full) {
		return
	}
	cache, err := model.ParseCacheType(c.Cache)
	if err != nil {
		r.convictWhole(ctx, id, sha, p, c, 0, -1, fmt.Errorf("claims a cache type %q: %w", c.Cache, err))
		return
	}
	t0 := time.Now()
	bad, drawn, err := r.cfg.Engine.Replay(ctx, c.Prompt, c.Tokens, c.Sampling, cache)
	if err != nil {
		r.cfg.Log.Warn("audit: replay failed", "peer", p.String(), "err", err)
		return
	}
	r.audits.spentWhole(time.Since(t0), positions, full)
	if rep != nil {
		rep.Hops++
		rep.Positions += positions
	}
	if bad >= 0 {
		r.convictWhole(ctx, id, sha, p, c, bad, drawn, nil)
		if rep != nil {
			rep.Caught = append(rep.Caught, p)
		}
	}
}

// convictWhole records that peer p's claimed tokens differ from the replay's from token bad on
// (drawn there instead), or that its claim is void (why).
func (r *Router) convictWhole(ctx context.Context, id, sha string, p peer.ID, c *pipeline.SignedGenClaim, bad int, drawn int32, why error) {
	// A void claim is named by its tokens against a sequence no model draws (token -1).
	claimed, computed, detail := pipeline.TokensHash(c.Tokens), pipeline.TokensHash([]int32{-1}), fmt.Sprint(why)
	if why == nil {
		claimed = pipeline.TokensHash(c.Tokens[:bad+1])
		computed = pipeline.TokensHash(append(slices.Clone(c.Tokens[:bad]), drawn))
		detail = fmt.Sprintf("token %d is %d, the model draws %d", bad, c.Tokens[bad], drawn)
	}
	nLayer := 0
	if info, ok := r.cfg.Engine.Model(); ok {
		nLayer = info.NLayer
	}
	r.convict(ctx, p, detail, ledger.Evidence{Peer: p, RequestID: id, ModelSHA256: sha, LayerTo: int64(nLayer),
		Pos: int64(len(c.Prompt) + bad), Claimed: claimed, Computed: computed, Claim: c.GenClaim.Bytes(), Sig: c.Sig,
		Inputs: tokenBytes(c.Prompt)}, events.Liar{Peer: p.String(), RequestID: id, Layers: [2]int{0, nLayer},
		Pos: len(c.Prompt) + bad, Claimed: claimed, Computed: computed})
}

func tokenBytes(toks []int32) []byte {
	b := make([]byte, 4*len(toks))
	for i, t := range toks {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(t))
	}
	return b
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
			r.convict(ctx, lie.Peer, lie.Error(), ledger.Evidence{Peer: lie.Peer, RequestID: id, ModelSHA256: sha,
				LayerFrom: int64(lie.Hop.From), LayerTo: int64(lie.Hop.To), Pos: int64(lie.Pos), Claimed: lie.Claimed,
				Computed: lie.Computed, Claim: lie.Claim.Bytes(), Sig: lie.Claim.Sig, Inputs: lie.Inputs},
				events.Liar{Peer: lie.Peer.String(), RequestID: id, Layers: [2]int{lie.Hop.From, lie.Hop.To}, Pos: lie.Pos,
					Claimed: lie.Claimed, Computed: lie.Computed})
			if rep != nil {
				rep.Caught = append(rep.Caught, lie.Peer)
			}
		}
	}
}

// convict records a lie, with its evidence, and keeps its peer out of every route from now on.
func (r *Router) convict(ctx context.Context, p peer.ID, detail string, e ledger.Evidence, ev events.Liar) {
	r.cfg.Log.Warn("audit: a peer returned wrong work; it leaves every route", "peer", p.String(), "detail", detail)
	r.audits.mu.Lock()
	r.audits.liars[p] = true
	r.audits.stats.Caught++
	r.audits.mu.Unlock()
	if _, err := r.cfg.Ledger.AddEvidence(context.WithoutCancel(ctx), e); err != nil {
		r.cfg.Log.Error("audit: evidence not stored", "peer", p.String(), "err", err)
	}
	r.cfg.Publish(events.TypeLiar, ev)
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
