package memory

import (
	"math/rand"
	"sort"
	"testing"
)

// TestIndexSearch checks the index's search against a plain computation through puts,
// updates and removals (the last slot moved into the hole), with dense and sparse queries and
// a filter.
func TestIndexSearch(t *testing.T) {
	const dim = 24
	r := rand.New(rand.NewSource(1))
	x := newIndex("test", dim, 10)
	ref := map[int64][]float32{}
	meta := map[int64]slotMeta{}
	randVec := func(sparse bool) []float32 {
		v := make([]float32, dim)
		for i := range v {
			if !sparse || r.Intn(6) == 0 {
				v[i] = float32(r.NormFloat64())
			}
		}
		normalize(v)
		return v
	}
	for step := 0; step < 3000; step++ {
		n := int64(r.Intn(300))
		switch op := r.Intn(10); {
		case op < 6:
			v := randVec(false)
			m := slotMeta{kind: uint8(1 + r.Intn(3))}
			x.put(n, v, m, "")
			ref[n], meta[n] = v, m
		default:
			_, had := ref[n]
			if x.remove(n) != had {
				t.Fatalf("step %d: remove(%d) disagrees with %v", step, n, had)
			}
			delete(ref, n)
		}
		if x.Len() != len(ref) {
			t.Fatalf("step %d: %d slots, want %d", step, x.Len(), len(ref))
		}
		if len(x.data) != len(ref)*dim {
			t.Fatalf("step %d: %d bytes of vectors for %d slots", step, len(x.data), len(ref))
		}
		if step%50 != 0 {
			continue
		}
		q := randVec(step%100 == 0)
		keep := func(m slotMeta) bool { return m.kind != 2 }
		got := x.search(q, 7, keep)
		qi, qs := quantize(q)
		var want []vhit
		for n, v := range ref {
			if !keep(meta[n]) {
				continue
			}
			vi, vs := quantize(v)
			var d int32
			for i := range qi {
				d += int32(qi[i]) * int32(vi[i])
			}
			want = append(want, vhit{n, float32(d) * qs * vs})
		}
		sort.Slice(want, func(i, j int) bool { return want[i].score > want[j].score })
		want = want[:min(7, len(want))]
		if len(got) != len(want) {
			t.Fatalf("step %d: %d hits, want %d", step, len(got), len(want))
		}
		for i := range got {
			if got[i].score != want[i].score {
				t.Fatalf("step %d: hit %d scores %v, want %v (%v vs %v)", step, i, got[i].score, want[i].score, got, want)
			}
		}
	}
}
