package tokenizer

import (
	"unicode"
	"unicode/utf8"
)

// Character classes used by the pre-tokenizers. fValid marks a position inside the segment
// being split: llama.cpp's hand-written splitters test "has any flag" to detect the segment
// end, and every real code point has at least one category flag.
const (
	fValid uint8 = 1 << iota
	fLetter
	fNumber
	fSpace
	fPunct // \p{P}, only used by the "default" pre-tokenizer
)

var asciiFlags = func() (t [128]uint8) {
	for r := range t {
		t[r] = runeFlagsSlow(rune(r))
	}
	return t
}()

// runeFlagsSlow classifies r with the unicode package: \p{L} = L*, \p{N} = Nd|Nl|No, \s = the
// White_Space property (unicode.IsSpace, the same 25 code points as llama.cpp's table).
func runeFlagsSlow(r rune) uint8 {
	f := fValid
	switch {
	case unicode.IsLetter(r):
		f |= fLetter
	case unicode.IsNumber(r):
		f |= fNumber
	case unicode.IsPunct(r):
		f |= fPunct
	}
	if unicode.IsSpace(r) {
		f |= fSpace
	}
	return f
}

func runeFlags(r rune) uint8 {
	if r >= 0 && r < 0x80 {
		return asciiFlags[r]
	}
	return runeFlagsSlow(r)
}

// textRunes is one raw-text fragment prepared for pre-tokenization: its code points (decoded
// leniently like llama.cpp), their classes, and the byte offset of each code point in text,
// the fragment re-encoded from those code points (identical to the input when it is valid
// UTF-8; invalid bytes become U+FFFD as in llama.cpp).
type textRunes struct {
	text string
	cps  []rune
	fl   []uint8
	off  []int32 // len(cps)+1 byte offsets into text
}

func (tr *textRunes) reset(s string) {
	tr.cps, tr.fl, tr.off = tr.cps[:0], tr.fl[:0], tr.off[:0]
	if utf8.ValidString(s) {
		tr.text = s
		for i, r := range s {
			tr.cps = append(tr.cps, r)
			tr.fl = append(tr.fl, runeFlags(r))
			tr.off = append(tr.off, int32(i))
		}
		tr.off = append(tr.off, int32(len(s)))
		return
	}
	buf := make([]byte, 0, len(s)+16)
	for i := 0; i < len(s); {
		r, n := decodeRuneLenient(s, i)
		i += n
		tr.cps = append(tr.cps, r)
		tr.fl = append(tr.fl, runeFlags(r))
		tr.off = append(tr.off, int32(len(buf)))
		buf = appendRuneRaw(buf, r)
	}
	tr.off = append(tr.off, int32(len(buf)))
	tr.text = string(buf)
}

// segment is a view of code points [ini, end) of a textRunes; positions outside read as
// "no character" (flags 0, code point -1), exactly like llama.cpp's _get_flags/_get_cpt.
type segment struct {
	cps      []rune
	fl       []uint8
	ini, end int
	ends     []int32 // output: end positions (code point index) of the pieces
	prev     int
}

func (s *segment) f(i int) uint8 {
	if i >= s.ini && i < s.end {
		return s.fl[i]
	}
	return 0
}

func (s *segment) c(i int) rune {
	if i >= s.ini && i < s.end {
		return s.cps[i]
	}
	return -1
}

// add closes the current piece at end and returns its length (0 pieces are dropped).
func (s *segment) add(end int) int {
	n := end - s.prev
	if n > 0 {
		s.ends = append(s.ends, int32(end))
	}
	s.prev = end
	return n
}

func isCRLF(r rune) bool { return r == '\r' || r == '\n' }

// splitLlama3 implements
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
//
// as llama.cpp's unicode_regex_split_custom_llama3 does, step for step (Go's regexp has no
// lookahead, and the hand-written version is the reference anyway).
func (s *segment) splitLlama3() {
	s.prev = s.ini
	for pos := s.ini; pos < s.end; {
		c, f := s.c(pos), s.f(pos)

		// (?i:'s|'t|'re|'ve|'m|'ll|'d)
		if c == '\'' && pos+1 < s.end {
			n := unicode.ToLower(s.c(pos + 1))
			if n == 's' || n == 't' || n == 'm' || n == 'd' {
				pos += s.add(pos + 2)
				continue
			}
			if pos+2 < s.end {
				nn := unicode.ToLower(s.c(pos + 2))
				if n == 'r' && nn == 'e' || n == 'v' && nn == 'e' || n == 'l' && nn == 'l' {
					pos += s.add(pos + 3)
					continue
				}
			}
		}

		// [^\r\n\p{L}\p{N}]?\p{L}+
		if !(isCRLF(c) || f&fNumber != 0) {
			if f&fLetter != 0 || s.f(pos+1)&fLetter != 0 {
				pos++
				for s.f(pos)&fLetter != 0 {
					pos++
				}
				s.add(pos)
				continue
			}
		}

		// \p{N}{1,3}
		if f&fNumber != 0 {
			ini := pos
			for s.f(pos)&fNumber != 0 {
				pos++
				if pos-ini >= 3 {
					s.add(pos)
					ini = pos
				}
			}
			s.add(pos)
			continue
		}

		// ' ?[^\s\p{L}\p{N}]+[\r\n]*' — note llama.cpp tests the current char's flags for the
		// segment end here, so a lone trailing space becomes its own piece (same result as \s+).
		f2 := f
		if c == ' ' {
			f2 = s.f(pos + 1)
		}
		if f2&(fSpace|fLetter|fNumber) == 0 && f != 0 {
			if c == ' ' {
				pos++
			}
			for f2&(fSpace|fLetter|fNumber) == 0 && f2 != 0 {
				pos++
				f2 = s.f(pos)
			}
			for isCRLF(s.c(pos)) {
				pos++
			}
			s.add(pos)
			continue
		}

		nws, lastRN := 0, 0
		for s.f(pos+nws)&fSpace != 0 {
			if isCRLF(s.c(pos + nws)) {
				lastRN = pos + nws + 1
			}
			nws++
		}
		// \s*[\r\n]+
		if lastRN > 0 {
			pos = lastRN
			s.add(pos)
			continue
		}
		// \s+(?!\S)
		if nws > 1 && s.c(pos+nws) != -1 {
			pos += nws - 1
			s.add(pos)
			continue
		}
		// \s+
		if nws > 0 {
			pos += nws
			s.add(pos)
			continue
		}
		pos++
		s.add(pos)
	}
}

// splitGPT2 implements 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// like llama.cpp's unicode_regex_split_custom_gpt2 (contractions are case-sensitive here).
func (s *segment) splitGPT2() {
	s.prev = s.ini
	for pos := s.ini; pos < s.end; {
		c, f := s.c(pos), s.f(pos)

		if c == '\'' && pos+1 < s.end {
			n := s.c(pos + 1)
			if n == 's' || n == 't' || n == 'm' || n == 'd' {
				pos += s.add(pos + 2)
				continue
			}
			if pos+2 < s.end {
				nn := s.c(pos + 2)
				if n == 'r' && nn == 'e' || n == 'v' && nn == 'e' || n == 'l' && nn == 'l' {
					pos += s.add(pos + 3)
					continue
				}
			}
		}

		f2 := f
		if c == ' ' {
			f2 = s.f(pos + 1)
		}
		var class uint8
		switch {
		case f2&fLetter != 0:
			class = fLetter
		case f2&fNumber != 0:
			class = fNumber
		case f2&(fSpace|fLetter|fNumber) == 0 && f2 != 0:
			class = 0xFF // "other": not space, letter or number
		}
		if class != 0 {
			if c == ' ' {
				pos++
			}
			for gpt2Class(f2) == class {
				pos++
				f2 = s.f(pos)
			}
			s.add(pos)
			continue
		}

		nws := 0
		for s.f(pos+nws)&fSpace != 0 {
			nws++
		}
		if nws > 1 && s.c(pos+nws) != -1 {
			pos += nws - 1
			s.add(pos)
			continue
		}
		if nws > 0 {
			pos += nws
			s.add(pos)
			continue
		}
		pos++
		s.add(pos)
	}
}

func gpt2Class(f uint8) uint8 {
	switch {
	case f&fLetter != 0:
		return fLetter
	case f&fNumber != 0:
		return fNumber
	case f&fSpace == 0 && f != 0:
		return 0xFF
	}
	return 0
}

// splitMatches splits [ini, end) into the runs accepted by match (maximal, or cut every max
// code points when max > 0) and the gaps between them, like llama.cpp's std::regex path does
// for simple character-class expressions.
func (s *segment) splitMatches(match func(i int) bool, max int) {
	s.prev = s.ini
	for pos := s.ini; pos < s.end; {
		if !match(pos) {
			pos++
			continue
		}
		start := pos
		for pos < s.end && match(pos) && (max == 0 || pos-start < max) {
			pos++
		}
		if max > 0 && pos-start < max {
			// [0-9][0-9][0-9] needs exactly max characters; a shorter run stays in the gap.
			continue
		}
		s.add(start)
		s.add(pos)
	}
	s.add(s.end)
}

// pretokenize splits tr into pieces and returns their end offsets (code point indices).
func (t *Tokenizer) pretokenize(tr *textRunes, ends []int32) []int32 {
	s := segment{cps: tr.cps, fl: tr.fl, ini: 0, end: len(tr.cps), ends: ends[:0]}
	switch t.pre {
	case preLlama3:
		s.splitLlama3()
		return s.ends
	case preGPT2:
		s.splitGPT2()
		return s.ends
	}
	// preDefault: llama.cpp applies four expressions in turn, each splitting the pieces of
	// the previous one: [\p{P}\$\+<=>\^~\|]+, the GPT-2 expression, \p{N}+, [0-9][0-9][0-9].
	cur := []int32{int32(len(tr.cps))}
	steps := []func(*segment){
		func(g *segment) {
			g.splitMatches(func(i int) bool {
				c := g.cps[i]
				return g.fl[i]&fPunct != 0 || c == '$' || c == '+' || c == '<' || c == '=' ||
					c == '>' || c == '^' || c == '~' || c == '|'
			}, 0)
		},
		(*segment).splitGPT2,
		func(g *segment) { g.splitMatches(func(i int) bool { return g.fl[i]&fNumber != 0 }, 0) },
		func(g *segment) {
			g.splitMatches(func(i int) bool { return g.cps[i] >= '0' && g.cps[i] <= '9' }, 3)
		},
	}
	for _, step := range steps {
		var next []int32
		start := 0
		for _, e := range cur {
			g := segment{cps: tr.cps, fl: tr.fl, ini: start, end: int(e), ends: next}
			step(&g)
			next = g.ends
			start = int(e)
		}
		cur = next
	}
	return append(ends[:0], cur...)
}
