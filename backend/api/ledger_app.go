package api

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/ledger"
)

// The ledger's endpoints. The list, its totals and its export take one filter, in the query:
//
//	kind=local|served|hop|remote  peer=PEER_ID (requester or worker)  model=HEX (a SHA-256 or its start)
//	from=RFC3339 (started at or after)  to=RFC3339 (started before)
//
// and the list pages with limit (1 to 1000, default 100) and offset. A parameter that does not
// parse, or one these endpoints do not know, is a 400 whose param names it.

func (a *App) ledgerMounts(h func(string, http.HandlerFunc)) {
	h("GET /api/ledger", a.ledgerList)
	h("GET /api/ledger/totals", a.ledgerTotals)
	h("GET /api/ledger/choices", a.ledgerChoices)
	h("GET /api/ledger/export", a.ledgerExport)
	h("GET /api/ledger/verify", a.verifyLedger)
	h("GET /api/ledger/{seq}", a.ledgerEntry)
	h("GET /api/ledger/{seq}/verify", a.verifyLedgerEntry)
}

const (
	ledgerDefaultLimit = 100
	ledgerMaxLimit     = 1000
)

// filterParams are the query parameters of the ledger's filter.
var filterParams = []string{"kind", "peer", "model", "from", "to"}

// ledgerFilter reads the filter from r's query, plus the extra parameters the endpoint takes
// (their values are left to it); the error is a *ledger.FilterError naming the parameter.
func ledgerFilter(r *http.Request, extra ...string) (ledger.Filter, error) {
	var f ledger.Filter
	q := r.URL.Query()
	known := append(append([]string{}, filterParams...), extra...)
	for name, vs := range q {
		if !slices.Contains(known, name) {
			return f, &ledger.FilterError{Field: name, Msg: "unknown parameter (this endpoint takes " + strings.Join(known, ", ") + ")"}
		}
		if len(vs) > 1 {
			return f, &ledger.FilterError{Field: name, Msg: "given more than once"}
		}
	}
	f.Kind = ledger.Kind(q.Get("kind"))
	if s := q.Get("peer"); s != "" {
		id, err := peer.Decode(s)
		if err != nil {
			return f, &ledger.FilterError{Field: "peer", Msg: fmt.Sprintf("%q is not a peer ID: %v", s, err)}
		}
		f.Peer = id
	}
	f.Model = q.Get("model")
	for _, t := range []struct {
		name string
		to   *int64
	}{{"from", &f.Since}, {"to", &f.Until}} {
		s := q.Get(t.name)
		if s == "" {
			continue
		}
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			return f, &ledger.FilterError{Field: t.name, Msg: fmt.Sprintf("%q is not an RFC 3339 time such as 2026-01-31T00:00:00Z", s)}
		}
		if v.UnixMilli() <= 0 {
			return f, &ledger.FilterError{Field: t.name, Msg: "must be after 1970-01-01T00:00:00Z"}
		}
		*t.to = v.UnixMilli()
	}
	return f, nil
}

// pageParams reads limit and offset into f.
func pageParams(r *http.Request, f *ledger.Filter) error {
	f.Limit, f.Offset = ledgerDefaultLimit, 0
	for _, p := range []struct {
		name     string
		to       *int
		min, max int
	}{{"limit", &f.Limit, 1, ledgerMaxLimit}, {"offset", &f.Offset, 0, 1 << 40}} {
		s := r.URL.Query().Get(p.name)
		if s == "" {
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < p.min || n > p.max {
			return &ledger.FilterError{Field: p.name, Msg: fmt.Sprintf("%q is not a whole number from %d to %d", s, p.min, p.max)}
		}
		*p.to = n
	}
	return nil
}

// ledgerError answers err: a bad filter is the client's 400 naming its parameter, a missing
// entry a 404, anything else the node's 500.
func ledgerError(w http.ResponseWriter, err error) {
	var fe *ledger.FilterError
	switch {
	case errors.As(err, &fe):
		WriteError(w, http.StatusBadRequest, "invalid_parameter", fe.Field, fe.Error())
	case errors.Is(err, ledger.ErrNotFound):
		WriteError(w, http.StatusNotFound, "entry_not_found", "seq", "seq: "+err.Error())
	default:
		WriteError(w, http.StatusInternalServerError, "ledger_read_failed", "", "reading the ledger: "+err.Error())
	}
}

func (a *App) ledgerList(w http.ResponseWriter, r *http.Request) {
	f, err := ledgerFilter(r, "limit", "offset")
	if err == nil {
		err = pageParams(r, &f)
	}
	if err != nil {
		ledgerError(w, err)
		return
	}
	// Newest first: the page shows the latest work first.
	f.Reverse = true
	es, err := a.Ledger.List(r.Context(), f)
	if err != nil {
		ledgerError(w, err)
		return
	}
	n, err := a.Ledger.Count(r.Context(), f)
	if err != nil {
		ledgerError(w, err)
		return
	}
	if es == nil {
		es = []ledger.Entry{}
	}
	WriteJSON(w, http.StatusOK, LedgerList{Entries: es, Total: n, Limit: f.Limit, Offset: f.Offset})
}

func (a *App) ledgerTotals(w http.ResponseWriter, r *http.Request) {
	f, err := ledgerFilter(r)
	if err != nil {
		ledgerError(w, err)
		return
	}
	byKind, err := a.Ledger.Totals(r.Context(), f)
	if err != nil {
		ledgerError(w, err)
		return
	}
	out := LedgerTotals{Local: byKind[ledger.Local], Received: byKind[ledger.Remote]}
	out.Given = sumTotals(byKind[ledger.Served], byKind[ledger.Hop])
	for _, t := range byKind {
		out.Entries += t.Entries
	}
	WriteJSON(w, http.StatusOK, out)
}

func sumTotals(a, b ledger.Totals) ledger.Totals {
	return ledger.Totals{Entries: a.Entries + b.Entries, PromptTokens: a.PromptTokens + b.PromptTokens,
		GenTokens: a.GenTokens + b.GenTokens, DurationMs: a.DurationMs + b.DurationMs,
		EnergyMJ: a.EnergyMJ + b.EnergyMJ, EstimatedMJ: a.EstimatedMJ + b.EstimatedMJ}
}

func (a *App) ledgerChoices(w http.ResponseWriter, r *http.Request) {
	models, err := a.Ledger.Models(r.Context())
	if err != nil {
		ledgerError(w, err)
		return
	}
	ids, err := a.Ledger.Peers(r.Context())
	if err != nil {
		ledgerError(w, err)
		return
	}
	out := LedgerChoices{Models: models, Peers: make([]string, 0, len(ids))}
	for _, id := range ids {
		out.Peers = append(out.Peers, id.String())
	}
	WriteJSON(w, http.StatusOK, out)
}

// exportTypes are the media types of the export formats.
var exportTypes = map[string]string{"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}

func (a *App) ledgerExport(w http.ResponseWriter, r *http.Request) {
	f, err := ledgerFilter(r, "format")
	if err != nil {
		ledgerError(w, err)
		return
	}
	format := r.URL.Query().Get("format")
	ctype, ok := exportTypes[format]
	if !ok {
		ledgerError(w, &ledger.FilterError{Field: "format", Msg: fmt.Sprintf("%q is not csv or jsonl", format)})
		return
	}
	f.Reverse = true // in the order of the page's table
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="aria-ledger.`+format+`"`)
	sw := &startedWriter{w: w}
	if err := a.Ledger.ExportFilter(r.Context(), sw, format, f); err != nil {
		if !sw.started {
			w.Header().Del("Content-Disposition")
			ledgerError(w, err)
			return
		}
		// The status is sent: abort the response so that the client sees a failed download
		// rather than a file that looks complete.
		panic(http.ErrAbortHandler)
	}
}

// startedWriter notes whether any of the response was written.
type startedWriter struct {
	w       http.ResponseWriter
	started bool
}

func (s *startedWriter) Write(p []byte) (int, error) {
	s.started = true
	return s.w.Write(p)
}

// entrySeq reads the {seq} of the path; false when it answered 400.
func entrySeq(w http.ResponseWriter, r *http.Request) (uint64, bool) {
	s := r.PathValue("seq")
	seq, err := strconv.ParseUint(s, 10, 63)
	if err != nil || seq == 0 {
		WriteError(w, http.StatusBadRequest, "invalid_parameter", "seq", fmt.Sprintf("seq: %q is not an entry number (1, 2, …)", s))
		return 0, false
	}
	return seq, true
}

func (a *App) ledgerEntry(w http.ResponseWriter, r *http.Request) {
	seq, ok := entrySeq(w, r)
	if !ok {
		return
	}
	e, err := a.Ledger.Get(r.Context(), seq)
	if err != nil {
		ledgerError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, e)
}

func (a *App) verifyLedgerEntry(w http.ResponseWriter, r *http.Request) {
	seq, ok := entrySeq(w, r)
	if !ok {
		return
	}
	rep, err := a.Ledger.VerifyEntry(r.Context(), seq)
	if err != nil {
		ledgerError(w, err)
		return
	}
	WriteJSON(w, http.StatusOK, LedgerVerify{OK: rep.OK(), Report: rep})
}

func (a *App) verifyLedger(w http.ResponseWriter, r *http.Request) {
	// The owner too: a ledger swapped for another node's verifies on its own.
	rep, err := a.Ledger.VerifyOwner(r.Context(), a.Self)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "ledger_read_failed", "", "verifying the ledger: "+err.Error())
		return
	}
	WriteJSON(w, http.StatusOK, LedgerVerify{OK: rep.OK(), Report: rep})
}
