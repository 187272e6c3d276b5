package p2p

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

const (
	heldProtocol = "/aria-test/held/1.0.0" // a service's protocol: each stream is held open
	bigProtocol  = "/aria-test/big/1.0.0"  // the service's, each stream reserving bigFrame
	freeProtocol = "/aria-test/free/1.0.0" // no service: only the peer's own limits apply
	testService  = "aria-test"
	heldStreams  = 3
	bigFrame     = 400 << 10
)

// holdHandler admits a stream into the service (reserving frame bytes on it when frame > 0),
// answers one byte and holds the stream until the peer closes it, as a handler of a long
// stream does. Refusals reset the stream with the resource manager's code, as libp2p's own
// handlers do.
func holdHandler(service string, frame int) network.StreamHandler {
	return func(st network.Stream) {
		if service != "" {
			if err := st.Scope().SetService(service); err != nil {
				_ = st.ResetWithError(network.StreamResourceLimitExceeded)
				return
			}
		}
		if frame > 0 {
			if err := st.Scope().ReserveMemory(frame, network.ReservationPriorityAlways); err != nil {
				_ = st.ResetWithError(network.StreamResourceLimitExceeded)
				return
			}
			defer st.Scope().ReleaseMemory(frame)
		}
		if _, err := st.Write([]byte{1}); err != nil {
			_ = st.Reset()
			return
		}
		_, _ = io.Copy(io.Discard, st)
		_ = st.Close()
	}
}

func plainHost(t *testing.T) host.Host {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableRelay())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// openStreams opens n streams of proto from h to p and waits for each one's first byte. It
// returns the streams answered and how many were refused by a resource limit of the remote; any
// other failure fails the test.
func openStreams(t *testing.T, h host.Host, p peer.ID, proto string, n int) (held []network.Stream, refused int) {
	t.Helper()
	for i := 0; i < n; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		st, err := h.NewStream(ctx, p, protocol.ID(proto))
		cancel()
		if err == nil {
			_ = st.SetReadDeadline(time.Now().Add(10 * time.Second))
			var b [1]byte
			if _, err = io.ReadFull(st, b[:]); err == nil {
				_ = st.SetReadDeadline(time.Time{})
				held = append(held, st)
				continue
			}
			_ = st.Reset()
		}
		if se, ok := errors.AsType[*network.StreamError](err); ok && se.Remote && se.ErrorCode == network.StreamResourceLimitExceeded {
			refused++
			continue
		}
		t.Fatalf("stream %d of %s: %v, want an answer or a refusal for a resource limit", i, proto, err)
	}
	return held, refused
}

func closeAll(sts []network.Stream) {
	for _, st := range sts {
		_ = st.Close()
	}
}

// The resource manager refuses a peer's streams beyond its per-peer limits, before any handler
// runs: the streams of a service past its PeerStreams, the memory of its frames past its
// PeerMemory, and all streams past PeerStreamsInbound. Another peer is served meanwhile.
func TestPerPeerLimitsRefuseExtraStreams(t *testing.T) {
	srv := start(t, Config{Services: []Service{{Name: testService, Protocols: []string{heldProtocol, bigProtocol},
		PeerStreams: heldStreams, PeerMemory: 2*bigFrame + bigFrame/2}}})
	srv.Host().SetStreamHandler(heldProtocol, holdHandler(testService, 0))
	srv.Host().SetStreamHandler(bigProtocol, holdHandler(testService, bigFrame))
	srv.Host().SetStreamHandler(freeProtocol, holdHandler("", 0))
	a, b := plainHost(t), plainHost(t)
	for _, h := range []host.Host{a, b} {
		if err := h.Connect(context.Background(), peer.AddrInfo{ID: srv.ID(), Addrs: srv.Host().Addrs()}); err != nil {
			t.Fatal(err)
		}
	}

	held, refused := openStreams(t, a, srv.ID(), heldProtocol, 10)
	if len(held) != heldStreams || refused != 10-heldStreams {
		t.Fatalf("a peer opening 10 streams of a service of %d per peer: %d answered, %d refused", heldStreams, len(held), refused)
	}
	other, refused := openStreams(t, b, srv.ID(), heldProtocol, heldStreams)
	if len(other) != heldStreams || refused != 0 {
		t.Fatalf("another peer meanwhile: %d of %d answered", len(other), heldStreams)
	}
	closeAll(other)
	// One stream ends: the peer may open one again (once the node has seen it end).
	_ = held[0].Close()
	deadline := time.Now().Add(10 * time.Second)
	for {
		again, _ := openStreams(t, a, srv.ID(), heldProtocol, 1)
		if len(again) == 1 {
			held[0] = again[0]
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no stream of the service after one of the peer's ended")
		}
		time.Sleep(20 * time.Millisecond)
	}
	closeAll(held)

	// Memory: each stream of bigProtocol reserves bigFrame; two and a half fit the service's
	// per-peer memory.
	big, refused := openStreams(t, a, srv.ID(), bigProtocol, heldStreams)
	if len(big) != 2 || refused != heldStreams-2 {
		t.Fatalf("streams reserving %d bytes each under %d per peer: %d answered, %d refused", bigFrame, 2*bigFrame+bigFrame/2, len(big), refused)
	}
	closeAll(big)

	// Every protocol together: no more than PeerStreamsInbound open at once (a few of them may
	// be libp2p's own streams, identify's say).
	free, refused := openStreams(t, a, srv.ID(), freeProtocol, PeerStreamsInbound+10)
	if len(free) > PeerStreamsInbound || len(free) < PeerStreamsInbound-4 || refused < 10 {
		t.Fatalf("a peer opening %d streams under a limit of %d: %d answered, %d refused", PeerStreamsInbound+10, PeerStreamsInbound, len(free), refused)
	}
	other, _ = openStreams(t, b, srv.ID(), freeProtocol, 4)
	if len(other) != 4 {
		t.Fatalf("another peer while the first holds its limit: %d of 4 streams answered", len(other))
	}
	closeAll(other)
	closeAll(free)
}
