package tokenizer

import (
	"fmt"
	"math"

	"github.com/aria-node/aria/inference/gguf"
)

// GGUF metadata keys of the tokenizer.
const (
	keyModel       = "tokenizer.ggml.model"
	keyPre         = "tokenizer.ggml.pre"
	keyTokens      = "tokenizer.ggml.tokens"
	keyTypes       = "tokenizer.ggml.token_type"
	keyScores      = "tokenizer.ggml.scores"
	keyMerges      = "tokenizer.ggml.merges"
	keyBOS         = "tokenizer.ggml.bos_token_id"
	keyEOS         = "tokenizer.ggml.eos_token_id"
	keyEOT         = "tokenizer.ggml.eot_token_id"
	keyUNK         = "tokenizer.ggml.unknown_token_id"
	keyPAD         = "tokenizer.ggml.padding_token_id"
	keyAddBOS      = "tokenizer.ggml.add_bos_token"
	keyAddEOS      = "tokenizer.ggml.add_eos_token"
	keySpacePrefix = "tokenizer.ggml.add_space_prefix"
)

// VocabFromGGUF reads the tokenizer metadata of a GGUF file, applying llama.cpp's defaults for
// absent keys (SentencePiece: BOS 1, EOS 2, UNK 0; add_bos true for "llama" and the LLaMA-3
// pre-tokenizers).
func VocabFromGGUF(f *gguf.File) (Vocab, error) {
	v := Vocab{BOS: -1, EOS: -1, EOT: -1, UNK: -1, PAD: -1}
	var ok bool
	if v.Model, ok = f.String(keyModel); !ok {
		return v, fmt.Errorf("tokenizer from GGUF: %s missing or not a string", keyModel)
	}
	v.Pre, _ = f.String(keyPre)
	if v.Tokens, ok = f.Strings(keyTokens); !ok {
		return v, fmt.Errorf("tokenizer from GGUF: %s missing or not a string array", keyTokens)
	}
	if _, present := f.Get(keyTypes); present {
		types, ok := f.Ints(keyTypes)
		if !ok {
			return v, fmt.Errorf("tokenizer from GGUF: %s is not an integer array", keyTypes)
		}
		v.Types = make([]int32, len(types))
		for i, x := range types {
			if x < math.MinInt32 || x > math.MaxInt32 {
				return v, fmt.Errorf("tokenizer from GGUF: %s[%d] = %d out of range", keyTypes, i, x)
			}
			v.Types[i] = int32(x)
		}
	}
	if _, present := f.Get(keyScores); present {
		if v.Scores, ok = f.Floats(keyScores); !ok {
			return v, fmt.Errorf("tokenizer from GGUF: %s is not a float array", keyScores)
		}
	}
	if v.Model == "gpt2" {
		if v.Merges, ok = f.Strings(keyMerges); !ok {
			return v, fmt.Errorf("tokenizer from GGUF: %s missing or not a string array (required by gpt2)", keyMerges)
		}
	}

	if v.Model == "llama" {
		v.BOS, v.EOS, v.UNK = 1, 2, 0 // llama.cpp's defaults for SentencePiece vocabularies
	}
	for _, x := range []struct {
		key string
		dst *int32
	}{{keyBOS, &v.BOS}, {keyEOS, &v.EOS}, {keyEOT, &v.EOT}, {keyUNK, &v.UNK}, {keyPAD, &v.PAD}} {
		if _, present := f.Get(x.key); !present {
			continue
		}
		id, ok := f.Uint(x.key)
		if !ok || id > math.MaxInt32 {
			return v, fmt.Errorf("tokenizer from GGUF: %s is not a valid token id", x.key)
		}
		*x.dst = int32(id)
	}
	if v.Model == "llama" {
		// Defaults that do not exist in a small vocab are not an error in llama.cpp.
		for _, p := range []*int32{&v.BOS, &v.EOS, &v.UNK} {
			if int(*p) >= len(v.Tokens) {
				*p = -1
			}
		}
	}

	switch v.Model {
	case "llama":
		v.AddBOS = true
	case "gpt2":
		switch v.Pre {
		case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2":
			v.AddBOS = true
		}
	}
	if b, present := f.Bool(keyAddBOS); present {
		v.AddBOS = b
	}
	if b, present := f.Bool(keyAddEOS); present {
		v.AddEOS = b
	}
	if b, present := f.Bool(keySpacePrefix); present {
		v.NoSpacePrefix = !b
	}
	return v, nil
}

// FromGGUF builds the tokenizer a GGUF model file carries. The File may be closed afterwards.
func FromGGUF(f *gguf.File) (*Tokenizer, error) {
	v, err := VocabFromGGUF(f)
	if err != nil {
		return nil, err
	}
	t, err := New(v)
	if err != nil {
		return nil, fmt.Errorf("tokenizer from GGUF: %w", err)
	}
	return t, nil
}
