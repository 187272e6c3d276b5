package p2p

import (
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	ma "github.com/multiformats/go-multiaddr"
)

// A peer whose streams the resource manager keeps refusing is flooding: refusing each stream
// still costs the node its decryption, its bookkeeping and its reset, as much CPU as the peer
// spends opening it. Past StrikeLimit refusals within StrikeWindow the peer is disconnected and
// its connections are refused for BanTime; a peer within its limits is never refused a stream,
// so it never gets there.
const (
	StrikeLimit  = 256
	StrikeWindow = 10 * time.Second
	BanTime      = time.Minute
)

// guard counts the resource manager's refusals per peer (it is the manager's metrics
// reporter) and bans the peers past StrikeLimit (it is the host's connection gater).
type guard struct {
	mu      sync.Mutex
	strikes map[peer.ID]*strikes
	banned  map[peer.ID]time.Time // until when
	close   func(peer.ID)         // ends a peer's connections (set once the host exists)
	now     func() time.Time
}

type strikes struct {
	since time.Time
	n     int
}

func newGuard() *guard {
	return &guard{strikes: map[peer.ID]*strikes{}, banned: map[peer.ID]time.Time{}, now: time.Now}
}

func (g *guard) strike(p peer.ID) {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	s := g.strikes[p]
	if s == nil || now.Sub(s.since) > StrikeWindow {
		if len(g.strikes) > 1024 {
			g.prune(now)
		}
		s = &strikes{since: now}
		g.strikes[p] = s
	}
	if s.n++; s.n < StrikeLimit {
		return
	}
	delete(g.strikes, p)
	g.banned[p] = now.Add(BanTime)
	if g.close != nil {
		// Not here: the resource manager is inside its own call.
		go g.close(p)
	}
}

// prune drops expired strikes and bans; the caller holds g.mu.
func (g *guard) prune(now time.Time) {
	for p, s := range g.strikes {
		if now.Sub(s.since) > StrikeWindow {
			delete(g.strikes, p)
		}
	}
	for p, until := range g.banned {
		if now.After(until) {
			delete(g.banned, p)
		}
	}
}

func (g *guard) allowed(p peer.ID) bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	until, ok := g.banned[p]
	if ok && g.now().After(until) {
		delete(g.banned, p)
		return true
	}
	return !ok
}

func (g *guard) setClose(f func(peer.ID)) {
	g.mu.Lock()
	g.close = f
	g.mu.Unlock()
}

// The refusals that are a peer's own doing: its streams past its limits.
func (g *guard) BlockStream(p peer.ID, dir network.Direction) {
	if dir == network.DirInbound {
		g.strike(p)
	}
}
func (g *guard) BlockProtocolPeer(_ protocol.ID, p peer.ID) { g.strike(p) }
func (g *guard) BlockServicePeer(_ string, p peer.ID)       { g.strike(p) }

func (g *guard) AllowConn(network.Direction, bool)      {}
func (g *guard) BlockConn(network.Direction, bool)      {}
func (g *guard) AllowStream(peer.ID, network.Direction) {}
func (g *guard) AllowPeer(peer.ID)                      {}
func (g *guard) BlockPeer(peer.ID)                      {}
func (g *guard) AllowProtocol(protocol.ID)              {}
func (g *guard) BlockProtocol(protocol.ID)              {}
func (g *guard) AllowService(string)                    {}
func (g *guard) BlockService(string)                    {}
func (g *guard) AllowMemory(int)                        {}
func (g *guard) BlockMemory(int)                        {}

// The connection gater: a banned peer is neither dialled nor let in.
func (g *guard) InterceptPeerDial(p peer.ID) bool                 { return g.allowed(p) }
func (g *guard) InterceptAddrDial(p peer.ID, _ ma.Multiaddr) bool { return g.allowed(p) }
func (g *guard) InterceptAccept(network.ConnMultiaddrs) bool      { return true }
func (g *guard) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) {
	return true, 0
}
func (g *guard) InterceptSecured(_ network.Direction, p peer.ID, _ network.ConnMultiaddrs) bool {
	return g.allowed(p)
}
