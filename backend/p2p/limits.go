package p2p

import (
	"fmt"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/protocol"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
)

// What one remote peer may hold of this node at once, enforced by libp2p's resource manager
// before any handler runs. libp2p's own defaults grow with the machine's memory (hundreds of
// inbound streams and 64 MiB and more per peer), so one peer could take most of the node's
// budget; these are fixed and small, and every other limit keeps libp2p's autoscaled default.
const (
	// PeerConnsInbound bounds the connections a peer may open to us (libp2p's own dialer
	// opens one, a few while it races addresses).
	PeerConnsInbound = 4
	// PeerStreamsInbound bounds the streams a peer may hold open to us over all protocols:
	// identify, ping, the DHT, capabilities and AutoNAT need a few each, the inference
	// protocols at most the Service's PeerStreams. Each inbound stream reserves its 256 KiB
	// receive window (go-yamux's initial window) against the peer's memory below.
	PeerStreamsInbound = 32
	// PeerMemory bounds the memory a peer's connections and streams may reserve: the receive
	// windows of PeerStreamsInbound streams (8 MiB) plus what the inference protocols reserve
	// for the frames they read (16 MiB at most, backend/pipeline/resources.go), with room to
	// spare. A peer over it has its new streams refused (a new stream whose window does not fit
	// ends that peer's connection: go-yamux's rule).
	PeerMemory = 32 << 20
	// capsPeerStreams bounds a peer's concurrent capability requests: one is all it needs.
	capsPeerStreams = 2
)

// Service names a group of protocols this node serves whose streams share a per-peer budget in
// the resource manager. Its handlers must call network.Stream.Scope().SetService(Name) on each
// stream, and reserve there the memory of the frames they read, for the limits to apply.
type Service struct {
	Name      string
	Protocols []string
	// PeerStreams bounds the inbound streams one peer may hold open of each protocol, and of
	// them all together.
	PeerStreams int
	// PeerMemory bounds the memory one peer's streams of the service may reserve.
	PeerMemory int64
}

// limiter gives the resource manager's limits: libp2p's defaults scaled to this machine, its
// own protocols' service limits, and the per-peer limits above and of the services.
func limiter(services []Service) (rcmgr.Limiter, error) {
	scaling := rcmgr.DefaultLimits
	libp2p.SetDefaultServiceLimits(&scaling)
	partial := rcmgr.PartialLimitConfig{
		PeerDefault: rcmgr.ResourceLimits{
			ConnsInbound:   PeerConnsInbound,
			StreamsInbound: PeerStreamsInbound,
			Memory:         PeerMemory,
		},
		ServicePeer:  map[string]rcmgr.ResourceLimits{},
		ProtocolPeer: map[protocol.ID]rcmgr.ResourceLimits{CapsProtocol: {StreamsInbound: capsPeerStreams}},
	}
	for _, s := range services {
		if s.Name == "" || s.PeerStreams <= 0 || s.PeerStreams > PeerStreamsInbound || s.PeerMemory <= 0 || s.PeerMemory > PeerMemory {
			return nil, fmt.Errorf("p2p: service %q: %d streams and %d bytes per peer, want 1..%d and 1..%d",
				s.Name, s.PeerStreams, s.PeerMemory, PeerStreamsInbound, PeerMemory)
		}
		partial.ServicePeer[s.Name] = rcmgr.ResourceLimits{StreamsInbound: rcmgr.LimitVal(s.PeerStreams),
			Memory: rcmgr.LimitVal64(s.PeerMemory)}
		for _, p := range s.Protocols {
			partial.ProtocolPeer[protocol.ID(p)] = rcmgr.ResourceLimits{StreamsInbound: rcmgr.LimitVal(s.PeerStreams)}
		}
	}
	return rcmgr.NewFixedLimiter(partial.Build(scaling.AutoScale())), nil
}
