package route

import (
	"context"
	"log/slog"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/events"
	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/metrics"
	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/inference"
)

// Net is Peers over the node's libp2p peer.
type Net struct{ P2P *p2p.Node }

// Holders implements Peers.
func (n Net) Holders(sha string, from, to int, exclude []peer.ID) []p2p.PeerInfo {
	return n.P2P.Holders(sha, from, to, exclude)
}

// FindHolders implements Peers.
func (n Net) FindHolders(ctx context.Context, sha string) { n.P2P.FindHolders(ctx, sha) }

// Generate implements Peers.
func (n Net) Generate(ctx context.Context, p peer.ID, sha, id string, req inference.Request, onToken func(inference.Token) error) (pipeline.RemoteResult, error) {
	// The receipt signs this node's own count of the prompt (the API prepared it), not the
	// peer's claim; limits and deadlines guard against a peer that stalls or floods.
	return pipeline.GenerateWith(ctx, n.P2P.Host(), p, sha, id, req, pipeline.GenerateOptions{PromptTokens: len(req.Tokens)}, onToken)
}

// Dial implements Peers.
func (n Net) Dial(ctx context.Context, cfg pipeline.Config, r pipeline.Route) (Pipelined, error) {
	cfg.Host = n.P2P.Host()
	p, err := pipeline.Dial(ctx, cfg, r)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// Recorder writes the work this node does for peers (hops and served requests) to the ledger,
// with an energy estimate from the time and threads it took.
type Recorder struct {
	Ledger  Ledger
	Threads func() int // the threads of peers' work
	Publish func(typ string, data any)
	Log     *slog.Logger
}

// Record implements pipeline.Recorder.
func (l Recorder) Record(ctx context.Context, r pipeline.Record) {
	req, _ := peer.Decode(r.Requester)
	wrk, _ := peer.Decode(r.Worker)
	mj := r.Duration.Seconds() * float64(l.Threads()) * metrics.DefaultWattsPerCore() * 1000
	e := ledger.Entry{RequestID: r.RequestID, Kind: ledger.Kind(r.Kind), ModelSHA256: r.Model, LayerFrom: int64(r.From),
		LayerTo: int64(r.To), PromptTokens: int64(r.PromptTokens), GenTokens: int64(r.GenTokens), StartedAt: r.Started.UnixMilli(),
		DurationMs: r.Duration.Milliseconds(), EnergyMJ: int64(mj), EnergyLabel: string(metrics.Estimated), Requester: req, Worker: wrk,
		InputHash: r.InputHash, OutputHash: r.OutputHash, Receipt: r.Receipt}
	if _, err := l.Ledger.Append(ctx, e); err != nil {
		l.Log.Error("ledger write failed", "request", r.RequestID, "err", err)
		return
	}
	if l.Publish != nil {
		l.Publish(events.TypeLedger, events.Ledger{RequestID: r.RequestID, Kind: r.Kind})
	}
}
