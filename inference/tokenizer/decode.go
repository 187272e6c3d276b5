package tokenizer

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Decode concatenates the pieces of ids. With special, control tokens render as their text
// (e.g. "<|eot_id|>"); without, they render as nothing (user-defined tokens always render).
// The result is the exact byte string, which may be invalid UTF-8 (a character cut by the end
// of ids, or ids that spell invalid bytes); see ReplaceInvalidUTF8 and StreamDecoder.
// Invalid ids render as nothing.
//
// For SentencePiece vocabularies the dummy space Encode puts at the start and after every
// special token is removed again, so Decode(Encode(s)) == s.
func (t *Tokenizer) Decode(ids []int32, special bool) string {
	var b []byte
	strip := t.spacePrefix
	for _, id := range ids {
		b, strip = t.appendPiece(b, id, special, strip)
	}
	return string(b)
}

// appendPiece renders id onto b. strip says whether a leading space of this piece is the
// SentencePiece dummy prefix; the returned value is the same for the next token.
func (t *Tokenizer) appendPiece(b []byte, id int32, special, strip bool) ([]byte, bool) {
	if !t.valid(id) {
		return b, strip
	}
	switch t.types[id] {
	case TypeControl, TypeUnknown:
		if special {
			b = append(b, t.pieces[id]...)
		}
		return b, t.spacePrefix
	case TypeUserDefined:
		return append(b, t.pieces[id]...), t.spacePrefix
	}
	p := t.pieces[id]
	if strip && len(p) > 0 && p[0] == ' ' {
		p = p[1:]
	}
	return append(b, p...), false
}

// TokenBytes returns the bytes id decodes to (control tokens as their text); nil if invalid.
func (t *Tokenizer) TokenBytes(id int32) []byte {
	if !t.valid(id) {
		return nil
	}
	return append([]byte(nil), t.pieces[id]...)
}

// Piece returns id's text for humans: its decoded bytes (control tokens as their text), with
// bytes that are not valid UTF-8 on their own — a token holding part of a character — shown as
// "<0xAB>".
func (t *Tokenizer) Piece(id int32) string {
	if !t.valid(id) {
		return ""
	}
	p := t.pieces[id]
	if utf8.Valid(p) {
		return string(p)
	}
	var sb strings.Builder
	for i := 0; i < len(p); {
		n, valid, _ := utf8Status(p[i:])
		if valid {
			sb.Write(p[i : i+n])
			i += n
			continue
		}
		for k := 0; k < n; k++ {
			fmt.Fprintf(&sb, "<0x%02X>", p[i+k])
		}
		i += n
	}
	return sb.String()
}

// StreamDecoder turns a stream of generated ids into text as it arrives, holding back the bytes
// of a character whose encoding is split across tokens (common with byte fallback: an emoji
// is often four single-byte tokens) until it is complete. Not safe for concurrent use.
type StreamDecoder struct {
	t       *Tokenizer
	special bool
	strip   bool
	pending []byte
}

// NewStreamDecoder returns a decoder rendering control tokens only when special is set.
func NewStreamDecoder(t *Tokenizer, special bool) *StreamDecoder {
	return &StreamDecoder{t: t, special: special, strip: t.spacePrefix}
}

// Push adds one token and returns the text that became complete: always valid UTF-8; invalid
// byte sequences are replaced by U+FFFD as soon as they are known to be invalid.
func (d *StreamDecoder) Push(id int32) string {
	d.pending, d.strip = d.t.appendPiece(d.pending, id, d.special, d.strip)
	if len(d.pending) == 0 {
		return ""
	}
	out, rest := appendValidUTF8(make([]byte, 0, len(d.pending)+3), d.pending, false)
	d.pending = append(d.pending[:0], d.pending[rest:]...)
	return string(out)
}

// Flush returns the held-back bytes (an incomplete character becomes U+FFFD) and empties the
// buffer. Concatenating all Push results and Flush gives ReplaceInvalidUTF8(Decode(ids)).
func (d *StreamDecoder) Flush() string {
	out, _ := appendValidUTF8(nil, d.pending, true)
	d.pending = d.pending[:0]
	return string(out)
}

// Pending reports how many bytes are held back waiting for the rest of a character.
func (d *StreamDecoder) Pending() int { return len(d.pending) }
