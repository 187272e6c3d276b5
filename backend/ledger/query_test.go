package ledger

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// models are the two models the entries of fillModels alternate between. They share their first
// digit, and modelB has an "f" right after the prefix "a2", the edge of a prefix's range.
const (
	modelA = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
	modelB = "a2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2f2"
)

// fillModels appends n entries of rotating kinds, the model alternating between modelA and
// modelB, and returns them as Append returned them.
func fillModels(t *testing.T, l *Ledger, p peers, n int) []Entry {
	t.Helper()
	var out []Entry
	for i := range n {
		e := p.entry(t, i, kinds[i%len(kinds)])
		e.ModelSHA256 = modelA
		if i%2 == 1 {
			e.ModelSHA256 = modelB
		}
		if e.Receipt != nil { // the receipt covers the model
			key := p.aliceKey
			if e.Kind == Remote {
				key = p.bobKey
			}
			e.Receipt = sign(t, key, &e)
		}
		got, err := l.Append(context.Background(), e)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, got)
	}
	return out
}

func keep(all []Entry, ok func(Entry) bool) []Entry {
	var out []Entry
	for _, e := range all {
		if ok(e) {
			out = append(out, e)
		}
	}
	return out
}

func TestFilterModelDatesCountTotals(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	all := fillModels(t, l, p, 17)
	from, to := all[4].StartedAt, all[12].StartedAt
	cases := []struct {
		name string
		f    Filter
		want []Entry
	}{
		{"model exact", Filter{Model: modelB}, keep(all, func(e Entry) bool { return e.ModelSHA256 == modelB })},
		{"model prefix, upper case", Filter{Model: "A1A1"}, keep(all, func(e Entry) bool { return e.ModelSHA256 == modelA })},
		{"model prefix of both", Filter{Model: "a"}, all},
		{"model prefix followed by f", Filter{Model: "a2"}, keep(all, func(e Entry) bool { return e.ModelSHA256 == modelB })},
		{"model prefix of none", Filter{Model: "a3"}, nil},
		{"from", Filter{Since: from}, all[4:]},
		{"to is exclusive", Filter{Until: to}, all[:12]},
		{"from and to", Filter{Since: from, Until: to}, all[4:12]},
		{"kind, peer, model, dates", Filter{Kind: Served, Peer: p.alice, Model: modelB, Since: from, Until: to},
			keep(all[4:12], func(e Entry) bool { return e.Kind == Served && e.ModelSHA256 == modelB })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := l.List(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(seqs(got), seqs(c.want)) {
				t.Fatalf("got seqs %v, want %v", seqs(got), seqs(c.want))
			}
			// Count and Totals see the same entries, whatever the page.
			paged := c.f
			paged.Limit, paged.Offset = 1, 1
			n, err := l.Count(ctx, paged)
			if err != nil || n != int64(len(c.want)) {
				t.Fatalf("count %d, %v; want %d", n, err, len(c.want))
			}
			tot, err := l.Totals(ctx, paged)
			if err != nil {
				t.Fatal(err)
			}
			want := map[Kind]Totals{}
			for _, e := range c.want {
				s := want[e.Kind]
				s.Entries++
				s.PromptTokens += e.PromptTokens
				s.GenTokens += e.GenTokens
				s.DurationMs += e.DurationMs
				s.EnergyMJ += e.EnergyMJ
				if e.EnergyLabel == "estimated" {
					s.EstimatedMJ += e.EnergyMJ
				}
				want[e.Kind] = s
			}
			if !reflect.DeepEqual(tot, want) {
				t.Fatalf("totals %+v, want %+v", tot, want)
			}
		})
	}
}

func TestPagesNewestFirst(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	all := fillModels(t, l, p, 11)
	var pages [][]uint64
	var got []uint64
	for off := 0; off < 20; off += 4 {
		es, err := l.List(ctx, Filter{Model: modelA, Reverse: true, Limit: 4, Offset: off})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, seqs(es))
		got = append(got, seqs(es)...)
	}
	want := seqs(keep(all, func(e Entry) bool { return e.ModelSHA256 == modelA }))
	slices.Reverse(want)
	if !slices.Equal(got, want) {
		t.Fatalf("pages %v, want %v in pages of 4", pages, want)
	}
	if len(pages[0]) != 4 || len(pages[1]) != 2 || len(pages[2]) != 0 {
		t.Fatalf("page sizes %v", pages)
	}
}

func TestFilterRefusedNamesTheField(t *testing.T) {
	ctx := context.Background()
	l, _, _ := openNew(t)
	for _, c := range []struct {
		f     Filter
		field string
	}{
		{Filter{Kind: "lent"}, "kind"},
		{Filter{Model: "a1-"}, "model"},
		{Filter{Model: "zz"}, "model"},
		{Filter{Model: strings.Repeat("a", 65)}, "model"},
		{Filter{Since: 10, Until: 10}, "to"},
		{Filter{Since: -1}, "from"},
		{Filter{Limit: -1}, "limit"},
		{Filter{Offset: -3}, "offset"},
	} {
		_, errList := l.List(ctx, c.f)
		_, errCount := l.Count(ctx, c.f)
		_, errTotals := l.Totals(ctx, c.f)
		errExport := l.ExportFilter(ctx, io.Discard, "csv", c.f)
		for _, err := range []error{errList, errCount, errTotals, errExport} {
			var fe *FilterError
			if !errors.As(err, &fe) || fe.Field != c.field || !errors.Is(err, ErrFilter) {
				t.Errorf("filter %+v: %v, want an ErrFilter naming %q", c.f, err, c.field)
			}
		}
	}
}

// TestExportQuotingAndRoundTrip writes request IDs that need CSV quoting (a peer chooses the
// IDs of the work it asks for) and reads both formats back.
func TestExportQuotingAndRoundTrip(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	ids := []string{`plain`, `with, comma`, `say "hi"`, "two\nlines", "crlf\r\nend", `"quoted", and, "more"`, ` spaced `}
	var want []Entry
	for i, id := range ids {
		e := p.entry(t, i, Local)
		e.RequestID = id
		got, err := l.Append(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, got)
	}
	// One served entry that the filter leaves out.
	if _, err := l.Append(ctx, p.entry(t, 99, Served)); err != nil {
		t.Fatal(err)
	}
	f := Filter{Kind: Local, Reverse: true}
	slices.Reverse(want)

	var cs bytes.Buffer
	if err := l.ExportFilter(ctx, &cs, "csv", f); err != nil {
		t.Fatal(err)
	}
	raw := cs.String()
	// RFC 4180: a field with a quote is quoted and its quotes doubled.
	for _, s := range []string{`"say ""hi"""`, `"with, comma"`, "\"two\nlines\"", `"""quoted"", and, ""more"""`} {
		if !strings.Contains(raw, s) {
			t.Errorf("CSV lacks the quoted field %s:\n%s", s, raw)
		}
	}
	recs, err := csv.NewReader(strings.NewReader(raw)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], csvHeader) || len(recs) != len(want)+1 {
		t.Fatalf("CSV header %v and %d records, want %v and %d", recs[0], len(recs)-1, csvHeader, len(want))
	}
	for i, e := range want {
		r := csvRecord(&e)
		// encoding/csv reads a quoted CRLF as LF (the file holds the CRLF); the rest comes back byte for byte.
		r[1] = strings.ReplaceAll(r[1], "\r\n", "\n")
		if !slices.Equal(recs[i+1], r) {
			t.Errorf("CSV row %d reads back as %q, want %q", i, recs[i+1], r)
		}
	}
	if !strings.Contains(raw, "\"crlf\r\nend\"") {
		t.Error("the CSV changed the CRLF inside a request ID")
	}

	var js bytes.Buffer
	if err := l.ExportFilter(ctx, &js, "jsonl", f); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(js.String(), "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d JSONL lines, want %d (one per entry, no line breaks inside)", len(lines), len(want))
	}
	for i, line := range lines {
		var e Entry
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(e, want[i]) {
			t.Fatalf("JSONL line %d parses to %+v, want %+v", i, e, want[i])
		}
	}
	if err := l.ExportFilter(ctx, io.Discard, "xlsx", f); !errors.Is(err, ErrFormat) {
		t.Fatalf("xlsx: %v", err)
	}
}

func TestVerifyEntry(t *testing.T) {
	ctx := context.Background()
	l, path, p := openNew(t)
	all := fill(t, l, p, 6)
	for _, e := range all {
		rep, err := l.VerifyEntry(ctx, e.Seq)
		if err != nil || !rep.OK() || rep.Entries != 1 || rep.Owner != p.owner {
			t.Fatalf("entry %d of an intact ledger: %+v, %v", e.Seq, rep, err)
		}
	}
	if _, err := l.VerifyEntry(ctx, 99); !errors.Is(err, ErrNotFound) {
		t.Fatalf("entry 99: %v", err)
	}

	// 1 local, 2 served, 3 hop, 4 remote, 5 local, 6 served.
	db := rawDB(t, path)
	mustExec(t, db, "UPDATE entries SET sig = X'00' WHERE seq = 2")
	mustExec(t, db, "UPDATE entries SET gen_tokens = gen_tokens + 1 WHERE seq = 3")
	mustExec(t, db, "DELETE FROM entries WHERE seq = 4")
	mustExec(t, db, "UPDATE entries SET prev_hash = ? WHERE seq = 6", all[3].Hash)
	cases := []struct {
		seq  uint64
		want []ProblemKind
	}{
		{1, nil},
		{2, []ProblemKind{SigBad}},
		{3, []ProblemKind{HashBad}},
		{5, []ProblemKind{Gap}},
		// prev_hash is now entry 4's: a chain break, and a hash and signature that no longer cover the fields.
		{6, []ProblemKind{ChainBreak, HashBad}},
	}
	for _, c := range cases {
		rep, err := l.VerifyEntry(ctx, c.seq)
		if err != nil {
			t.Fatal(err)
		}
		var got []ProblemKind
		for _, pr := range rep.Problems {
			if pr.Seq != c.seq {
				t.Errorf("entry %d: a problem of entry %d", c.seq, pr.Seq)
			}
			got = append(got, pr.Kind)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("entry %d: problems %v, want %v (%+v)", c.seq, got, c.want, rep.Problems)
		}
	}
}

func TestChoices(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	fillModels(t, l, p, 6) // the last entry (seq 6) is served, for alice, on modelB
	models, err := l.Models(ctx)
	if err != nil || !slices.Equal(models, []string{modelB, modelA}) {
		t.Fatalf("models %v, %v; want the most recent first", models, err)
	}
	ids, err := l.Peers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, id := range ids {
		got = append(got, id.String())
	}
	// seq 6 served (alice), 4 remote (bob), 3 hop (bob); never the owner.
	if want := []string{p.alice.String(), p.bob.String()}; !slices.Equal(got, want) {
		t.Fatalf("peers %v, want %v", got, want)
	}
}

// TestMigrationAddsModelIndex opens a ledger written before the model index: it gains the
// index, keeps its entries, and the model filter uses the index.
func TestMigrationAddsModelIndex(t *testing.T) {
	ctx := context.Background()
	l, path, p := openNew(t)
	all := fillModels(t, l, p, 5)
	l.Close()
	db := rawDB(t, path)
	if _, err := db.Exec("DROP INDEX entries_model; PRAGMA user_version = 2"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	l, err := Open(ctx, path, p.ownerKey)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if v, err := l.version(ctx); err != nil || v != len(migrations) || v != 3 {
		t.Fatalf("schema version %d, %v; want 3", v, err)
	}
	got, err := l.List(ctx, Filter{Model: modelB})
	if err != nil || !slices.Equal(seqs(got), seqs(keep(all, func(e Entry) bool { return e.ModelSHA256 == modelB }))) {
		t.Fatalf("model filter after migration: %v, %v", seqs(got), err)
	}
	if rep, err := l.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("verify after migration: %+v, %v", rep, err)
	}
	f := Filter{Model: "a2", Reverse: true, Limit: 10}
	where, args := f.where()
	rows, err := l.db.QueryContext(ctx, "EXPLAIN QUERY PLAN SELECT seq FROM entries"+where+" ORDER BY seq DESC LIMIT 10", args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if !strings.Contains(strings.Join(plan, "; "), "entries_model") {
		t.Fatalf("the model filter does not use the index: %v", plan)
	}
}
