package pipeline

import (
	"context"
	"crypto/rand"
	"math"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
)

// lyingStages serves honest layers, except that from position at on, each step's output has
// the last bit of one value flipped: the smallest lie, which no check of the values can see.
type lyingStages struct {
	Stages
	at int
}

func (l lyingStages) OpenStage(m string, nCtx, from, to int, cache model.CacheType, r *inference.Runner) (Stage, error) {
	st, err := l.Stages.OpenStage(m, nCtx, from, to, cache, r)
	if err != nil {
		return nil, err
	}
	return &lyingStage{Stage: st, at: l.at}, nil
}

type lyingStage struct {
	Stage
	at int
}

func (s *lyingStage) Forward(ctx context.Context, x []float32) error {
	pos := s.Pos()
	if err := s.Stage.Forward(ctx, x); err != nil {
		return err
	}
	if d := s.Width(); pos+len(x)/d > s.at {
		i := (max(s.at-pos, 0))*d + 7
		x[i] = math.Float32frombits(math.Float32bits(x[i]) ^ 1)
	}
	return nil
}

// A peer that flips one bit of its hidden states goes unnoticed while the request runs (the
// finding); re-executing the hops it signed proves it, at the first position it lied, and finds
// nothing against the honest peer.
func TestAuditCatchesALyingHop(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	const lieAt = 40 // a generated position: the prompt is shorter
	coord, honest := newNode(t, nil), newNode(t, nil)
	liar := newNodeWith(t, nil, func(s Stages) Stages { return lyingStages{Stages: s, at: lieAt} })
	connect(t, coord.h, honest.h, liar.h)
	p, err := Dial(ctx, Config{Host: coord.h, Engine: coord.eng, Model: sha, RequestID: "audit", Context: 256, Cache: model.CacheF16},
		Route{{From: 0, To: 1}, {Peer: honest.h.ID(), From: 1, To: 2}, {Peer: liar.h.ID(), From: 2, To: 4}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := coord.eng.NewSessionWith(p).Generate(ctx, request(24), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.PromptTokens >= lieAt {
		t.Fatalf("the prompt has %d tokens; the lie must fall on a generated position", res.PromptTokens)
	}
	if f := p.Failovers(); len(f) != 0 {
		t.Fatalf("failovers %+v: the lie should pass unnoticed while the request runs", f)
	}
	if err := p.Close(ctx); err != nil {
		t.Fatal(err)
	}
	audits := p.Audits()
	if len(audits) != 2 {
		t.Fatalf("%d audits, want one per peer's hop", len(audits))
	}
	positions := res.PromptTokens + len(res.Tokens) - 1
	for _, a := range audits {
		if a.Positions() != positions {
			t.Fatalf("audit of %s covers %d positions, the hop ran %d", a.Hop, a.Positions(), positions)
		}
		out, err := Recompute(ctx, coord.eng, a, model.CacheF16, nil)
		if err != nil {
			t.Fatal(err)
		}
		lie, err := a.Check(out)
		if err != nil {
			t.Fatal(err)
		}
		switch a.Peer {
		case honest.h.ID():
			if lie != nil {
				t.Fatalf("the honest peer was flagged: %v", lie)
			}
		case liar.h.ID():
			if lie == nil {
				t.Fatal("the lying peer was not caught")
			}
			if lie.Pos != lieAt || lie.Claimed == lie.Computed || lie.Hop.From != 2 {
				t.Fatalf("lie %+v, want one at position %d of hop [2, 4)", lie, lieAt)
			}
			// The evidence stands on its own: the liar's signature over the claim, and the inputs
			// of every position up to it.
			if err := lie.Claim.CheckSig(liar.h.ID()); err != nil {
				t.Fatal(err)
			}
			if err := lie.Claim.CheckSig(honest.h.ID()); err == nil {
				t.Fatal("the claim verifies with another peer's key")
			}
			if len(lie.Inputs) != 4*coord.eng.Model.HP.NEmbd*(lie.Claim.Pos+lie.Claim.N) {
				t.Fatalf("evidence holds %d bytes of inputs", len(lie.Inputs))
			}
		default:
			t.Fatalf("audit of unknown peer %s", a.Peer)
		}
	}
}

// A hop whose reply carries no valid signature of this node's claim cannot be audited: it is
// taken as garbage and replaced, like a malformed reply.
func TestUnsignedHopIsReplaced(t *testing.T) {
	other, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		sign func(c Claim) []byte
	}{
		{"no signature", func(Claim) []byte { return nil }},
		{"another key's signature", func(c Claim) []byte { b, _ := other.Sign(c.Bytes()); return b }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			_, sha := testModel(t)
			coord, honest := newNode(t, nil), newNode(t, nil)
			forger := newHost(t)
			var answered atomic.Int32
			forger.SetStreamHandler(protocol.ID(LayersProtocol), func(st network.Stream) {
				defer st.Close()
				r := wire.NewReader(st, 0)
				var open layerMsg
				_ = r.Read(&open)
				_ = wire.Write(st, layerMsg{Op: opOK})
				// The right layers, computed by the honest node's engine: only the signature is wrong.
				stage, err := honest.eng.NewStage(open.NCtx, open.From, open.To, model.CacheF16, nil)
				if err != nil {
					return
				}
				var m layerMsg
				for r.Read(&m) == nil && m.Op == opStep {
					x := make([]float32, len(m.Hidden)/4)
					_ = decodeHidden(x, m.Hidden)
					_ = stage.Forward(ctx, x)
					out := encodeHidden(x)
					c := makeClaim(Claim{RequestID: open.RequestID, Model: open.Model, From: open.From, To: open.To, Cache: open.Cache},
						m.Pos, honest.eng.Model.HP.NEmbd, m.Hidden, out)
					answered.Add(1)
					_ = wire.Write(st, layerMsg{Op: opHidden, Pos: m.Pos, Hidden: out, Claim: tc.sign(c)})
				}
			})
			connect(t, coord.h, honest.h, forger)
			want := generateLocal(t, coord.eng, request(8))
			p, err := Dial(ctx, Config{Host: coord.h, Engine: coord.eng, Model: sha, Context: 256, Cache: model.CacheF16,
				StepTimeout: 5 * time.Second, Replace: func(context.Context, Hop, []peer.ID) (Hop, error) {
					return Hop{Peer: honest.h.ID(), From: 2, To: 4}, nil
				}}, Route{{From: 0, To: 2}, {Peer: forger.ID(), From: 2, To: 4}})
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close(ctx)
			got, err := coord.eng.NewSessionWith(p).Generate(ctx, request(8), nil)
			if err != nil {
				t.Fatal(err)
			}
			sameTokens(t, "after an unsigned hop", got.Tokens, want.Tokens)
			if f := p.Failovers(); len(f) != 1 || f[0].Failed.Peer != forger.ID() || !strings.Contains(f[0].Err, "claim signature") {
				t.Fatalf("failovers %+v, want one of the unsigned hop", f)
			}
			if answered.Load() == 0 {
				t.Fatal("the forging peer answered no step")
			}
		})
	}
}
