package memory

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"
)

// BenchReport is what Bench measures.
type BenchReport struct {
	N     int    `json:"n"`
	Space string `json:"space"`
	Dim   int    `json:"dim"`
	// FillSeconds: storing the n memories (embedding and indexing included).
	FillSeconds float64 `json:"fill_seconds"`
	// OpenSeconds: opening the filled store, the vector index rebuilt from the file.
	OpenSeconds float64 `json:"open_seconds"`
	// IndexBytes is the vector index by its own accounting; IndexHeapBytes the Go heap it
	// added when rebuilt at open (after garbage collection).
	IndexBytes     int64   `json:"index_bytes"`
	IndexHeapBytes int64   `json:"index_heap_bytes"`
	DBBytes        int64   `json:"db_bytes"`
	Queries        int     `json:"queries"`
	K              int     `json:"k"`
	P50Ms          float64 `json:"p50_ms"`
	P99Ms          float64 `json:"p99_ms"`
	MaxMs          float64 `json:"max_ms"`
	MeanMs         float64 `json:"mean_ms"`
}

// benchQueries is how many searches Bench times.
const benchQueries = 300

// Bench fills a new store in dir (dir/memory.db must not exist) with n synthetic memories
// like the evaluation set's, reopens it, and times Search (k = 5) over queries of every type.
func Bench(ctx context.Context, dir string, n int) (BenchReport, error) {
	path := filepath.Join(dir, "memory.db")
	if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
		return BenchReport{}, fmt.Errorf("bench: %s exists; bench needs a scratch directory", path)
	}
	if n <= 0 {
		return BenchReport{}, &FieldError{Field: "n", Msg: "must be positive"}
	}
	st, err := Open(ctx, path, Options{})
	if err != nil {
		return BenchReport{}, fmt.Errorf("bench: %w", err)
	}
	rep := BenchReport{N: n, Space: st.emb.Space(), Dim: st.emb.Dim(), K: 5}
	// The evaluation set's memories and queries, then more memories made the same way.
	items, qs := EvalSet(21, min(n, 520), 60)
	r := rand.New(rand.NewSource(22))
	verbs, nouns := formsOf(evalVerbs, false), formsOf(evalNouns, true)
	now := st.now()
	start := time.Now()
	const batch = 5000
	for done := 0; done < n; {
		part := make([]Item, 0, min(batch, n-done))
		for len(part) < cap(part) {
			var it Item
			if i := done + len(part); i < len(items) {
				it = items[i]
			} else {
				v, o := verbs[r.Intn(len(verbs))], nouns[r.Intn(len(nouns))]
				it = Item{Kind: Episodic, Source: "bench", Importance: float64(r.Intn(11)) / 10,
					Text: fmt.Sprintf(evalTemplates[r.Intn(len(evalTemplates))], evalNames[r.Intn(len(evalNames))],
						v[r.Intn(len(v))], nouns[r.Intn(len(nouns))][0]+" and the "+o[0],
						evalPlaces[r.Intn(len(evalPlaces))], evalTimes[r.Intn(len(evalTimes))])}
			}
			if err := normalise(&it, now.Add(-time.Duration(r.Int63n(int64(365*24*time.Hour))))); err != nil {
				st.Close()
				return BenchReport{}, fmt.Errorf("bench: %w", err)
			}
			if it.ID, err = newID(); err != nil {
				st.Close()
				return BenchReport{}, fmt.Errorf("bench: %w", err)
			}
			part = append(part, it)
		}
		if err := st.addMany(ctx, part, nil); err != nil {
			st.Close()
			return BenchReport{}, fmt.Errorf("bench: fill: %w", err)
		}
		done += len(part)
	}
	rep.FillSeconds = time.Since(start).Seconds()
	if err := st.Close(); err != nil {
		return BenchReport{}, fmt.Errorf("bench: %w", err)
	}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start = time.Now()
	st, err = Open(ctx, path, Options{})
	if err != nil {
		return BenchReport{}, fmt.Errorf("bench: reopen: %w", err)
	}
	defer st.Close()
	rep.OpenSeconds = time.Since(start).Seconds()
	runtime.GC()
	runtime.ReadMemStats(&after)
	rep.IndexHeapBytes = int64(after.HeapAlloc) - int64(before.HeapAlloc)
	rep.IndexBytes = st.idx.Bytes()
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			rep.DBBytes += fi.Size()
		}
	}

	// One warm-up query, then the timed ones.
	if _, err := st.Search(ctx, "warm up the caches", 5, Filter{}); err != nil {
		return BenchReport{}, fmt.Errorf("bench: %w", err)
	}
	lat := make([]time.Duration, 0, benchQueries)
	for i := 0; i < benchQueries; i++ {
		q := qs[i%len(qs)].Text
		if i%7 == 6 { // a longer, chat-like query now and then
			q = "what did I say about " + q + " and " + strings.Fields(items[i%len(items)].Text)[0]
		}
		t0 := time.Now()
		if _, err := st.Search(ctx, q, 5, Filter{}); err != nil {
			return BenchReport{}, fmt.Errorf("bench: query %q: %w", q, err)
		}
		lat = append(lat, time.Since(t0))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	msOf := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	rep.Queries = len(lat)
	rep.P50Ms = msOf(lat[len(lat)/2])
	rep.P99Ms = msOf(lat[min(len(lat)-1, len(lat)*99/100)])
	rep.MaxMs = msOf(lat[len(lat)-1])
	rep.MeanMs = msOf(sum / time.Duration(len(lat)))
	return rep, nil
}
