package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/ledger"
)

// ledgerNode is the app's ledger endpoints over a real ledger file.
type ledgerNode struct {
	url     string
	path    string
	l       *ledger.Ledger
	self    peer.ID
	peerKey crypto.PrivKey
	peer    peer.ID
	all     []ledger.Entry // as appended, oldest first
}

func newID(t *testing.T) (crypto.PrivKey, peer.ID) {
	t.Helper()
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, id
}

func hexOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// day0 is the start of the entries' first day; entry i starts i hours later.
var day0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

// newLedgerNode writes n entries: kinds rotate local, served, hop, remote; models alternate
// between hexOf("model-a") and hexOf("model-b"); every third request ID needs CSV quoting.
func newLedgerNode(t *testing.T, n int) *ledgerNode {
	t.Helper()
	ctx := context.Background()
	key, self := newID(t)
	pk, pid := newID(t)
	path := filepath.Join(t.TempDir(), "ledger.db")
	l, err := ledger.Open(ctx, path, key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ln := &ledgerNode{path: path, l: l, self: self, peerKey: pk, peer: pid}
	kinds := []ledger.Kind{ledger.Local, ledger.Served, ledger.Hop, ledger.Remote}
	for i := range n {
		e := ledger.Entry{RequestID: fmt.Sprintf("req-%d", i), Kind: kinds[i%4], ModelSHA256: hexOf("model-a"),
			LayerTo: 12, PromptTokens: int64(5 + i), GenTokens: int64(10 + i), StartedAt: day0.Add(time.Duration(i) * time.Hour).UnixMilli(),
			DurationMs: int64(100 * (i + 1)), EnergyMJ: int64(1000 + i), EnergyLabel: "estimated", Requester: self, Worker: self,
			InputHash: hexOf(fmt.Sprint("in", i)), OutputHash: hexOf(fmt.Sprint("out", i))}
		if i%2 == 1 {
			e.ModelSHA256 = hexOf("model-b")
			e.EnergyLabel = "measured"
		}
		if i%3 == 0 {
			e.RequestID = fmt.Sprintf("chat %d, \"quoted\"\nsecond line", i)
		}
		switch e.Kind {
		case ledger.Served, ledger.Hop:
			e.Requester = pid
		case ledger.Remote:
			e.Worker, e.EnergyMJ = pid, 0
		}
		got, err := l.Append(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		ln.all = append(ln.all, got)
	}
	app := &App{Ledger: l, Self: self}
	ts := httptest.NewServer(New(Options{Mounts: app.Mounts()}))
	t.Cleanup(ts.Close)
	ln.url = ts.URL
	return ln
}

// get fetches path; with v it decodes a 200's JSON into v.
func (ln *ledgerNode) get(t *testing.T, path string, v any) *http.Response {
	t.Helper()
	r, err := http.Get(ln.url + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Body.Close() })
	if v != nil {
		if r.StatusCode != http.StatusOK {
			b, _ := io.ReadAll(r.Body)
			t.Fatalf("GET %s: %d %s", path, r.StatusCode, b)
		}
		if err := json.NewDecoder(r.Body).Decode(v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	return r
}

func newestFirst(es []ledger.Entry, keep func(ledger.Entry) bool) []ledger.Entry {
	var out []ledger.Entry
	for i := len(es) - 1; i >= 0; i-- {
		if keep(es[i]) {
			out = append(out, es[i])
		}
	}
	return out
}

func seqsOf(es []ledger.Entry) []uint64 {
	out := []uint64{}
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

func TestLedgerListFiltersAndPages(t *testing.T) {
	ln := newLedgerNode(t, 30)
	modelB := hexOf("model-b")
	from, to := day0.Add(5*time.Hour), day0.Add(20*time.Hour)
	in := func(e ledger.Entry) bool {
		return e.StartedAt >= from.UnixMilli() && e.StartedAt < to.UnixMilli()
	}
	cases := []struct {
		query string
		want  []ledger.Entry
	}{
		{"", newestFirst(ln.all, func(ledger.Entry) bool { return true })},
		{"kind=hop", newestFirst(ln.all, func(e ledger.Entry) bool { return e.Kind == ledger.Hop })},
		{"peer=" + ln.peer.String(), newestFirst(ln.all, func(e ledger.Entry) bool { return e.Kind != ledger.Local })},
		{"model=" + modelB[:8], newestFirst(ln.all, func(e ledger.Entry) bool { return e.ModelSHA256 == modelB })},
		{"from=" + from.Format(time.RFC3339) + "&to=" + url.QueryEscape(to.In(time.FixedZone("", 2*3600)).Format(time.RFC3339)),
			newestFirst(ln.all, in)},
		{"kind=served&model=" + modelB + "&from=" + from.Format(time.RFC3339),
			newestFirst(ln.all, func(e ledger.Entry) bool {
				return e.Kind == ledger.Served && e.ModelSHA256 == modelB && e.StartedAt >= from.UnixMilli()
			})},
	}
	for _, c := range cases {
		var got LedgerList
		ln.get(t, "/api/ledger?"+c.query, &got)
		if !reflect.DeepEqual(got.Entries, c.want) || got.Total != int64(len(c.want)) || got.Limit != 100 || got.Offset != 0 {
			t.Errorf("?%s: seqs %v total %d limit %d, want %v total %d", c.query, seqsOf(got.Entries), got.Total, got.Limit,
				seqsOf(c.want), len(c.want))
		}
	}

	// Pages of 4 of one kind: together the whole filtered list, each with its total.
	want := newestFirst(ln.all, func(e ledger.Entry) bool { return e.Kind == ledger.Local })
	var pages []ledger.Entry
	for off := 0; off < 12; off += 4 {
		var got LedgerList
		ln.get(t, fmt.Sprintf("/api/ledger?kind=local&limit=4&offset=%d", off), &got)
		if got.Total != int64(len(want)) || got.Limit != 4 || got.Offset != off {
			t.Fatalf("page at %d: total %d limit %d offset %d", off, got.Total, got.Limit, got.Offset)
		}
		pages = append(pages, got.Entries...)
	}
	if !slices.Equal(seqsOf(pages), seqsOf(want)) {
		t.Fatalf("pages %v, want %v", seqsOf(pages), seqsOf(want))
	}
}

func TestLedgerTotalsGivenReceived(t *testing.T) {
	ln := newLedgerNode(t, 22)
	from := day0.Add(3 * time.Hour)
	sum := func(keep func(ledger.Entry) bool) ledger.Totals {
		var s ledger.Totals
		for _, e := range ln.all {
			if e.StartedAt < from.UnixMilli() || !keep(e) {
				continue
			}
			s.Entries++
			s.PromptTokens += e.PromptTokens
			s.GenTokens += e.GenTokens
			s.DurationMs += e.DurationMs
			s.EnergyMJ += e.EnergyMJ
			if e.EnergyLabel == "estimated" {
				s.EstimatedMJ += e.EnergyMJ
			}
		}
		return s
	}
	var got LedgerTotals
	ln.get(t, "/api/ledger/totals?from="+from.Format(time.RFC3339), &got)
	want := LedgerTotals{
		Entries:  sum(func(ledger.Entry) bool { return true }).Entries,
		Given:    sum(func(e ledger.Entry) bool { return e.Kind == ledger.Served || e.Kind == ledger.Hop }),
		Received: sum(func(e ledger.Entry) bool { return e.Kind == ledger.Remote }),
		Local:    sum(func(e ledger.Entry) bool { return e.Kind == ledger.Local }),
	}
	if got != want {
		t.Fatalf("totals\n%+v\nwant\n%+v", got, want)
	}
	if got.Given.Entries == 0 || got.Received.Entries == 0 || got.Given.EstimatedMJ == got.Given.EnergyMJ {
		t.Fatalf("the fixture should give, receive and mix energy labels: %+v", got)
	}
	ln.get(t, "/api/ledger/totals?kind=local", &got)
	if got.Given.Entries != 0 || got.Received.Entries != 0 || got.Local.Entries != got.Entries || got.Entries == 0 {
		t.Fatalf("totals of local entries: %+v", got)
	}
}

func TestLedgerBadParams(t *testing.T) {
	ln := newLedgerNode(t, 3)
	cases := []struct {
		path, param string
		status      int
	}{
		{"/api/ledger?kind=lent", "kind", 400},
		{"/api/ledger?knd=local", "knd", 400},
		{"/api/ledger?kind=local&kind=hop", "kind", 400},
		{"/api/ledger?peer=hello", "peer", 400},
		{"/api/ledger?model=xyz", "model", 400},
		{"/api/ledger?from=yesterday", "from", 400},
		{"/api/ledger?to=2026-03-01", "to", 400},
		{"/api/ledger?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to", 400},
		{"/api/ledger?limit=0", "limit", 400},
		{"/api/ledger?limit=1001", "limit", 400},
		{"/api/ledger?limit=ten", "limit", 400},
		{"/api/ledger?offset=-1", "offset", 400},
		{"/api/ledger/totals?limit=5", "limit", 400},
		{"/api/ledger/totals?model=12g", "model", 400},
		{"/api/ledger/export?format=xml", "format", 400},
		{"/api/ledger/export", "format", 400},
		{"/api/ledger/export?format=csv&to=soon", "to", 400},
		{"/api/ledger/abc", "seq", 400},
		{"/api/ledger/0", "seq", 400},
		{"/api/ledger/99", "seq", 404},
		{"/api/ledger/99/verify", "seq", 404},
	}
	for _, c := range cases {
		r := ln.get(t, c.path, nil)
		var body ErrorBody
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			t.Errorf("%s: %d, body: %v", c.path, r.StatusCode, err)
			continue
		}
		if r.StatusCode != c.status || body.Error.Param == nil || *body.Error.Param != c.param ||
			!strings.HasPrefix(body.Error.Message, c.param+":") {
			t.Errorf("%s: %d %+v, want %d naming %q", c.path, r.StatusCode, body.Error, c.status, c.param)
		}
		if r.Header.Get("Content-Disposition") != "" {
			t.Errorf("%s: an error offered as a download", c.path)
		}
	}
}

func TestLedgerExportMatchesList(t *testing.T) {
	ln := newLedgerNode(t, 25)
	q := "kind=local&from=" + day0.Add(2*time.Hour).Format(time.RFC3339)
	var list LedgerList
	ln.get(t, "/api/ledger?limit=1000&"+q, &list)
	if len(list.Entries) < 5 {
		t.Fatalf("only %d entries to export", len(list.Entries))
	}

	r := ln.get(t, "/api/ledger/export?format=csv&"+q, nil)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		r.Header.Get("Content-Disposition") != `attachment; filename="aria-ledger.csv"` {
		t.Fatalf("CSV export: %d %v", r.StatusCode, r.Header)
	}
	raw, _ := io.ReadAll(r.Body)
	if !strings.Contains(string(raw), `"chat 12, ""quoted""`+"\nsecond line\"") {
		t.Fatalf("the CSV does not quote the request ID with a comma, quotes and a line break:\n%s", raw)
	}
	recs, err := csv.NewReader(strings.NewReader(string(raw))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "seq" || recs[0][1] != "request_id" || recs[0][2] != "kind" || len(recs) != len(list.Entries)+1 {
		t.Fatalf("CSV header %v with %d rows, want %d", recs[0], len(recs)-1, len(list.Entries))
	}
	for i, e := range list.Entries {
		row := recs[i+1]
		if row[0] != strconv.FormatUint(e.Seq, 10) || row[1] != e.RequestID || row[2] != string(e.Kind) ||
			row[3] != e.ModelSHA256 || row[20] != e.Hash {
			t.Errorf("CSV row %d %q does not match entry %+v", i, row[:4], e)
		}
	}

	r = ln.get(t, "/api/ledger/export?format=jsonl&"+q, nil)
	if r.StatusCode != 200 || r.Header.Get("Content-Type") != "application/x-ndjson" ||
		r.Header.Get("Content-Disposition") != `attachment; filename="aria-ledger.jsonl"` {
		t.Fatalf("JSONL export: %d %v", r.StatusCode, r.Header)
	}
	var got []ledger.Entry
	dec := json.NewDecoder(r.Body)
	for {
		var e ledger.Entry
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if !reflect.DeepEqual(got, list.Entries) {
		t.Fatalf("JSONL export seqs %v, want the list's %v", seqsOf(got), seqsOf(list.Entries))
	}
}

func TestLedgerEntryAndItsCheck(t *testing.T) {
	ln := newLedgerNode(t, 6)
	var e ledger.Entry
	ln.get(t, "/api/ledger/4", &e)
	if !reflect.DeepEqual(e, ln.all[3]) {
		t.Fatalf("entry 4: %+v, want %+v", e, ln.all[3])
	}
	var v LedgerVerify
	ln.get(t, "/api/ledger/4/verify", &v)
	if !v.OK || v.Report.Entries != 1 || v.Report.Owner != ln.self {
		t.Fatalf("entry 4's check: %+v", v)
	}

	db, err := sql.Open("sqlite", ln.path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("UPDATE entries SET prompt_tokens = prompt_tokens + 1 WHERE seq = 4"); err != nil {
		t.Fatal(err)
	}
	ln.get(t, "/api/ledger/4/verify", &v)
	if v.OK || len(v.Report.Problems) != 1 || v.Report.Problems[0].Kind != ledger.HashBad || v.Report.Problems[0].Seq != 4 {
		t.Fatalf("an edited entry's check: %+v", v)
	}
	ln.get(t, "/api/ledger/3/verify", &v)
	if !v.OK {
		t.Fatalf("entry 3 is untouched: %+v", v)
	}
	ln.get(t, "/api/ledger/verify", &v)
	if v.OK || v.Report.Entries != 6 {
		t.Fatalf("the whole ledger's check after an edit: %+v", v)
	}
}

func TestLedgerVerifyChecksTheOwner(t *testing.T) {
	ln := newLedgerNode(t, 2)
	var v LedgerVerify
	ln.get(t, "/api/ledger/verify", &v)
	if !v.OK {
		t.Fatalf("this node's ledger: %+v", v)
	}
	_, stranger := newID(t)
	app := &App{Ledger: ln.l, Self: stranger}
	ts := httptest.NewServer(New(Options{Mounts: app.Mounts()}))
	defer ts.Close()
	r, err := http.Get(ts.URL + "/api/ledger/verify")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Body.Close()
	if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.OK || len(v.Report.Problems) != 1 || v.Report.Problems[0].Kind != ledger.OwnerBad {
		t.Fatalf("another node's ledger: %+v", v)
	}
}

func TestLedgerChoices(t *testing.T) {
	ln := newLedgerNode(t, 4)
	var c LedgerChoices
	ln.get(t, "/api/ledger/choices", &c)
	want := LedgerChoices{Models: []string{hexOf("model-b"), hexOf("model-a")}, Peers: []string{ln.peer.String()}}
	if !reflect.DeepEqual(c, want) {
		t.Fatalf("choices %+v, want %+v", c, want)
	}
}
