package memory

import (
	"context"
	"encoding/json"
	"os"
	"strconv"
	"strings"
	"testing"
)

func TestBenchSmall(t *testing.T) {
	dir := t.TempDir()
	rep, err := Bench(context.Background(), dir, 3000)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(rep)
	t.Logf("%s", b)
	for _, key := range []string{`"p99_ms"`, `"index_bytes"`, `"fill_seconds"`} {
		if !strings.Contains(string(b), key) {
			t.Errorf("report lacks %s", key)
		}
	}
	if rep.N != 3000 || rep.Queries < 100 || rep.P50Ms <= 0 || rep.P99Ms < rep.P50Ms || rep.MaxMs < rep.P99Ms {
		t.Errorf("report %+v", rep)
	}
	// 3000 vectors of 512 bytes: the index holds them and not much more.
	if rep.IndexBytes < 3000*512 || rep.IndexBytes > 3000*700 {
		t.Errorf("index %d bytes for 3000 vectors", rep.IndexBytes)
	}
	if _, err := Bench(context.Background(), dir, 10); err == nil {
		t.Error("bench reused a directory holding a memory.db")
	}
}

// TestBenchLarge runs Bench at the size when MEMORY_BENCH_N is set (not in CI: a
// 100,000-memory fill takes about a minute on two cores).
func TestBenchLarge(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("MEMORY_BENCH_N"))
	if n == 0 {
		t.Skip("set MEMORY_BENCH_N")
	}
	rep, err := Bench(context.Background(), t.TempDir(), n)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(rep)
	t.Logf("%s", b)
	if rep.IndexHeapBytes > 64<<20 || rep.IndexBytes > 64<<20 {
		t.Errorf("vector index %d bytes (heap %d), over 64 MiB", rep.IndexBytes, rep.IndexHeapBytes)
	}
}
