package synth_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
	"github.com/aria-node/aria/inference/synth"
)

func small(arch string) synth.Shape {
	s := synth.Shapes["tiny"]
	s.Arch = arch
	s.NLayer = 2
	return s
}

// Every weight format writes a model that loads, tokenizes, chats and generates.
func TestEveryTypeRuns(t *testing.T) {
	dir := t.TempDir()
	for name, typ := range synth.WeightTypes {
		for _, arch := range []string{"bitnet", "bitnet-b1.58"} {
			t.Run(name+"/"+arch, func(t *testing.T) {
				p := filepath.Join(dir, name+arch+".gguf")
				if err := synth.Write(p, synth.Options{Shape: small(arch), Type: typ, Seed: 7}); err != nil {
					t.Fatal(err)
				}
				e, err := inference.Load(p, inference.Options{Threads: 2})
				if err != nil {
					t.Fatal(err)
				}
				defer e.Close()
				if e.Template == nil {
					t.Fatalf("chat template: %v", e.TemplateErr)
				}
				s, err := e.NewSession(128, 0)
				if err != nil {
					t.Fatal(err)
				}
				res, err := s.Generate(context.Background(), inference.Request{Prompt: "Hello world", MaxTokens: 8, IgnoreEOS: true}, nil)
				if err != nil {
					t.Fatal(err)
				}
				if len(res.Tokens) != 8 || res.FinishReason != inference.FinishLength {
					t.Fatalf("generated %d tokens, finish %q", len(res.Tokens), res.FinishReason)
				}
			})
		}
	}
}

// The same seed writes the same bytes; another seed different weights.
func TestDeterministic(t *testing.T) {
	dir := t.TempDir()
	o := synth.Options{Shape: small("bitnet"), Type: gguf.TypeTQ2_0, Seed: 3}
	a, b, c := filepath.Join(dir, "a"), filepath.Join(dir, "b"), filepath.Join(dir, "c")
	for _, p := range []string{a, b} {
		if err := synth.Write(p, o); err != nil {
			t.Fatal(err)
		}
	}
	o.Seed = 4
	if err := synth.Write(c, o); err != nil {
		t.Fatal(err)
	}
	fa, fb, fc := open(t, a), open(t, b), open(t, c)
	name := "blk.1.ffn_down.weight"
	ta, _ := fa.Tensor(name)
	tb, _ := fb.Tensor(name)
	tc, _ := fc.Tensor(name)
	if string(fa.Data(ta)) != string(fb.Data(tb)) {
		t.Error("same seed, different weights")
	}
	if string(fa.Data(ta)) == string(fc.Data(tc)) {
		t.Error("different seeds, same weights")
	}
}

func open(t *testing.T, p string) *gguf.File {
	f, err := gguf.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// TQ2_0, TQ1_0 and I2_S files of one seed hold the same ternary weights.
func TestFormatsAgree(t *testing.T) {
	dir := t.TempDir()
	var rows [][]float32
	for _, typ := range []gguf.Type{gguf.TypeTQ2_0, gguf.TypeTQ1_0, gguf.TypeI2_S, gguf.TypeF32} {
		p := filepath.Join(dir, typ.String())
		if err := synth.Write(p, synth.Options{Shape: small("bitnet"), Type: typ, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		f := open(t, p)
		tt, _ := f.Tensor("blk.0.attn_k.weight")
		row := make([]float32, 256)
		data := f.Data(tt)
		if typ == gguf.TypeI2_S {
			quant.DequantizeI2S(data[:64], row, quant.I2SScale(data, int(tt.Elements())))
		} else {
			rs, _ := typ.RowSize(256)
			if err := quant.DequantizeRow(typ, data[:rs], row); err != nil {
				t.Fatal(err)
			}
		}
		rows = append(rows, row)
	}
	for i := 1; i < len(rows); i++ {
		for j := range rows[0] {
			if rows[i][j] != rows[0][j] {
				t.Fatalf("format %d element %d: %v vs %v", i, j, rows[i][j], rows[0][j])
			}
		}
	}
}

func TestValidate(t *testing.T) {
	bad := []synth.Options{
		{Shape: synth.Shape{Arch: "bitnet", NEmbd: 100, NFF: 256, NLayer: 1, NHead: 4, NHeadKV: 4, NVocab: 512, NCtx: 16}, Type: gguf.TypeTQ2_0},
		{Shape: synth.Shape{Arch: "llama", NEmbd: 256, NFF: 256, NLayer: 1, NHead: 4, NHeadKV: 4, NVocab: 512, NCtx: 16}, Type: gguf.TypeF32},
		{Shape: synth.Shape{Arch: "bitnet", NEmbd: 256, NFF: 256, NLayer: 1, NHead: 4, NHeadKV: 3, NVocab: 512, NCtx: 16}, Type: gguf.TypeF32},
		{Shape: synth.Shape{Arch: "bitnet", NEmbd: 256, NFF: 256, NLayer: 1, NHead: 4, NHeadKV: 4, NVocab: 100, NCtx: 16}, Type: gguf.TypeF32},
	}
	for i, o := range bad {
		if err := o.Validate(); err == nil {
			t.Errorf("case %d accepted", i)
		} else if !strings.Contains(err.Error(), "") {
			t.Error(err)
		}
	}
}
