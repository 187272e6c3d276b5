package model

import (
	"fmt"
	"os"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/quant"
)

// Linear is one weight matrix with its optional per-tensor output scale.
type Linear struct {
	W     *kernels.Matrix
	Scale float32 // 1 when the file has no `.scale` tensor
}

// Block holds the tensors of one transformer block.
type Block struct {
	AttnNorm, AttnSubNorm, FFNNorm, FFNSubNorm []float32
	Q, K, V, O, Gate, Up, Down                 Linear
}

// Model is a loaded BitNet b1.58 model. Its weights alias the GGUF mapping, so the file must
// stay open as long as the model is used.
type Model struct {
	HP         HParams
	arena      *kernels.Arena  // repacked ternary weights and the head, on huge pages
	Embd       *kernels.Matrix // token_embd: rows are tokens
	Output     *kernels.Matrix // the head; == Embd when tied
	OutputNorm []float32
	Blocks     []Block // all NLayer of them; only [From, To) are bound
	From, To   int
}

// Partial reports whether only some layers are loaded.
func (m *Model) Partial() bool { return m.From != 0 || m.To != m.HP.NLayer }

// supported lists the weight types the kernels run.
var supported = map[gguf.Type]bool{
	gguf.TypeF32: true, gguf.TypeF16: true, gguf.TypeBF16: true, gguf.TypeQ8_0: true,
	gguf.TypeQ6_K: true, gguf.TypeTQ1_0: true, gguf.TypeTQ2_0: true, gguf.TypeI2_S: true,
}

// Load binds the tensors of f. Every shape is checked against the hyperparameters, so a
// corrupt or mismatched file fails here with the tensor's name rather than later with garbage.
func Load(f *gguf.File) (*Model, error) { return LoadLayers(f, 0, -1) }

// LoadLayers binds only the layers [from, to) (to < 0: to the last), for a node that serves one
// range of a pipeline: the other layers are neither checked nor read, and the head is left in
// the file instead of copied, so resident memory is about the range's weights. Such a model
// runs states inside its range only.
func LoadLayers(f *gguf.File, from, to int) (*Model, error) {
	hp, err := ReadHParams(f)
	if err != nil {
		return nil, fmt.Errorf("hyperparameters: %w", err)
	}
	if to < 0 {
		to = hp.NLayer
	}
	if from < 0 || to > hp.NLayer || from >= to {
		return nil, fmt.Errorf("layer range [%d, %d) is not inside the model's [0, %d)", from, to, hp.NLayer)
	}
	m := &Model{HP: hp, From: from, To: to}
	b := binder{f: f}
	et, ok := f.Tensor("token_embd.weight")
	if !ok {
		return nil, fmt.Errorf("tensor token_embd.weight missing")
	}
	if len(et.Dims) != 2 || et.Dims[0] != uint64(hp.NEmbd) {
		return nil, fmt.Errorf("token_embd.weight has shape %v, want [%d, vocab]", et.Dims, hp.NEmbd)
	}
	m.HP.NVocab = int(et.Dims[1])
	if m.Embd, err = b.matrix("token_embd.weight", hp.NEmbd, m.HP.NVocab); err != nil {
		return nil, err
	}
	m.Output = m.Embd
	if _, ok := f.Tensor("output.weight"); ok {
		if m.Output, err = b.matrix("output.weight", hp.NEmbd, m.HP.NVocab); err != nil {
			return nil, err
		}
	}
	if m.OutputNorm, err = b.vector("output_norm.weight", hp.NEmbd); err != nil {
		return nil, err
	}
	kv := hp.NEmbdKV()
	m.Blocks = make([]Block, hp.NLayer)
	for i := from; i < to; i++ {
		l := &m.Blocks[i]
		p := fmt.Sprintf("blk.%d.", i)
		vecs := []struct {
			name string
			n    int
			dst  *[]float32
		}{
			{"attn_norm", hp.NEmbd, &l.AttnNorm}, {"attn_sub_norm", hp.NEmbd, &l.AttnSubNorm},
			{"ffn_norm", hp.NEmbd, &l.FFNNorm}, {"ffn_sub_norm", hp.NFF, &l.FFNSubNorm},
		}
		for _, v := range vecs {
			if *v.dst, err = b.vector(p+v.name+".weight", v.n); err != nil {
				return nil, err
			}
		}
		mats := []struct {
			name       string
			cols, rows int
			dst        *Linear
		}{
			{"attn_q", hp.NEmbd, hp.NEmbd, &l.Q}, {"attn_k", hp.NEmbd, kv, &l.K}, {"attn_v", hp.NEmbd, kv, &l.V},
			{"attn_output", hp.NEmbd, hp.NEmbd, &l.O}, {"ffn_gate", hp.NEmbd, hp.NFF, &l.Gate},
			{"ffn_up", hp.NEmbd, hp.NFF, &l.Up}, {"ffn_down", hp.NFF, hp.NEmbd, &l.Down},
		}
		for _, w := range mats {
			if w.dst.W, err = b.matrix(p+w.name+".weight", w.cols, w.rows); err != nil {
				return nil, err
			}
			w.dst.Scale = 1
			if _, ok := f.Tensor(p + w.name + ".scale"); ok {
				s, err := b.vector(p+w.name+".scale", 1)
				if err != nil {
					return nil, err
				}
				w.dst.Scale = s[0]
			}
		}
	}
	if err := m.prepareWeights(f); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// prepareWeights repacks the ternary matrices into T1 (TQ1_0) or T2 and copies the head, all into one arena
// on huge pages, releasing the file's pages as it goes so that resident memory stays near the
// file size (docs/kernels.md §3).
func (m *Model) prepareWeights(f *gguf.File) error {
	var sizes []int
	var ternary []*kernels.Matrix
	for i := m.From; i < m.To; i++ {
		l := &m.Blocks[i]
		for _, w := range []*Linear{&l.Q, &l.K, &l.V, &l.O, &l.Gate, &l.Up, &l.Down} {
			if w.W.Ternary() {
				ternary = append(ternary, w.W)
				sizes = append(sizes, w.W.RepackBytes(tq1AsT2))
			}
		}
	}
	moveHead := !m.Output.Ternary() && !m.Partial()
	if moveHead {
		sizes = append(sizes, len(m.Output.Data))
	}
	m.arena = kernels.NewArena(kernels.ArenaSize(sizes...))
	for _, w := range ternary {
		src := w.Data
		if err := w.Repack(m.arena, tq1AsT2); err != nil {
			return err
		}
		f.ReleaseSlice(src)
	}
	if moveHead {
		if err := m.Output.MoveTo(m.arena, f.ReleaseSlice); err != nil {
			return err
		}
	}
	return nil
}

// tq1AsT2 makes TQ1_0 weights load as T2 (2 bits per weight) instead of T1 (1.625); both give
// the same bits, T1 takes less memory. Set by ARIA_TQ1_LAYOUT=t2, and by tests.
var tq1AsT2 = os.Getenv("ARIA_TQ1_LAYOUT") == "t2"

type binder struct{ f *gguf.File }

func (b binder) matrix(name string, cols, rows int) (*kernels.Matrix, error) {
	t, ok := b.f.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("tensor %s missing", name)
	}
	if len(t.Dims) != 2 || t.Dims[0] != uint64(cols) || t.Dims[1] != uint64(rows) {
		return nil, fmt.Errorf("tensor %s has shape %v, want [%d %d]", name, t.Dims, cols, rows)
	}
	if !supported[t.Type] {
		return nil, fmt.Errorf("tensor %s has type %s, which ARIA does not run (supported: F32, F16, BF16, Q8_0, Q6_K, TQ1_0, TQ2_0, I2_S)", name, t.Type)
	}
	m, err := kernels.NewMatrix(t.Type, cols, rows, b.f.Data(t))
	if err != nil {
		return nil, fmt.Errorf("tensor %s: %w", name, err)
	}
	return m, nil
}

// vector reads a small tensor (norm weights, scales) into f32.
func (b binder) vector(name string, n int) ([]float32, error) {
	t, ok := b.f.Tensor(name)
	if !ok {
		return nil, fmt.Errorf("tensor %s missing", name)
	}
	if t.Elements() != uint64(n) {
		return nil, fmt.Errorf("tensor %s has %d elements, want %d", name, t.Elements(), n)
	}
	if t.Type != gguf.TypeF32 && t.Type != gguf.TypeF16 && t.Type != gguf.TypeBF16 {
		return nil, fmt.Errorf("tensor %s has type %s, want F32, F16 or BF16", name, t.Type)
	}
	out := make([]float32, n)
	if err := quant.DequantizeRow(t.Type, b.f.Data(t), out); err != nil {
		return nil, fmt.Errorf("tensor %s: %w", name, err)
	}
	return out, nil
}

// Close frees the repacked weights. The model must not be used afterwards.
func (m *Model) Close() {
	if m.arena != nil {
		m.arena.Free()
		m.arena = nil
	}
}

// WeightBytes is the memory the weights take while running: repacked ternary codes plus the
// bytes of every other tensor read from the file.
func (m *Model) WeightBytes() int64 {
	var n int64
	if !m.Partial() {
		n = int64(len(m.Embd.Data))
		if m.Output != m.Embd {
			n += int64(len(m.Output.Data))
		}
	}
	for i := m.From; i < m.To; i++ {
		l := &m.Blocks[i]
		for _, w := range []*Linear{&l.Q, &l.K, &l.V, &l.O, &l.Gate, &l.Up, &l.Down} {
			if w.W.T2 != nil {
				n += int64(w.W.T2.Bytes())
			} else {
				n += int64(len(w.W.Data))
			}
		}
	}
	return n
}

// EmbedRow writes the embedding of token tok into dst (length NEmbd).
func (m *Model) EmbedRow(tok int32, dst []float32) error {
	if tok < 0 || int(tok) >= m.HP.NVocab {
		return fmt.Errorf("token id %d out of range [0, %d)", tok, m.HP.NVocab)
	}
	if len(dst) < m.Embd.Cols {
		return fmt.Errorf("embedding of %d elements into a buffer of %d", m.Embd.Cols, len(dst))
	}
	// DequantizeRow also reads the X4 layout of a tied F16 head.
	if err := m.Embd.DequantizeRow(int(tok), dst[:m.Embd.Cols]); err != nil {
		return fmt.Errorf("embedding of token %d: %w", tok, err)
	}
	return nil
}
