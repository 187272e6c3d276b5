package memory

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/bits"
	"sort"
	"strings"
)

// The two lexical arms rank in Go. One query per arm fetches, for each of the query's word
// groups (BM25 arm) or trigrams (trigram arm), the row numbers of the memories that hold it:
// FTS5 reads them from its doclists without touching the rows. The arm counts per row what it
// holds, keeps a pool of the best rows by that count and by inverse document frequency, and
// scores the pool with BM25 from the texts it loads anyway for the levels. Ranking in SQL
// (ORDER BY bm25()) looked up every matching row's length, a B-tree search each: at 100,000
// memories a two-word query matches about 7,000 rows and took 15 ms, the trigrams of a typo
// 25,000 and 50 ms; fetching row numbers costs about a tenth of that.

// BM25 parameters (FTS5's bm25() defaults).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

// maxTerms bounds the expressions of one arm's query (the bits of a row's mask).
const maxTerms = 64

// lexStats is what the lexical arms know of the store before they run.
type lexStats struct {
	rows  int64           // the memories, about (the largest row number)
	known map[string]bool // the query's words the Porter index holds (by stem)
}

// commonAt is the number of rows from which a term is common, 0 for none: a term held by
// more than a tenth of the memories (of more than 1,000) says little, and its rows would be
// most of the cost ("note" of "Note: ...", the trigram "ing"). Rows are not looked up by a
// common term, but it counts in levels and scores.
func (st lexStats) commonAt() int64 {
	if st.rows <= 1000 {
		return 0
	}
	return st.rows/10 + 1
}

// idf is the inverse document frequency of FTS5's bm25().
func (st lexStats) idf(df int64) float64 {
	return max(math.Log((float64(st.rows)-float64(df)+0.5)/(float64(df)+0.5)), 1e-6)
}

// bm25TF is BM25's term-frequency part for a term found tf times in a document of length dl.
func bm25TF(tf, dl, avgdl float64) float64 {
	if tf == 0 {
		return 0
	}
	return tf * (bm25K1 + 1) / (tf + bm25K1*(1-bm25B+bm25B*dl/max(avgdl, 1)))
}

// lexStats reads the number of memories and, when words is set, which of the words ws (of
// three letters or more) the Porter index holds, in one query. (The index's vocabulary table
// would count each term's rows to say so; a MATCH with LIMIT 1 stops at the first.)
func (s *Store) lexStats(ctx context.Context, ws []string, words bool) (lexStats, error) {
	st := lexStats{known: map[string]bool{}}
	q := "SELECT -1, coalesce(max(n), 0) FROM items"
	var args []any
	var asked []string
	if words {
		for _, w := range dedupe(ws) {
			if len([]rune(w)) >= 3 {
				q += fmt.Sprintf(" UNION ALL SELECT * FROM (SELECT %d, rowid FROM fts_words WHERE fts_words MATCH ? LIMIT 1)", len(asked))
				args = append(args, `"`+w+`"`)
				asked = append(asked, w)
			}
		}
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return st, fmt.Errorf("vocabulary: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i, n int64
		if err := rows.Scan(&i, &n); err != nil {
			return st, fmt.Errorf("vocabulary: %w", err)
		}
		switch {
		case i == -1:
			st.rows = n
		case i >= 0 && int(i) < len(asked):
			st.known[asked[i]] = true
		}
	}
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("vocabulary: %w", err)
	}
	return st, nil
}

// wordsArm is the BM25 arm over the Porter index: a candidate's level is the number of the
// query's words it holds, exactly or by stem, synonym or prefix.
func (s *Store) wordsArm(ctx context.Context, ws []string, st lexStats, m int, f Filter) ([]armHit, error) {
	qs := dedupe(ws)
	qs = qs[:min(len(qs), 32)]
	if len(qs) == 0 {
		return nil, nil
	}
	matches := make([]string, len(qs))
	for i, w := range qs {
		alts := []string{`"` + w + `"`}
		for _, a := range s.lex.syn.alternatives(w) {
			alts = append(alts, `"`+a+`"`)
		}
		if len([]rune(w)) >= 4 {
			// A partial word: "deco" finds "decorated" (FTS5 stems the prefix as it stems
			// words, so "painting"* matches what "paint"* does).
			alts = append(alts, `"`+w+`"*`)
		}
		matches[i] = strings.Join(alts, " OR ")
	}
	masks := s.masks()
	defer s.putMasks(masks)
	df, _, err := s.postingsOrAll(ctx, "fts_words", matches, st.commonAt(), f, masks)
	if err != nil {
		return nil, err
	}
	idf := make([]float64, len(qs))
	for i := range qs {
		idf[i] = st.idf(df[i])
	}
	pool, texts, err := s.pool(ctx, masks, idf, nil, poolSize(m, f))
	if err != nil {
		return nil, err
	}
	// Levels and scores from the texts.
	groupOf := map[string]string{}
	synGroup := func(w string) string {
		g, ok := groupOf[w]
		if !ok {
			g = s.lex.syn.group(Stem(w))
			groupOf[w] = g
		}
		return g
	}
	qg := make([]string, len(qs))
	for i, w := range qs {
		qg[i] = synGroup(w)
	}
	tws := make([][]string, len(pool))
	var total float64
	for i, h := range pool {
		tws[i] = words(texts[h.n])
		total += float64(len(tws[i]))
	}
	avgdl := total / float64(max(len(pool), 1))
	tf := make([]float64, len(qs))
	for i := range pool {
		clear(tf)
		for _, tw := range tws[i] {
			g := synGroup(tw)
			for j, w := range qs {
				if g == qg[j] || (len(w) >= 4 && strings.HasPrefix(tw, w)) {
					tf[j]++
				}
			}
		}
		h := &pool[i]
		h.level, h.score = 0, 0
		for j := range qs {
			if tf[j] > 0 {
				h.level++
				h.score += idf[j] * bm25TF(tf[j], float64(len(tws[i])), avgdl)
			}
		}
	}
	return byLevel(pool), nil
}

// trigramArm is the BM25 arm over the trigram index, for the query's words the Porter index
// does not know (typos, partial words): a candidate's level is the number of those words of
// which it holds at least half the trigrams, and a candidate of level 0 is dropped (one
// common trigram, "ing", is no match).
func (s *Store) trigramArm(ctx context.Context, ws []string, st lexStats, m int, f Filter) ([]armHit, error) {
	// The query's distinct trigrams (at most maxTerms) and each word's.
	var all []string
	at := map[string]int{}
	var wt [][]int
	for _, w := range dedupe(ws) {
		if st.known[w] || len([]rune(w)) < 3 {
			continue
		}
		var t []int
		for _, g := range plainTrigrams(w) {
			i, ok := at[g]
			if !ok {
				if len(all) == maxTerms {
					continue
				}
				i = len(all)
				at[g] = i
				all = append(all, g)
			}
			t = append(t, i)
		}
		if len(t) > 0 {
			wt = append(wt, t)
		}
	}
	if len(all) == 0 {
		return nil, nil
	}
	matches := make([]string, len(all))
	for i, g := range all {
		matches[i] = `"` + g + `"`
	}
	masks := s.masks()
	defer s.putMasks(masks)
	df, common, err := s.postingsOrAll(ctx, "fts_trigrams", matches, st.commonAt(), f, masks)
	if err != nil {
		return nil, err
	}
	idf := make([]float64, len(all))
	var looked uint64 // the trigrams rows were looked up by
	for i := range all {
		idf[i] = st.idf(df[i])
		if common == 0 || df[i] < common {
			looked |= 1 << i
		}
	}
	// A row can be of level 1 or more only if, for some word, the trigrams it holds and the
	// word's common ones (not looked up: taken as held) make half the word's trigrams.
	level := func(mask uint64) int {
		l := 0
		for _, t := range wt {
			c := 0
			for _, i := range t {
				if looked&(1<<i) == 0 || mask&(1<<i) != 0 {
					c++
				}
			}
			if 2*c >= len(t) {
				l++
			}
		}
		return l
	}
	pool, texts, err := s.pool(ctx, masks, idf, level, poolSize(m, f))
	if err != nil {
		return nil, err
	}
	lower := make([]string, len(pool))
	var total float64
	for i, h := range pool {
		lower[i] = strings.ToLower(texts[h.n])
		total += float64(len(lower[i]))
	}
	avgdl := total / float64(max(len(pool), 1))
	held := make([]bool, len(all))
	out := pool[:0]
	for i, h := range pool {
		h.level, h.score = 0, 0
		for j, g := range all {
			held[j] = strings.Contains(lower[i], g)
			if held[j] {
				h.score += idf[j] * bm25TF(1, float64(len(lower[i])), avgdl)
			}
		}
		for _, t := range wt {
			c := 0
			for _, j := range t {
				if held[j] {
					c++
				}
			}
			if 2*c >= len(t) {
				h.level++
			}
		}
		if h.level > 0 {
			out = append(out, h)
		}
	}
	return byLevel(out), nil
}

// poolSize is how many candidates an arm keeps: without a kind or conversation filter twice
// m, since Search drops closed and never-recall items when it loads the candidates.
func poolSize(m int, f Filter) int {
	if f.Kind != "" || f.Conversation != "" {
		return m
	}
	return 2 * m
}

// pool keeps the size best rows of masks by level (level(mask); nil: the number of bits),
// then by the idf of the terms held, then newest first, and loads their texts. Rows of level
// 0 are left out.
func (s *Store) pool(ctx context.Context, masks map[int64]uint64, idf []float64, level func(uint64) int, size int) ([]armHit, map[int64]string, error) {
	top := best[armHit]{n: size, worse: func(a, b armHit) bool {
		if a.level != b.level {
			return a.level < b.level
		}
		if a.score != b.score {
			return a.score < b.score
		}
		return a.n < b.n
	}}
	for n, mask := range masks {
		h := armHit{n: n}
		if level != nil {
			if h.level = level(mask); h.level == 0 {
				continue
			}
		} else {
			h.level = bits.OnesCount64(mask)
		}
		for x := mask; x != 0; x &= x - 1 {
			h.score += idf[bits.TrailingZeros64(x)]
		}
		top.offer(h)
	}
	hits := top.sorted()
	if len(hits) == 0 {
		return nil, nil, nil
	}
	texts, err := s.textsByN(ctx, hitNs(hits))
	if err != nil {
		return nil, nil, err
	}
	return hits, texts, nil
}

// postingsOrAll is postings, and when every term turns out common, postings again without the
// limit (rows must come from somewhere); it returns the limit that held.
func (s *Store) postingsOrAll(ctx context.Context, table string, matches []string, common int64, f Filter, masks map[int64]uint64) ([]int64, int64, error) {
	df, err := s.postings(ctx, table, matches, common, f, masks)
	if err != nil || len(masks) > 0 || common == 0 {
		return df, common, err
	}
	for _, d := range df {
		if d < common {
			return df, common, nil // no row holds a term
		}
	}
	df, err = s.postings(ctx, table, matches, 0, f, masks)
	return df, 0, err
}

// postings runs one query for the MATCH expressions (at most maxTerms) and sets, in masks, the
// bit of each expression a row matches; it returns how many rows each matched. An expression
// that matches common rows or more (common > 0) is common: it stops there and sets no bit.
// With a kind or conversation filter, only rows the filter accepts count. Each expression's
// rows come as one list (group_concat): a result row each would cost more, in database/sql
// and the driver, than FTS5's reading them.
func (s *Store) postings(ctx context.Context, table string, matches []string, common int64, f Filter, masks map[int64]uint64) ([]int64, error) {
	if len(matches) > maxTerms {
		return nil, fmt.Errorf("%s: %d expressions, more than %d", table, len(matches), maxTerms)
	}
	limit := common
	if limit <= 0 {
		limit = -1 // none
	}
	var q strings.Builder
	var args []any
	for i, mt := range matches {
		if i > 0 {
			q.WriteString(" UNION ALL ")
		}
		if f.Kind == "" && f.Conversation == "" {
			fmt.Fprintf(&q, "SELECT %d, group_concat(n) FROM (SELECT rowid AS n FROM %s WHERE %[2]s MATCH ? LIMIT ?)", i, table)
			args = append(args, mt, limit)
			continue
		}
		fmt.Fprintf(&q, "SELECT %d, group_concat(n) FROM (SELECT t.rowid AS n FROM %s t JOIN items i ON i.n = t.rowid WHERE %[2]s MATCH ?", i, table)
		args = append(args, mt)
		if f.Kind != "" {
			q.WriteString(" AND i.kind = ?")
			args = append(args, string(f.Kind))
		}
		if f.Conversation != "" {
			q.WriteString(" AND i.conversation = ?")
			args = append(args, f.Conversation)
		}
		if !f.IncludeClosed {
			q.WriteString(" AND i.valid_to = 0")
		}
		if !f.IncludeNeverRecall {
			q.WriteString(" AND i.never_recall = 0")
		}
		q.WriteString(" LIMIT ?)")
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	defer rows.Close()
	counts := make([]int64, len(matches))
	for rows.Next() {
		var i int
		var list sql.RawBytes // the rows, "12,15,…"; NULL: none
		if err := rows.Scan(&i, &list); err != nil {
			return nil, fmt.Errorf("%s: %w", table, err)
		}
		if i < 0 || i >= len(matches) {
			return nil, fmt.Errorf("%s: expression %d of %d", table, i, len(matches))
		}
		if len(list) > 0 {
			counts[i] = int64(bytes.Count(list, []byte{','})) + 1
		}
		if common > 0 && counts[i] >= common {
			continue
		}
		bit := uint64(1) << i
		var n int64
		for j, c := range list {
			if c >= '0' && c <= '9' {
				n = n*10 + int64(c-'0')
			}
			if c == ',' || j == len(list)-1 {
				masks[n] |= bit
				n = 0
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", table, err)
	}
	return counts, nil
}

// masks lends a row → bits map for one arm's query; putMasks returns it emptied.
func (s *Store) masks() map[int64]uint64 {
	if m, ok := s.maskPool.Get().(map[int64]uint64); ok {
		return m
	}
	return make(map[int64]uint64, 1024)
}

func (s *Store) putMasks(m map[int64]uint64) {
	clear(m)
	s.maskPool.Put(m)
}

// best keeps the n best values offered (a heap whose root is the worst kept); worse must be
// a strict total order.
type best[T any] struct {
	n     int
	worse func(a, b T) bool
	h     []T
}

func (b *best[T]) offer(x T) {
	if b.n <= 0 {
		return
	}
	if len(b.h) < b.n {
		b.h = append(b.h, x)
		for i := len(b.h) - 1; i > 0; {
			p := (i - 1) / 2
			if !b.worse(b.h[i], b.h[p]) {
				break
			}
			b.h[i], b.h[p] = b.h[p], b.h[i]
			i = p
		}
		return
	}
	if !b.worse(b.h[0], x) {
		return
	}
	b.h[0] = x
	for i := 0; ; {
		c := 2*i + 1
		if c >= len(b.h) {
			break
		}
		if c+1 < len(b.h) && b.worse(b.h[c+1], b.h[c]) {
			c++
		}
		if !b.worse(b.h[c], b.h[i]) {
			break
		}
		b.h[i], b.h[c] = b.h[c], b.h[i]
		i = c
	}
}

// sorted returns the values kept, best first.
func (b *best[T]) sorted() []T {
	sort.Slice(b.h, func(i, j int) bool { return b.worse(b.h[j], b.h[i]) })
	return b.h
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
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

// byLevel orders hits by level, then score, both descending (stable: ties keep their order).
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
	args := make([]any, len(ns))
	for i, n := range ns {
		args[i] = n
	}
	rows, err := s.db.QueryContext(ctx, "SELECT n, id, text FROM items WHERE n IN ("+placeholders(len(ns))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("candidate texts: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]string, len(ns))
	for rows.Next() {
		var n int64
		var id string
		var raw []byte
		if err := rows.Scan(&n, &id, &raw); err != nil {
			return nil, fmt.Errorf("candidate texts: %w", err)
		}
		t, err := s.openText(id, raw)
		if err != nil {
			return nil, fmt.Errorf("candidate texts: %w", err)
		}
		out[n] = t
	}
	return out, rows.Err()
}
