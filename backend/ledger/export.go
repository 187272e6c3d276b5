package ledger

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// ErrFormat is returned by Export for a format other than "json" (or "jsonl") or "csv".
var ErrFormat = errors.New("unknown export format (want json, jsonl or csv)")

// csvHeader is the first line of a CSV export.
var csvHeader = []string{"seq", "request_id", "kind", "model_sha256", "layer_from", "layer_to",
	"prompt_tokens", "gen_tokens", "started_at", "duration_ms", "energy_mj", "energy_label",
	"requester", "worker", "input_hash", "output_hash", "receipt_signer", "receipt_payload",
	"receipt_sig", "prev_hash", "hash", "sig"}

// Export writes every entry in ledger order: "json" (or "jsonl") is one JSON object per line
// (the Entry's JSON form); "csv" has a header line naming the same fields (the receipt
// flattened to receipt_signer, receipt_payload, receipt_sig), byte fields in standard base64,
// and RFC 4180 quoting (a field with a comma, a quote or a line break is quoted, its quotes
// doubled).
func (l *Ledger) Export(ctx context.Context, w io.Writer, format string) error {
	return l.ExportFilter(ctx, w, format, Filter{})
}

// ExportFilter is Export of the entries f selects, in f's order, streamed as they are read.
func (l *Ledger) ExportFilter(ctx context.Context, w io.Writer, format string, f Filter) error {
	if format == "jsonl" {
		format = "json"
	}
	if format != "json" && format != "csv" {
		return fmt.Errorf("export ledger: %w: %q", ErrFormat, format)
	}
	if err := f.check(); err != nil {
		return fmt.Errorf("export ledger: %w", err)
	}
	q, args := f.selectEntries()
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	cw := csv.NewWriter(bw)
	if format == "csv" {
		if err := cw.Write(csvHeader); err != nil {
			return fmt.Errorf("export ledger: %w", err)
		}
	}
	err := l.each(ctx, q, args, func(seq uint64, e Entry, err error) error {
		if err != nil {
			return fmt.Errorf("entry %d: %w", seq, err)
		}
		if format == "json" {
			return enc.Encode(e)
		}
		return cw.Write(csvRecord(&e))
	})
	if err == nil {
		cw.Flush()
		err = cw.Error()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("export ledger: %w", err)
	}
	return nil
}

func csvRecord(e *Entry) []string {
	i := func(n int64) string { return strconv.FormatInt(n, 10) }
	b64 := base64.StdEncoding.EncodeToString
	var rs, rp, rsig string
	if r := e.Receipt; r != nil {
		rs, rp, rsig = r.Signer.String(), b64(r.Payload), b64(r.Sig)
	}
	return []string{strconv.FormatUint(e.Seq, 10), e.RequestID, string(e.Kind), e.ModelSHA256,
		i(e.LayerFrom), i(e.LayerTo), i(e.PromptTokens), i(e.GenTokens), i(e.StartedAt), i(e.DurationMs),
		i(e.EnergyMJ), e.EnergyLabel, e.Requester.String(), e.Worker.String(), e.InputHash, e.OutputHash,
		rs, rp, rsig, e.PrevHash, e.Hash, b64(e.Sig)}
}

// Totals sums the entries of one kind. EstimatedMJ is the part of EnergyMJ that was estimated
// rather than measured.
type Totals struct {
	Entries      int64 `json:"entries"`
	PromptTokens int64 `json:"prompt_tokens"`
	GenTokens    int64 `json:"gen_tokens"`
	DurationMs   int64 `json:"duration_ms"`
	EnergyMJ     int64 `json:"energy_mj"`
	EstimatedMJ  int64 `json:"estimated_mj"`
}
