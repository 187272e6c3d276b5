package pipeline

import "github.com/aria-node/aria/backend/p2p"

// ServiceName is the name under which the streams of both inference protocols are counted in
// libp2p's resource manager.
const ServiceName = "aria.pipeline"

// peerServiceMemory bounds the frame memory one peer's streams may reserve. The server reserves
// at high priority, which takes at most four fifths of it: room for DefaultPeerStreams steps of
// MaxBatch positions of an 8192-wide model (2 MiB each), or generate requests (under 1 MiB each).
const peerServiceMemory = 20 << 20

// Service is the inference protocols' per-peer budget in the resource manager, for the node's
// libp2p peer (p2p.Config.Services): a peer's streams beyond DefaultPeerStreams, of either
// protocol, are refused before the server sees them, and the frames the server reads are
// reserved there.
var Service = p2p.Service{Name: ServiceName, Protocols: []string{LayersProtocol, GenerateProtocol},
	PeerStreams: DefaultPeerStreams, PeerMemory: peerServiceMemory}
