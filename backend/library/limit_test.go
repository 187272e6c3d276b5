package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// A hub that announces n bytes (X-Linked-Size, and the hash of those n bytes) but streams 4n
// on the redirected GET, with or without a Content-Length saying so: the download must never
// write past n.
func TestServerSendingMoreThanAnnounced(t *testing.T) {
	for _, withLength := range []bool{false, true} {
		t.Run("content-length="+strconv.FormatBool(withLength), func(t *testing.T) { serveMoreThanAnnounced(t, withLength) })
	}
}

func serveMoreThanAnnounced(t *testing.T, withLength bool) {
	data, _ := modelBytes(t)
	n := len(data) / 4
	announced := data[:n]
	s := sha256.Sum256(announced)
	sum := hex.EncodeToString(s[:])
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/resolve/") {
			w.Header().Set("X-Linked-Etag", `"`+sum+`"`)
			w.Header().Set("X-Linked-Size", strconv.Itoa(n))
			http.Redirect(w, r, "/cdn/file", http.StatusFound)
			return
		}
		if withLength {
			w.Header().Set("Content-Length", strconv.Itoa(4*n))
		} // else chunked, as long as the server likes
		w.WriteHeader(http.StatusOK)
		for i := 0; i < 4; i++ {
			w.Write(announced)
			w.(http.Flusher).Flush()
		}
	}))
	defer srv.Close()
	m, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	m.BaseURL = srv.URL
	m.SetCatalogue([]Entry{{ID: "tiny", Name: "Tiny", Repo: "org/tiny-gguf", File: "tiny.gguf"}})
	var maxDone int64
	var last Progress
	_, err = m.Download(context.Background(), "tiny", func(p Progress) {
		last = p
		maxDone = max(maxDone, p.Done)
		if st, err := os.Stat(filepath.Join(m.Dir, "tiny.gguf.part")); err == nil {
			maxDone = max(maxDone, st.Size())
		}
	})
	part := filepath.Join(m.Dir, "tiny.gguf.part")
	if st, serr := os.Stat(part); serr == nil {
		maxDone = max(maxDone, st.Size())
	}
	if maxDone > int64(n) {
		t.Errorf("%d bytes written for an announced size of %d", maxDone, n)
	}
	if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "more than the announced "+strconv.Itoa(n)) {
		t.Errorf("error %v, want ErrTooLarge", err)
	}
	if last.State != Failed {
		t.Errorf("progress %+v", last)
	}
	if _, err := os.Stat(part); err == nil {
		t.Error("the part of an oversized download was kept")
	}
	noFinal(t, m)
}

// With no size known anywhere the download is capped at MaxUnknownSize (tested here by
// lowering the limit fetch gets: a real 64 GiB stream is out of reach for a unit test).
func TestFetchCapsUnknownSize(t *testing.T) {
	data, _ := modelBytes(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusOK)
		w.Write(data)
	}))
	defer srv.Close()
	m, _ := New(t.TempDir())
	part := filepath.Join(m.Dir, "x.part")
	const limit = 1000
	off, _, err := m.fetch(context.Background(), srv.URL, "", part, 0, limit, sha256.New(), &Progress{}, func(Progress) {})
	st, serr := os.Stat(part)
	if !errors.Is(err, ErrTooLarge) || off != limit || serr != nil || st.Size() != limit {
		t.Fatalf("off %d, err %v, part %v %v", off, err, st, serr)
	}
}
