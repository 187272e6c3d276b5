package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference/fixtures"
)

func TestReadFixture(t *testing.T) {
	f, err := Open(fixtures.Path(t, "bitnet-tiny-tq2_0.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if arch, _ := f.String("general.architecture"); arch != "bitnet" {
		t.Errorf("architecture = %q, want bitnet", arch)
	}
	if n, _ := f.Uint("bitnet.embedding_length"); n != 256 {
		t.Errorf("embedding_length = %d, want 256", n)
	}
	toks, ok := f.Strings("tokenizer.ggml.tokens")
	if !ok || len(toks) != 512 {
		t.Errorf("tokens: %d, want 512", len(toks))
	}
	q, ok := f.Tensor("blk.0.attn_q.weight")
	if !ok {
		t.Fatal("blk.0.attn_q.weight missing")
	}
	if q.Type != TypeTQ2_0 || q.Dims[0] != 256 || q.Dims[1] != 256 || q.Size != 256*256/256*66 {
		t.Errorf("attn_q = %+v", q)
	}
	// Spec §5.1 worked example: first byte 0x61, scale bytes 2a 2d.
	d := f.Data(q)
	if d[0] != 0x61 || d[32] != 0x41 || d[64] != 0x2a || d[65] != 0x2d {
		t.Errorf("first block bytes % x … % x", d[:2], d[64:66])
	}
}

// Rewriting a fixture with our writer must give back the same bytes: it proves the writer
// lays out metadata, tensor infos, alignment and padding exactly as the reference tools do.
func TestWriterReproducesFixture(t *testing.T) {
	for _, name := range []string{"bitnet-tiny-tq2_0.gguf", "llama3-vocab.gguf"} {
		t.Run(name, func(t *testing.T) {
			orig, err := os.ReadFile(fixtures.Path(t, name))
			if err != nil {
				t.Fatal(err)
			}
			f, err := Parse(orig)
			if err != nil {
				t.Fatal(err)
			}
			w := NewWriter()
			w.Alignment = f.Alignment
			for _, kv := range f.KV {
				if err := w.Set(kv.Key, kv.Value); err != nil {
					t.Fatal(err)
				}
			}
			for i := range f.Tensors {
				tt := &f.Tensors[i]
				if err := w.AddTensor(tt.Name, tt.Type, tt.Dims, f.Data(tt)); err != nil {
					t.Fatal(err)
				}
			}
			var buf bytes.Buffer
			if _, err := w.WriteTo(&buf); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), orig) {
				t.Fatalf("rewritten file differs: %d bytes vs %d", buf.Len(), len(orig))
			}
		})
	}
}

func sample(t *testing.T) []byte {
	t.Helper()
	w := NewWriter()
	must(t, w.Set("general.architecture", "bitnet"))
	must(t, w.Set("a.u8", uint8(7)))
	must(t, w.Set("a.i64", int64(-3)))
	must(t, w.Set("a.f64", 2.5))
	must(t, w.Set("a.bool", true))
	must(t, w.Set("a.strs", []string{"x", "yz", ""}))
	must(t, w.Set("a.f32s", []float32{1, 2}))
	must(t, w.Set("a.nested", Value{Type: ValArray, Elem: ValArray, V: []Value{{Type: ValArray, Elem: ValInt32, V: []int32{1, 2}}}}))
	must(t, w.AddTensor("w", TypeF32, []uint64{4, 2}, make([]byte, 32)))
	must(t, w.AddTensor("v", TypeF16, []uint64{3}, []byte{1, 2, 3, 4, 5, 6}))
	must(t, w.AddTensor("t", TypeTQ2_0, []uint64{256, 1}, make([]byte, 66)))
	must(t, w.AddTensor("i", TypeI2_S, []uint64{128, 2}, make([]byte, 128*2/4+32)))
	var buf bytes.Buffer
	if _, err := w.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestRoundTripValues(t *testing.T) {
	f, err := Parse(sample(t))
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := f.Uint("a.u8"); v != 7 {
		t.Errorf("u8 = %d", v)
	}
	if _, ok := f.Uint("a.i64"); ok {
		t.Error("negative i64 read as uint")
	}
	if v, _ := f.Float("a.f64"); v != 2.5 {
		t.Errorf("f64 = %v", v)
	}
	if v, _ := f.Bool("a.bool"); !v {
		t.Error("bool")
	}
	if s, _ := f.Strings("a.strs"); strings.Join(s, ",") != "x,yz," {
		t.Errorf("strs = %q", s)
	}
	if v, _ := f.Get("a.nested"); v.Len() != 1 || v.V.([]Value)[0].Len() != 2 {
		t.Errorf("nested = %+v", v)
	}
	if tt, _ := f.Tensor("v"); !bytes.Equal(f.Data(tt), []byte{1, 2, 3, 4, 5, 6}) {
		t.Error("tensor data")
	}
	if tt, _ := f.Tensor("i"); tt.Size != 96 {
		t.Errorf("I2_S size = %d, want n/4+32 = 96", tt.Size)
	}
}

// Every prefix of a valid file must fail cleanly with ErrFormat, never panic.
func TestTruncatedFiles(t *testing.T) {
	b := sample(t)
	for n := 0; n < len(b)-1; n++ {
		_, err := Parse(b[:n])
		if n >= len(b)-16 && err == nil {
			continue // only padding after the last tensor was cut
		}
		if err == nil || !errors.Is(err, ErrFormat) {
			t.Fatalf("prefix %d/%d: err = %v, want ErrFormat", n, len(b), err)
		}
	}
}

func TestTruncatedModelFileMessage(t *testing.T) {
	orig, err := os.ReadFile(fixtures.Path(t, "bitnet-tiny-tq2_0.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "cut.gguf")
	must(t, os.WriteFile(p, orig[:len(orig)/2], 0o644))
	_, err = Open(p)
	if err == nil || !strings.Contains(err.Error(), "past the end of the file") {
		t.Fatalf("err = %v", err)
	}
}

func TestHostileHeaders(t *testing.T) {
	le := binary.LittleEndian
	header := func(nt, nkv uint64) []byte {
		b := le.AppendUint32(nil, Magic)
		b = le.AppendUint32(b, 3)
		b = le.AppendUint64(b, nt)
		return le.AppendUint64(b, nkv)
	}
	str := func(b []byte, s string) []byte { return append(le.AppendUint64(b, uint64(len(s))), s...) }
	tensor := func(dims []uint64, typ uint32, off uint64) []byte {
		b := str(header(1, 0), "x")
		b = le.AppendUint32(b, uint32(len(dims)))
		for _, d := range dims {
			b = le.AppendUint64(b, d)
		}
		b = le.AppendUint32(b, typ)
		return append(le.AppendUint64(b, off), make([]byte, 64)...) // padding up to the data section

	}
	cases := []struct {
		name string
		b    []byte
		want string
	}{
		{"bad magic", []byte("GGML\x03\x00\x00\x00" + strings.Repeat("\x00", 16)), "bad magic"},
		{"version 9", append(le.AppendUint32(le.AppendUint32(nil, Magic), 9), make([]byte, 16)...), "version 9"},
		{"huge kv count", header(0, 1<<40), "metadata entries"},
		{"kv count past end", header(0, 1000), "more than the file holds"},
		{"huge string", append(le.AppendUint64(header(0, 1), 1<<62), make([]byte, 16)...), "string of"},
		{"huge array", le.AppendUint64(le.AppendUint32(le.AppendUint32(str(header(0, 1), "k"), uint32(ValArray)), uint32(ValUint32)), 1<<60), "longer than the rest"},
		{"unknown value type", le.AppendUint32(str(header(0, 1), "k"), 99), "unknown metadata value type"},
		{"unknown tensor type", tensor([]uint64{4}, 77, 0), "unknown type 77"},
		{"too many dims", tensor([]uint64{1, 1, 1, 1, 1}, 0, 0), "dimensions"},
		{"dims overflow", tensor([]uint64{1 << 40, 1 << 40}, 0, 0), "overflow"},
		{"misaligned offset", tensor([]uint64{4}, 0, 3), "alignment"},
		{"tensor past end", tensor([]uint64{1 << 20}, 0, 0), "past the end"},
		{"header cut before data", tensor([]uint64{4}, 0, 0)[:60], "before the tensor data"},
		{"bad block multiple", tensor([]uint64{100}, uint32(TypeTQ2_0), 0), "multiple of 256"},
		{"i2_s truncated", tensor([]uint64{128, 4}, uint32(TypeI2_S), 0), "I2_S"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(c.b)
			if err == nil || !errors.Is(err, ErrFormat) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want ErrFormat containing %q", err, c.want)
			}
		})
	}
}

// Type 36 with the byte size of upstream's IQ4_NL_4_4 must be refused with an explanation.
func TestI2SDetection(t *testing.T) {
	w := NewWriter()
	must(t, w.AddTensor("a", TypeI2_S, []uint64{256, 4}, make([]byte, 256*4/4+32)))
	var buf bytes.Buffer
	_, err := w.WriteTo(&buf)
	must(t, err)
	if _, err := Parse(buf.Bytes()); err != nil {
		t.Fatalf("valid I2_S: %v", err)
	}
	// Same header, but the data is as large as IQ4_NL_4_4 would be (18 bytes per 32).
	b := append(buf.Bytes(), make([]byte, 256*4/32*18)...)
	b = append(b, 0) // plus a trailing tensor-free byte: the room is now far beyond I2_S
	_, err = Parse(b)
	if err == nil || !strings.Contains(err.Error(), "IQ4_NL_4_4") {
		t.Fatalf("err = %v, want a message naming IQ4_NL_4_4", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Add(sampleForFuzz())
	f.Add([]byte("GGUF"))
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Parse(b)
		if err != nil {
			return
		}
		for i := range file.Tensors {
			_ = file.Data(&file.Tensors[i]) // must stay in bounds
		}
	})
}

func sampleForFuzz() []byte {
	w := NewWriter()
	w.Set("general.architecture", "bitnet")
	w.Set("x.strs", []string{"a", "b"})
	w.Set("x.u32", uint32(5))
	w.AddTensor("w", TypeF32, []uint64{2, 2}, make([]byte, 16))
	w.AddTensor("i", TypeI2_S, []uint64{128, 1}, make([]byte, 64))
	var buf bytes.Buffer
	w.WriteTo(&buf)
	return buf.Bytes()
}
