package library

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

var (
	fileOnce sync.Once
	fileData []byte
	fileSum  string
)

// modelBytes is a synthetic model (about 1 MB) that the fake Hugging Face serves.
func modelBytes(t *testing.T) ([]byte, string) {
	fileOnce.Do(func() {
		p := filepath.Join(t.TempDir(), "m.gguf")
		if err := synth.Write(p, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 3}); err != nil {
			t.Fatal(err)
		}
		fileData, _ = os.ReadFile(p)
		s := sha256.Sum256(fileData)
		fileSum = hex.EncodeToString(s[:])
	})
	return fileData, fileSum
}

// hub fakes Hugging Face: resolve URLs redirect to a CDN path, with the LFS metadata on the
// redirect; the CDN serves ranges and can misbehave.
type hub struct {
	data      []byte
	sum       string       // announced in X-Linked-Etag
	throttle  atomic.Int64 // ns to wait after each chunk; changed while a handler runs
	dropFirst int64        // the first GET closes the connection after this many bytes
	ignoreRng bool
	fail      int // status for every GET
	mu        sync.Mutex
	ranges    []string
	resolved  []string // paths of the resolve requests
	gets      int
}

func (h *hub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.Contains(r.URL.Path, "/resolve/") {
		h.mu.Lock()
		h.resolved = append(h.resolved, r.URL.Path)
		h.mu.Unlock()
		w.Header().Set("X-Linked-Etag", `"`+h.sum+`"`)
		w.Header().Set("X-Linked-Size", strconv.Itoa(len(h.data)))
		http.Redirect(w, r, "/cdn/file", http.StatusFound)
		return
	}
	h.mu.Lock()
	h.gets++
	first := h.gets == 1
	h.ranges = append(h.ranges, r.Header.Get("Range"))
	h.mu.Unlock()
	if h.fail != 0 {
		http.Error(w, "internal trouble", h.fail)
		return
	}
	start := 0
	if rg := r.Header.Get("Range"); rg != "" && !h.ignoreRng {
		fmt.Sscanf(rg, "bytes=%d-", &start)
		w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, len(h.data)-1, len(h.data)))
		w.Header().Set("Content-Length", strconv.Itoa(len(h.data)-start))
		w.WriteHeader(http.StatusPartialContent)
	} else {
		w.Header().Set("Content-Length", strconv.Itoa(len(h.data)))
		w.WriteHeader(http.StatusOK)
	}
	body := h.data[start:]
	for i := 0; i < len(body); i += 32 << 10 {
		end := min(i+32<<10, len(body))
		if first && h.dropFirst > 0 && int64(start+end) > h.dropFirst {
			w.(http.Flusher).Flush()
			conn, _, _ := w.(http.Hijacker).Hijack()
			conn.Close()
			return
		}
		if _, err := w.Write(body[i:end]); err != nil {
			return
		}
		w.(http.Flusher).Flush()
		time.Sleep(time.Duration(h.throttle.Load()))
	}
}

func newManager(t *testing.T, h *hub, pinned string) *Manager {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	m, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m.BaseURL = srv.URL
	m.SetCatalogue([]Entry{{ID: "tiny", Name: "Tiny", Repo: "org/tiny-gguf", File: "tiny.gguf", SHA256: pinned}})
	return m
}

func noFinal(t *testing.T, m *Manager) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(m.Dir, "tiny.gguf")); err == nil {
		t.Fatal("a final file exists after a failed download")
	}
	if len(m.List()) != 0 {
		t.Fatalf("listed: %v", m.List())
	}
}

func TestDownloadVerifiedAndLoadable(t *testing.T) {
	data, sum := modelBytes(t)
	m := newManager(t, &hub{data: data, sum: sum}, "")
	var last Progress
	l, err := m.Download(context.Background(), "tiny", func(p Progress) { last = p })
	if err != nil {
		t.Fatal(err)
	}
	if l.SHA256 != sum || l.Size != int64(len(data)) || last.State != Done || last.Done != int64(len(data)) {
		t.Fatalf("local %+v, progress %+v", l, last)
	}
	e, err := inference.Load(l.Path, inference.Options{Threads: 1})
	if err != nil {
		t.Fatalf("downloaded model does not load: %v", err)
	}
	e.Close()
	if _, err := os.Stat(l.Path + ".part"); err == nil {
		t.Fatal("part file left behind")
	}
}

func TestCancelAndResume(t *testing.T) {
	data, sum := modelBytes(t)
	h := &hub{data: data, sum: sum}
	h.throttle.Store(int64(20 * time.Millisecond))
	m := newManager(t, h, sum)
	ctx, cancel := context.WithCancel(context.Background())
	_, err := m.Download(ctx, "tiny", func(p Progress) {
		if p.Done > int64(len(data))/3 {
			cancel()
		}
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel gave %v", err)
	}
	noFinal(t, m)
	st, err := os.Stat(filepath.Join(m.Dir, "tiny.gguf.part"))
	if err != nil || st.Size() == 0 {
		t.Fatalf("no part kept for resuming: %v", err)
	}
	h.throttle.Store(0)
	var resumed int64
	l, err := m.Download(context.Background(), "tiny", func(p Progress) { resumed = p.ResumedFrom })
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(l.Path)
	if !bytes.Equal(got, data) {
		t.Fatal("resumed file differs from the original")
	}
	if resumed != st.Size() || h.ranges[len(h.ranges)-1] != fmt.Sprintf("bytes=%d-", st.Size()) {
		t.Fatalf("resumed from %d, ranges %q, part was %d", resumed, h.ranges, st.Size())
	}
}

func TestDroppedConnectionResumesAutomatically(t *testing.T) {
	data, sum := modelBytes(t)
	h := &hub{data: data, sum: sum, dropFirst: int64(len(data)) / 2}
	m := newManager(t, h, "")
	l, err := m.Download(context.Background(), "tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(l.Path)
	if !bytes.Equal(got, data) || len(h.ranges) < 2 || h.ranges[1] == "" {
		t.Fatalf("identical %v, ranges %q", bytes.Equal(got, data), h.ranges)
	}
}

func TestServerIgnoringRange(t *testing.T) {
	data, sum := modelBytes(t)
	h := &hub{data: data, sum: sum, dropFirst: int64(len(data)) / 2, ignoreRng: true}
	m := newManager(t, h, "")
	l, err := m.Download(context.Background(), "tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(l.Path); !bytes.Equal(got, data) {
		t.Fatal("restart from zero produced a different file")
	}
}

func TestBadDownloads(t *testing.T) {
	data, sum := modelBytes(t)
	for _, tc := range []struct {
		name   string
		h      *hub
		pinned string
		free   uint64
		want   error
		msg    string
	}{
		{"server lies about the checksum", &hub{data: data, sum: strings.Repeat("ab", 32)}, "", 0, ErrChecksum, "expected abab"},
		{"catalogue and server disagree", &hub{data: data, sum: sum}, strings.Repeat("cd", 32), 0, ErrChecksum, "pins"},
		{"server error", &hub{data: data, sum: sum, fail: 500}, "", 0, nil, "500"},
		{"disk full", &hub{data: data, sum: sum}, "", 1000, ErrNoSpace, "need"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newManager(t, tc.h, tc.pinned)
			if tc.free > 0 {
				m.FreeSpace = func(string) (uint64, error) { return tc.free, nil }
			}
			var last Progress
			_, err := m.Download(context.Background(), "tiny", func(p Progress) { last = p })
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v", err)
			}
			if last.State != Failed || last.Error == "" {
				t.Fatalf("progress %+v", last)
			}
			noFinal(t, m)
			if errors.Is(err, ErrChecksum) {
				if _, err := os.Stat(filepath.Join(m.Dir, "tiny.gguf.part")); err == nil {
					t.Fatal("a part with a bad checksum was kept")
				}
			}
		})
	}
}

func TestImportAndDemo(t *testing.T) {
	data, sum := modelBytes(t)
	m, _ := New(t.TempDir())
	src := filepath.Join(t.TempDir(), "mine.gguf")
	os.WriteFile(src, data, 0o644)
	l, err := m.Import(context.Background(), src, nil)
	if err != nil || l.SHA256 != sum || l.Name != "mine" {
		t.Fatalf("%+v %v", l, err)
	}
	if _, err := m.Import(context.Background(), src, nil); !errors.Is(err, ErrExists) {
		t.Fatalf("second import: %v", err)
	}
	junk := filepath.Join(t.TempDir(), "junk.gguf")
	os.WriteFile(junk, []byte("not a model at all"), 0o644)
	if _, err := m.Import(context.Background(), junk, nil); err == nil || !strings.Contains(err.Error(), "not a GGUF") {
		t.Fatalf("junk import: %v", err)
	}
	trunc := filepath.Join(t.TempDir(), "trunc.gguf")
	os.WriteFile(trunc, data[:len(data)/2], 0o644)
	if _, err := m.Import(context.Background(), trunc, nil); err == nil {
		t.Fatal("a truncated GGUF was imported")
	}
	d, err := m.Demo()
	if err != nil || d.CatalogueID != "demo-random" {
		t.Fatalf("demo %+v %v", d, err)
	}
	if names := len(m.List()); names != 2 {
		t.Fatalf("%d local models", names)
	}
	if err := m.Remove("mine"); err != nil || len(m.List()) != 1 {
		t.Fatalf("remove: %v", err)
	}
}
