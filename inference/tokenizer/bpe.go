package tokenizer

// bpeSym is one symbol of a word being merged: bytes [start, end) of the word, the token it
// currently spells (-1 when the merged text is not a token) and its neighbours in the chain.
type bpeSym struct {
	id         int32
	start, end int32
	prev, next int32
}

// bigram is a candidate merge of two adjacent symbols. lid and rid record what the symbols
// spelled when it was queued; a popped bigram whose symbols changed since is stale.
type bigram struct {
	rank        int32
	left, right int32
	lid, rid    int32
}

// bpeState holds buffers reused across the words of one Encode call.
type bpeState struct {
	tr   textRunes
	ends []int32
	syms []bpeSym
	heap []bigram
}

func (t *Tokenizer) encodeBPE(st *bpeState, text string, out []int32) []int32 {
	st.tr.reset(text)
	st.ends = t.pretokenize(&st.tr, st.ends)
	start := int32(0)
	for _, e := range st.ends {
		out = t.bpeWord(st, st.tr.text[st.tr.off[start]:st.tr.off[e]], out)
		start = e
	}
	return out
}

// bpeWord tokenizes one pre-token (raw bytes): the whole word if ignore_merges applies, else
// lowest-rank-first merging (leftmost on ties), the same order as llama.cpp's
// llm_tokenizer_bpe_session, with a priority queue so long words stay O(n log n).
func (t *Tokenizer) bpeWord(st *bpeState, w string, out []int32) []int32 {
	if t.ignoreMerges {
		if id, ok := t.rawToID[w]; ok {
			return append(out, id)
		}
	}
	syms := st.syms[:0]
	for i := 0; i < len(w); i++ {
		syms = append(syms, bpeSym{id: t.byteTok[w[i]], start: int32(i), end: int32(i + 1), prev: int32(i - 1), next: int32(i + 1)})
	}
	if len(syms) == 0 {
		return out
	}
	syms[len(syms)-1].next = -1

	h := st.heap[:0]
	for i := 1; i < len(syms); i++ {
		h = t.pushBigram(h, syms, int32(i-1), int32(i))
	}
	for len(h) > 0 {
		var b bigram
		b, h = heapPop(h, bigramLess)
		l, r := &syms[b.left], &syms[b.right]
		if l.end == l.start || r.end == r.start || l.id != b.lid || r.id != b.rid || l.next != b.right {
			continue
		}
		l.id = t.merges[pairKey(b.lid, b.rid)].result
		l.end = r.end
		r.start = r.end // empty: merged away
		l.next = r.next
		if r.next >= 0 {
			syms[r.next].prev = b.left
		}
		h = t.pushBigram(h, syms, l.prev, b.left)
		h = t.pushBigram(h, syms, b.left, l.next)
	}
	st.syms, st.heap = syms, h

	for i := int32(0); i != -1; i = syms[i].next {
		s := syms[i]
		if s.id >= 0 {
			out = append(out, s.id)
			continue
		}
		// Not a token: one token per byte (skipping bytes the vocab cannot spell).
		for k := s.start; k < s.end; k++ {
			if id := t.byteTok[w[k]]; id >= 0 {
				out = append(out, id)
			}
		}
	}
	return out
}

func (t *Tokenizer) pushBigram(h []bigram, syms []bpeSym, left, right int32) []bigram {
	if left < 0 || right < 0 {
		return h
	}
	lid, rid := syms[left].id, syms[right].id
	if lid < 0 || rid < 0 {
		return h
	}
	m, ok := t.merges[pairKey(lid, rid)]
	if !ok {
		return h
	}
	return heapPush(h, bigram{rank: m.rank, left: left, right: right, lid: lid, rid: rid}, bigramLess)
}

func bigramLess(a, b *bigram) bool {
	return a.rank < b.rank || a.rank == b.rank && a.left < b.left
}

// A hand-rolled binary min-heap: container/heap's interface calls cost more than the merges.
