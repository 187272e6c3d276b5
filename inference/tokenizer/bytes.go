package tokenizer

import "unicode/utf8"

// GPT-2 byte-level BPE spells every byte as one printable character so that vocab entries
// are valid, whitespace-free text: printable Latin-1 bytes stand for themselves, the other 68
// bytes map in increasing order to U+0100, U+0101, … (space → 'Ġ' U+0120, '\n' → 'Ċ' U+010A).
var byteToRune = func() (t [256]rune) {
	n := rune(0)
	for b := range t {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			t[b] = rune(b)
		} else {
			t[b] = 0x100 + n
			n++
		}
	}
	return t
}()

// runeToByte inverts byteToRune; -1 marks characters outside the table (all are < U+0144).
var runeToByte = func() (t [0x144]int16) {
	for i := range t {
		t[i] = -1
	}
	for b, r := range byteToRune {
		t[r] = int16(b)
	}
	return t
}()

// DecodeBytes maps the GPT-2 byte-level spelling of a vocab entry back to raw bytes. ok is
// false when a character is outside the byte table (such text cannot come out of EncodeBytes);
// that character is kept as its UTF-8 bytes.
func DecodeBytes(s string) (raw []byte, ok bool) {
	raw = make([]byte, 0, len(s))
	ok = true
	for _, r := range s {
		if r >= 0 && int(r) < len(runeToByte) && runeToByte[r] >= 0 {
			raw = append(raw, byte(runeToByte[r]))
			continue
		}
		// Keep the character itself so decoding stays lossless for odd vocabs.
		raw = utf8.AppendRune(raw, r)
		ok = false
	}
	return raw, ok
}

// EncodeBytes spells raw bytes the GPT-2 byte-level way, as vocab entries and merges of
// "gpt2" vocabularies are written (" the" → "Ġthe").
func EncodeBytes(raw []byte) string {
	out := make([]byte, 0, 2*len(raw))
	for _, b := range raw {
		out = utf8.AppendRune(out, byteToRune[b])
	}
	return string(out)
}

// decodeRuneLenient decodes one code point the way llama.cpp's unicode_cpt_from_utf8 does:
// it checks the lead byte and the continuation bytes only, so overlong forms and surrogates
// are accepted. Anything else yields U+FFFD and consumes one byte. Exact tokenization of odd
// input depends on reproducing this, not Go's stricter decoder.
func decodeRuneLenient(s string, i int) (r rune, size int) {
	c := s[i]
	switch {
	case c < 0x80:
		return rune(c), 1
	case c&0x40 == 0:
		return utf8.RuneError, 1
	case c&0x20 == 0:
		if i+1 < len(s) && s[i+1]&0xC0 == 0x80 {
			return rune(c&0x1F)<<6 | rune(s[i+1]&0x3F), 2
		}
	case c&0x10 == 0:
		if i+2 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 {
			return rune(c&0x0F)<<12 | rune(s[i+1]&0x3F)<<6 | rune(s[i+2]&0x3F), 3
		}
	case c&0x08 == 0:
		if i+3 < len(s) && s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 && s[i+3]&0xC0 == 0x80 {
			r = rune(c&0x07)<<18 | rune(s[i+1]&0x3F)<<12 | rune(s[i+2]&0x3F)<<6 | rune(s[i+3]&0x3F)
			if r <= 0x10FFFF {
				return r, 4
			}
			// llama.cpp cannot re-encode such a code point and aborts; treat it as invalid.
		}
	}
	return utf8.RuneError, 1
}

// appendRuneRaw encodes r like llama.cpp's unicode_cpt_to_utf8, which (unlike
// utf8.AppendRune) writes surrogates as their 3-byte form instead of U+FFFD.
func appendRuneRaw(b []byte, r rune) []byte {
	switch {
	case r < 0x80:
		return append(b, byte(r))
	case r < 0x800:
		return append(b, 0xC0|byte(r>>6), 0x80|byte(r&0x3F))
	case r < 0x10000:
		return append(b, 0xE0|byte(r>>12), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	default:
		return append(b, 0xF0|byte(r>>18), 0x80|byte(r>>12&0x3F), 0x80|byte(r>>6&0x3F), 0x80|byte(r&0x3F))
	}
}

// utf8Status classifies the sequence starting at s[0] following the Unicode "maximal subpart"
// practice (the one Python's errors="replace" and browsers use): n bytes form a valid
// character (valid), are a valid but truncated prefix that ends with s (incomplete), or are an
// invalid sequence to be replaced by one U+FFFD (n ≥ 1).
func utf8Status(s []byte) (n int, valid, incomplete bool) {
	c := s[0]
	var need int
	lo, hi := byte(0x80), byte(0xBF) // allowed range of the first continuation byte
	switch {
	case c < 0x80:
		return 1, true, false
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c == 0xED:
		need, hi = 2, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1, false, false
	}
	for k := 1; k <= need; k++ {
		if k >= len(s) {
			return k, false, true
		}
		b := s[k]
		if k == 1 && (b < lo || b > hi) || k > 1 && (b < 0x80 || b > 0xBF) {
			return k, false, false
		}
	}
	return need + 1, true, false
}

// ReplaceInvalidUTF8 returns s with every ill-formed sequence replaced by U+FFFD, one per
// maximal invalid subpart (the same result as Python's bytes.decode("utf-8", "replace"),
// which the reference fixtures use for generated text).
func ReplaceInvalidUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	out, _ := appendValidUTF8(make([]byte, 0, len(s)+8), []byte(s), true)
	return string(out)
}

// appendValidUTF8 appends the valid text of b to dst, replacing invalid subparts with U+FFFD.
// With final false, a truncated character at the very end is not emitted; its start offset in
// b is returned as rest so the caller can keep those bytes for later.
func appendValidUTF8(dst, b []byte, final bool) (out []byte, rest int) {
	i := 0
	for i < len(b) {
		n, valid, incomplete := utf8Status(b[i:])
		switch {
		case valid:
			dst = append(dst, b[i:i+n]...)
		case incomplete && !final:
			return dst, i
		default:
			dst = append(dst, "\uFFFD"...)
		}
		i += n
	}
	return dst, len(b)
}
