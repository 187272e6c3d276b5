package tokenizer

import (
	"fmt"
	"slices"
	"testing"
)

// spmVocab is a small SentencePiece vocabulary laid out like LLaMA-1/2's (and
// bitnet_b1_58-large's): <unk>, <s>, </s>, 256 byte tokens, then scored pieces.
func spmVocab() Vocab {
	v := Vocab{Model: "llama", BOS: 1, EOS: 2, EOT: -1, UNK: 0, PAD: -1, AddBOS: true}
	add := func(s string, ty int32, score float32) {
		v.Tokens = append(v.Tokens, s)
		v.Types = append(v.Types, ty)
		v.Scores = append(v.Scores, score)
	}
	add("<unk>", TypeUnknown, 0)
	add("<s>", TypeControl, 0)
	add("</s>", TypeControl, 0)
	for b := 0; b < 256; b++ {
		add(fmt.Sprintf("<0x%02X>", b), TypeByte, 0) // id 3+b
	}
	for _, p := range []struct {
		s     string
		score float32
	}{
		{"▁", -10}, {"a", -5}, {"b", -5}, {"c", -5}, // 259-262
		{"ab", -1}, {"bc", -0.5}, {"▁a", -2}, {"aa", -1}, // 263-266
		{"abc", -0.1}, {"▁b", -3}, {"d", -5}, {"é", -4}, // 267-270
	} {
		add(p.s, TypeNormal, p.score)
	}
	add("<u>", TypeUserDefined, 0) // 271
	return v
}

// Expected ids are derived by hand from the SentencePiece merge rule (highest score first,
// leftmost on ties, a merge only if the concatenation is a vocab entry); see each comment.
func TestSPMEncode(t *testing.T) {
	tk, err := New(spmVocab())
	if err != nil {
		t.Fatal(err)
	}
	const (
		sp, a, ab, spA, aa, abc, spB, eAcute, user = 259, 260, 263, 265, 266, 267, 268, 270, 271
	)
	byteID := func(b byte) int32 { return 3 + int32(b) }
	cases := []struct {
		name          string
		text          string
		bos, special  bool
		want          []int32
		decodeSpecial bool
	}{
		// "▁abc": bc(-0.5) first, then a+bc = abc(-0.1); "▁abc" is not a token.
		{"score order", "abc", false, false, []int32{sp, abc}, false},
		// "▁aaa": aa at 1 and 2 tie; the leftmost wins, leaving "▁", "aa", "a".
		{"tie leftmost", "aaa", false, false, []int32{sp, aa, a}, false},
		// "▁a▁b": ▁a(-2) then ▁b(-3).
		{"space", "a b", false, false, []int32{spA, spB}, false},
		// "▁a▁▁b": "▁▁" is no token, so the middle space stays alone.
		{"two spaces", "a  b", false, false, []int32{spA, sp, spB}, false},
		// "€" is not a token: its three UTF-8 bytes fall back to <0xE2><0x82><0xAC>.
		{"byte fallback", "a€", false, false, []int32{spA, byteID(0xE2), byteID(0x82), byteID(0xAC)}, false},
		// A two-byte character that is a token stays whole.
		{"multibyte token", "éa", false, false, []int32{sp, eAcute, a}, false},
		{"empty", "", false, false, []int32{}, false},
		{"empty with BOS", "", true, false, []int32{1}, false},
		{"BOS", "abc", true, false, []int32{1, sp, abc}, false},
		// A special token gets the dummy space after it too: "▁ab" → ab(-1) before ▁a(-2).
		{"parse special", "<s>ab", false, true, []int32{1, sp, ab}, true},
		// Without parse_special "<s>" is text: '<', 's', '>' are no tokens → bytes.
		{"no parse special", "<s>ab", false, false, []int32{sp, byteID('<'), byteID('s'), byteID('>'), ab}, false},
		// User-defined tokens are matched even without parse_special.
		{"user defined", "x<u>a", false, false, []int32{sp, byteID('x'), user, spA}, false},
	}
	for _, c := range cases {
		got := tk.Encode(c.text, c.bos, c.special)
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: Encode(%q) = %v, want %v", c.name, c.text, got, c.want)
		}
		if back := tk.Decode(got, c.decodeSpecial); back != c.text {
			t.Errorf("%s: Decode(%v) = %q, want %q", c.name, got, back, c.text)
		}
	}
}

func TestSPMOptions(t *testing.T) {
	v := spmVocab()
	v.NoSpacePrefix = true
	v.AddEOS = true
	tk, err := New(v)
	if err != nil {
		t.Fatal(err)
	}
	// No dummy prefix: "abc" → bc, then abc.
	if got, want := tk.Encode("abc", false, false), []int32{267}; !slices.Equal(got, want) {
		t.Errorf("no space prefix: got %v, want %v", got, want)
	}
	// add_eos appends EOS together with BOS.
	if got, want := tk.Encode("abc", true, false), []int32{1, 267, 2}; !slices.Equal(got, want) {
		t.Errorf("add_eos: got %v, want %v", got, want)
	}
	if got := tk.Decode([]int32{1, 267, 2}, false); got != "abc" {
		t.Errorf("Decode = %q", got)
	}
	if got := tk.Decode([]int32{1, 267, 2}, true); got != "<s>abc</s>" {
		t.Errorf("Decode special = %q", got)
	}
	if tk.Piece(3+0xE2) != "<0xE2>" || tk.Piece(265) != " a" || tk.Piece(1) != "<s>" {
		t.Errorf("pieces: %q %q %q", tk.Piece(3+0xE2), tk.Piece(265), tk.Piece(1))
	}
	if !tk.IsEOG(2) || tk.IsEOG(1) || !tk.IsControl(1) || tk.IsControl(260) {
		t.Error("EOG / control flags wrong")
	}
}

// Round trip of arbitrary text through the SentencePiece path, which must reproduce the input
// exactly thanks to byte fallback and the stripped dummy space.
func TestSPMRoundTrip(t *testing.T) {
	tk, err := New(spmVocab())
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"abc abc  aa", " leading", "trailing ", "\n\tx", "日本語 🙂", "a<s>b</s>", "ééé"} {
		ids := tk.Encode(s, true, true)
		if ids[0] != 1 {
			t.Errorf("%q: no BOS in %v", s, ids)
		}
		if got := tk.Decode(ids[1:], true); got != s {
			t.Errorf("%q → %v → %q", s, ids, got)
		}
		ids = tk.Encode(s, false, false)
		if got := tk.Decode(ids, false); got != s {
			t.Errorf("no special: %q → %v → %q", s, ids, got)
		}
	}
}
