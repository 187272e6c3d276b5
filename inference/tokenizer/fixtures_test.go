package tokenizer

import (
	"encoding/json"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/aria-node/aria/inference/fixtures"
	"github.com/aria-node/aria/inference/gguf"
)

type tokFixture struct {
	Format        string `json:"format"`
	VocabFile     string `json:"vocab_file"`
	TokenizerPre  string `json:"tokenizer_pre"`
	TokenizerType string `json:"tokenizer_model"`
	Cases         []struct {
		Text              string  `json:"text"`
		IDs               []int32 `json:"ids"`
		IDsNoParseSpecial []int32 `json:"ids_no_parse_special"`
	} `json:"cases"`
}

// Loading the 128k vocab takes a moment; share one tokenizer per file across tests.
var (
	tokCacheMu sync.Mutex
	tokCache   = map[string]*Tokenizer{}
)

func loadTokenizer(t testing.TB, file string) *Tokenizer {
	t.Helper()
	path := fixtures.Path(t, file)
	tokCacheMu.Lock()
	defer tokCacheMu.Unlock()
	if tk, ok := tokCache[path]; ok {
		return tk
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatalf("open %s: %v", file, err)
	}
	defer f.Close()
	tk, err := FromGGUF(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	tokCache[path] = tk
	return tk
}

func loadFixture(t *testing.T, name string) tokFixture {
	t.Helper()
	b, err := os.ReadFile(fixtures.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	var fx tokFixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if fx.Format != "aria-tok-v1" || len(fx.Cases) == 0 {
		t.Fatalf("%s: unexpected format %q with %d cases", name, fx.Format, len(fx.Cases))
	}
	return fx
}

func TestFixtures(t *testing.T) {
	for _, name := range []string{"tokenizer-tiny.json", "tokenizer-4k.json", "tokenizer-llama3.json"} {
		t.Run(name, func(t *testing.T) {
			fx := loadFixture(t, name)
			tk := loadTokenizer(t, fx.VocabFile)
			pass, nps := 0, 0
			for i, c := range fx.Cases {
				got := tk.Encode(c.Text, false, true)
				if !slices.Equal(got, c.IDs) {
					t.Errorf("case %d %q:\n got  %v\n want %v", i, c.Text, got, c.IDs)
					continue
				}
				wantNPS := c.IDs
				if c.IDsNoParseSpecial != nil {
					wantNPS = c.IDsNoParseSpecial
					nps++
				}
				gotNPS := tk.Encode(c.Text, false, false)
				if !slices.Equal(gotNPS, wantNPS) {
					t.Errorf("case %d %q (no parse_special):\n got  %v\n want %v", i, c.Text, gotNPS, wantNPS)
					continue
				}
				if back := tk.Decode(wantNPS, false); back != c.Text {
					t.Errorf("case %d: Decode(no-parse-special ids) = %q, want %q", i, back, c.Text)
					continue
				}
				if back := tk.Decode(c.IDs, true); back != c.Text {
					t.Errorf("case %d: Decode(ids, special) = %q, want %q", i, back, c.Text)
					continue
				}
				withBOS := tk.Encode(c.Text, true, true)
				if len(withBOS) != len(c.IDs)+1 || withBOS[0] != tk.BOS() || !slices.Equal(withBOS[1:], c.IDs) {
					t.Errorf("case %d: Encode with BOS = %v", i, withBOS)
					continue
				}
				pass++
			}
			t.Logf("%s: %d/%d cases match (ids, no-parse-special ids [%d distinct], round trip, BOS)", name, pass, len(fx.Cases), nps)
		})
	}
}
