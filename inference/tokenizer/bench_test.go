package tokenizer

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aria-node/aria/inference/fixtures"
	"github.com/aria-node/aria/inference/gguf"
)

const prose = `The history of computing is, in large part, a history of making machines that do more with less.
Early engineers counted every vacuum tube; their successors counted transistors, then watts, then
bytes of memory bandwidth. BitNet b1.58 continues that tradition: every weight of its linear layers
is -1, 0 or +1, so a matrix multiplication becomes a sequence of additions and subtractions. A model
with two billion parameters fits in about 400 MB, and a laptop CPU can run it at a comfortable
reading speed. "Isn't that remarkable?" she asked. "We'll see," he said, "when it's been tested on
real workloads — not just benchmarks." In 2024 the idea went from paper to practice; by 2025, people
ran it on phones, single-board computers and old desktops alike.

    def forward(x, w):
        # ternary weights: {-1, 0, +1}
        return (x @ w.T) * scale  # 3.14159, 2.71828, 1e-5

Prices: $1,234.56 (12.5% off) — call 555-0123 before 10:30. Café, naïve, résumé, Ångström;
日本語のテキスト, Привет мир, مرحبا بالعالم, 🙂🚀 and 👨‍👩‍👧‍👦.
`

func benchText(n int) string {
	var sb strings.Builder
	for sb.Len() < n {
		sb.WriteString(prose)
	}
	return sb.String()
}

func BenchmarkEncodeLlama3(b *testing.B) {
	tk := loadTokenizer(b, "llama3-vocab.gguf")
	text := benchText(4096)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		tk.Encode(text, true, true)
	}
	b.ReportMetric(float64(len(tk.Encode(text, true, true))), "tokens/op")
}

func BenchmarkDecodeLlama3(b *testing.B) {
	tk := loadTokenizer(b, "llama3-vocab.gguf")
	ids := tk.Encode(benchText(4096), false, true)
	b.ReportAllocs()
	for b.Loop() {
		tk.Decode(ids, false)
	}
}

func BenchmarkFromGGUFLlama3(b *testing.B) {
	path := fixtures.Path(b, "llama3-vocab.gguf")
	f, err := gguf.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	for b.Loop() {
		if _, err := FromGGUF(f); err != nil {
			b.Fatal(err)
		}
	}
}

// A generous bound on the speed requirement (10 KB of prose well under 50 ms), so a quadratic
// regression fails the ordinary test run instead of only showing in benchmarks.
func TestEncodeSpeed(t *testing.T) {
	if testing.Short() {
		t.Skip("timing test")
	}
	tk := loadTokenizer(t, "llama3-vocab.gguf")
	text := benchText(10 << 10)
	best := time.Hour
	for range 5 {
		start := time.Now()
		tk.Encode(text, true, true)
		best = min(best, time.Since(start))
	}
	t.Logf("10 KB of prose: %v", best)
	if best > 50*time.Millisecond {
		t.Errorf("encoding 10 KB took %v, want < 50ms", best)
	}
	// One long word (no pre-token boundaries) must not be quadratic either.
	long := strings.Repeat("abcdefghij", 2000)
	start := time.Now()
	ids := tk.Encode(long, false, false)
	if d := time.Since(start); d > 200*time.Millisecond {
		t.Errorf("a 20 000-letter word took %v", d)
	}
	if tk.Decode(ids, false) != long {
		t.Error("long word does not round-trip")
	}
}

func FuzzEncodeDecode(f *testing.F) {
	for _, s := range []string{"", " ", "Hello world", "don't  stop\n\n", "1234567", "x<|eot_id|>y",
		"🙂🚀", "e\u0301", "\xff\xfe", "\xe6\x97", "a\xed\xa0\x80b", "\xc0\x80", "\xf4\x90\x80\x80", "\r\n\t \u00a0"} {
		f.Add(s)
	}
	tk := loadTokenizer(f, "bitnet-tiny-tq2_0.gguf")
	f.Fuzz(func(t *testing.T, s string) {
		ids := tk.Encode(s, false, false)
		for _, id := range ids {
			if id < 0 || int(id) >= tk.VocabSize() {
				t.Fatalf("Encode(%q) produced id %d", s, id)
			}
		}
		withSpecial := tk.Encode(s, true, true)
		back := tk.Decode(ids, false)
		if utf8.ValidString(s) {
			if back != s {
				t.Fatalf("round trip: %q → %v → %q", s, ids, back)
			}
			if got := tk.Decode(withSpecial[1:], true); got != s {
				t.Fatalf("round trip with specials: %q → %v → %q", s, withSpecial, got)
			}
		}
		d := NewStreamDecoder(tk, false)
		var sb strings.Builder
		for _, id := range ids {
			sb.WriteString(d.Push(id))
		}
		sb.WriteString(d.Flush())
		if got := sb.String(); got != ReplaceInvalidUTF8(back) {
			t.Fatalf("stream %q != decode %q", got, back)
		}
	})
}
