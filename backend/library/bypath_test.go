package library

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// A model given by path (serve --model FILE) is listed beside the directory's, marked by_path,
// found by name, never deleted, and not taken for the newest model of the directory; a file of
// the directory given by path is listed once.
func TestModelGivenByPath(t *testing.T) {
	m, err := New(filepath.Join(t.TempDir(), "models"))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := modelBytes(t)
	inDir := filepath.Join(m.Dir, "a-local.gguf")
	if err := os.WriteFile(inDir, data, 0o644); err != nil {
		t.Fatal(err)
	}
	elsewhere := filepath.Join(t.TempDir(), "elsewhere.gguf")
	if err := os.WriteFile(elsewhere, data, 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(time.Hour)
	_ = os.Chtimes(elsewhere, later, later)

	// Relative, as a user types it.
	wd, _ := os.Getwd()
	rel, err := filepath.Rel(wd, elsewhere)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := m.AddPath(rel); err != nil {
			t.Fatal(err)
		}
	}
	if err := m.AddPath(inDir); err != nil {
		t.Fatal(err)
	}
	if err := m.AddPath(filepath.Join(t.TempDir(), "missing.gguf")); err == nil {
		t.Error("a missing file was added")
	}
	list := m.List()
	if len(list) != 2 || list[0].Name != "a-local" || list[0].ByPath ||
		list[1].Name != "elsewhere" || !list[1].ByPath || list[1].Path != elsewhere || list[1].Size != int64(len(data)) {
		t.Fatalf("list %+v", list)
	}
	if p, err := m.Path("elsewhere"); err != nil || p != elsewhere {
		t.Fatalf("Path: %q %v", p, err)
	}
	if n := m.Newest(); n != inDir {
		t.Errorf("Newest %q: a file given by path is not the directory's newest", n)
	}
	if err := m.Remove("elsewhere"); !errors.Is(err, ErrByPath) {
		t.Fatalf("Remove of a file given by path: %v", err)
	}
	if _, err := os.Stat(elsewhere); err != nil {
		t.Fatalf("the user's file is gone: %v", err)
	}
	// A file that disappears is no longer listed.
	os.Remove(elsewhere)
	if list := m.List(); len(list) != 1 {
		t.Fatalf("list after the file went: %+v", list)
	}
}
