package wire

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
)

type msg struct {
	Kind   string    `cbor:"1,keyasint"`
	N      int       `cbor:"2,keyasint"`
	Hidden []float32 `cbor:"3,keyasint"`
	Raw    []byte    `cbor:"4,keyasint"`
}

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	in := []msg{{Kind: "a", N: 1, Hidden: []float32{1.5, -2, 3e-9}}, {Kind: "b", Raw: []byte{1, 2, 3}}}
	for _, m := range in {
		if err := Write(&buf, m); err != nil {
			t.Fatal(err)
		}
	}
	r := NewReader(&buf, 0)
	for _, want := range in {
		var got msg
		if err := r.Read(&got); err != nil {
			t.Fatal(err)
		}
		if got.Kind != want.Kind || got.N != want.N || len(got.Hidden) != len(want.Hidden) || !bytes.Equal(got.Raw, want.Raw) {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		for i := range want.Hidden {
			if got.Hidden[i] != want.Hidden[i] {
				t.Fatalf("hidden[%d] = %v, want %v (floats must cross the wire exactly)", i, got.Hidden[i], want.Hidden[i])
			}
		}
	}
	var m msg
	if err := r.Read(&m); err != io.EOF {
		t.Fatalf("after the last frame: %v, want io.EOF", err)
	}
}

func TestBadInput(t *testing.T) {
	good := func() []byte {
		var b bytes.Buffer
		if err := Write(&b, msg{Kind: "x", Hidden: make([]float32, 100)}); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	huge := binary.AppendUvarint(nil, 1<<40)
	dup := append(binary.AppendUvarint(nil, 7), 0xa2, 0x01, 0x61, 'a', 0x01, 0x61, 'b') // {1:"a",1:"b"}
	cases := []struct {
		name string
		in   []byte
		max  int
		want error
	}{
		{"empty stream", nil, 0, io.EOF},
		{"cut inside a frame", good()[:20], 0, io.ErrUnexpectedEOF},
		{"length beyond the limit", huge, 0, ErrTooLarge},
		{"frame beyond a reader's limit", good(), 64, ErrTooLarge},
		{"duplicate key", dup, 0, nil},
		{"not CBOR", append(binary.AppendUvarint(nil, 3), 0xff, 0xff, 0xff), 0, nil},
		{"wrong type", func() []byte { var b bytes.Buffer; _ = Write(&b, []string{"x"}); return b.Bytes() }(), 0, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var m msg
			err := NewReader(bytes.NewReader(c.in), c.max).Read(&m)
			if err == nil {
				t.Fatal("no error")
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("error %v, want %v", err, c.want)
			}
		})
	}
}

func TestWriteRefusesOversize(t *testing.T) {
	err := Write(io.Discard, msg{Raw: make([]byte, MaxFrame+1)})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("error %v, want ErrTooLarge", err)
	}
}

func FuzzRead(f *testing.F) {
	var b bytes.Buffer
	_ = Write(&b, msg{Kind: "seed", N: 3, Hidden: []float32{1, 2}})
	f.Add(b.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReader(bytes.NewReader(in), 1<<16)
		for i := 0; i < 4; i++ {
			var m msg
			if r.Read(&m) != nil {
				return
			}
		}
	})
}
