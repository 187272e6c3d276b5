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
	lists := map[string][]armHit{}
	if use&useBM25 != 0 {
		if l, err := s.wordsArm(ctx, ws, m, f); err != nil {
			return nil, err
		} else {
			lists[ArmBM25] = l
		}
	}
	if use&useTrigram != 0 {
		if l, err := s.trigramArm(ctx, ws, m, f); err != nil {
			return nil, err
		} else {
			lists[ArmTrigram] = l
		}
	}
	if use&useVector != 0 && vecOK {
		// The index is of one space: a query embedded in another (the embedder changed
		// meanwhile) has no vector arm.
		e := s.embedder()
		if vs, err := e.Embed(ctx, []string{q}); err == nil && len(vs) == 1 && e.Space() == idx.space && len(vs[0]) == idx.dim {
			keep := keepFunc(idx, f)
			var l []armHit
			for _, h := range idx.search(vs[0], m, keep) {
				if h.score < MinCosine {
					break
				}
				l = append(l, armHit{n: h.n, score: float64(h.score)})
			}
			lists[ArmVector] = l
		} else if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	type cand struct {
		why Why
		pos int // best position in an arm's list: orders equal scores
	}
	cands := map[int64]*cand{}
	for arm, l := range lists {
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

// wordsQuery is an FTS5 query that matches any content word of the query or one of its
// synonyms; bm25() ranks rows with more (and rarer) of them first. The porter tokenizer stems
// both sides.
func (s *Store) wordsQuery(ws []string) string {
	var groups []string
	seen := map[string]bool{}
	for _, w := range ws {
		if seen[w] {
			continue
		}
		seen[w] = true
		alts := append([]string{w}, s.lex.syn.alternatives(w)...)
		for i, a := range alts {
			alts[i] = `"` + a + `"`
		}
		if len([]rune(w)) >= 4 {
			// A partial word: "deco" finds "decorated" (FTS5 stems the prefix as it stems
			// words, so "painting"* matches what "paint"* does).
			alts = append(alts, `"`+w+`"*`)
		}
		if len(alts) == 1 {
			groups = append(groups, alts[0])
		} else {
			groups = append(groups, "("+strings.Join(alts, " OR ")+")")
		}
		if len(groups) == 32 {
			break
		}
	}
	return strings.Join(groups, " OR ")
}

// wordsArm runs the Porter index and sets each candidate's level.
func (s *Store) wordsArm(ctx context.Context, ws []string, m int, f Filter) ([]armHit, error) {
	hits, err := s.ftsArm(ctx, "fts_words", s.wordsQuery(ws), m, f)
	if err != nil || len(hits) == 0 {
		return hits, err
	}
	texts, err := s.textsByN(ctx, hitNs(hits))
	if err != nil {
		return nil, err
	}
	qs := dedupe(ws)
	for i := range hits {
		tws := words(texts[hits[i].n])
		groups := map[string]bool{}
		for _, w := range tws {
			groups[s.lex.syn.group(Stem(w))] = true
		}
		for _, w := range qs {
			ok := groups[s.lex.syn.group(Stem(w))]
			for j := 0; !ok && len(w) >= 4 && j < len(tws); j++ {
				ok = strings.HasPrefix(tws[j], w)
			}
			if ok {
				hits[i].level++
			}
		}
	}
	return byLevel(hits), nil
}

// trigramArm runs the trigram index; a candidate's level is the number of query words of
// which it holds at least half the trigrams, and a candidate of level 0 is dropped (one
// common trigram, "ing", is no match).
func (s *Store) trigramArm(ctx context.Context, ws []string, m int, f Filter) ([]armHit, error) {
	// Words the Porter index knows are BM25's; the trigram arm looks for the others (typos,
	// partial words), which also keeps it fast: common trigrams of ordinary words match most
	// rows.
	ws, err := s.unknownWords(ctx, dedupe(ws))
	if err != nil || len(ws) == 0 {
		return nil, err
	}
	match, err := s.rareTrigrams(ctx, ws)
	if err != nil {
		return nil, err
	}
	hits, err := s.ftsArm(ctx, "fts_trigrams", match, m, f)
	if err != nil || len(hits) == 0 {
		return hits, err
	}
	texts, err := s.textsByN(ctx, hitNs(hits))
	if err != nil {
		return nil, err
	}
	var qt [][]string
	for _, w := range dedupe(ws) {
		if t := plainTrigrams(w); len(t) > 0 {
			qt = append(qt, t)
		}
	}
	out := hits[:0]
	for _, h := range hits {
		t := strings.ToLower(texts[h.n])
		for _, tg := range qt {
			c := 0
			for _, g := range tg {
				if strings.Contains(t, g) {
					c++
				}
			}
			if 2*c >= len(tg) {
				h.level++
			}
		}
		if h.level > 0 {
			out = append(out, h)
		}
	}
	return byLevel(out), nil
}

// rareTrigrams is the trigram arm's query without the trigrams found in more than a tenth of
// the memories ("ing"): they say little and bm25() would score most rows (the slowest part of
// a search at 100,000 memories). The candidates' levels still count every trigram.
func (s *Store) rareTrigrams(ctx context.Context, ws []string) (string, error) {
	var all []string
	seen := map[string]bool{}
	for _, w := range ws {
		for _, t := range plainTrigrams(w) {
			if !seen[t] {
				seen[t] = true
				all = append(all, t)
			}
		}
	}
	if len(all) == 0 {
		return "", nil
	}
	var rows int64
	if err := s.db.QueryRowContext(ctx, "SELECT coalesce(max(n), 0) FROM items").Scan(&rows); err != nil {
		return "", fmt.Errorf("trigram counts: %w", err)
	}
	args := make([]any, len(all))
	for i, t := range all {
		args[i] = t
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(all)), ",")
	r, err := s.db.QueryContext(ctx, "SELECT term, doc FROM fts_trigrams_vocab WHERE term IN ("+ph+")", args...)
	if err != nil {
		return "", fmt.Errorf("trigram counts: %w", err)
	}
	defer r.Close()
	common := map[string]bool{}
	for r.Next() {
		var t string
		var doc int64
		if err := r.Scan(&t, &doc); err != nil {
			return "", fmt.Errorf("trigram counts: %w", err)
		}
		if doc*10 > rows && rows > 1000 {
			common[t] = true
		}
	}
	if err := r.Err(); err != nil {
		return "", fmt.Errorf("trigram counts: %w", err)
	}
	var terms []string
	for _, t := range all {
		if !common[t] {
			terms = append(terms, `"`+t+`"`)
		}
	}
	if len(terms) == 0 {
		return trigramQuery(ws), nil
	}
	return strings.Join(terms[:min(len(terms), 64)], " OR "), nil
}

// unknownWords are the words of ws whose stem is no term of the Porter index.
func (s *Store) unknownWords(ctx context.Context, ws []string) ([]string, error) {
	if len(ws) == 0 {
		return nil, nil
	}
	args := make([]any, len(ws))
	for i, w := range ws {
		args[i] = Stem(w)
	}
	ph := strings.TrimSuffix(strings.Repeat("?,", len(ws)), ",")
	rows, err := s.db.QueryContext(ctx, "SELECT term FROM fts_words_vocab WHERE term IN ("+ph+")", args...)
	if err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	defer rows.Close()
	known := map[string]bool{}
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, fmt.Errorf("vocabulary: %w", err)
		}
		known[t] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	var out []string
	for _, w := range ws {
		if !known[Stem(w)] && len([]rune(w)) >= 3 {
			out = append(out, w)
		}
	}
	return out, nil
}

func hitNs(hits []armHit) []int64 {
	ns := make([]int64, len(hits))
	for i, h := range hits {
		ns[i] = h.n
	}
	return ns
}

func dedupe(ws []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range ws {
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	return out
}

// byLevel orders hits by level, then score, both descending.
func byLevel(hits []armHit) []armHit {
	sort.SliceStable(hits, func(i, j int) bool {
		if hits[i].level != hits[j].level {
			return hits[i].level > hits[j].level
		}
		return hits[i].score > hits[j].score
	})
	return hits
}

func plainTrigrams(w string) []string {
	r := []rune(w)
	var out []string
	for i := 0; i+3 <= len(r); i++ {
		out = append(out, string(r[i:i+3]))
	}
	return out
}

func (s *Store) textsByN(ctx context.Context, ns []int64) (map[int64]string, error) {
	ph := strings.TrimSuffix(strings.Repeat("?,", len(ns)), ",")
	args := make([]any, len(ns))
	for i, n := range ns {
		args[i] = n
	}
	rows, err := s.db.QueryContext(ctx, "SELECT n, text FROM items WHERE n IN ("+ph+")", args...)
	if err != nil {
		return nil, fmt.Errorf("trigram candidates: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]string, len(ns))
	for rows.Next() {
		var n int64
		var t string
		if err := rows.Scan(&n, &t); err != nil {
			return nil, fmt.Errorf("trigram candidates: %w", err)
		}
		out[n] = t
	}
	return out, rows.Err()
}

// trigramQuery matches any trigram of the query's words: a word with a typo still shares most
// of its trigrams with the right one, and a partial word all of its own.
func trigramQuery(ws []string) string {
	var terms []string
	seen := map[string]bool{}
	for _, w := range ws {
		r := []rune(w)
		for i := 0; i+3 <= len(r); i++ {
			t := string(r[i : i+3])
			if !seen[t] {
				seen[t] = true
				terms = append(terms, `"`+t+`"`)
			}
		}
	}
	if len(terms) > 64 {
		terms = terms[:64]
	}
	return strings.Join(terms, " OR ")
}

// ftsArm runs one full-text arm: the m best rows by bm25() among those f accepts. Without a
// kind or conversation filter it skips the join with items and takes twice as many rows:
// Search drops closed and never-recall items when it loads the candidates.
func (s *Store) ftsArm(ctx context.Context, table, match string, m int, f Filter) ([]armHit, error) {
	if match == "" {
		return nil, nil
	}
	// rank is bm25() computed once a row; naming bm25() in both SELECT and ORDER BY would
	// compute it twice.
	q := fmt.Sprintf(`SELECT rowid, -rank FROM %[1]s WHERE %[1]s MATCH ? ORDER BY rank LIMIT ?`, table)
	args := []any{match, 2 * m}
	if f.Kind != "" || f.Conversation != "" {
		q = fmt.Sprintf(`SELECT t.rowid, -t.rank FROM %[1]s t JOIN items i ON i.n = t.rowid WHERE %[1]s MATCH ?`, table)
		args = []any{match}
		if f.Kind != "" {
			q += " AND i.kind = ?"
			args = append(args, string(f.Kind))
		}
		if f.Conversation != "" {
			q += " AND i.conversation = ?"
			args = append(args, f.Conversation)
		}
		if !f.IncludeClosed {
			q += " AND i.valid_to = 0"
		}
		if !f.IncludeNeverRecall {
			q += " AND i.never_recall = 0"
		}
		q += " ORDER BY t.rank LIMIT ?"
		args = append(args, m)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	defer rows.Close()
	var out []armHit
	for rows.Next() {
		var h armHit
		if err := rows.Scan(&h.n, &h.score); err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	return out, nil
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
			n, it, err := scanItem(rows)
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

// Match scores one cue against one text with the same three signals as Search, for topic
// triggers: the share of the cue's content words (stemmed, synonyms grouped) found in the
// text, the share of the cue's character trigrams found in the text's, and the cosine of
// their lexical vectors; Score = 0.5·words + 0.25·trigrams + 0.25·cosine, in 0..1. It uses the
// lexical embedder whatever the store's embedder is, so a threshold calibrated once holds on
// every node and after a model change, and a turn costs microseconds.
func (s *Store) Match(ctx context.Context, cue, text string) (float64, Why) {
	return match(s.lex, cue, text)
}

func match(lex lexical, cue, text string) (float64, Why) {
	cw := contentWords(words(cue))
	tw := contentWords(words(text))
	if len(cw) == 0 || len(tw) == 0 {
		return 0, Why{}
	}
	tg := map[string]bool{}
	ttri := map[string]bool{}
	for _, w := range tw {
		tg[lex.syn.group(Stem(w))] = true
		for _, t := range trigrams(w) {
			ttri[t] = true
		}
	}
	var hit, triHit, triAll int
	seen := map[string]bool{}
	for _, w := range cw {
		g := lex.syn.group(Stem(w))
		if seen[g] {
			continue
		}
		seen[g] = true
		if tg[g] {
			hit++
		}
		for _, t := range trigrams(w) {
			triAll++
			if ttri[t] {
				triHit++
			}
		}
	}
	var why Why
	why.BM25 = float64(hit) / float64(len(seen))
	if triAll > 0 {
		why.Trigram = float64(triHit) / float64(triAll)
	}
	a, b := lex.embed(cue), lex.embed(text)
	var d float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
	}
	why.Vector = max(d, 0)
	why.Fused = 0.5*why.BM25 + 0.25*why.Trigram + 0.25*why.Vector
	return why.Fused, why
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
		rs, err := s.db.QueryContext(ctx, `SELECT n, text FROM items WHERE n NOT IN (SELECT item FROM vectors WHERE space = ? AND dim = ?)
			ORDER BY n LIMIT ?`, space, dim, batch)
		if err != nil {
			return done, -1, fmt.Errorf("reembed: %w", err)
		}
		var todo []row
		for rs.Next() {
			var r row
			if err := rs.Scan(&r.n, &r.text); err != nil {
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
				_, it, err := scanItem(tx.QueryRowContext(ctx, "SELECT "+itemColumns+" FROM items WHERE n = ?", r.n))
				if err == sql.ErrNoRows || (err == nil && it.Text != r.text) {
					continue
				}
				if err != nil {
					return nil, err
				}
				if err := putVector(ctx, tx, r.n, space, vecs[i]); err != nil {
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
