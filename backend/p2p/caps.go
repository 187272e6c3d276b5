package p2p

import (
	"context"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"sort"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/aria-node/aria/backend/wire"
)

// Capabilities is what a node advertises: the models it holds (by SHA-256) and the layers of
// each, its kernels and measured speed, its free memory and whether it works for others now.
type Capabilities struct {
	Version      string     `cbor:"1,keyasint" json:"version"`
	Models       []ModelCap `cbor:"2,keyasint" json:"models"`
	Kernels      string     `cbor:"3,keyasint" json:"kernels"`
	Threads      int        `cbor:"4,keyasint" json:"threads"`
	TokensPerSec float64    `cbor:"5,keyasint" json:"tokens_per_s"` // measured decode speed (0: unknown)
	MsPerLayer   float64    `cbor:"6,keyasint" json:"ms_per_layer"` // per token, measured (0: unknown)
	FreeMemory   uint64     `cbor:"7,keyasint" json:"free_memory"`
	Contributing bool       `cbor:"8,keyasint" json:"contributing"`
	QueueLength  int        `cbor:"9,keyasint" json:"queue_length"`
}

// ModelCap is one model a node holds.
type ModelCap struct {
	SHA256 string `cbor:"1,keyasint" json:"sha256"`
	Name   string `cbor:"2,keyasint" json:"name"`
	Layers int    `cbor:"3,keyasint" json:"layers"`
	From   int    `cbor:"4,keyasint" json:"from"` // layer range held
	To     int    `cbor:"5,keyasint" json:"to"`
	Bytes  int64  `cbor:"6,keyasint" json:"bytes"`
}

// maxModels bounds the models one advertisement may list.
const maxModels = 1024

// The plausible range of a time per layer per token, in ms (the pipeline planner clamps to the
// same): a peer advertising less would win every layer of a route, and 5e-324 would make the
// planner's split NaN.
const (
	minMsPerLayer = 1e-3
	maxMsPerLayer = 1e4
)

// clamp brings a valid advertisement's measured speed into the plausible range (0: unknown).
func (c *Capabilities) clamp() {
	if c.MsPerLayer > 0 {
		c.MsPerLayer = min(max(c.MsPerLayer, minMsPerLayer), maxMsPerLayer)
	}
}

// validate rejects what would mislead route planning; a peer sending it is ignored.
func (c *Capabilities) validate() error {
	if len(c.Models) > maxModels {
		return fmt.Errorf("%d models, limit %d", len(c.Models), maxModels)
	}
	for _, f := range []float64{c.TokensPerSec, c.MsPerLayer} {
		if math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
			return fmt.Errorf("speed %v is not a finite non-negative number", f)
		}
	}
	if c.Threads < 0 || c.QueueLength < 0 {
		return fmt.Errorf("negative threads (%d) or queue length (%d)", c.Threads, c.QueueLength)
	}
	for i, m := range c.Models {
		if b, err := hex.DecodeString(m.SHA256); err != nil || len(b) != 32 {
			return fmt.Errorf("model %d: hash %q is not a SHA-256 in hex", i, m.SHA256)
		}
		if m.Layers < 0 || m.From < 0 || m.From > m.To || m.To > m.Layers || m.Bytes < 0 {
			return fmt.Errorf("model %d: layers [%d, %d) of %d and %d bytes do not add up", i, m.From, m.To, m.Layers, m.Bytes)
		}
	}
	return nil
}

// decodeCaps reads and checks one advertisement.
func decodeCaps(r *wire.Reader) (Capabilities, error) {
	var c Capabilities
	if err := r.Read(&c); err != nil {
		return Capabilities{}, err
	}
	if err := c.validate(); err != nil {
		return Capabilities{}, fmt.Errorf("invalid capabilities: %w", err)
	}
	c.clamp()
	return c, nil
}

// PeerInfo is a known peer and its latest capabilities.
type PeerInfo struct {
	ID    peer.ID      `json:"id"`
	Addrs []string     `json:"addrs"`
	Caps  Capabilities `json:"caps"`
	// LatencyMs is the round trip to the peer (libp2p's moving average of its pings; 0: not
	// measured yet).
	LatencyMs float64   `json:"latency_ms"`
	Seen      time.Time `json:"seen"` // when its capabilities were last fetched
	// Connection is how this node reaches it: Direct, or Relayed through a third node.
	Connection string `json:"connection"`
}

// How a peer is reached (PeerInfo.Connection).
const (
	Direct  = "direct"  // at least one connection goes straight to the peer
	Relayed = "relayed" // every connection goes through a circuit relay (a limited connection)
)

// connection is how this node reaches p now ("" when it has no connection to it).
func (n *Node) connection(p peer.ID) string {
	conns := n.h.Network().ConnsToPeer(p)
	if len(conns) == 0 {
		return ""
	}
	for _, c := range conns {
		if _, err := c.RemoteMultiaddr().ValueForProtocol(ma.P_CIRCUIT); err != nil && !c.Stat().Limited {
			return Direct
		}
	}
	return Relayed
}

// HasModel reports whether the peer holds the whole model with this SHA-256.
func (p PeerInfo) HasModel(sha string) (ModelCap, bool) {
	for _, m := range p.Caps.Models {
		if m.SHA256 == sha {
			return m, true
		}
	}
	return ModelCap{}, false
}

// SetCapabilities sets what this node answers when asked for its capabilities.
func (n *Node) SetCapabilities(f func() Capabilities) {
	n.mu.Lock()
	n.provider = f
	n.mu.Unlock()
}

// OnChange registers f to be called (on its own goroutine) when a peer joins, leaves or changes
// its capabilities.
func (n *Node) OnChange(f func()) {
	n.mu.Lock()
	n.watchers = append(n.watchers, f)
	n.mu.Unlock()
}

// Peers returns the peers whose capabilities are known and fresh, fastest first.
func (n *Node) Peers() []PeerInfo {
	n.mu.Lock()
	out := make([]PeerInfo, 0, len(n.peers))
	for _, p := range n.peers {
		out = append(out, *p)
	}
	n.mu.Unlock()
	for i := range out {
		if l := n.h.Peerstore().LatencyEWMA(out[i].ID); l > 0 {
			out[i].LatencyMs = float64(l.Microseconds()) / 1000
		}
		if c := n.connection(out[i].ID); c != "" {
			out[i].Connection = c
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Refresh asks every connected peer for its capabilities now (the node does so on its own
// every CapsInterval; call it after a change the user is waiting to see).
func (n *Node) Refresh() {
	for _, p := range n.h.Network().Peers() {
		n.fetchSoon(p)
	}
}

func (n *Node) serveCaps(st network.Stream) {
	defer st.Close()
	n.mu.Lock()
	f := n.provider
	n.mu.Unlock()
	c := Capabilities{Version: n.cfg.Version}
	if f != nil {
		c = f()
	}
	_ = st.SetWriteDeadline(time.Now().Add(10 * time.Second))
	_ = wire.Write(st, c)
}

// maxCapsFrame bounds a peer's capability message.
const maxCapsFrame = 64 << 10

func (n *Node) fetchSoon(p peer.ID) {
	n.mu.Lock()
	if n.fetching[p] || n.ctx.Err() != nil {
		n.mu.Unlock()
		return
	}
	n.fetching[p] = true
	n.wg.Add(1)
	n.mu.Unlock()
	go func() {
		defer n.wg.Done()
		err := n.fetch(p)
		n.mu.Lock()
		delete(n.fetching, p)
		n.mu.Unlock()
		if err != nil {
			n.log.Debug("capabilities not fetched", "peer", p.String(), "err", err)
		}
	}()
}

func (n *Node) fetch(p peer.ID) error {
	ctx, cancel := context.WithTimeout(n.ctx, 10*time.Second)
	defer cancel()
	st, err := n.h.NewStream(network.WithAllowLimitedConn(ctx, "caps"), p, protocol.ID(CapsProtocol))
	if err != nil {
		return err // not an ARIA node, or gone
	}
	defer st.Close()
	_ = st.SetReadDeadline(time.Now().Add(10 * time.Second))
	c, err := decodeCaps(wire.NewReader(st, maxCapsFrame))
	if err != nil {
		_ = st.Reset()
		n.log.Info("peer sent unreadable capabilities; ignored", "peer", p.String(), "err", err)
		return err
	}
	var addrs []string
	for _, a := range n.h.Peerstore().Addrs(p) {
		addrs = append(addrs, a.String())
	}
	n.ping(ctx, p)
	conn := n.connection(p)
	if conn == "" {
		return nil // gone meanwhile: disconnected has removed it, and it must not come back
	}
	n.mu.Lock()
	old, had := n.peers[p]
	changed := !had || !sameCaps(old.Caps, c) || old.Connection != conn
	n.peers[p] = &PeerInfo{ID: p, Addrs: addrs, Caps: c, Seen: time.Now(), Connection: conn}
	n.mu.Unlock()
	if changed {
		n.notify()
	}
	return nil
}

// ping measures the round trip to p once, into the peerstore's moving average (Peers reads it):
// without it only the DHT's requests would, and a node off the DHT would show no latency.
func (n *Node) ping(ctx context.Context, p peer.ID) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if r, ok := <-ping.Ping(ctx, n.h, p); ok && r.Error != nil {
		n.log.Debug("ping failed", "peer", p.String(), "err", r.Error)
	}
}

func sameCaps(a, b Capabilities) bool {
	x, err1 := wire.Marshal(a)
	y, err2 := wire.Marshal(b)
	return err1 == nil && err2 == nil && string(x) == string(y)
}

func (n *Node) disconnected(p peer.ID) {
	if n.h.Network().Connectedness(p) == network.Connected {
		return // another connection is still up
	}
	n.mu.Lock()
	_, had := n.peers[p]
	delete(n.peers, p)
	n.mu.Unlock()
	if had {
		n.notify()
	}
}

func (n *Node) notify() {
	n.mu.Lock()
	ws := append([]func(){}, n.watchers...)
	n.mu.Unlock()
	for _, w := range ws {
		go w()
	}
}

// refreshLoop refetches capabilities and drops those not refreshed within the TTL.
func (n *Node) refreshLoop() {
	defer n.wg.Done()
	t := time.NewTicker(n.cfg.CapsInterval)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		n.Refresh()
		cut := time.Now().Add(-n.cfg.CapsTTL)
		expired := false
		n.mu.Lock()
		for id, p := range n.peers {
			if p.Seen.Before(cut) {
				delete(n.peers, id)
				expired = true
			}
		}
		n.mu.Unlock()
		if expired {
			n.notify()
		}
	}
}

// Holders are the connected contributing peers that hold layers [from, to) of the model with
// this SHA-256 (see Holding).
func (n *Node) Holders(sha string, from, to int, exclude []peer.ID) []PeerInfo {
	return Holding(n.Peers(), sha, from, to, exclude)
}

// Holding are the contributing peers among peers that hold layers [from, to) of the model with
// this SHA-256 (to < 0: up to its last layer; from < 0: any part of it), except the excluded ones.
func Holding(peers []PeerInfo, sha string, from, to int, exclude []peer.ID) []PeerInfo {
	var out []PeerInfo
	for _, p := range peers {
		m, ok := p.HasModel(sha)
		if !ok || !p.Caps.Contributing || slices.Contains(exclude, p.ID) {
			continue
		}
		hi := to
		if hi < 0 {
			hi = m.Layers
		}
		if from >= 0 && (m.From > from || m.To < hi) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// FindHolders looks the model up in the DHT when no connected peer holds any of it, connects
// to the providers and waits (at most 5 s) until one of them has advertised it.
func (n *Node) FindHolders(ctx context.Context, sha string) {
	if len(n.Holders(sha, -1, 0, nil)) > 0 {
		return
	}
	fctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	found, err := n.FindProviders(fctx, sha, 8)
	if err != nil || len(found) == 0 {
		return
	}
	for _, ai := range found {
		_ = n.Host().Connect(fctx, ai) // a connection fetches the peer's capabilities
	}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for len(n.Holders(sha, -1, 0, nil)) == 0 {
		select {
		case <-fctx.Done():
			return
		case <-tick.C:
		}
	}
}
