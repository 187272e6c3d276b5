// Package model binds the tensors of a BitNet b1.58 GGUF file and runs its forward pass over
// any range of layers, so that a model can be split across machines.
package model

import (
	"fmt"

	"github.com/aria-node/aria/inference/gguf"
)

// FFNKind is the gated activation of the feed-forward block.
type FFNKind int

const (
	// FFNSiLU is llama.cpp's `bitnet` architecture: silu(gate) ⊙ up.
	FFNSiLU FFNKind = iota
	// FFNReLU2 is bitnet.cpp's `bitnet-b1.58` / `bitnet-25` (BitNet b1.58 2B4T): relu(gate)² ⊙ up.
	FFNReLU2
)

func (k FFNKind) String() string {
	if k == FFNReLU2 {
		return "relu²"
	}
	return "silu"
}

// HParams are the hyperparameters read from the file.
type HParams struct {
	Arch      string
	FFN       FFNKind
	NEmbd     int // d
	NFF       int // f
	NLayer    int
	NHead     int
	NHeadKV   int
	HeadDim   int
	NRot      int
	NCtxTrain int
	NVocab    int
	RopeTheta float32
	Eps       float32
}

// NEmbdKV is the width of one token's K (or V) in the cache.
func (h *HParams) NEmbdKV() int { return h.HeadDim * h.NHeadKV }

// archFFN lists the architectures this engine runs.
var archFFN = map[string]FFNKind{
	"bitnet":       FFNSiLU,
	"bitnet-b1.58": FFNReLU2,
	"bitnet-25":    FFNReLU2,
}

// ReadHParams reads and checks the hyperparameters of f.
func ReadHParams(f *gguf.File) (HParams, error) {
	arch, ok := f.String("general.architecture")
	if !ok {
		return HParams{}, fmt.Errorf("general.architecture missing")
	}
	ffn, ok := archFFN[arch]
	if !ok {
		return HParams{}, fmt.Errorf("architecture %q is not supported (ARIA runs bitnet, bitnet-b1.58, bitnet-25)", arch)
	}
	h := HParams{Arch: arch, FFN: ffn}
	req := func(key string, dst *int) error {
		v, ok := f.Uint(arch + "." + key)
		if !ok {
			return fmt.Errorf("%s.%s missing", arch, key)
		}
		if v == 0 || v > 1<<24 {
			return fmt.Errorf("%s.%s = %d is out of range", arch, key, v)
		}
		*dst = int(v)
		return nil
	}
	for _, p := range []struct {
		key string
		dst *int
	}{
		{"embedding_length", &h.NEmbd}, {"block_count", &h.NLayer}, {"feed_forward_length", &h.NFF},
		{"attention.head_count", &h.NHead}, {"context_length", &h.NCtxTrain},
	} {
		if err := req(p.key, p.dst); err != nil {
			return h, err
		}
	}
	h.NHeadKV = h.NHead
	if v, ok := f.Uint(arch + ".attention.head_count_kv"); ok {
		h.NHeadKV = int(v)
	}
	if h.NHeadKV == 0 || h.NHead%h.NHeadKV != 0 {
		return h, fmt.Errorf("head_count %d is not a multiple of head_count_kv %d", h.NHead, h.NHeadKV)
	}
	if h.NEmbd%h.NHead != 0 {
		return h, fmt.Errorf("embedding_length %d is not a multiple of head_count %d", h.NEmbd, h.NHead)
	}
	h.HeadDim = h.NEmbd / h.NHead
	if h.HeadDim%2 != 0 {
		return h, fmt.Errorf("head dimension %d is odd", h.HeadDim)
	}
	h.NRot = h.HeadDim
	if v, ok := f.Uint(arch + ".rope.dimension_count"); ok && int(v) != h.HeadDim {
		return h, fmt.Errorf("rope.dimension_count %d differs from the head dimension %d (partial RoPE is not supported)", v, h.HeadDim)
	}
	h.RopeTheta = 10000
	if v, ok := f.Float(arch + ".rope.freq_base"); ok {
		h.RopeTheta = float32(v)
	}
	h.Eps = 1e-5
	if v, ok := f.Float(arch + ".attention.layer_norm_rms_epsilon"); ok {
		h.Eps = float32(v)
	}
	if v, ok := f.Uint(arch + ".vocab_size"); ok {
		h.NVocab = int(v)
	} else if toks, ok := f.Strings("tokenizer.ggml.tokens"); ok {
		h.NVocab = len(toks)
	}
	return h, nil
}
