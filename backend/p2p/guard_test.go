package p2p

import (
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// A peer refused StrikeLimit streams within StrikeWindow is disconnected and refused for
// BanTime; refusals spread wider than the window never ban; other peers are unaffected.
func TestGuardBansAFloodingPeer(t *testing.T) {
	now := time.Unix(1000, 0)
	g := newGuard()
	g.now = func() time.Time { return now }
	closed := make(chan peer.ID, 1)
	g.setClose(func(p peer.ID) { closed <- p })
	flood, slow, other := peer.ID("flood"), peer.ID("slow"), peer.ID("other")
	for i := 0; i < StrikeLimit-1; i++ {
		g.BlockStream(flood, network.DirInbound)
		g.BlockStream(flood, network.DirOutbound) // ours: not the peer's doing
	}
	if !g.InterceptSecured(network.DirInbound, flood, nil) {
		t.Fatalf("banned after %d refusals, the limit is %d", StrikeLimit-1, StrikeLimit)
	}
	g.BlockServicePeer("svc", flood)
	if g.InterceptSecured(network.DirInbound, flood, nil) || g.InterceptPeerDial(flood) {
		t.Fatal("not banned after StrikeLimit refusals")
	}
	select {
	case p := <-closed:
		if p != flood {
			t.Fatalf("closed %s", p)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the flooding peer's connections were not closed")
	}
	if !g.InterceptSecured(network.DirInbound, other, nil) {
		t.Fatal("another peer is refused")
	}
	for i := 0; i < 2*StrikeLimit; i++ {
		g.BlockProtocolPeer("/p", slow)
		now = now.Add(2 * StrikeWindow / StrikeLimit)
	}
	if !g.InterceptSecured(network.DirInbound, slow, nil) {
		t.Fatal("a peer refused now and then was banned")
	}
	now = now.Add(BanTime)
	if !g.InterceptSecured(network.DirInbound, flood, nil) {
		t.Fatal("still banned after BanTime")
	}
}
