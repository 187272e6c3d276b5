package library

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const pinnedCommit = "0123456789abcdef0123456789abcdef01234567"

func pinnedManager(t *testing.T, h *hub, sum string) *Manager {
	t.Helper()
	m := newManager(t, h, sum)
	m.SetCatalogue([]Entry{{ID: "tiny", Name: "Tiny", Repo: "org/tiny-gguf", File: "tiny.gguf",
		Revision: pinnedCommit, SHA256: sum, Size: int64(len(h.data))}})
	return m
}

func TestDownloadPinnedToCommitAndHash(t *testing.T) {
	data, sum := modelBytes(t)
	h := &hub{data: data, sum: sum}
	m := pinnedManager(t, h, sum)
	l, err := m.Download(context.Background(), "tiny", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(l.Path); !bytes.Equal(got, data) || l.SHA256 != sum {
		t.Fatalf("downloaded %+v", l)
	}
	if want := "/org/tiny-gguf/resolve/" + pinnedCommit + "/tiny.gguf"; len(h.resolved) == 0 || h.resolved[0] != want {
		t.Fatalf("resolved %q, want %q", h.resolved, want)
	}
}

// The hub's file is not the pinned one: whether the hub announces no hash or (lying) the
// pinned one, the bytes are downloaded, fail the check and the part is deleted.
func TestDownloadPinnedHashMismatch(t *testing.T) {
	data, sum := modelBytes(t)
	other := append([]byte(nil), data...)
	other[len(other)/2] ^= 0xff
	for name, announced := range map[string]string{"no hash announced": "", "pinned hash announced": sum} {
		t.Run(name, func(t *testing.T) {
			h := &hub{data: other, sum: announced}
			m := pinnedManager(t, h, sum)
			var last Progress
			_, err := m.Download(context.Background(), "tiny", func(p Progress) { last = p })
			if !errors.Is(err, ErrChecksum) || !strings.Contains(err.Error(), "expected "+sum) || last.State != Failed {
				t.Fatalf("error %v, progress %+v", err, last)
			}
			if h.gets == 0 {
				t.Fatal("nothing was downloaded: the test does not reach the check of the bytes")
			}
			for _, f := range []string{"tiny.gguf.part", "tiny.gguf.part.json"} {
				if _, err := os.Stat(filepath.Join(m.Dir, f)); err == nil {
					t.Fatalf("%s kept after a checksum mismatch", f)
				}
			}
			noFinal(t, m)
		})
	}
}

func TestPinChecks(t *testing.T) {
	data, sum := modelBytes(t)
	for _, tc := range []struct {
		name string
		e    Entry
		msg  string
	}{
		{"server announces another hash", Entry{Revision: pinnedCommit, SHA256: strings.Repeat("cd", 32)}, "pins"},
		{"malformed sha256", Entry{SHA256: "abc"}, "not 64 hexadecimal"},
		{"size differs from the exact catalogue size", Entry{SHA256: sum, Size: int64(len(data)) + 1}, "catalogue gives"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := &hub{data: data, sum: sum}
			m := newManager(t, h, "")
			tc.e.ID, tc.e.Repo, tc.e.File = "tiny", "org/tiny-gguf", "tiny.gguf"
			m.SetCatalogue([]Entry{tc.e})
			if _, err := m.Download(context.Background(), "tiny", nil); err == nil || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("error %v", err)
			}
			if h.gets != 0 {
				t.Fatal("downloaded despite a bad pin")
			}
			noFinal(t, m)
		})
	}
}

func TestRevisionPath(t *testing.T) {
	for in, want := range map[string]string{
		"":                            "main",
		"main":                        "main",
		"v1.0":                        "v1.0",
		"refs/pr/1":                   "refs%2Fpr%2F1",
		strings.ToUpper(pinnedCommit): pinnedCommit,
		pinnedCommit:                  pinnedCommit,
		"../../evil":                  "..%2F..%2Fevil",
	} {
		if got := revisionPath(in); got != want {
			t.Errorf("revisionPath(%q) = %q, want %q", in, got, want)
		}
	}
}
