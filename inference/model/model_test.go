package model_test

import (
	"math"
	"testing"

	"github.com/aria-node/aria/inference/fixtures"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/quant"
)

func load(t *testing.T, name string) (*model.Model, func()) {
	t.Helper()
	f, err := gguf.Open(fixtures.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := model.Load(f)
	if err != nil {
		f.Close()
		t.Fatal(err)
	}
	return m, func() { f.Close() }
}

// logitsAfter runs toks through layers [0,n) in the given splits and returns the logits of
// every position.
func logitsAfter(t *testing.T, m *model.Model, p *kernels.Pool, toks []int32, splits []int, batch int) [][]float32 {
	t.Helper()
	d := m.HP.NEmbd
	var states []*model.Stage
	for i := 0; i+1 < len(splits); i++ {
		s, err := m.NewStage(64, splits[i], splits[i+1], model.CacheF32)
		if err != nil {
			t.Fatal(err)
		}
		states = append(states, s)
	}
	var out [][]float32
	h := make([]float32, d)
	act := new(kernels.Activation)
	for start := 0; start < len(toks); start += batch {
		b := toks[start:min(start+batch, len(toks))]
		x := make([]float32, len(b)*d)
		if err := m.Embed(b, x); err != nil {
			t.Fatal(err)
		}
		for _, s := range states {
			// The hidden state crosses a "machine" boundary here: copy it like a wire would.
			x = append([]float32(nil), x...)
			if err := s.Forward(p, x); err != nil {
				t.Fatal(err)
			}
		}
		for i := range b {
			l := make([]float32, m.HP.NVocab)
			m.Logits(p, x[i*d:(i+1)*d], act, h, l)
			out = append(out, l)
		}
	}
	return out
}

// Running layers [0,k) then [k,n) must give exactly the logits of [0,n): this is what lets a
// model be split across machines.
func TestLayerRangeEquivalence(t *testing.T) {
	for _, name := range []string{"bitnet-tiny-tq2_0.gguf", "bitnet-tiny-f32.gguf"} {
		t.Run(name, func(t *testing.T) {
			m, done := load(t, name)
			defer done()
			p := kernels.NewPool(2)
			defer p.Close()
			toks := []int32{510, 84, 104, 101, 420, 278, 336, 326, 379, 347, 58, 196}
			n := m.HP.NLayer
			whole := logitsAfter(t, m, p, toks, []int{0, n}, len(toks))
			for _, splits := range [][]int{{0, 1, n}, {0, 2, n}, {0, 1, 3, n}, {0, 0, n}} {
				got := logitsAfter(t, m, p, toks, splits, len(toks))
				for i := range whole {
					for j := range whole[i] {
						if got[i][j] != whole[i][j] {
							t.Fatalf("splits %v: logit [%d][%d] = %v, want %v", splits, i, j, got[i][j], whole[i][j])
						}
					}
				}
			}
		})
	}
}

// Evaluating a sequence in one batch or token by token gives the same logits (bit for bit:
// every token's arithmetic is independent of the batch), with any thread count.
func TestBatchEqualsIncremental(t *testing.T) {
	m, done := load(t, "bitnet-tiny-tq2_0.gguf")
	defer done()
	toks := []int32{510, 84, 104, 101, 420, 278, 336, 326, 379, 347}
	p1 := kernels.NewPool(1)
	defer p1.Close()
	p3 := kernels.NewPool(3)
	defer p3.Close()
	n := m.HP.NLayer
	a := logitsAfter(t, m, p1, toks, []int{0, n}, len(toks))
	b := logitsAfter(t, m, p3, toks, []int{0, n}, 1)
	c := logitsAfter(t, m, p3, toks, []int{0, n}, 3)
	for i := range a {
		for j := range a[i] {
			if a[i][j] != b[i][j] || a[i][j] != c[i][j] {
				t.Fatalf("logit [%d][%d]: batch %v, incremental %v, batches of 3 %v", i, j, a[i][j], b[i][j], c[i][j])
			}
		}
	}
}

func TestStateErrors(t *testing.T) {
	m, done := load(t, "bitnet-tiny-tq2_0.gguf")
	defer done()
	p := kernels.NewPool(1)
	defer p.Close()
	if _, err := m.NewStage(8, 2, 9, model.CacheF32); err == nil {
		t.Error("layer range past the model accepted")
	}
	s, err := m.NewStage(2, 0, m.HP.NLayer, model.CacheF16)
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 3*m.HP.NEmbd)
	if err := s.Forward(p, x); err == nil {
		t.Error("3 tokens in a context of 2 accepted")
	}
	x = make([]float32, m.HP.NEmbd)
	x[5] = float32(math.NaN())
	if err := s.Forward(p, x); err == nil {
		t.Error("NaN hidden state accepted")
	}
	if err := s.Forward(p, x[:7]); err == nil {
		t.Error("short hidden state accepted")
	}
	if err := m.EmbedRow(int32(m.HP.NVocab), x); err == nil {
		t.Error("token id out of range accepted")
	}
}

// The tied F16 head is moved into the X4 layout at load (on an assembly tier); the embedding
// lookup through it must still return the file's rows.
func TestEmbedRowTiedX4(t *testing.T) {
	f, err := gguf.Open(fixtures.Path(t, "bitnet-tiny-tq2_0.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := model.Load(f)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	wantX4 := kernels.FloatTier() != "portable" // MoveTo keeps plain rows for the portable tier
	if m.Output != m.Embd || m.Embd.Type != gguf.TypeF16 || m.Embd.X4 != wantX4 {
		t.Fatalf("head: tied %v, %s, X4 %v; the test wants a tied F16 head, X4 %v", m.Output == m.Embd, m.Embd.Type, m.Embd.X4, wantX4)
	}
	et, _ := f.Tensor("token_embd.weight")
	raw := f.Data(et)
	d := m.HP.NEmbd
	got, want := make([]float32, d), make([]float32, d)
	for _, tok := range []int32{0, 1, 2, 3, 5, 257, int32(m.HP.NVocab) - 1} {
		if err := m.EmbedRow(tok, got); err != nil {
			t.Fatal(err)
		}
		if err := quant.DequantizeRow(gguf.TypeF16, raw[2*d*int(tok):2*d*(int(tok)+1)], want); err != nil {
			t.Fatal(err)
		}
		for i := range want {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("token %d [%d] = %g, file %g", tok, i, got[i], want[i])
			}
		}
	}
}
