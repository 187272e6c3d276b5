package tokenizer

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// byteVocab is a minimal byte-level BPE vocabulary: 256 byte tokens, a few merges, specials.
func byteVocab() Vocab {
	v := Vocab{Model: "gpt2", Pre: "llama-bpe", BOS: 259, EOS: 260, EOT: -1, UNK: -1, PAD: -1, AddBOS: true}
	for b := 0; b < 256; b++ {
		v.Tokens = append(v.Tokens, string(byteToRune[b]))
		v.Types = append(v.Types, TypeNormal)
	}
	v.Tokens = append(v.Tokens, "Ġt", "he", "<|eot_id|>", "<|begin_of_text|>", "<|end_of_text|>") // 256-260
	v.Types = append(v.Types, TypeNormal, TypeNormal, TypeControl, TypeControl, TypeControl)
	v.Merges = []string{"Ġ t", "h e"}
	return v
}

func TestNewValidation(t *testing.T) {
	cases := []struct {
		name string
		edit func(*Vocab)
		want string
	}{
		{"empty vocab", func(v *Vocab) { v.Tokens, v.Types = nil, nil }, "no tokens"},
		{"unknown merge part", func(v *Vocab) { v.Merges = append(v.Merges, "Ġt zz") }, `right part "zz" is not a token`},
		{"unknown merge left", func(v *Vocab) { v.Merges = append(v.Merges, "qq t") }, `left part "qq" is not a token`},
		{"merge without space", func(v *Vocab) { v.Merges = append(v.Merges, "abc") }, "no separating space"},
		{"bos out of range", func(v *Vocab) { v.BOS = 9999 }, "bos token id 9999 out of range"},
		{"eot negative", func(v *Vocab) { v.EOT = -7 }, "eot token id -7 out of range"},
		{"unsupported model", func(v *Vocab) { v.Model = "bert" }, `unsupported tokenizer model "bert"`},
		{"unsupported pre", func(v *Vocab) { v.Pre = "qwen2" }, `unsupported BPE pre-tokenizer "qwen2"`},
		{"types length", func(v *Vocab) { v.Types = v.Types[:3] }, "3 token types for 261 tokens"},
		{"scores length", func(v *Vocab) { v.Scores = []float32{1} }, "1 scores for 261 tokens"},
		{"add_bos without bos", func(v *Vocab) { v.BOS = -1 }, "no BOS token"},
	}
	for _, c := range cases {
		v := byteVocab()
		c.edit(&v)
		_, err := New(v)
		if err == nil || !strings.Contains(err.Error(), c.want) || !errors.Is(err, ErrVocab) {
			t.Errorf("%s: err = %v, want …%s… wrapping ErrVocab", c.name, err, c.want)
		}
	}
	for _, pre := range []string{"llama-bpe", "llama3", "llama-v3", "gpt-2", "default", ""} {
		v := byteVocab()
		v.Pre = pre
		if _, err := New(v); err != nil {
			t.Errorf("pre %q: %v", pre, err)
		}
	}
}

func TestByteVocab(t *testing.T) {
	tk, err := New(byteVocab())
	if err != nil {
		t.Fatal(err)
	}
	// " the" → pre-token " the" → Ġ t h e → "Ġt"(rank 0) then "he"(rank 1).
	if got, want := tk.Encode(" the", false, false), []int32{256, 257}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, want := tk.Encode("x<|eot_id|>", true, true), []int32{259, 'x', 258}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if tk.EOT() != 258 {
		t.Errorf("EOT found by text = %d, want 258", tk.EOT())
	}
	for id, want := range map[int32]bool{258: true, 260: true, 259: false, 'x': false, -1: false, 9999: false} {
		if tk.IsEOG(id) != want {
			t.Errorf("IsEOG(%d) = %v", id, !want)
		}
	}
	if tk.Decode([]int32{259, 'x', 258}, false) != "x" || tk.Decode([]int32{259, 'x', 258}, true) != "<|begin_of_text|>x<|eot_id|>" {
		t.Error("special rendering wrong")
	}
	if tk.Piece(0xF0) != "<0xF0>" || tk.Piece(256) != " t" || tk.Piece(258) != "<|eot_id|>" || tk.Piece(-3) != "" {
		t.Errorf("pieces %q %q %q", tk.Piece(0xF0), tk.Piece(256), tk.Piece(258))
	}
	if b := tk.TokenBytes(0xF0); len(b) != 1 || b[0] != 0xF0 {
		t.Errorf("TokenBytes = %v", b)
	}
	// Invalid UTF-8 is tokenized like llama.cpp: each bad byte becomes U+FFFD.
	if got, want := tk.Encode("a\xffb", false, false), []int32{'a', 0xEF, 0xBF, 0xBD, 'b'}; !slices.Equal(got, want) {
		t.Errorf("invalid UTF-8: got %v, want %v", got, want)
	}
}

// Pre-tokenizer splits for the three supported families, checked against the expressions by
// hand (LLaMA-3 is also covered id-for-id by the fixtures).
func TestPretokenize(t *testing.T) {
	cases := []struct {
		pre  int
		text string
		want []string
	}{
		{preLlama3, "a   b", []string{"a", "  ", " b"}},
		{preLlama3, "1234567", []string{"123", "456", "7"}},
		{preLlama3, "(hello don'T", []string{"(hello", " don", "'T"}},
		{preLlama3, "x \n\n  y", []string{"x", " \n\n", " ", " y"}},
		{preLlama3, "end!!\n\nnext ", []string{"end", "!!\n\n", "next", " "}},
		{preLlama3, "e\u0301t\u00e9", []string{"e", "\u0301t\u00e9"}}, // a combining mark is not \p{L}
		{preGPT2, "Hello world's 123  x\n", []string{"Hello", " world", "'s", " 123", " ", " x", "\n"}},
		{preGPT2, "it'S", []string{"it", "'", "S"}}, // case-sensitive contractions
		{preDefault, "a+b=12345 (x)", []string{"a", "+", "b", "=", "123", "45", " ", "(", "x", ")"}},
	}
	for _, c := range cases {
		tk := &Tokenizer{pre: c.pre}
		var tr textRunes
		tr.reset(c.text)
		var got []string
		start := int32(0)
		for _, e := range tk.pretokenize(&tr, nil) {
			got = append(got, tr.text[tr.off[start]:tr.off[e]])
			start = e
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("pre %d %q: got %q, want %q", c.pre, c.text, got, c.want)
		}
	}
}

func TestReplaceInvalidUTF8(t *testing.T) {
	for in, want := range map[string]string{
		"ok":                    "ok",
		"\xe6\x97":              "\uFFFD",  // truncated 3-byte sequence: one maximal subpart
		"\xe6\x97A":             "\uFFFDA", //
		"\xff\xfe":              "\uFFFD\uFFFD",
		"\xed\xa0\x80":          "\uFFFD\uFFFD\uFFFD", // surrogate: E0..9F rule makes each byte bad
		"\xf0\x9f\x99":          "\uFFFD",
		"a\xf0\x9f\x99\x82b":    "a🙂b",
		"\xc0\xaf":              "\uFFFD\uFFFD", // overlong
		"\xf4\x90\x80\x80":      "\uFFFD\uFFFD\uFFFD\uFFFD",
		"\xe2\x82\xac\xe2\x82X": "€\uFFFDX",
	} {
		if got := ReplaceInvalidUTF8(in); got != want {
			t.Errorf("ReplaceInvalidUTF8(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStreamDecoderBytes(t *testing.T) {
	tk, err := New(byteVocab())
	if err != nil {
		t.Fatal(err)
	}
	// Each id is one byte: characters arrive split across tokens.
	steps := []struct {
		id   int32
		want string
	}{
		{'H', "H"},
		{0xF0, ""}, {0x9F, ""}, {0x99, ""}, {0x82, "🙂"}, // emoji split over four byte tokens
		{0xC3, ""}, {0xA9, "é"},
		{0xE2, ""}, {0x82, ""}, {'x', "\uFFFDx"}, // a broken character is replaced once it is known bad
		{0xFF, "\uFFFD"},
		{258, ""}, // control token, special rendering off
		{256, " t"},
		{0xE6, ""}, {0x97, ""},
	}
	d := NewStreamDecoder(tk, false)
	for i, s := range steps {
		if got := d.Push(s.id); got != s.want {
			t.Errorf("step %d Push(%d) = %q, want %q", i, s.id, got, s.want)
		}
	}
	if d.Pending() != 2 {
		t.Errorf("Pending = %d, want 2", d.Pending())
	}
	if got := d.Flush(); got != "\uFFFD" {
		t.Errorf("Flush = %q, want U+FFFD", got)
	}
	if got := d.Flush(); got != "" {
		t.Errorf("second Flush = %q", got)
	}
	ds := NewStreamDecoder(tk, true)
	if got := ds.Push(258); got != "<|eot_id|>" {
		t.Errorf("special Push = %q", got)
	}
}

// streamAll decodes ids one at a time and checks every chunk is valid UTF-8.
func streamAll(t *testing.T, tk *Tokenizer, ids []int32, special bool) string {
	t.Helper()
	d := NewStreamDecoder(tk, special)
	var sb strings.Builder
	for _, id := range ids {
		s := d.Push(id)
		if !utf8.ValidString(s) {
			t.Fatalf("Push(%d) returned invalid UTF-8 %q", id, s)
		}
		sb.WriteString(s)
	}
	sb.WriteString(d.Flush())
	return sb.String()
}

func TestStreamDecoderFixtures(t *testing.T) {
	for _, file := range []string{"bitnet-tiny-tq2_0.gguf", "llama3-vocab.gguf"} {
		tk := loadTokenizer(t, file)
		for _, s := range []string{
			"emoji 🙂🚀 mix", "family 👨\u200d👩\u200d👧\u200d👦 done", "flags 🇺🇸🇯🇵",
			"日本語のテキストと中文字符", "नमस्ते दुनिया", "naïve café", "x<|eot_id|>y",
		} {
			ids := tk.Encode(s, false, true)
			if got := streamAll(t, tk, ids, true); got != s {
				t.Errorf("%s: stream %v = %q, want %q", file, ids, got, s)
			}
			if got, want := streamAll(t, tk, ids, false), strings.ReplaceAll(s, "<|eot_id|>", ""); got != want {
				t.Errorf("%s: stream without specials = %q, want %q", file, got, want)
			}
			// Cutting the ids anywhere gives the replaced prefix, never a panic.
			for k := range ids {
				got := streamAll(t, tk, ids[:k], true)
				if want := ReplaceInvalidUTF8(tk.Decode(ids[:k], true)); got != want {
					t.Errorf("%s: prefix %d: stream %q != decode %q", file, k, got, want)
				}
			}
		}
	}
}

func TestRealVocabFlags(t *testing.T) {
	tk := loadTokenizer(t, "llama3-vocab.gguf")
	if tk.VocabSize() != 128256 || tk.BOS() != 128000 || tk.EOS() != 128001 || tk.EOT() != 128009 || !tk.AddBOS() || tk.AddEOS() {
		t.Fatalf("llama3 metadata: size %d bos %d eos %d eot %d addbos %v addeos %v",
			tk.VocabSize(), tk.BOS(), tk.EOS(), tk.EOT(), tk.AddBOS(), tk.AddEOS())
	}
	for id, want := range map[int32]bool{128001: true, 128009: true, 128000: false, 128006: false, 9906: false} {
		if tk.IsEOG(id) != want {
			t.Errorf("IsEOG(%d) = %v", id, !want)
		}
	}
	if !tk.IsControl(128000) || !tk.IsControl(128255) || tk.IsControl(9906) || tk.IsControl(128256) {
		t.Error("IsControl wrong")
	}
	if p := tk.Piece(9906); p != "Hello" {
		t.Errorf("Piece(9906) = %q", p)
	}
	if p := tk.Piece(22691); p != " Hello" {
		t.Errorf("Piece(22691) = %q", p)
	}
	if p := tk.Piece(128009); p != "<|eot_id|>" {
		t.Errorf("Piece(128009) = %q", p)
	}
	tiny := loadTokenizer(t, "bitnet-tiny-tq2_0.gguf")
	if tiny.VocabSize() != 512 || tiny.BOS() != 510 || tiny.EOS() != 511 || tiny.EOT() != 509 || !tiny.IsEOG(509) || !tiny.IsEOG(511) || tiny.IsEOG(510) {
		t.Error("tiny vocab metadata wrong")
	}
}

func TestByteSpelling(t *testing.T) {
	for raw, want := range map[string]string{" the": "Ġthe", "\n\n": "ĊĊ", "é": "Ã©", "\x00\xad\xff": "ĀŃÿ"} {
		if got := EncodeBytes([]byte(raw)); got != want {
			t.Errorf("EncodeBytes(%q) = %q, want %q", raw, got, want)
		}
		if back, ok := DecodeBytes(want); !ok || string(back) != raw {
			t.Errorf("DecodeBytes(%q) = %q, %v", want, back, ok)
		}
	}
	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	if back, ok := DecodeBytes(EncodeBytes(all)); !ok || string(back) != string(all) {
		t.Error("byte table is not a bijection")
	}
	if _, ok := DecodeBytes("日"); ok {
		t.Error("DecodeBytes accepted a character outside the table")
	}
}
