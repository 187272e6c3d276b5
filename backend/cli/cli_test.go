package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference/fixtures"
)

var update = flag.Bool("update", false, "rewrite golden files")

func run(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(context.Background(), args, IO{In: strings.NewReader(stdin), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

// `aria tokenize --json` prints exactly the reference ids (with BOS) for the tokenizer fixtures.
func TestTokenizeJSONMatchesFixtures(t *testing.T) {
	for _, c := range []struct{ fixture, model string }{
		{"tokenizer-tiny.json", "bitnet-tiny-tq2_0.gguf"},
		{"tokenizer-llama3.json", "llama3-vocab.gguf"},
	} {
		var ref struct {
			Cases []struct {
				Text string  `json:"text"`
				IDs  []int32 `json:"ids"`
			} `json:"cases"`
		}
		b, err := os.ReadFile(fixtures.Path(t, c.fixture))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &ref); err != nil {
			t.Fatal(err)
		}
		model := fixtures.Path(t, c.model)
		for i, tc := range ref.Cases[:12] {
			code, out, errs := run(t, "", "tokenize", model, tc.Text, "--json")
			if code != 0 {
				t.Fatalf("%s case %d: exit %d: %s", c.fixture, i, code, errs)
			}
			var got []int32
			if err := json.Unmarshal([]byte(out), &got); err != nil {
				t.Fatalf("output %q: %v", out, err)
			}
			if len(got) != len(tc.IDs)+1 || got[0] != map[string]int32{"llama3-vocab.gguf": 128000}[c.model]+map[string]int32{"bitnet-tiny-tq2_0.gguf": 510}[c.model] {
				t.Fatalf("%s %q: %v, want BOS + %v", c.fixture, tc.Text, got, tc.IDs)
			}
			for j, id := range tc.IDs {
				if got[j+1] != id {
					t.Fatalf("%s %q: %v, want BOS + %v", c.fixture, tc.Text, got, tc.IDs)
				}
			}
		}
	}
}

func TestInfoGolden(t *testing.T) {
	code, out, errs := run(t, "", "info", fixtures.Path(t, "bitnet-tiny-tq2_0.gguf"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// The path differs between machines; the rest is fixed.
	out = strings.Replace(out, fixtures.Path(t, "bitnet-tiny-tq2_0.gguf"), "FIXTURE", 1)
	golden := filepath.Join("testdata", "info-tiny-tq2_0.golden.txt")
	if *update {
		os.WriteFile(golden, []byte(out), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if out != string(want) {
		t.Fatalf("info output:\n%s\nwant:\n%s", out, want)
	}
}

// Bad input gives a clear message and the right exit code: 2 for usage, 1 for failures.
func TestErrors(t *testing.T) {
	dir := t.TempDir()
	cut := filepath.Join(dir, "cut.gguf")
	b, err := os.ReadFile(fixtures.Path(t, "bitnet-tiny-tq2_0.gguf"))
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(cut, b[:len(b)/3], 0o644)
	notGGUF := filepath.Join(dir, "x.gguf")
	os.WriteFile(notGGUF, []byte("this is not a model at all, just text"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"generate", cut, "-p", "hi"}, 1, "truncated"},
		{[]string{"generate", notGGUF, "-p", "hi"}, 1, "not a GGUF file"},
		{[]string{"generate", filepath.Join(dir, "nope.gguf"), "-p", "hi"}, 1, "no such file"},
		{[]string{"generate", cut}, 2, "prompt is required"},
		{[]string{"generate", cut, "-p", "x", "--top-p", "2"}, 2, "top_p"},
		{[]string{"generate", cut, "-p", "x", "--cache-type", "q4"}, 2, "KV cache type"},
		{[]string{"synth", "--shape", "huge", "--out", filepath.Join(dir, "s.gguf")}, 2, "unknown shape"},
		{[]string{"synth", "--type", "q4_k", "--out", filepath.Join(dir, "s.gguf")}, 2, "unknown type"},
		{[]string{"synth", "--n-embd", "384", "--out", filepath.Join(dir, "s.gguf")}, 2, "multiple"},
		{[]string{"info"}, 2, "accepts 1 arg"},
		{[]string{"info", fixtures.Path(t, "llama3-vocab.gguf")}, 0, "runnable:      no"},
		{[]string{"conform", "--model", cut}, 2, "--prompts"},
		{[]string{"conform", "--model", fixtures.Path(t, "bitnet-tiny-tq2_0.gguf"), "--prompts", notGGUF}, 1, "read prompts"},
		{[]string{"frobnicate"}, 1, "unknown command"},
		{[]string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--no-p2p", "--layers", "5:2"}, 2, "--layers"},
		{[]string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--no-p2p", "--layers", "x"}, 2, "FROM:TO"},
		{[]string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--no-p2p", "--route", "moon"}, 1, "route"},
		{[]string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--p2p-listen", "/ip4/nonsense", "--no-mdns"}, 1, "listen address"},
		{[]string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--bootstrap", "/ip4/127.0.0.1/tcp/1", "--no-mdns"}, 1, "/p2p/"},
		{[]string{"bench", cut, "--pipeline", "1"}, 2, "at least 2 nodes"},
	}
	for _, c := range cases {
		code, out, errs := run(t, "", c.args...)
		if code != c.code || !strings.Contains(out+errs, c.want) {
			t.Errorf("aria %s: exit %d, output %q; want exit %d containing %q", strings.Join(c.args, " "), code, out+errs, c.code, c.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "s.gguf")); err == nil {
		t.Error("a failed synth left a file behind")
	}
}

// synth → info → generate → chat, end to end through the command line.
func TestSynthGenerateChat(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m.gguf")
	if code, _, errs := run(t, "", "synth", "--shape", "tiny", "--type", "tq1_0", "--n-layer", "2", "--out", p); code != 0 {
		t.Fatalf("synth: %s", errs)
	}
	code, out, errs := run(t, "", "generate", p, "-p", "Once upon a time", "-n", "12", "--seed", "9", "--ignore-eos")
	if code != 0 || !strings.Contains(errs, "generation:   12 tokens") || !strings.Contains(errs, "tokens/s") {
		t.Fatalf("generate: exit %d\n%s\n%s", code, out, errs)
	}
	_, again, _ := run(t, "", "generate", p, "-p", "Once upon a time", "-n", "12", "--seed", "9", "--ignore-eos")
	if again != out {
		t.Fatalf("same seed, different text: %q vs %q", out, again)
	}
	code, out, errs = run(t, "hello there\n/reset\nand again\n/quit\n", "chat", p, "-n", "5")
	if code != 0 || strings.Count(out, "> ") != 4 || strings.Count(errs, "tokens/s]") != 2 {
		t.Fatalf("chat: exit %d\n%s\n%s", code, out, errs)
	}
}
