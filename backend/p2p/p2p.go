// Package p2p is the node's libp2p peer: identity, transports (TCP, QUIC; Noise or TLS), the
// resource manager, NAT traversal (AutoNAT, port mapping, circuit relay v2, hole punching),
// discovery (mDNS on the LAN, a Kademlia DHT with configurable bootstrap peers for the
// internet), model lookup through DHT provider records, and capability advertisement over
// /aria/caps/1.0.0. The inference protocols run on Host() (backend/pipeline).
package p2p

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/ipfs/go-cid"
	"github.com/libp2p/go-libp2p"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/core/routing"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
	drouting "github.com/libp2p/go-libp2p/p2p/discovery/routing"
	dutil "github.com/libp2p/go-libp2p/p2p/discovery/util"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
	ma "github.com/multiformats/go-multiaddr"
	mh "github.com/multiformats/go-multihash"
)

// Protocol and namespace names.
const (
	CapsProtocol = "/aria/caps/1.0.0"
	Rendezvous   = "aria/v1"
	DHTPrefix    = "/aria"
	MDNSService  = "aria"
)

// Config sets the peer up.
type Config struct {
	DataDir   string         // holds identity.key
	Key       crypto.PrivKey // wins over DataDir (tests)
	Listen    []string       // multiaddrs; default TCP and QUIC on every interface, any port
	Bootstrap []string       // multiaddrs ending in /p2p/ID
	MDNS      bool           // discover peers on the LAN
	DHT       bool           // join the DHT (server mode when reachable)
	DHTServer bool           // always answer DHT queries (bootstrap nodes, tests on loopback)
	// RelayService lets this node relay for peers behind NAT (for nodes with a public address).
	RelayService bool
	NoPortMap    bool // no UPnP/NAT-PMP (tests on loopback)
	Version      string
	Log          *slog.Logger
	CapsInterval time.Duration // how often peers' capabilities are refreshed (default 30 s)
	CapsTTL      time.Duration // when unrefreshed capabilities expire (default 3 × interval)
	// DiscoveryInterval is how often the DHT rendezvous is searched (default 1 min).
	DiscoveryInterval time.Duration
	// Services are the protocol groups served on Host() whose streams the resource manager
	// bounds per peer (backend/p2p/limits.go).
	Services []Service
}

// DefaultListen is where a node listens unless told otherwise.
var DefaultListen = []string{"/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic-v1"}

// Node is a running peer.
type Node struct {
	cfg    Config
	h      host.Host
	dht    *dht.IpfsDHT
	mdns   mdns.Service
	log    *slog.Logger
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu       sync.Mutex
	provider func() Capabilities
	peers    map[peer.ID]*PeerInfo
	watchers []func()
	fetching map[peer.ID]bool
}

// New starts a peer.
func New(ctx context.Context, cfg Config) (*Node, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.CapsInterval <= 0 {
		cfg.CapsInterval = 30 * time.Second
	}
	if cfg.CapsTTL <= 0 {
		cfg.CapsTTL = 3 * cfg.CapsInterval
	}
	if cfg.DiscoveryInterval <= 0 {
		cfg.DiscoveryInterval = time.Minute
	}
	if len(cfg.Listen) == 0 {
		cfg.Listen = DefaultListen
	}
	key := cfg.Key
	if key == nil {
		var err error
		if key, err = LoadOrCreateIdentity(cfg.DataDir); err != nil {
			return nil, err
		}
	}
	for _, a := range cfg.Listen {
		if _, err := ma.NewMultiaddr(a); err != nil {
			return nil, fmt.Errorf("p2p: listen address %q: %w", a, err)
		}
	}
	boot, err := parsePeers(cfg.Bootstrap)
	if err != nil {
		return nil, err
	}
	lim, err := limiter(cfg.Services)
	if err != nil {
		return nil, err
	}
	g := newGuard()
	rm, err := rcmgr.NewResourceManager(lim, rcmgr.WithMetrics(g))
	if err != nil {
		return nil, fmt.Errorf("p2p: resource manager: %w", err)
	}
	cm, err := connmgr.NewConnManager(64, 256, connmgr.WithGracePeriod(time.Minute))
	if err != nil {
		return nil, fmt.Errorf("p2p: connection manager: %w", err)
	}
	n := &Node{cfg: cfg, log: cfg.Log, peers: map[peer.ID]*PeerInfo{}, fetching: map[peer.ID]bool{}}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	opts := []libp2p.Option{
		libp2p.Identity(key),
		libp2p.ListenAddrStrings(cfg.Listen...),
		libp2p.DefaultTransports,
		libp2p.Security(noise.ID, noise.New),
		libp2p.Security(libp2ptls.ID, libp2ptls.New),
		libp2p.ResourceManager(rm),
		libp2p.ConnectionGater(g),
		libp2p.ConnectionManager(cm),
		libp2p.EnableNATService(),
		libp2p.EnableHolePunching(),
		libp2p.EnableRelay(),
		libp2p.UserAgent("aria/" + cfg.Version),
	}
	if !cfg.NoPortMap {
		opts = append(opts, libp2p.NATPortMap())
	}
	if cfg.RelayService {
		opts = append(opts, libp2p.EnableRelayService())
	}
	if cfg.DHT {
		// Relays for a node behind NAT come from the peers the DHT knows.
		opts = append(opts, libp2p.EnableAutoRelayWithPeerSource(n.relayCandidates))
		opts = append(opts, libp2p.Routing(func(h host.Host) (routing.PeerRouting, error) {
			mode := dht.ModeAutoServer
			if cfg.DHTServer {
				mode = dht.ModeServer
			}
			d, err := dht.New(h, dht.ProtocolPrefix(protocol.ID(DHTPrefix)), dht.Mode(mode),
				dht.BootstrapPeers(boot...))
			n.dht = d
			return d, err
		}))
	}
	h, err := libp2p.New(opts...)
	if err != nil {
		n.cancel()
		return nil, fmt.Errorf("p2p: start host: %w", err)
	}
	n.h = h
	g.setClose(func(p peer.ID) {
		n.log.Warn("peer banned for flooding", "peer", p.String(), "for", BanTime)
		_ = h.Network().ClosePeer(p)
	})
	h.SetStreamHandler(protocol.ID(CapsProtocol), n.serveCaps)
	h.Network().Notify(&network.NotifyBundle{
		ConnectedF:    func(_ network.Network, c network.Conn) { n.fetchSoon(c.RemotePeer()) },
		DisconnectedF: func(_ network.Network, c network.Conn) { n.disconnected(c.RemotePeer()) },
	})
	for _, b := range boot {
		cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		if err := h.Connect(cctx, b); err != nil {
			n.log.Warn("bootstrap peer unreachable", "peer", b.ID.String(), "err", err)
		}
		cancel()
	}
	if n.dht != nil {
		if err := n.dht.Bootstrap(n.ctx); err != nil {
			n.log.Warn("dht bootstrap", "err", err)
		}
		n.wg.Add(1)
		go n.rendezvous()
	}
	if cfg.MDNS {
		n.mdns = mdns.NewMdnsService(h, MDNSService, mdnsNotifee{n})
		if err := n.mdns.Start(); err != nil {
			n.log.Warn("mDNS discovery unavailable", "err", err)
			n.mdns = nil
		}
	}
	n.wg.Add(1)
	go n.refreshLoop()
	return n, nil
}

func parsePeers(addrs []string) ([]peer.AddrInfo, error) {
	var out []peer.AddrInfo
	for _, a := range addrs {
		m, err := ma.NewMultiaddr(a)
		if err != nil {
			return nil, fmt.Errorf("p2p: bootstrap address %q: %w", a, err)
		}
		ai, err := peer.AddrInfoFromP2pAddr(m)
		if err != nil {
			return nil, fmt.Errorf("p2p: bootstrap address %q must end in /p2p/<peer ID>: %w", a, err)
		}
		out = append(out, *ai)
	}
	return out, nil
}

// Host is the libp2p host, for the inference protocols.
func (n *Node) Host() host.Host { return n.h }

// ID is the node's peer ID.
func (n *Node) ID() peer.ID { return n.h.ID() }

// Addrs are the node's full multiaddrs (with /p2p/ID), for other nodes' --bootstrap.
func (n *Node) Addrs() []string {
	var out []string
	for _, a := range n.h.Addrs() {
		out = append(out, a.String()+"/p2p/"+n.h.ID().String())
	}
	return out
}

// Connect dials a peer by its full multiaddr.
func (n *Node) Connect(ctx context.Context, addr string) error {
	ai, err := parsePeers([]string{addr})
	if err != nil {
		return err
	}
	if err := n.h.Connect(ctx, ai[0]); err != nil {
		return fmt.Errorf("p2p: connect %s: %w", addr, err)
	}
	return nil
}

// Close stops discovery and the host.
func (n *Node) Close() error {
	n.cancel()
	if n.mdns != nil {
		_ = n.mdns.Close()
	}
	var errs []error
	if n.dht != nil {
		errs = append(errs, n.dht.Close())
	}
	errs = append(errs, n.h.Close())
	n.wg.Wait()
	return errors.Join(errs...)
}

type mdnsNotifee struct{ n *Node }

func (m mdnsNotifee) HandlePeerFound(ai peer.AddrInfo) {
	if ai.ID == m.n.h.ID() {
		return
	}
	ctx, cancel := context.WithTimeout(m.n.ctx, 10*time.Second)
	defer cancel()
	if err := m.n.h.Connect(ctx, ai); err != nil {
		m.n.log.Debug("mDNS peer unreachable", "peer", ai.ID.String(), "err", err)
	}
}

// rendezvous advertises this node under the ARIA namespace of the DHT and connects to the
// others it finds there, so nodes that share only a bootstrap peer meet.
func (n *Node) rendezvous() {
	defer n.wg.Done()
	rd := drouting.NewRoutingDiscovery(n.dht)
	dutil.Advertise(n.ctx, rd, Rendezvous)
	t := time.NewTimer(time.Second)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		ctx, cancel := context.WithTimeout(n.ctx, 30*time.Second)
		found, err := rd.FindPeers(ctx, Rendezvous)
		if err == nil {
			for ai := range found {
				if ai.ID == n.h.ID() || len(ai.Addrs) == 0 || n.h.Network().Connectedness(ai.ID) == network.Connected {
					continue
				}
				if err := n.h.Connect(ctx, ai); err != nil {
					n.log.Debug("rendezvous peer unreachable", "peer", ai.ID.String(), "err", err)
				}
			}
		}
		cancel()
		next := n.cfg.DiscoveryInterval
		if len(n.h.Network().Peers()) < 2 {
			next = min(next, 2*time.Second) // alone: look again soon
		}
		t.Reset(next)
	}
}

// relayCandidates feeds AutoRelay with peers this node is connected to.
func (n *Node) relayCandidates(ctx context.Context, num int) <-chan peer.AddrInfo {
	ch := make(chan peer.AddrInfo, num)
	go func() {
		defer close(ch)
		for _, p := range n.h.Network().Peers() {
			if num == 0 {
				return
			}
			select {
			case ch <- n.h.Peerstore().PeerInfo(p):
				num--
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch
}

// ErrNoDHT is returned by model lookups when the DHT is off.
var ErrNoDHT = errors.New("p2p: the DHT is off")

func modelCID(sha256hex string) (cid.Cid, error) {
	h, err := mh.FromHexString("1220" + sha256hex)
	if err != nil || len(sha256hex) != 64 {
		return cid.Undef, fmt.Errorf("p2p: %q is not a SHA-256 in hex", sha256hex)
	}
	return cid.NewCidV1(cid.Raw, h), nil
}

// Provide announces in the DHT that this node holds the model with this SHA-256.
func (n *Node) Provide(ctx context.Context, sha256hex string) error {
	if n.dht == nil {
		return ErrNoDHT
	}
	c, err := modelCID(sha256hex)
	if err != nil {
		return err
	}
	if err := n.dht.Provide(ctx, c, true); err != nil {
		return fmt.Errorf("p2p: provide model %.12s: %w", sha256hex, err)
	}
	return nil
}

// FindProviders looks up nodes holding the model through the DHT.
func (n *Node) FindProviders(ctx context.Context, sha256hex string, limit int) ([]peer.AddrInfo, error) {
	if n.dht == nil {
		return nil, ErrNoDHT
	}
	c, err := modelCID(sha256hex)
	if err != nil {
		return nil, err
	}
	var out []peer.AddrInfo
	for ai := range n.dht.FindProvidersAsync(ctx, c, limit) {
		if ai.ID != n.h.ID() {
			out = append(out, ai)
		}
	}
	if len(out) == 0 && ctx.Err() != nil {
		return nil, fmt.Errorf("p2p: find model %.12s: %w", sha256hex, ctx.Err())
	}
	return out, nil
}
