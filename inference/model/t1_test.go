package model_test

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/synth"
)

// A TQ1_0 model gives the same logits, bit for bit, and so the same greedy tokens, whether its
// weights are held as T1 (the default) or as T2, on every kernel tier. The shape has rows of 5
// groups (one T1 super group) and of 13 (two, plus 3 plain T2 groups).
func TestTQ1LayoutsAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tq1.gguf")
	shape := synth.Shape{Name: "t1", Arch: "bitnet-b1.58", NEmbd: 1280, NFF: 3328, NLayer: 2, NHead: 10,
		NHeadKV: 2, NVocab: 512, NCtx: 256, RopeTheta: 500000}
	if err := synth.Write(path, synth.Options{Shape: shape, Type: gguf.TypeTQ1_0, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	open := func(asT2 bool) *model.Model {
		old := model.SetTQ1AsT2(asT2)
		defer model.SetTQ1AsT2(old)
		f, err := gguf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { f.Close() })
		m, err := model.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(m.Close)
		return m
	}
	m1, m2 := open(false), open(true)
	if m1.WeightBytes() >= m2.WeightBytes() {
		t.Fatalf("T1 model takes %d bytes, T2 %d: T1 not in use", m1.WeightBytes(), m2.WeightBytes())
	}
	p := kernels.NewPool(2)
	defer p.Close()
	for _, tier := range kernels.Tiers() {
		restore, err := kernels.Use(tier)
		if err != nil {
			t.Fatal(err)
		}
		prompt := []int32{510, 84, 104, 101, 420, 278}
		n := m1.HP.NLayer
		// Prefill in one batch, then greedy decoding of 6 tokens token by token.
		a := generate(t, m1, p, prompt, n, 6)
		b := generate(t, m2, p, prompt, n, 6)
		restore()
		if len(a) != len(b) {
			t.Fatalf("tier %s: %d and %d logit rows", tier, len(a), len(b))
		}
		for i := range a {
			for j := range a[i] {
				if math.Float32bits(a[i][j]) != math.Float32bits(b[i][j]) {
					t.Fatalf("tier %s: logit [%d][%d]: T1 %v, T2 %v", tier, i, j, a[i][j], b[i][j])
				}
			}
		}
	}
}

// generate returns the logits of the prompt's last token and of each greedily chosen token.
func generate(t *testing.T, m *model.Model, p *kernels.Pool, prompt []int32, layers, steps int) [][]float32 {
	t.Helper()
	d := m.HP.NEmbd
	s, err := m.NewStage(64, 0, layers, model.CacheF32)
	if err != nil {
		t.Fatal(err)
	}
	act := new(kernels.Activation)
	h := make([]float32, d)
	var out [][]float32
	toks := prompt
	for step := 0; step <= steps; step++ {
		x := make([]float32, len(toks)*d)
		if err := m.Embed(toks, x); err != nil {
			t.Fatal(err)
		}
		if err := s.Forward(p, x); err != nil {
			t.Fatal(err)
		}
		l := make([]float32, m.HP.NVocab)
		m.Logits(p, x[(len(toks)-1)*d:], act, h, l)
		out = append(out, l)
		best := 0
		for i, v := range l {
			if v > l[best] {
				best = i
			}
		}
		toks = []int32{int32(best)}
	}
	return out
}
