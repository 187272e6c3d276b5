package tokenizer

// spmSym is one symbol of the SentencePiece merge: bytes [start, end) of the text.
type spmSym struct {
	start, end int32
	prev, next int32
}

type spmBigram struct {
	score       float32
	left, right int32
	size        int32
}

type spmState struct {
	syms []spmSym
	heap []spmBigram
}

// utf8Len is llama.cpp's unicode_len_utf8: the length a lead byte announces, unchecked.
func utf8Len(c byte) int {
	return [16]int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 3, 4}[c>>4]
}

// encodeSPM is llama.cpp's llm_tokenizer_spm_session: start from UTF-8 characters, repeatedly
// merge the adjacent pair whose concatenation is the vocab entry with the highest score
// (leftmost on ties), then map symbols to ids, spelling unknown ones with <0xXX> byte tokens.
// text already has spaces replaced by U+2581.
func (t *Tokenizer) encodeSPM(st *spmState, text string, out []int32) []int32 {
	syms := st.syms[:0]
	for i := 0; i < len(text); {
		n := min(utf8Len(text[i]), len(text)-i)
		k := int32(len(syms))
		syms = append(syms, spmSym{start: int32(i), end: int32(i + n), prev: k - 1, next: k + 1})
		i += n
	}
	if len(syms) == 0 {
		return out
	}
	syms[len(syms)-1].next = -1

	h := st.heap[:0]
	for i := 1; i < len(syms); i++ {
		h = t.spmPush(h, text, syms, int32(i-1), int32(i))
	}
	for len(h) > 0 {
		var b spmBigram
		b, h = heapPop(h, spmBefore)
		l, r := &syms[b.left], &syms[b.right]
		// Symbols only grow, so an unchanged total size means an unchanged pair.
		if l.end == l.start || r.end == r.start || (l.end-l.start)+(r.end-r.start) != b.size {
			continue
		}
		l.end = r.end
		r.start = r.end
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = b.left
		}
		h = t.spmPush(h, text, syms, l.prev, b.left)
		h = t.spmPush(h, text, syms, b.left, l.next)
	}
	st.syms, st.heap = syms, h

	for i := int32(0); i != -1; i = syms[i].next {
		s := text[syms[i].start:syms[i].end]
		if id, ok := t.textToID[s]; ok {
			out = append(out, id)
			continue
		}
		for k := 0; k < len(s); k++ {
			switch {
			case t.byteTok[s[k]] >= 0:
				out = append(out, t.byteTok[s[k]])
			case t.unk >= 0:
				// llama.cpp aborts here (no byte token); UNK is the graceful equivalent.
				out = append(out, t.unk)
			}
		}
	}
	return out
}

func (t *Tokenizer) spmPush(h []spmBigram, text string, syms []spmSym, left, right int32) []spmBigram {
	if left < 0 || right < 0 {
		return h
	}
	s := text[syms[left].start:syms[right].end]
	id, ok := t.textToID[s]
	if !ok {
		return h
	}
	return heapPush(h, spmBigram{score: t.scores[id], left: left, right: right, size: int32(len(s))}, spmBefore)
}

// spmBefore orders the queue: highest score first, then leftmost.
func spmBefore(a, b *spmBigram) bool {
	return a.score > b.score || a.score == b.score && a.left < b.left
}
