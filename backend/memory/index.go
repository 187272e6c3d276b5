package memory

import (
	"context"
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// vindex is the in-memory vector index of the current space: brute-force int8 dot products
// over one contiguous array, rebuilt from the vectors table at Open. At 512 dimensions 100,000
// items take about 51 MB of vectors plus 13 bytes an item of bookkeeping (BenchReport measures
// it); a lexical query vector is sparse, so its product touches only its non-zero dimensions.
type vindex struct {
	mu    sync.RWMutex
	space string
	dim   int
	data  []int8    // slot*dim ... slot*dim+dim-1
	scale []float32 // per slot: value = int8 * scale
	rows  []int64   // per slot: items.n
	meta  []slotMeta
	slot  map[int64]int32
	convs map[string]uint32
	names []string
}

// slotMeta is what filtering needs without a database round trip.
type slotMeta struct {
	kind  uint8
	flags uint8
	conv  uint32 // index into names, 0 = none
}

const (
	flagClosed = 1 << iota
	flagNever
)

var kindCode = map[Kind]uint8{Episodic: 1, Semantic: 2, Procedural: 3}

func metaOf(it Item) slotMeta {
	m := slotMeta{kind: kindCode[it.Kind]}
	if it.Closed() {
		m.flags |= flagClosed
	}
	if it.NeverRecall {
		m.flags |= flagNever
	}
	return m
}

func newIndex(space string, dim, capacity int) *vindex {
	x := &vindex{}
	x.init(space, dim, capacity)
	return x
}

func (x *vindex) init(space string, dim, capacity int) {
	x.space, x.dim = space, dim
	x.data = make([]int8, 0, capacity*dim)
	x.scale = make([]float32, 0, capacity)
	x.rows = make([]int64, 0, capacity)
	x.meta = make([]slotMeta, 0, capacity)
	x.slot = make(map[int64]int32, capacity)
	x.convs = map[string]uint32{"": 0}
	x.names = []string{""}
}

func (x *vindex) reset(space string, dim int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.init(space, dim, 0)
}

// Bytes is the index's memory by its own accounting (slices at capacity, map estimated).
func (x *vindex) Bytes() int64 {
	x.mu.RLock()
	defer x.mu.RUnlock()
	b := int64(cap(x.data)) + int64(cap(x.scale))*4 + int64(cap(x.rows))*8 + int64(cap(x.meta))*int64(unsafe.Sizeof(slotMeta{}))
	b += int64(len(x.slot)) * 24 // key, value and bucket overhead of a swiss-table map, about
	return b
}

func (x *vindex) Len() int {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return len(x.rows)
}

func (x *vindex) has(n int64) bool {
	x.mu.RLock()
	defer x.mu.RUnlock()
	_, ok := x.slot[n]
	return ok
}

func (x *vindex) convID(c string) uint32 {
	if id, ok := x.convs[c]; ok {
		return id
	}
	id := uint32(len(x.names))
	x.convs[c] = id
	x.names = append(x.names, c)
	return id
}

func (x *vindex) put(n int64, vec []float32, m slotMeta, conv string) {
	q, sc := quantize(vec)
	x.putQ(n, q, sc, m, conv)
}

func (x *vindex) putQ(n int64, q []int8, sc float32, m slotMeta, conv string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if len(q) != x.dim {
		return
	}
	if conv != "" {
		m.conv = x.convID(conv)
	}
	if i, ok := x.slot[n]; ok {
		if conv == "" {
			m.conv = x.meta[i].conv
		}
		copy(x.data[int(i)*x.dim:], q)
		x.scale[i], x.meta[i] = sc, m
		return
	}
	x.slot[n] = int32(len(x.rows))
	x.data = append(x.data, q...)
	x.scale = append(x.scale, sc)
	x.rows = append(x.rows, n)
	x.meta = append(x.meta, m)
}

func (x *vindex) setMeta(n int64, m slotMeta) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if i, ok := x.slot[n]; ok {
		m.conv = x.meta[i].conv
		x.meta[i] = m
	}
}

// remove drops item n by moving the last slot into its place; false when n had no vector.
func (x *vindex) remove(n int64) bool {
	x.mu.Lock()
	defer x.mu.Unlock()
	i, ok := x.slot[n]
	if !ok {
		return false
	}
	last := int32(len(x.rows) - 1)
	if i != last {
		copy(x.data[int(i)*x.dim:int(i+1)*x.dim], x.data[int(last)*x.dim:])
		x.scale[i], x.rows[i], x.meta[i] = x.scale[last], x.rows[last], x.meta[last]
		x.slot[x.rows[i]] = i
	}
	x.data = x.data[:int(last)*x.dim]
	x.scale, x.rows, x.meta = x.scale[:last], x.rows[:last], x.meta[:last]
	delete(x.slot, n)
	return true
}

type vhit struct {
	n     int64
	score float32
}

// search returns the m best items by dot product with q (normalised), best first, among the
// slots keep accepts.
func (x *vindex) search(q []float32, m int, keep func(slotMeta) bool) []vhit {
	x.mu.RLock()
	defer x.mu.RUnlock()
	if len(q) != x.dim || len(x.rows) == 0 || m <= 0 {
		return nil
	}
	qi, qs := quantize(q)
	var nz []int32
	for i, v := range qi {
		if v != 0 {
			nz = append(nz, int32(i))
		}
	}
	sparse := len(nz)*3 < x.dim
	top := make([]vhit, 0, m+1) // kept sorted best first; m is small
	for s := range x.rows {
		if !keep(x.meta[s]) {
			continue
		}
		row := x.data[s*x.dim : (s+1)*x.dim]
		var d int32
		if sparse {
			for _, i := range nz {
				d += int32(qi[i]) * int32(row[i])
			}
		} else {
			d = dot8(qi, row)
		}
		sc := float32(d) * qs * x.scale[s]
		if len(top) == m && sc <= top[m-1].score {
			continue
		}
		j := len(top)
		if j < m {
			top = append(top, vhit{})
		} else {
			j = m - 1
		}
		for j > 0 && top[j-1].score < sc {
			top[j] = top[j-1]
			j--
		}
		top[j] = vhit{x.rows[s], sc}
	}
	return top
}

func dot8(a, b []int8) int32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 int32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		s0 += int32(a[i]) * int32(b[i])
		s1 += int32(a[i+1]) * int32(b[i+1])
		s2 += int32(a[i+2]) * int32(b[i+2])
		s3 += int32(a[i+3]) * int32(b[i+3])
	}
	for ; i < len(a); i++ {
		s0 += int32(a[i]) * int32(b[i])
	}
	return s0 + s1 + s2 + s3
}

// quantize maps v to int8 with one scale: value ≈ q * scale.
func quantize(v []float32) ([]int8, float32) {
	var mx float32
	for _, x := range v {
		mx = max(mx, float32(math.Abs(float64(x))))
	}
	q := make([]int8, len(v))
	if mx == 0 {
		return q, 0
	}
	sc := mx / 127
	for i, x := range v {
		q[i] = int8(math.Round(float64(x / sc)))
	}
	return q, sc
}

func int8Bytes(q []int8) []byte {
	b := make([]byte, len(q))
	for i, v := range q {
		b[i] = byte(v)
	}
	return b
}

// reload rebuilds the index of the current space and the count of items lacking a vector in
// it from the database; under wmu.
func (s *Store) reload(ctx context.Context) error {
	space, dim := s.emb.Space(), s.emb.Dim()
	var gen int64
	if err := s.db.QueryRowContext(ctx, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'").Scan(&gen); err != nil {
		return fmt.Errorf("load index: generation: %w", err)
	}
	var have, total int
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM vectors WHERE space = ? AND dim = ? AND format = 'i8'", space, dim).Scan(&have); err != nil {
		return fmt.Errorf("load index: %w", err)
	}
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM items").Scan(&total); err != nil {
		return fmt.Errorf("load index: %w", err)
	}
	x := newIndex(space, dim, have)
	rows, err := s.db.QueryContext(ctx, `SELECT v.item, v.data, v.scale, i.kind, i.never_recall, i.valid_to, i.conversation
		FROM vectors v JOIN items i ON i.n = v.item WHERE v.space = ? AND v.dim = ? AND v.format = 'i8'`, space, dim)
	if err != nil {
		return fmt.Errorf("load index: %w", err)
	}
	defer rows.Close()
	q := make([]int8, dim)
	for rows.Next() {
		var n, validTo int64
		var data []byte
		var sc float32
		var kind, conv string
		var never bool
		if err := rows.Scan(&n, &data, &sc, &kind, &never, &validTo, &conv); err != nil {
			return fmt.Errorf("load index: %w", err)
		}
		if s.seal != nil {
			var err error
			if data, err = s.seal.Open(vectorAD(space, n), data); err != nil {
				return fmt.Errorf("load index: %w", err)
			}
		}
		if len(data) != dim {
			continue
		}
		for i, b := range data {
			q[i] = int8(b)
		}
		m := slotMeta{kind: kindCode[Kind(kind)]}
		if validTo != 0 {
			m.flags |= flagClosed
		}
		if never {
			m.flags |= flagNever
		}
		x.putQ(n, q, sc, m, conv)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("load index: %w", err)
	}
	rows.Close()
	if err := s.ftsRebuild(ctx); err != nil {
		return fmt.Errorf("load index: %w", err)
	}
	s.idx, s.gen, s.missing = x, gen, total-x.Len()
	return nil
}
