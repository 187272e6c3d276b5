package memory

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Retrieval constants.
const (
	// RRFK is the k of reciprocal rank fusion: an arm's rank r adds 1/(RRFK+r).
	RRFK = 60
	// RecencyHalfLife: an item last used (or made) this long ago has recency 0.5.
	RecencyHalfLife = 30 * 24 * time.Hour
	// maxK bounds Search's k.
	maxK = 200
	// MinCosine: a vector candidate below it is hashing noise rather than a match (two
	// unrelated texts of the lexical space score about ±0.05).
	MinCosine = 0.15
)

// Arm names, the keys of Why.Ranks.
const (
	ArmBM25    = "bm25"
	ArmTrigram = "trigram"
	ArmVector  = "vector"
)

// kindWeight prefers distilled facts and rules to raw episodes a little.
var kindWeight = map[Kind]float64{Semantic: 1, Procedural: 1, Episodic: 0.995}

type arms uint8

const (
	useBM25 arms = 1 << iota
	useTrigram
	useVector
	allArms = useBM25 | useTrigram | useVector
)

// armHit is one arm's candidate. level is the arm's coordination level, how many of the
// query's words the memory holds (exactly or by stem, synonym or prefix for BM25; by most of
// the word's trigrams for the trigram arm): an arm ranks by level, then by score, and
// candidates of one level share a rank in the fusion, so that an arm adds no order where it
// cannot tell candidates apart (a typo query's BM25 arm sees only the correctly spelt words).
type armHit struct {
	n     int64
	score float64
	level int
}

// Search recalls up to k items for q: candidates from BM25 over the Porter index, BM25 over
// the trigram index (typos, partial words) and the vectors of the current space, fused by
// reciprocal rank and rescored by recency, importance and kind. Closed facts and never-recall
// items are left out unless f asks for them. While some items lack a vector in the current
// space (after an embedder change, until Reembed finishes) only the two lexical arms run, so
// that re-embedded items get no head start.
func (s *Store) Search(ctx context.Context, q string, k int, f Filter) ([]Hit, error) {
	hits, err := s.search(ctx, q, k, f, allArms, true)
	if err != nil {
		return nil, fmt.Errorf("search memory: %w", err)
	}
	return hits, nil
}

func (s *Store) search(ctx context.Context, q string, k int, f Filter, use arms, rescore bool) ([]Hit, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil, &FieldError{Field: "q", Msg: "empty"}
	}
	if len(q) > MaxText {
		return nil, &FieldError{Field: "q", Msg: fmt.Sprintf("%d bytes, more than %d", len(q), MaxText)}
	}
	if f.Kind != "" && !validKind(f.Kind) {
		return nil, &FieldError{Field: "kind", Msg: fmt.Sprintf("unknown kind %q", f.Kind)}
	}
	if k <= 0 {
		k = 5
	}
	k = min(k, maxK)
	m := max(50, 4*k) // candidates per arm
	idx, vecOK, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	ws := contentWords(words(q))
	// The vector arm's scan runs beside the lexical arms' SQLite work (each a few
	// milliseconds at 100,000 memories), on another core when there is one. The lexical arms
	// run one after the other: side by side as well they were no faster on two cores.
	type armList struct {
		arm string
		l   []armHit
	}
	var vec armList
	var vecRan bool
	var vecErr error
	vecDone := make(chan struct{})
	if use&useVector != 0 && vecOK {
		go func() {
			defer close(vecDone)
			vec.arm = ArmVector
			vec.l, vecRan, vecErr = s.vectorArm(ctx, q, idx, m, f)
		}()
	} else {
		close(vecDone)
	}
	var lists []armList
	if use&(useBM25|useTrigram) != 0 {
		st, err := s.lexStats(ctx, ws, use&useTrigram != 0)
		if err != nil {
			<-vecDone
			return nil, err
		}
		if use&useBM25 != 0 {
			l, err := s.wordsArm(ctx, ws, st, m, f)
			if err != nil {
				<-vecDone
				return nil, err
			}
			lists = append(lists, armList{ArmBM25, l})
		}
		if use&useTrigram != 0 {
			l, err := s.trigramArm(ctx, ws, st, m, f)
			if err != nil {
				<-vecDone
				return nil, err
			}
			lists = append(lists, armList{ArmTrigram, l})
		}
	}
	<-vecDone
	if vecErr != nil {
		return nil, vecErr
	}
	if vecRan {
		lists = append(lists, vec)
	}
	type cand struct {
		why Why
		pos int // best position in an arm's list: orders equal scores
	}
	cands := map[int64]*cand{}
	for _, al := range lists {
		arm, l := al.arm, al.l
		rank := 0
		for i, h := range l {
			// Competition ranking within a level ("1, 1, 3"); the vector arm has no levels,
			// so each of its candidates has a rank of its own.
			if i == 0 || arm == ArmVector || h.level != l[i-1].level {
				rank = i + 1
			}
			c := cands[h.n]
			if c == nil {
				c = &cand{pos: i}
				c.why.Ranks = map[string]int{}
				cands[h.n] = c
			}
			c.pos = min(c.pos, i)
			c.why.Ranks[arm] = rank
			c.why.Fused += 1 / float64(RRFK+rank)
			switch arm {
			case ArmBM25:
				c.why.BM25 = h.score
			case ArmTrigram:
				c.why.Trigram = h.score
			case ArmVector:
				c.why.Vector = h.score
			}
		}
	}
	if len(cands) == 0 {
		return []Hit{}, nil
	}
	ns := make([]int64, 0, len(cands))
	for n := range cands {
		ns = append(ns, n)
	}
	items, err := s.itemsByN(ctx, ns)
	if err != nil {
		return nil, err
	}
	now := s.now()
	hits := make([]Hit, 0, len(items))
	pos := make([]int, 0, len(items))
	for n, it := range items {
		if !accept(it, f) { // the index's metadata may trail a write by another process
			continue
		}
		w := cands[n].why
		last := it.Created
		if it.LastUsed.After(last) {
			last = it.LastUsed
		}
		age := max(now.Sub(last), 0)
		w.Recency = math.Exp2(-float64(age) / float64(RecencyHalfLife))
		w.Importance = it.Importance
		w.Kind = kindWeight[it.Kind]
		score := w.Fused
		if rescore {
			// Fused scores are close together (ranks 1 and 2 of one arm differ by 1.6%), so the
			// rescoring is gentle: it orders memories of equal relevance and moves one by at
			// most 1.5%, less than one rank near the top of one arm.
			score = w.Fused * (1 + 0.005*w.Recency + 0.005*w.Importance) * w.Kind
		}
		hits = append(hits, Hit{Item: it, Score: score, Why: w})
		pos = append(pos, cands[n].pos)
	}
	sort.Sort(byScore{hits, pos})
	if len(hits) > k {
		hits = hits[:k]
	}
	return hits, nil
}

// vectorArm is the vector arm: the m items nearest to q's vector, down to MinCosine. ran is
// false when q cannot be embedded in the index's space (the embedder changed meanwhile).
func (s *Store) vectorArm(ctx context.Context, q string, idx *vindex, m int, f Filter) (l []armHit, ran bool, err error) {
	e := s.embedder()
	vs, err := e.Embed(ctx, []string{q})
	if err != nil || len(vs) != 1 || e.Space() != idx.space || len(vs[0]) != idx.dim {
		return nil, false, ctx.Err()
	}
	keep := keepFunc(idx, f)
	for _, h := range idx.search(vs[0], m, keep) {
		if h.score < MinCosine {
			break
		}
		l = append(l, armHit{n: h.n, score: float64(h.score)})
	}
	return l, true, nil
}

func accept(it Item, f Filter) bool {
	switch {
	case f.Kind != "" && it.Kind != f.Kind:
		return false
	case f.Conversation != "" && it.Conversation != f.Conversation:
		return false
	case it.Closed() && !f.IncludeClosed:
		return false
	case it.NeverRecall && !f.IncludeNeverRecall:
		return false
	}
	return true
}

func keepFunc(idx *vindex, f Filter) func(slotMeta) bool {
	kind := kindCode[f.Kind]
	conv, convOK := uint32(0), true
	if f.Conversation != "" {
		idx.mu.RLock()
		conv, convOK = idx.convs[f.Conversation]
		idx.mu.RUnlock()
	}
	var banned uint8
	if !f.IncludeClosed {
		banned |= flagClosed
	}
	if !f.IncludeNeverRecall {
		banned |= flagNever
	}
	return func(m slotMeta) bool {
		return convOK && m.flags&banned == 0 && (kind == 0 || m.kind == kind) && (f.Conversation == "" || m.conv == conv)
	}
}

// snapshot brings the index up to date with the database's generation and returns it, with
// whether the vector arm may run (every item has a vector in the current space).
func (s *Store) snapshot(ctx context.Context) (*vindex, bool, error) {
	var gen int64
	if err := s.db.QueryRowContext(ctx, "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'").Scan(&gen); err != nil {
		return nil, false, fmt.Errorf("generation: %w", err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if gen != s.gen {
		if err := s.reload(ctx); err != nil {
			return nil, false, err
		}
	}
	return s.idx, s.missing == 0, nil
}

func (s *Store) itemsByN(ctx context.Context, ns []int64) (map[int64]Item, error) {
	out := make(map[int64]Item, len(ns))
	for len(ns) > 0 {
		part := ns[:min(len(ns), 500)]
		ns = ns[len(part):]
		ph := strings.TrimSuffix(strings.Repeat("?,", len(part)), ",")
		args := make([]any, len(part))
		for i, n := range part {
			args[i] = n
		}
		rows, err := s.db.QueryContext(ctx, "SELECT "+itemColumns+" FROM items WHERE n IN ("+ph+")", args...)
		if err != nil {
			return nil, fmt.Errorf("load candidates: %w", err)
		}
		for rows.Next() {
			n, it, err := s.scanItem(rows)
			if err != nil {
				rows.Close()
				return nil, fmt.Errorf("load candidates: %w", err)
			}
			out[n] = it
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return nil, fmt.Errorf("load candidates: %w", err)
		}
	}
	return out, nil
}

// Reembed embeds, batch by batch, the items that lack a vector in the current space (after an
// embedder change) and returns how many it did and how many are left. Each batch commits on
// its own, so a run that is killed or cancelled resumes where it stopped; retrieval uses the
// lexical arms until none is left.
func (s *Store) Reembed(ctx context.Context, batch int) (done, left int, err error) {
	if batch <= 0 {
		batch = 64
	}
	e := s.embedder()
	space, dim := e.Space(), e.Dim()
	type row struct {
		n    int64
		text string
	}
	for {
		if err := ctx.Err(); err != nil {
			left, _ := s.missingCount(ctx)
			return done, left, fmt.Errorf("reembed: %w", err)
		}
		rs, err := s.db.QueryContext(ctx, `SELECT n, id, text FROM items WHERE n NOT IN (SELECT item FROM vectors WHERE space = ? AND dim = ?)
			ORDER BY n LIMIT ?`, space, dim, batch)
		if err != nil {
			return done, -1, fmt.Errorf("reembed: %w", err)
		}
		var todo []row
		for rs.Next() {
			var r row
			var id string
			var raw []byte
			err := rs.Scan(&r.n, &id, &raw)
			if err == nil {
				r.text, err = s.openText(id, raw)
			}
			if err != nil {
				rs.Close()
				return done, -1, fmt.Errorf("reembed: %w", err)
			}
			todo = append(todo, r)
		}
		err = rs.Err()
		rs.Close()
		if err != nil {
			return done, -1, fmt.Errorf("reembed: %w", err)
		}
		if len(todo) == 0 {
			return done, 0, nil
		}
		texts := make([]string, len(todo))
		for i, r := range todo {
			texts[i] = r.text
		}
		vecs, err := e.Embed(ctx, texts)
		if err == nil && len(vecs) != len(texts) {
			err = fmt.Errorf("embedder returned %d vectors for %d texts", len(vecs), len(texts))
		}
		for _, v := range vecs {
			if err == nil && len(v) != dim {
				err = fmt.Errorf("embedder returned %d dimensions, its space has %d", len(v), dim)
			}
		}
		if err != nil {
			left, _ := s.missingCount(ctx)
			return done, left, fmt.Errorf("reembed: %w", err)
		}
		n := 0
		err = s.write(ctx, func(tx *sql.Tx) (func(), error) {
			type put struct {
				n    int64
				v    []float32
				it   Item
				conv string
			}
			var puts []put
			if s.emb.Space() != space {
				return nil, errEmbedderChanged
			}
			for i, r := range todo {
				// The text may have changed since it was read: its vector would be stale.
				_, it, err := s.scanItem(tx.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM items WHERE n = ?", r.n))
				if err == sql.ErrNoRows || (err == nil && it.Text != r.text) {
					continue
				}
				if err != nil {
					return nil, err
				}
				if err := s.putVector(ctx, tx, r.n, space, vecs[i]); err != nil {
					return nil, err
				}
				puts = append(puts, put{r.n, vecs[i], it, it.Conversation})
			}
			n = len(puts)
			return func() {
				for _, p := range puts {
					if !s.idx.has(p.n) {
						s.missing--
					}
					s.idx.put(p.n, p.v, metaOf(p.it), p.conv)
				}
			}, nil
		})
		if err != nil {
			left, _ := s.missingCount(ctx)
			return done, left, fmt.Errorf("reembed: %w", err)
		}
		done += n
	}
}

// errEmbedderChanged ends a Reembed whose embedder was replaced: the new one's run starts over.
var errEmbedderChanged = errors.New("the embedder changed")

func (s *Store) missingCount(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(context.WithoutCancel(ctx), `SELECT count(*) FROM items WHERE n NOT IN
		(SELECT item FROM vectors WHERE space = ? AND dim = ?)`, s.embedder().Space(), s.embedder().Dim()).Scan(&n)
	return n, err
}

type byScore struct {
	h   []Hit
	pos []int
}

func (b byScore) Len() int { return len(b.h) }
func (b byScore) Less(i, j int) bool {
	if b.h[i].Score != b.h[j].Score {
		return b.h[i].Score > b.h[j].Score
	}
	if b.pos[i] != b.pos[j] {
		return b.pos[i] < b.pos[j]
	}
	return b.h[i].ID < b.h[j].ID
}
func (b byScore) Swap(i, j int) {
	b.h[i], b.h[j] = b.h[j], b.h[i]
	b.pos[i], b.pos[j] = b.pos[j], b.pos[i]
}
