package p2p

import (
	"bytes"
	"encoding/binary"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/aria-node/aria/backend/wire"
)

func frame(t testing.TB, c Capabilities) []byte {
	var b bytes.Buffer
	if err := wire.Write(&b, c); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// Advertisements that would mislead route planning are refused.
func TestCapsValidation(t *testing.T) {
	good := ModelCap{SHA256: strings.Repeat("ab", 32), Name: "m", Layers: 30, From: 0, To: 30, Bytes: 1 << 30}
	with := func(f func(*Capabilities)) Capabilities {
		c := Capabilities{Models: []ModelCap{good}, TokensPerSec: 20, MsPerLayer: 1.5, Threads: 2}
		f(&c)
		return c
	}
	cases := []struct {
		name string
		c    Capabilities
		ok   bool
	}{
		{"good", with(func(*Capabilities) {}), true},
		{"no models", Capabilities{}, true},
		{"NaN speed", with(func(c *Capabilities) { c.MsPerLayer = math.NaN() }), false},
		{"infinite speed", with(func(c *Capabilities) { c.TokensPerSec = math.Inf(1) }), false},
		{"negative threads", with(func(c *Capabilities) { c.Threads = -1 }), false},
		{"short hash", with(func(c *Capabilities) { c.Models[0].SHA256 = "abcd" }), false},
		{"range past the model", with(func(c *Capabilities) { c.Models[0].To = 31 }), false},
		{"reversed range", with(func(c *Capabilities) { c.Models[0].From = 20; c.Models[0].To = 10 }), false},
		{"too many models", with(func(c *Capabilities) { c.Models = make([]ModelCap, maxModels+1) }), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decodeCaps(wire.NewReader(bytes.NewReader(frame(t, tc.c)), maxCapsFrame))
			if (err == nil) != tc.ok {
				t.Fatalf("error %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func FuzzDecodeCaps(f *testing.F) {
	f.Add(frame(f, Capabilities{Version: "v", Models: []ModelCap{{SHA256: strings.Repeat("0f", 32), Layers: 2, To: 2}}}))
	f.Add(frame(f, Capabilities{}))
	f.Add([]byte{0x03, 0xff, 0xff, 0xff})
	f.Add(binary.AppendUvarint(nil, 1<<40))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := decodeCaps(wire.NewReader(bytes.NewReader(b), maxCapsFrame))
		if err != nil {
			return
		}
		again, err := decodeCaps(wire.NewReader(bytes.NewReader(frame(t, c)), maxCapsFrame))
		if err != nil || !reflect.DeepEqual(c, again) {
			t.Fatalf("accepted capabilities change in a round trip: %+v → %+v (%v)", c, again, err)
		}
	})
}

// A speed no machine has is clamped to the plausible range of milliseconds per layer, so a peer
// cannot win every layer of a route (or break its split) by advertising one.
func TestCapsSpeedsAreClamped(t *testing.T) {
	good := ModelCap{SHA256: strings.Repeat("ab", 32), Name: "m", Layers: 30, From: 0, To: 30, Bytes: 1 << 30}
	cases := []struct{ ms, want float64 }{
		{5e-324, 1e-3}, {1e-300, 1e-3}, {1e-4, 1e-3}, {1e-3, 1e-3}, {1.5, 1.5}, {1e4, 1e4}, {1e9, 1e4}, {0, 0},
	}
	for _, tc := range cases {
		c, err := decodeCaps(wire.NewReader(bytes.NewReader(frame(t, Capabilities{Models: []ModelCap{good}, MsPerLayer: tc.ms})), maxCapsFrame))
		if err != nil {
			t.Fatalf("%g ms per layer: %v", tc.ms, err)
		}
		if c.MsPerLayer != tc.want {
			t.Fatalf("%g ms per layer advertised, %g kept; want %g", tc.ms, c.MsPerLayer, tc.want)
		}
	}
}
