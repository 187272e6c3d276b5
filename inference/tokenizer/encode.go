package tokenizer

import (
	"strings"
)

// fragment is a piece of the input after special-token splitting: raw text, or a token id.
type fragment struct {
	text string
	id   int32 // -1 for raw text
}

// Encode tokenizes text. addBOS puts the BOS token first if the vocab has one (pass
// t.AddBOS() for the model's choice) and, for vocabularies with add_eos_token, EOS last — llama.cpp's add_special.
// parseSpecial makes the texts of control tokens (e.g. "<|eot_id|>") map to their ids; without
// it they are tokenized as ordinary text. User-defined tokens are always matched, as in
// llama.cpp. Invalid UTF-8 is tokenized as U+FFFD per bad byte, like llama.cpp.
func (t *Tokenizer) Encode(text string, addBOS, parseSpecial bool) []int32 {
	out := make([]int32, 0, len(text)/3+2)
	if addBOS && t.bos >= 0 {
		out = append(out, t.bos)
	}
	var frags []fragment
	if text != "" {
		frags = t.splitSpecial(text, parseSpecial)
	}
	if t.model == modelBPE {
		var st bpeState
		for _, f := range frags {
			if f.id >= 0 {
				out = append(out, f.id)
				continue
			}
			out = t.encodeBPE(&st, f.text, out)
		}
	} else {
		prevSpecial := true // SentencePiece adds the dummy space at the start and after specials
		var st spmState
		for _, f := range frags {
			if f.id >= 0 {
				out = append(out, f.id)
				prevSpecial = true
				continue
			}
			s := f.text
			if t.spacePrefix && prevSpecial {
				s = " " + s
			}
			out = t.encodeSPM(&st, strings.ReplaceAll(s, " ", "\u2581"), out)
			prevSpecial = false
		}
	}
	if addBOS && t.addEOS && t.eos >= 0 {
		out = append(out, t.eos)
	}
	return out
}

// splitSpecial cuts text at occurrences of special-token texts exactly like llama.cpp's
// tokenizer_st_partition: one token at a time, longest text first, each splitting every raw
// fragment left by the previous ones at all its non-overlapping leftmost occurrences.
func (t *Tokenizer) splitSpecial(text string, parseSpecial bool) []fragment {
	frags := []fragment{{text: text, id: -1}}
	for _, id := range t.specials {
		ty := t.types[id]
		if !parseSpecial && (ty == TypeControl || ty == TypeUnknown) {
			continue // only user-defined tokens are matched without parse_special
		}
		sp := t.tokens[id]
		if !strings.Contains(text, sp) {
			continue // cheap filter: most specials never occur
		}
		var next []fragment
		for _, f := range frags {
			if f.id >= 0 || !strings.Contains(f.text, sp) {
				next = append(next, f)
				continue
			}
			rest := f.text
			for {
				k := strings.Index(rest, sp)
				if k < 0 {
					break
				}
				if k > 0 {
					next = append(next, fragment{text: rest[:k], id: -1})
				}
				next = append(next, fragment{id: id})
				rest = rest[k+len(sp):]
			}
			if rest != "" {
				next = append(next, fragment{text: rest, id: -1})
			}
		}
		frags = next
	}
	return frags
}
