// Package tokenizer turns text into token ids and back for the vocabularies GGUF models carry:
// byte-level BPE ("gpt2", with the LLaMA-3 pre-tokenizer among others) and SentencePiece
// ("llama"). It reproduces llama.cpp's tokenizer (llama-vocab.cpp, unicode.cpp) id for id.
//
// The core works on a plain Vocab value; FromGGUF fills one from a model file.
package tokenizer

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// Token types as stored in tokenizer.ggml.token_type (llama.cpp's llama_token_type).
const (
	TypeUndefined   int32 = 0
	TypeNormal      int32 = 1
	TypeUnknown     int32 = 2
	TypeControl     int32 = 3
	TypeUserDefined int32 = 4
	TypeUnused      int32 = 5
	TypeByte        int32 = 6
)

// Vocab is the tokenizer description a model file carries, as plain data.
type Vocab struct {
	Model  string // "gpt2" (byte-level BPE) or "llama" (SentencePiece)
	Pre    string // BPE pre-tokenizer: "llama-bpe"/"llama3"/"llama-v3"/…, "gpt-2", "default" or ""
	Tokens []string
	Types  []int32   // per token, Type*; nil means all normal
	Scores []float32 // per token; used by "llama"; nil means all 0
	Merges []string  // "left right", rank = index; used by "gpt2"

	BOS, EOS, EOT, UNK, PAD int32 // -1 if absent
	AddBOS, AddEOS          bool

	// NoSpacePrefix disables SentencePiece's dummy leading space
	// (tokenizer.ggml.add_space_prefix = false). The zero value matches llama.cpp's default.
	NoSpacePrefix bool
}

const (
	modelBPE = iota
	modelSPM
)

const (
	preLlama3 = iota
	preGPT2
	preDefault
)

// Tokenizer encodes and decodes text for one vocabulary. It is immutable after New and safe
// for concurrent use.
type Tokenizer struct {
	model        int
	pre          int
	ignoreMerges bool
	spacePrefix  bool

	tokens []string
	types  []int32 // effective types (llama.cpp promotes end-of-generation texts to control)
	scores []float32
	pieces [][]byte // rendered bytes of each token (special tokens as their text)

	textToID map[string]int32 // vocab text → id (the last id wins, as in llama.cpp)
	rawToID  map[string]int32 // BPE: raw bytes → id for every token the byte encoder can spell
	byteTok  [256]int32       // BPE: token of each single byte; SPM: its <0xXX> token; -1 if none
	merges   map[uint64]merge // BPE: (left id, right id) → rank and result
	specials []int32          // control / user-defined / unknown tokens, longest text first

	bos, eos, eot, unk, pad int32
	addBOS, addEOS          bool
	eog                     map[int32]bool
}

type merge struct {
	rank   int32
	result int32 // -1 when the merged text is not itself a token
}

func pairKey(a, b int32) uint64 { return uint64(uint32(a))<<32 | uint64(uint32(b)) }

// ErrVocab is wrapped by every validation error of New.
var ErrVocab = errors.New("invalid tokenizer vocabulary")

// llama.cpp recognises these texts as end-of-generation tokens regardless of the metadata and
// forces them to control type (llama_vocab::impl::load, "auto-detect special tokens by text").
var (
	eotTexts = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>",
		"<|end_of_text|>", "<EOT>", "_<EOT>", "<｜end▁of▁sentence｜>", "<end_of_utterance>"}
	eogTexts = []string{"<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>",
		"<end_of_turn>", "<|endoftext|>", "<|eom_id|>", "<EOT>", "_<EOT>", "<|end_of_text|>",
		"<end_of_utterance>"}
)

// New validates v and builds the lookup tables. v's slices are not retained.
func New(v Vocab) (*Tokenizer, error) {
	n := len(v.Tokens)
	if n == 0 {
		return nil, fmt.Errorf("%w: no tokens", ErrVocab)
	}
	if n > math.MaxInt32 {
		return nil, fmt.Errorf("%w: %d tokens do not fit int32 ids", ErrVocab, n)
	}
	if v.Types != nil && len(v.Types) != n {
		return nil, fmt.Errorf("%w: %d token types for %d tokens", ErrVocab, len(v.Types), n)
	}
	if v.Scores != nil && len(v.Scores) != n {
		return nil, fmt.Errorf("%w: %d scores for %d tokens", ErrVocab, len(v.Scores), n)
	}
	t := &Tokenizer{
		tokens:   slices.Clone(v.Tokens),
		types:    make([]int32, n),
		scores:   make([]float32, n),
		textToID: make(map[string]int32, n),
		addBOS:   v.AddBOS,
		addEOS:   v.AddEOS,
	}
	switch v.Model {
	case "gpt2":
		t.model = modelBPE
		switch v.Pre {
		case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2":
			t.pre, t.ignoreMerges = preLlama3, true
		case "dbrx", "smaug-bpe": // LLaMA-3 expression without ignore_merges
			t.pre = preLlama3
		case "gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de",
			"a.x-4.0", "mellum", "exaone4", "mpt", "olmo", "jais", "trillion", "granite-docling":
			t.pre = preGPT2
		case "default", "":
			t.pre = preDefault
		default:
			return nil, fmt.Errorf("%w: unsupported BPE pre-tokenizer %q (supported: llama-bpe, llama3, llama-v3, gpt-2, default and aliases)", ErrVocab, v.Pre)
		}
	case "llama":
		t.model = modelSPM
		t.spacePrefix = !v.NoSpacePrefix
	default:
		return nil, fmt.Errorf("%w: unsupported tokenizer model %q (supported: gpt2, llama)", ErrVocab, v.Model)
	}

	for i, s := range v.Tokens {
		if s == "" {
			// llama.cpp renames empty entries so that they stay addressable by text.
			s = fmt.Sprintf("[EMPTY_%d]", i)
			t.tokens[i] = s
		}
		t.textToID[s] = int32(i)
		t.types[i] = TypeNormal
		if v.Types != nil {
			t.types[i] = v.Types[i]
		}
		if v.Scores != nil {
			t.scores[i] = v.Scores[i]
		}
	}

	ids := []struct {
		name string
		id   int32
		dst  *int32
	}{{"bos", v.BOS, &t.bos}, {"eos", v.EOS, &t.eos}, {"eot", v.EOT, &t.eot}, {"unknown", v.UNK, &t.unk}, {"padding", v.PAD, &t.pad}}
	for _, x := range ids {
		if x.id < -1 || int(x.id) >= n {
			return nil, fmt.Errorf("%w: %s token id %d out of range [0,%d)", ErrVocab, x.name, x.id, n)
		}
		*x.dst = x.id
	}
	if t.addBOS && t.bos < 0 {
		return nil, fmt.Errorf("%w: add_bos is set but there is no BOS token", ErrVocab)
	}
	if t.addEOS && t.eos < 0 {
		return nil, fmt.Errorf("%w: add_eos is set but there is no EOS token", ErrVocab)
	}

	t.markEOG()
	t.buildPieces()
	if t.model == modelBPE {
		if err := t.buildBPE(v.Merges); err != nil {
			return nil, err
		}
	} else {
		t.buildSPM()
	}

	for i, ty := range t.types {
		if ty == TypeControl || ty == TypeUserDefined || ty == TypeUnknown {
			t.specials = append(t.specials, int32(i))
		}
	}
	// Longest first (llama.cpp sorts by length only; ties are broken by id for determinism).
	slices.SortStableFunc(t.specials, func(a, b int32) int {
		return cmp.Compare(len(t.tokens[b]), len(t.tokens[a]))
	})
	return t, nil
}

// markEOG reproduces llama.cpp's end-of-generation bookkeeping: a missing EOT is found by text,
// and every end-of-generation text is forced to control type and joins the EOG set with EOS/EOT.
func (t *Tokenizer) markEOG() {
	if t.eot < 0 {
		for _, s := range eotTexts {
			if id, ok := t.textToID[s]; ok {
				t.eot = id
				t.types[id] = TypeControl
				break
			}
		}
	}
	t.eog = map[int32]bool{}
	for _, s := range eogTexts {
		if id, ok := t.textToID[s]; ok {
			t.eog[id] = true
			t.types[id] = TypeControl
		}
	}
	for _, id := range []int32{t.eos, t.eot} {
		if id >= 0 {
			t.eog[id] = true
		}
	}
}

// buildPieces renders each token once, like llama.cpp's token-to-piece cache built with
// special = true.
func (t *Tokenizer) buildPieces() {
	t.pieces = make([][]byte, len(t.tokens))
	for i, s := range t.tokens {
		var p []byte
		switch t.types[i] {
		case TypeControl, TypeUnknown, TypeUserDefined:
			p = []byte(s)
		case TypeNormal:
			if t.model == modelBPE {
				p, _ = DecodeBytes(s)
			} else {
				p = []byte(strings.ReplaceAll(s, "\u2581", " "))
			}
		case TypeByte:
			if t.model == modelSPM {
				if b, ok := parseByteToken(s); ok {
					p = []byte{b}
				}
			}
			// BPE byte-type tokens render as nothing, as in llama.cpp.
		}
		// Undefined and unused tokens render as nothing, as in llama.cpp.
		t.pieces[i] = p
	}
}

// parseByteToken reads "<0xAB>".
func parseByteToken(s string) (byte, bool) {
	if len(s) != 6 || s[:3] != "<0x" || s[5] != '>' {
		return 0, false
	}
	hi, ok1 := hexVal(s[3])
	lo, ok2 := hexVal(s[4])
	return hi<<4 | lo, ok1 && ok2
}

func hexVal(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	}
	return 0, false
}

func (t *Tokenizer) buildBPE(merges []string) error {
	t.rawToID = make(map[string]int32, len(t.tokens))
	for i, s := range t.tokens {
		if raw, ok := DecodeBytes(s); ok {
			t.rawToID[string(raw)] = int32(i)
		}
	}
	// A token equal to the byte's character; checked via textToID so the last duplicate wins
	// exactly as in llama.cpp's text_to_token.
	for b := range t.byteTok {
		t.byteTok[b] = -1
		if id, ok := t.textToID[string(byteToRune[b])]; ok {
			t.byteTok[b] = id
		}
	}
	t.merges = make(map[uint64]merge, len(merges))
	for i, m := range merges {
		// llama.cpp splits at the first space after the first byte.
		sp := -1
		if len(m) > 1 {
			if k := strings.IndexByte(m[1:], ' '); k >= 0 {
				sp = k + 1
			}
		}
		if sp < 0 {
			return fmt.Errorf("%w: merge %d %q has no separating space", ErrVocab, i, m)
		}
		l, r := m[:sp], m[sp+1:]
		lid, ok := t.textToID[l]
		if !ok {
			return fmt.Errorf("%w: merge %d %q: left part %q is not a token", ErrVocab, i, m, l)
		}
		rid, ok := t.textToID[r]
		if !ok {
			return fmt.Errorf("%w: merge %d %q: right part %q is not a token", ErrVocab, i, m, r)
		}
		key := pairKey(lid, rid)
		if _, dup := t.merges[key]; dup {
			continue // the first rank wins, as with llama.cpp's map emplace
		}
		res, ok := t.textToID[l+r]
		if !ok {
			res = -1
		}
		t.merges[key] = merge{rank: int32(i), result: res}
	}
	return nil
}

func (t *Tokenizer) buildSPM() {
	for b := range t.byteTok {
		t.byteTok[b] = -1
		if id, ok := t.textToID[fmt.Sprintf("<0x%02X>", b)]; ok {
			t.byteTok[b] = id
		} else if id, ok := t.textToID[string([]byte{byte(b)})]; ok {
			t.byteTok[b] = id // llama.cpp's fallback: the byte itself as a token
		}
	}
}

// VocabSize is the number of tokens.
func (t *Tokenizer) VocabSize() int { return len(t.tokens) }

// BOS returns the beginning-of-sequence id (-1 if none).
func (t *Tokenizer) BOS() int32 { return t.bos }

// EOS returns the end-of-sequence id (-1 if none).
func (t *Tokenizer) EOS() int32 { return t.eos }

// EOT returns the end-of-turn id (-1 if none).
func (t *Tokenizer) EOT() int32 { return t.eot }

// UNK returns the unknown-token id (-1 if none).
func (t *Tokenizer) UNK() int32 { return t.unk }

// PAD returns the padding id (-1 if none).
func (t *Tokenizer) PAD() int32 { return t.pad }

// AddBOS reports whether the model wants BOS in front of a prompt (tokenizer.ggml.add_bos_token).
func (t *Tokenizer) AddBOS() bool { return t.addBOS }

// AddEOS reports whether the model wants EOS after a prompt (tokenizer.ggml.add_eos_token).
func (t *Tokenizer) AddEOS() bool { return t.addEOS }

// IsEOG reports whether id ends generation: EOS, EOT and the end-of-turn texts llama.cpp
// recognises (<|eot_id|>, <|end_of_text|>, <|im_end|>, <|eom_id|>, <end_of_turn>, …).
func (t *Tokenizer) IsEOG(id int32) bool { return t.eog[id] }

// IsControl reports whether id is a control token (after llama.cpp's promotion of
// end-of-generation texts to control).
func (t *Tokenizer) IsControl(id int32) bool {
	return t.valid(id) && t.types[id] == TypeControl
}

// Type returns the effective token type of id (Type*; TypeUndefined for an invalid id).
func (t *Tokenizer) Type(id int32) int32 {
	if !t.valid(id) {
		return TypeUndefined
	}
	return t.types[id]
}

// Text returns the vocab entry of id as stored (byte-level or ▁ spelling), "" if invalid.
func (t *Tokenizer) Text(id int32) string {
	if !t.valid(id) {
		return ""
	}
	return t.tokens[id]
}

// ID looks up a vocab entry by its stored text.
func (t *Tokenizer) ID(text string) (int32, bool) {
	id, ok := t.textToID[text]
	return id, ok
}

func (t *Tokenizer) valid(id int32) bool { return id >= 0 && int(id) < len(t.tokens) }
