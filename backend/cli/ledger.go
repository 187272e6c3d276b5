package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/spf13/cobra"

	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/p2p"
)

func ledgerCmd(stdio IO) *cobra.Command {
	var dataDir string
	open := func(ctx context.Context) (*ledger.Ledger, error) {
		dir := dataDir
		if dir == "" {
			d, err := DataDir()
			if err != nil {
				return nil, fmt.Errorf("data directory: %w", err)
			}
			dir = d
		}
		path := filepath.Join(dir, "ledger.db")
		l, err := ledger.OpenReadOnly(ctx, path)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no ledger at %s: this node has not recorded any inference yet", path)
		}
		return l, err
	}
	// self is this node's identity: the ledger must be its own, whatever the file says.
	self := func() (peer.ID, error) {
		dir := dataDir
		if dir == "" {
			d, err := DataDir()
			if err != nil {
				return "", fmt.Errorf("data directory: %w", err)
			}
			dir = d
		}
		path := filepath.Join(dir, p2p.IdentityFile)
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("cannot tell whose ledger this is (pass --owner PEER_ID): %w", err)
		}
		k, err := crypto.UnmarshalPrivateKey(b)
		if err != nil {
			return "", fmt.Errorf("identity %s: %w", path, err)
		}
		return peer.IDFromPrivateKey(k)
	}
	root := &cobra.Command{Use: "ledger", Short: "Show, verify and export the signed record of this node's inferences"}
	root.PersistentFlags().StringVar(&dataDir, "data-dir", "", "data directory (default: the per-user one, or $ARIA_DATA_DIR)")
	root.AddCommand(ledgerListCmd(stdio, open), ledgerShowCmd(stdio, open), ledgerVerifyCmd(stdio, open, self),
		ledgerExportCmd(stdio, open))
	return root
}

type openLedger func(context.Context) (*ledger.Ledger, error)

func ledgerListCmd(stdio IO, open openLedger) *cobra.Command {
	var kind, peerFlag, since string
	var f ledger.Filter
	var asJSON bool
	c := &cobra.Command{
		Use: "list", Short: "List the recorded inferences", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.Kind = ledger.Kind(kind)
			switch f.Kind {
			case "", ledger.Local, ledger.Served, ledger.Hop, ledger.Remote:
			default:
				return usageError{fmt.Errorf("--kind %q: want local, served, hop or remote", kind)}
			}
			if peerFlag != "" {
				id, err := peer.Decode(peerFlag)
				if err != nil {
					return usageError{fmt.Errorf("--peer: %w", err)}
				}
				f.Peer = id
			}
			if since != "" {
				t, err := parseSince(since, time.Now())
				if err != nil {
					return usageError{err}
				}
				f.Since = t.UnixMilli()
			}
			l, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer l.Close()
			es, err := l.List(cmd.Context(), f)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(stdio.Out)
				for _, e := range es {
					if err := enc.Encode(e); err != nil {
						return err
					}
				}
				return nil
			}
			return printTable(stdio.Out, l.Owner(), es)
		},
	}
	fl := c.Flags()
	fl.StringVar(&kind, "kind", "", "only this kind: local, served, hop or remote")
	fl.StringVar(&peerFlag, "peer", "", "only work with this peer (requester or worker)")
	fl.StringVar(&since, "since", "", "only work started since a date (2006-01-02, RFC 3339) or a duration ago (24h)")
	fl.IntVar(&f.Limit, "limit", 0, "at most this many entries (0: all)")
	fl.IntVar(&f.Offset, "offset", 0, "skip this many entries")
	fl.BoolVar(&f.Reverse, "newest", false, "newest first")
	fl.BoolVar(&asJSON, "json", false, "one JSON object per entry and line")
	return c
}

func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--since %q: want a date (2006-01-02), an RFC 3339 time or a duration (24h)", s)
}

// shortPeer names this node "self" and others by the tail of their ID.
func shortPeer(id, owner peer.ID) string {
	if id == owner {
		return "self"
	}
	s := id.String()
	return "…" + s[max(len(s)-6, 0):]
}

func printTable(w io.Writer, owner peer.ID, es []ledger.Entry) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "SEQ\tTIME\tKIND\tMODEL\tLAYERS\tTOKENS\tTOK/S\tmJ\tPEERS\t")
	estimated := false
	for _, e := range es {
		rate := "-"
		if e.DurationMs > 0 {
			rate = strconv.FormatFloat(float64(e.GenTokens)*1000/float64(e.DurationMs), 'f', 1, 64)
		}
		energy := strconv.FormatInt(e.EnergyMJ, 10)
		if e.EnergyLabel != "measured" {
			energy, estimated = "~"+energy, true
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.8s\t%d-%d\t%d+%d\t%s\t%s\t%s→%s\t\n", e.Seq,
			time.UnixMilli(e.StartedAt).Format(time.DateTime), e.Kind, e.ModelSHA256, e.LayerFrom, e.LayerTo,
			e.PromptTokens, e.GenTokens, rate, energy, shortPeer(e.Requester, owner), shortPeer(e.Worker, owner))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	note := ""
	if estimated {
		note = ", ~ marks estimated energy"
	}
	_, err := fmt.Fprintf(w, "%d entries (tokens: prompt+generated%s)\n", len(es), note)
	return err
}

func ledgerShowCmd(stdio IO, open openLedger) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use: "show SEQ", Short: "Show one entry in full", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			seq, err := strconv.ParseUint(args[0], 10, 64)
			if err != nil || seq == 0 {
				return usageError{fmt.Errorf("SEQ %q: want a positive entry number", args[0])}
			}
			l, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer l.Close()
			e, err := l.Get(cmd.Context(), seq)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(stdio.Out, e)
			}
			w := tabwriter.NewWriter(stdio.Out, 0, 0, 1, ' ', 0)
			row := func(k string, v any) { fmt.Fprintf(w, "%s:\t%v\n", k, v) }
			row("seq", e.Seq)
			row("request", e.RequestID)
			row("kind", e.Kind)
			row("model sha256", e.ModelSHA256)
			row("layers", fmt.Sprintf("%d-%d", e.LayerFrom, e.LayerTo))
			row("tokens", fmt.Sprintf("%d prompt, %d generated", e.PromptTokens, e.GenTokens))
			row("started", time.UnixMilli(e.StartedAt).Format(time.RFC3339Nano))
			row("duration", time.Duration(e.DurationMs)*time.Millisecond)
			row("energy", fmt.Sprintf("%d mJ (%s)", e.EnergyMJ, e.EnergyLabel))
			row("requester", e.Requester)
			row("worker", e.Worker)
			row("input sha256", e.InputHash)
			row("output sha256", e.OutputHash)
			if r := e.Receipt; r != nil {
				status := "verifies"
				if _, err := ledger.VerifyReceipt(*r); err != nil {
					status = err.Error()
				}
				row("receipt", fmt.Sprintf("signed by %s (%s)", r.Signer, status))
			} else {
				row("receipt", "none")
			}
			row("prev hash", e.PrevHash)
			row("hash", e.Hash)
			row("signature", fmt.Sprintf("%x", e.Sig))
			return w.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the entry as JSON")
	return c
}

func ledgerVerifyCmd(stdio IO, open openLedger, self func() (peer.ID, error)) *cobra.Command {
	var owner string
	c := &cobra.Command{
		Use: "verify", Short: "Check that the ledger is this node's, the chain, every signature and receipt, and the signed head", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			l, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer l.Close()
			var want peer.ID
			if owner != "" {
				if want, err = peer.Decode(owner); err != nil {
					return usageError{fmt.Errorf("--owner %q: %w", owner, err)}
				}
			} else if want, err = self(); err != nil {
				return err
			}
			rep, err := l.VerifyOwner(cmd.Context(), want)
			if err != nil {
				return err
			}
			if !rep.OK() {
				for _, p := range rep.Problems {
					fmt.Fprintln(stdio.Out, p)
				}
				return fmt.Errorf("ledger does not verify: %d problems in %d entries", len(rep.Problems), rep.Entries)
			}
			fmt.Fprintf(stdio.Out, "ledger OK: %d entries, chain and signatures verify\n", rep.Entries)
			fmt.Fprintf(stdio.Out, "signed by %s\n", rep.Owner)
			return nil
		},
	}
	c.Flags().StringVar(&owner, "owner", "", "the peer ID the ledger must belong to (default: this node's, from identity.key in the data directory)")
	return c
}

func ledgerExportCmd(stdio IO, open openLedger) *cobra.Command {
	var format, out string
	c := &cobra.Command{
		Use: "export", Short: "Write every entry as JSON lines or CSV", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "json" && format != "csv" {
				return usageError{fmt.Errorf("--format %q: want json or csv", format)}
			}
			l, err := open(cmd.Context())
			if err != nil {
				return err
			}
			defer l.Close()
			if out == "" || out == "-" {
				return l.Export(cmd.Context(), stdio.Out, format)
			}
			return writeFileAtomic(out, func(w io.Writer) error { return l.Export(cmd.Context(), w, format) })
		},
	}
	c.Flags().StringVar(&format, "format", "json", "json (one object per line) or csv")
	c.Flags().StringVarP(&out, "out", "o", "", "output file (default: standard output)")
	return c
}

// writeFileAtomic writes path through a temporary file, so a failed export leaves any earlier
// file as it was.
func writeFileAtomic(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(f.Name())
	err = write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(f.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("export to %s: %w", path, err)
	}
	return nil
}
