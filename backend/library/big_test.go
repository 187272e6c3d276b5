package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// A 2B4T-shape model (1.2 GB) downloaded through the manager from a local hub, then run.
// Slow (about a minute), so it runs only with ARIA_BIG=1.
func TestDownload2B4TShapeRuns(t *testing.T) {
	if os.Getenv("ARIA_BIG") != "1" {
		t.Skip("set ARIA_BIG=1 to download and run a 2B4T-shape model (1.2 GB)")
	}
	src := filepath.Join(t.TempDir(), "2b4t.gguf")
	if err := synth.Write(src, synth.Options{Shape: synth.Shapes["2b4t"], Type: gguf.TypeI2_S, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(src)
	h := sha256.New()
	size, _ := io.Copy(h, f)
	f.Close()
	sum := hex.EncodeToString(h.Sum(nil))
	hub := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/resolve/") {
			w.Header().Set("X-Linked-Etag", `"`+sum+`"`)
			w.Header().Set("X-Linked-Size", strconv.FormatInt(size, 10))
			http.Redirect(w, r, "/cdn/file", http.StatusFound)
			return
		}
		http.ServeFile(w, r, src)
	}))
	defer hub.Close()
	m, _ := New(t.TempDir())
	m.BaseURL = hub.URL
	t0 := time.Now()
	l, err := m.Download(context.Background(), "bitnet-b1.58-2b4t", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("downloaded and verified %d bytes in %v", l.Size, time.Since(t0))
	os.Remove(src)
	e, err := inference.Load(l.Path, inference.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s, err := e.NewSession(256, 0)
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Generate(context.Background(), inference.Request{Prompt: "Hello", MaxTokens: 8}, nil)
	if err != nil || len(res.Tokens) != 8 {
		t.Fatalf("generate: %v %+v", err, res)
	}
	t.Logf("generated 8 tokens at %.1f tokens/s", res.GeneratePerSec)
}
