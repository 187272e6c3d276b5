package p2p

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
)

func TestIdentityPersists(t *testing.T) {
	dir := t.TempDir()
	k1, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	k2, err := LoadOrCreateIdentity(dir)
	if err != nil {
		t.Fatal(err)
	}
	id1, _ := peer.IDFromPrivateKey(k1)
	id2, _ := peer.IDFromPrivateKey(k2)
	if id1 != id2 {
		t.Fatalf("peer ID changed across restarts: %s then %s", id1, id2)
	}
	st, err := os.Stat(filepath.Join(dir, IdentityFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("identity file mode %v, %v; want 0600", st.Mode(), err)
	}
	if err := os.WriteFile(filepath.Join(dir, IdentityFile), []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateIdentity(dir); err == nil {
		t.Fatal("a corrupt identity was accepted (or silently replaced)")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, IdentityFile)); string(b) != "not a key" {
		t.Fatal("the corrupt identity file was overwritten")
	}
}

func start(t *testing.T, cfg Config) *Node {
	t.Helper()
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Listen == nil {
		cfg.Listen = []string{"/ip4/127.0.0.1/tcp/0"}
	}
	cfg.NoPortMap = true
	if cfg.CapsInterval == 0 {
		cfg.CapsInterval = 200 * time.Millisecond
	}
	if cfg.DiscoveryInterval == 0 {
		cfg.DiscoveryInterval = 300 * time.Millisecond
	}
	n, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func knows(n *Node, others ...*Node) bool {
	ids := map[peer.ID]bool{}
	for _, p := range n.Peers() {
		ids[p.ID] = true
	}
	for _, o := range others {
		if !ids[o.ID()] {
			return false
		}
	}
	return true
}

func shaOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Leaves that share only a bootstrap node find each other through the DHT and learn each
// other's capabilities; a model's holder is found through DHT provider records.
func TestDiscoveryThroughTheDHT(t *testing.T) {
	boot := start(t, Config{DHT: true, DHTServer: true})
	var leaves []*Node
	for i := 0; i < 3; i++ {
		n := start(t, Config{DHT: true, DHTServer: true, Bootstrap: boot.Addrs()[:1]})
		name := []string{"a", "b", "c"}[i]
		n.SetCapabilities(func() Capabilities {
			return Capabilities{Version: "test", Kernels: "avx2", Models: []ModelCap{{SHA256: shaOf(name), Name: name, Layers: 4, To: 4}}, Contributing: true}
		})
		leaves = append(leaves, n)
	}
	for i, n := range leaves {
		var others []*Node
		for j, o := range leaves {
			if i != j {
				others = append(others, o)
			}
		}
		eventually(t, "every leaf knows the other leaves", func() bool { return knows(n, others...) })
	}
	p := leaves[0].Peers()
	i := slices.IndexFunc(p, func(p PeerInfo) bool { return p.ID == leaves[1].ID() })
	if _, ok := p[i].HasModel(shaOf("b")); !ok || !p[i].Caps.Contributing || p[i].Caps.Kernels != "avx2" {
		t.Fatalf("capabilities of b as seen by a: %+v", p[i])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := leaves[2].Provide(ctx, shaOf("c")); err != nil {
		t.Fatal(err)
	}
	var found []peer.AddrInfo
	eventually(t, "a finds c as provider of model c", func() bool {
		fctx, fcancel := context.WithTimeout(ctx, 2*time.Second)
		defer fcancel()
		found, _ = leaves[0].FindProviders(fctx, shaOf("c"), 4)
		return len(found) > 0
	})
	if found[0].ID != leaves[2].ID() {
		t.Fatalf("provider %s, want %s", found[0].ID, leaves[2].ID())
	}
	if _, err := leaves[0].FindProviders(ctx, "xyz", 1); err == nil {
		t.Fatal("a malformed hash was accepted")
	}
}

// A change of capabilities reaches peers within the refresh interval; a peer that stops
// answering expires after the TTL; one that disconnects is removed.
func TestCapabilitiesRefreshExpireAndLeave(t *testing.T) {
	a := start(t, Config{})
	b := start(t, Config{})
	c := start(t, Config{})
	contributing := false
	b.SetCapabilities(func() Capabilities { return Capabilities{Contributing: contributing} })
	ctx := context.Background()
	changes := make(chan struct{}, 16)
	a.OnChange(func() { changes <- struct{}{} })
	for _, o := range []*Node{b, c} {
		if err := a.Connect(ctx, o.Addrs()[0]); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "a knows b and c", func() bool { return knows(a, b, c) })
	contributing = true
	eventually(t, "b's new capabilities reach a", func() bool {
		for _, p := range a.Peers() {
			if p.ID == b.ID() {
				return p.Caps.Contributing
			}
		}
		return false
	})
	select {
	case <-changes:
	case <-time.After(5 * time.Second):
		t.Fatal("no change notification")
	}
	b.Host().RemoveStreamHandler(protocol.ID(CapsProtocol)) // b stops answering, stays connected
	eventually(t, "b's capabilities expire", func() bool { return !knows(a, b) })
	if a.Host().Network().Connectedness(b.ID()) != network.Connected {
		t.Fatal("expiry should not need a disconnect")
	}
	c.Close()
	eventually(t, "c is removed when it leaves", func() bool { return !knows(a, c) })
}

// A peer that answers the capabilities protocol with garbage is ignored; the node goes on.
func TestGarbageCapabilities(t *testing.T) {
	a := start(t, Config{})
	bad := start(t, Config{})
	good := start(t, Config{})
	bad.Host().SetStreamHandler(protocol.ID(CapsProtocol), func(st network.Stream) {
		_, _ = st.Write([]byte{0xff, 0xff, 0xff, 0xff, 0x0f, 0xde, 0xad})
		_ = st.Close()
	})
	ctx := context.Background()
	for _, o := range []*Node{bad, good} {
		if err := a.Connect(ctx, o.Addrs()[0]); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "a knows the good peer", func() bool { return knows(a, good) })
	time.Sleep(500 * time.Millisecond) // a few refresh rounds with the bad peer
	if knows(a, bad) {
		t.Fatal("a peer with garbage capabilities is listed")
	}
}

func TestQUICAndBadAddresses(t *testing.T) {
	a := start(t, Config{Listen: []string{"/ip4/127.0.0.1/udp/0/quic-v1"}})
	b := start(t, Config{Listen: []string{"/ip4/127.0.0.1/udp/0/quic-v1"}})
	if err := a.Connect(context.Background(), b.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a knows b over QUIC", func() bool { return knows(a, b) })
	for _, cfg := range []Config{
		{DataDir: t.TempDir(), Listen: []string{"/ip4/nonsense"}},
		{DataDir: t.TempDir(), Bootstrap: []string{"/ip4/127.0.0.1/tcp/1"}}, // no /p2p/ID
	} {
		if n, err := New(context.Background(), cfg); err == nil {
			n.Close()
			t.Fatalf("config %+v accepted", cfg)
		}
	}
}

// mDNS finds a node on the LAN without any address being given.
func TestMDNS(t *testing.T) {
	a := start(t, Config{MDNS: true, Listen: []string{"/ip4/0.0.0.0/tcp/0"}})
	b := start(t, Config{MDNS: true, Listen: []string{"/ip4/0.0.0.0/tcp/0"}})
	deadline := time.Now().Add(15 * time.Second)
	for !knows(a, b) {
		if time.Now().After(deadline) {
			t.Skip("mDNS found nothing in 15 s: this machine's network does not carry multicast between processes' sockets")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// peerSeen is n's view of the peer id (false when n does not list it).
func peerSeen(n *Node, id peer.ID) (PeerInfo, bool) {
	for _, p := range n.Peers() {
		if p.ID == id {
			return p, true
		}
	}
	return PeerInfo{}, false
}

// A peer's round trip is measured (by ping: these nodes are off the DHT, whose requests would
// measure it too) and the way it is reached is told: straight, or through a circuit relay.
func TestPeerLatencyAndConnection(t *testing.T) {
	a := start(t, Config{})
	b := start(t, Config{})
	if err := a.Connect(context.Background(), b.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	eventually(t, "a measures its round trip to b", func() bool {
		p, ok := peerSeen(a, b.ID())
		return ok && p.LatencyMs > 0
	})
	if p, _ := peerSeen(a, b.ID()); p.Connection != Direct || p.Seen.IsZero() {
		t.Fatalf("b as seen by a: connection %q, seen %v; want direct and a time", p.Connection, p.Seen)
	}

	// c reaches b only through a relay r that b reserved a slot on.
	r, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	if _, err := relay.New(r); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ri := peer.AddrInfo{ID: r.ID(), Addrs: r.Addrs()}
	if err := b.Host().Connect(ctx, ri); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Reserve(ctx, b.Host(), ri); err != nil {
		t.Fatal(err)
	}
	c := start(t, Config{})
	if err := c.Connect(ctx, r.Addrs()[0].String()+"/p2p/"+r.ID().String()+"/p2p-circuit/p2p/"+b.ID().String()); err != nil {
		t.Fatal(err)
	}
	eventually(t, "c knows b through the relay", func() bool { _, ok := peerSeen(c, b.ID()); return ok })
	if p, _ := peerSeen(c, b.ID()); p.Connection != Relayed {
		t.Fatalf("b as seen by c: connection %q, want relayed", p.Connection)
	}
	if p, _ := peerSeen(b, c.ID()); p.Connection != Relayed {
		t.Fatalf("c as seen by b: connection %q, want relayed", p.Connection)
	}
}
