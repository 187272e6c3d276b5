package pipeline

import (
	"context"
	"encoding/binary"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/wire"
)

// frameHeader is the start of a frame announcing n bytes.
func frameHeader(n int) []byte {
	var hdr [binary.MaxVarintLen64]byte
	return hdr[:binary.PutUvarint(hdr[:], uint64(n))]
}

// readReply reads one answer within d.
func readReply(t *testing.T, st network.Stream, d time.Duration, v any) error {
	t.Helper()
	_ = st.SetReadDeadline(time.Now().Add(d))
	return wire.NewReader(st, 0).Read(v)
}

// A node that does not contribute refuses a peer before reading its first message: a frame
// announcing 16 MiB is answered with a refusal while only a small part of it has been sent.
func TestRefusalBeforeReadingTheOpening(t *testing.T) {
	ctx := context.Background()
	coord, off := newNode(t, nil), newNode(t, refuse{})
	connect(t, coord.h, off.h)
	for _, proto := range []string{LayersProtocol, GenerateProtocol} {
		t.Run(proto, func(t *testing.T) {
			st, err := coord.h.NewStream(ctx, off.h.ID(), protocol.ID(proto))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Reset()
			if _, err := st.Write(append(frameHeader(wire.MaxFrame), make([]byte, 4096)...)); err != nil {
				t.Fatal(err)
			}
			var op, code string
			if proto == LayersProtocol {
				var m layerMsg
				err = readReply(t, st, 3*time.Second, &m)
				op, code = m.Op, m.Code
			} else {
				var m genMsg
				err = readReply(t, st, 3*time.Second, &m)
				op, code = m.Op, m.Code
			}
			if err != nil {
				t.Fatalf("no answer after 4 KiB of a 16 MiB opening: %v", err)
			}
			if op != opError || code != CodeRefused {
				t.Fatalf("answer %s (%s), want a refusal", op, code)
			}
		})
	}
}

// An admitted stage's frames are bounded by what it can need: a step frame larger than a full
// batch of its width is refused with CodeTooLarge before it is read.
func TestStepFrameOverTheStageCapIsRefused(t *testing.T) {
	ctx := context.Background()
	_, sha := testModel(t)
	coord, srv := newNode(t, nil), newNode(t, nil)
	connect(t, coord.h, srv.h)
	st, err := coord.h.NewStream(ctx, srv.h.ID(), protocol.ID(LayersProtocol))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Reset()
	// An opening carries no hidden state: one announcing 16 MiB is refused too.
	big, err := coord.h.NewStream(ctx, srv.h.ID(), protocol.ID(LayersProtocol))
	if err != nil {
		t.Fatal(err)
	}
	defer big.Reset()
	if _, err := big.Write(append(frameHeader(wire.MaxFrame), make([]byte, 4096)...)); err != nil {
		t.Fatal(err)
	}
	var first layerMsg
	if err := readReply(t, big, 3*time.Second, &first); err != nil || first.Op != opError || first.Code != CodeTooLarge {
		t.Fatalf("oversized opening answered %+v, %v; want %s", first, err, CodeTooLarge)
	}
	if err := wire.Write(st, layerMsg{Op: opOpen, Model: sha, From: 0, To: 2, NCtx: 8}); err != nil {
		t.Fatal(err)
	}
	var m layerMsg
	if err := readReply(t, st, 5*time.Second, &m); err != nil || m.Op != opOK {
		t.Fatalf("open: %+v, %v", m, err)
	}
	// 8 positions of the model's width fit in a few KiB; announce 16 MiB.
	if _, err := st.Write(append(frameHeader(wire.MaxFrame), make([]byte, 4096)...)); err != nil {
		t.Fatal(err)
	}
	m = layerMsg{}
	if err := readReply(t, st, 3*time.Second, &m); err != nil {
		t.Fatalf("no answer to an oversized step: %v", err)
	}
	if m.Op != opError || m.Code != CodeTooLarge {
		t.Fatalf("answer %+v, want an error with code %s", m, CodeTooLarge)
	}
}

// Heap held by a server while 50 streams each send all but the last byte of a maximal frame:
// nothing of the sort may be buffered (contributing off, or before an opening is read).
func TestOversizedFramesHoldNoMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("sends 800 MiB over loopback")
	}
	ctx := context.Background()
	coord, off := newNode(t, nil), newNode(t, refuse{})
	connect(t, coord.h, off.h)
	const streams = 50
	frame := append(frameHeader(wire.MaxFrame), make([]byte, wire.MaxFrame-1)...)
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	before := heap()
	var wg sync.WaitGroup
	var mu sync.Mutex
	var opened []network.Stream
	for range streams {
		st, err := coord.h.NewStream(ctx, off.h.ID(), protocol.ID(LayersProtocol))
		if err != nil {
			t.Fatal(err)
		}
		mu.Lock()
		opened = append(opened, st)
		mu.Unlock()
		wg.Add(1)
		done := make(chan struct{}, 2)
		go func() { // sends the frame; ends when it is sent or the server answered
			_ = st.SetWriteDeadline(time.Now().Add(60 * time.Second))
			_, _ = st.Write(frame)
			done <- struct{}{}
		}()
		go func() {
			var m layerMsg
			_ = readReply(t, st, 60*time.Second, &m)
			done <- struct{}{}
		}()
		go func() { <-done; wg.Done() }()
	}
	wg.Wait()
	time.Sleep(200 * time.Millisecond) // let the server read what it will
	after := heap()
	grown := int64(after) - int64(before)
	t.Logf("heap in use: %d MiB before, %d MiB with %d streams each sending %d MiB - 1 byte (grown %d MiB)",
		before>>20, after>>20, streams, wire.MaxFrame>>20, grown>>20)
	for _, st := range opened {
		_ = st.Reset()
	}
	if grown > 64<<20 {
		t.Fatalf("the server holds %d MiB for frames it should not read", grown>>20)
	}
}
