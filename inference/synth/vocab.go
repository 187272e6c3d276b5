package synth

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/aria-node/aria/inference/tokenizer"
)

// Templates written into synthetic models (the real ones of their architectures).
const (
	Llama3Template     = "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
	BitNet2B4TTemplate = "{% for message in messages %}{% if loop.first and message['role'] != 'system' %}{{ bos_token }}{% endif %}{% if message['role'] == 'system' %}{{ bos_token + 'System: ' + message['content'] | trim + '<|eot_id|>' }}{% elif message['role'] == 'user' %}{{ 'User: ' + message['content'] | trim + '<|eot_id|>' }}{% elif message['role'] == 'assistant' %}{{ 'Assistant: ' + message['content'] | trim + '<|eot_id|>' }}{% endif %}{% endfor %}{% if add_generation_prompt %}{{ 'Assistant: ' }}{% endif %}"
)

// Token types of tokenizer.ggml.token_type.
const (
	typeNormal  = 1
	typeControl = 3
	typeUnused  = 5
)

// minVocab is the 256 byte tokens plus the five specials the chat templates need.
const minVocab = 256 + 5

type vocab struct {
	tokens        []string
	types         []int32
	merges        []string
	bos, eos, eot int
}

// buildVocab lays out n tokens like LLaMA-3: byte tokens (id = byte), learned merges, unused
// fillers, then the special tokens at the end (256 of them when there is room, as in LLaMA-3).
func buildVocab(n int) vocab {
	var specials []string
	if n >= 256+256+1024 {
		specials = make([]string, 256)
		for i := range specials {
			specials[i] = fmt.Sprintf("<|reserved_special_token_%d|>", i)
		}
		copy(specials, []string{"<|begin_of_text|>", "<|end_of_text|>"})
		specials[6], specials[7], specials[9] = "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"
		// Renumber the reserved tokens as LLaMA-3 does: 0-3 at 2-5, 4 at 8, 5.. from 10.
		r := 0
		for i := range specials {
			if strings.HasPrefix(specials[i], "<|reserved") {
				specials[i] = fmt.Sprintf("<|reserved_special_token_%d|>", r)
				r++
			}
		}
	} else {
		specials = []string{"<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"}
	}
	room := n - 256 - len(specials)
	v := vocab{}
	for b := 0; b < 256; b++ {
		v.tokens = append(v.tokens, tokenizer.EncodeBytes([]byte{byte(b)}))
		v.types = append(v.types, typeNormal)
	}
	v.merges = trainMerges(corpus, room)
	seen := map[string]bool{}
	for _, t := range v.tokens {
		seen[t] = true
	}
	for _, m := range v.merges {
		t := strings.Replace(m, " ", "", 1)
		if !seen[t] {
			seen[t] = true
			v.tokens = append(v.tokens, t)
			v.types = append(v.types, typeNormal)
		}
	}
	for i := 0; len(v.tokens) < n-len(specials); i++ {
		v.tokens = append(v.tokens, fmt.Sprintf("<|unused_%d|>", i))
		v.types = append(v.types, typeUnused)
	}
	base := len(v.tokens)
	for _, s := range specials {
		v.tokens = append(v.tokens, s)
		v.types = append(v.types, typeControl)
	}
	v.bos, v.eos = base, base+1
	for i, s := range specials {
		if s == "<|eot_id|>" {
			v.eot = base + i
		}
	}
	return v
}

// trainMerges learns up to n byte-level BPE merges from text, most frequent pair first (ties
// broken by the pair's text, so the result is deterministic). Words are split roughly as the
// LLaMA-3 pre-tokenizer does: a word keeps its leading space, digits and punctuation apart.
func trainMerges(text string, n int) []string {
	counts := map[string]int{}
	for _, w := range splitWords(text) {
		counts[tokenizer.EncodeBytes([]byte(w))]++
	}
	type word struct {
		syms  []string
		count int
	}
	words := make([]word, 0, len(counts))
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var syms []string
		for _, r := range k {
			syms = append(syms, string(r))
		}
		words = append(words, word{syms, counts[k]})
	}
	var merges []string
	for len(merges) < n {
		pairs := map[[2]string]int{}
		for _, w := range words {
			for i := 0; i+1 < len(w.syms); i++ {
				pairs[[2]string{w.syms[i], w.syms[i+1]}] += w.count
			}
		}
		var best [2]string
		bestN := 1 // a pair seen once is not worth a token
		for p, c := range pairs {
			if c > bestN || (c == bestN && bestN > 1 && p[0]+" "+p[1] < best[0]+" "+best[1]) {
				best, bestN = p, c
			}
		}
		if bestN < 2 {
			break
		}
		merges = append(merges, best[0]+" "+best[1])
		joined := best[0] + best[1]
		for wi := range words {
			s := words[wi].syms
			out := s[:0]
			for i := 0; i < len(s); i++ {
				if i+1 < len(s) && s[i] == best[0] && s[i+1] == best[1] {
					out = append(out, joined)
					i++
				} else {
					out = append(out, s[i])
				}
			}
			words[wi].syms = out
		}
	}
	return merges
}

func splitWords(text string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	for _, r := range text {
		switch {
		case unicode.IsLetter(r):
			if len(cur) > 0 && !unicode.IsLetter(cur[len(cur)-1]) && !(len(cur) == 1 && cur[0] == ' ') {
				flush()
			}
			cur = append(cur, r)
		case r == ' ':
			flush()
			cur = append(cur, r)
		default:
			flush()
			out = append(out, string(r))
		}
	}
	flush()
	return out
}
