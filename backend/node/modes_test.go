package node

import (
	"context"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// The data directory holds the node's private key, its ledger and its API key: other users of
// the machine must not read them, whatever the umask.
func TestDataFilesPrivate(t *testing.T) {
	old := syscall.Umask(0o022) // the usual default: new files 0644, directories 0755
	defer syscall.Umask(old)
	dir := filepath.Join(t.TempDir(), "aria")
	mp := filepath.Join(t.TempDir(), "m.gguf")
	if err := synth.Write(mp, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	n, err := Start(context.Background(), Config{DataDir: dir, Model: mp, Addr: "127.0.0.1:0", Threads: 1,
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	postJSON(t, n.URL()+"/v1/completions", `{"prompt":"hi","max_tokens":2}`, 200) // writes the ledger
	check := func(path string, want fs.FileMode) {
		t.Helper()
		st, err := os.Stat(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			return
		}
		if got := st.Mode().Perm(); got != want {
			t.Errorf("%s has mode %v, want %v", filepath.Base(path), got, want)
		}
	}
	check(dir, 0o700)
	for _, f := range []string{"ledger.db", "ledger.db-wal", "ledger.db-shm", "identity.key"} {
		check(filepath.Join(dir, f), 0o600)
	}
	n.Close()
	// A data directory made earlier with wider modes is narrowed at the next start.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(filepath.Join(dir, "ledger.db"), 0o644); err != nil {
		t.Fatal(err)
	}
	n, err = Start(context.Background(), Config{DataDir: dir, Addr: "127.0.0.1:0", Threads: 1, Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	check(dir, 0o700)
	check(filepath.Join(dir, "ledger.db"), 0o600)
}
