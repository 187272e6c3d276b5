package pipeline

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/p2p"
	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// serviceMemory is what the node's resource manager counts for the inference protocols.
func serviceMemory(t *testing.T, n *p2p.Node) int64 {
	t.Helper()
	var mem int64
	if err := n.Host().Network().ResourceManager().ViewService(ServiceName, func(s network.ServiceScope) error {
		mem = s.Stat().Memory
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return mem
}

// The frames the server reads are reserved in libp2p's resource manager, under the service's
// per-peer memory: a peer whose open stages hold its budget is refused another stage and a
// generate request, another peer is not, and the memory is given back when the streams end.
func TestFrameMemoryIsCountedPerPeer(t *testing.T) {
	path, sha := testModel(t)
	eng, err := inference.Load(path, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { eng.Close() })
	const nCtx = 64
	stage := stepLimit(nCtx, eng.Model.HP.NEmbd)
	// Three stages fit, a fourth or a generate request does not (the server's reservations may
	// take four fifths of the budget).
	svc := p2p.Service{Name: ServiceName, Protocols: Service.Protocols, PeerStreams: DefaultPeerStreams,
		PeerMemory: int64(3*stage*5/4 + openingLimit)}
	n, err := p2p.New(context.Background(), p2p.Config{DataDir: t.TempDir(), Listen: []string{"/ip4/127.0.0.1/tcp/0"},
		NoPortMap: true, Services: []p2p.Service{svc}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	srv := &Server{Host: n.Host(), Stages: EngineStages{Engine: eng, Model: sha},
		Prepare: func(ctx context.Context, req inference.Request) (inference.Request, error) {
			return eng.Prepare(ctx, req, 4096, inference.Limits{})
		},
		Generate: func(ctx context.Context, id string, req inference.Request, onToken func(inference.Token) error) (inference.Result, error) {
			s, err := eng.NewSession(4096, model.CacheF16)
			if err != nil {
				return inference.Result{}, err
			}
			return s.Generate(ctx, req, onToken)
		}}
	srv.Start()
	t.Cleanup(srv.Stop)
	a, b := newHost(t), newHost(t)
	connect(t, a, n.Host())
	connect(t, b, n.Host())

	open := func(h interface {
		NewStream(context.Context, peer.ID, ...protocol.ID) (network.Stream, error)
	}) (network.Stream, layerMsg) {
		t.Helper()
		st, err := h.NewStream(context.Background(), n.ID(), protocol.ID(LayersProtocol))
		if err != nil {
			t.Fatal(err)
		}
		if err := wire.Write(st, layerMsg{Op: opOpen, Model: sha, From: 0, To: 1, NCtx: nCtx}); err != nil {
			t.Fatal(err)
		}
		var m layerMsg
		if err := readReply(t, st, 5*time.Second, &m); err != nil {
			t.Fatal(err)
		}
		return st, m
	}
	var held []network.Stream
	for i := 0; i < 3; i++ {
		st, m := open(a)
		if m.Op != opOK {
			t.Fatalf("stage %d: %+v", i, m)
		}
		held = append(held, st)
	}
	if got := serviceMemory(t, n); got != int64(3*stage) {
		t.Fatalf("three open stages reserve %d bytes, want %d", got, 3*stage)
	}
	if st, m := open(a); m.Op != opError || m.Code != CodeRefused {
		t.Fatalf("a fourth stage past the peer's memory: %+v, want refused", m)
	} else {
		_ = st.Close()
	}
	_, err = Generate(context.Background(), a, n.ID(), sha, "over", request(2), nil)
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("a generate request past the peer's memory: %v, want refused", err)
	}
	st, m := open(b)
	if m.Op != opOK {
		t.Fatalf("another peer's stage meanwhile: %+v", m)
	}
	_ = st.Close()
	for _, st := range held {
		_ = st.Close()
	}
	waitFor(t, func() bool { return serviceMemory(t, n) == 0 }, "the reservations to be released")
}
