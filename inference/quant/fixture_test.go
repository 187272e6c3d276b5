package quant

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/aria-node/aria/inference/fixtures"
	"github.com/aria-node/aria/inference/gguf"
)

func openFixture(t *testing.T, name string) *gguf.File {
	t.Helper()
	f, err := gguf.Open(fixtures.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TestFixtureTQ2_0EqualsF32 checks that every TQ2_0 tensor of bitnet-tiny-tq2_0.gguf
// dequantizes exactly to the same tensor of bitnet-tiny-f32.gguf, that re-quantizing the F32
// weights reproduces llama.cpp's bytes, and the worked examples of spec §5.1-5.2.
func TestFixtureTQ2_0EqualsF32(t *testing.T) {
	fq := openFixture(t, "bitnet-tiny-tq2_0.gguf")
	ff := openFixture(t, "bitnet-tiny-f32.gguf")
	checked := 0
	for i := range fq.Tensors {
		tq := &fq.Tensors[i]
		if tq.Type != gguf.TypeTQ2_0 {
			continue
		}
		tf, ok := ff.Tensor(tq.Name)
		if !ok || tf.Type != gguf.TypeF32 || tf.Elements() != tq.Elements() {
			t.Fatalf("%s: no matching F32 tensor", tq.Name)
		}
		n := int(tq.Elements())
		got := make([]float32, n)
		if err := DequantizeRow(gguf.TypeTQ2_0, fq.Data(tq), got); err != nil {
			t.Fatalf("%s: %v", tq.Name, err)
		}
		want := make([]float32, n)
		if err := DequantizeRow(gguf.TypeF32, ff.Data(tf), want); err != nil {
			t.Fatal(err)
		}
		for j := range got {
			if math.Float32bits(got[j]) != math.Float32bits(want[j]) {
				t.Fatalf("%s element %d: TQ2_0 %g, F32 %g", tq.Name, j, got[j], want[j])
			}
		}
		if q := QuantizeTQ2_0(want); string(q) != string(fq.Data(tq)) {
			t.Errorf("%s: QuantizeTQ2_0 of the F32 weights differs from llama.cpp's bytes", tq.Name)
		}
		// TQ1_0 of the same weights dequantizes identically
		y1 := make([]float32, n)
		if err := DequantizeRow(gguf.TypeTQ1_0, QuantizeTQ1_0(want), y1); err != nil {
			t.Fatal(err)
		}
		for j := range y1 {
			if y1[j] != want[j] {
				t.Fatalf("%s element %d: TQ1_0 %g, F32 %g", tq.Name, j, y1[j], want[j])
			}
		}
		checked++
	}
	if checked == 0 {
		t.Fatal("no TQ2_0 tensor in the fixture")
	}

	// Worked examples: first block of blk.0.attn_q.weight.
	tq, _ := fq.Tensor("blk.0.attn_q.weight")
	b := fq.Data(tq)
	if b[0] != 0x61 || b[32] != 0x41 || binary.LittleEndian.Uint16(b[64:]) != 0x2d2a {
		t.Errorf("TQ2_0 first block: qs[0]=%#02x qs[32]=%#02x d=%#04x", b[0], b[32], binary.LittleEndian.Uint16(b[64:]))
	}
	tf, _ := ff.Tensor("blk.0.attn_q.weight")
	w := make([]float32, QK)
	if err := DequantizeRow(gguf.TypeF32, ff.Data(tf)[:4*QK], w); err != nil {
		t.Fatal(err)
	}
	b1 := QuantizeTQ1_0(w)
	if b1[0] != 0x6d || b1[32] != 0x02 || b1[48] != 0x9f {
		t.Errorf("TQ1_0 first block: qs[0]=%#02x qs[32]=%#02x qh[0]=%#02x, want 0x6d 0x02 0x9f", b1[0], b1[32], b1[48])
	}
	// I2_S of the same tensor: the scale is the tensor's max |w| and the values round-trip.
	all := make([]float32, tf.Elements())
	if err := DequantizeRow(gguf.TypeF32, ff.Data(tf), all); err != nil {
		t.Fatal(err)
	}
	i2 := QuantizeI2S(all)
	if s := I2SScale(i2, len(all)); s != specScale {
		t.Errorf("I2_S scale %g, want %g", s, specScale)
	}
	back := make([]float32, len(all))
	DequantizeI2S(i2, back, I2SScale(i2, len(all)))
	for j := range back {
		if back[j] != all[j] {
			t.Fatalf("I2_S element %d: %g vs %g", j, back[j], all[j])
		}
	}
}
