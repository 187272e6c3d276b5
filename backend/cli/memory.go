package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/backend/keychain"
	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/chatmem"
	"github.com/aria-node/aria/backend/memory/consolidate"
	"github.com/aria-node/aria/backend/memory/convo"
	"github.com/aria-node/aria/backend/memory/prospect"
	"github.com/aria-node/aria/backend/node"
)

// memoryEnv is what the `aria memory` subcommands share: the data directory flag and how to open
// the store in it.
type memoryEnv struct {
	stdio   IO
	dataDir string
	seal    memory.SealMode // encrypt: seal the store at open
}

func (m *memoryEnv) path() (string, error) {
	dir := m.dataDir
	if dir == "" {
		d, err := DataDir()
		if err != nil {
			return "", fmt.Errorf("data directory: %w", err)
		}
		dir = d
	}
	return filepath.Join(dir, node.MemoryFile), nil
}

// open opens memory.db in the data directory; a running node may have it open too (WAL and a
// busy timeout make that safe, and the node's index reloads when the file's generation moves).
// With create false a missing file gives a nil store and no error, so that reading commands
// leave no file behind (a mistyped --data-dir stays empty).
func (m *memoryEnv) open(ctx context.Context, create bool) (*memory.Store, func() time.Time, error) {
	path, err := m.path()
	if err != nil {
		return nil, nil, err
	}
	if !create {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, nil, nil
		}
	}
	// The same clock as `aria serve`, so $ARIA_TEST_NOW moves both.
	clock, err := testClock()
	if err != nil {
		return nil, nil, err
	}
	if clock == nil {
		clock = time.Now
	}
	st, err := memory.Open(ctx, path, memory.Options{Clock: clock, Passphrase: os.Getenv(PassphraseEnv), Keychain: keychain.OS{}, Seal: m.seal})
	if err != nil {
		return nil, nil, err
	}
	if m.seal != memory.SealOff {
		// Intentions are sealed by their package at its open.
		if _, err := prospect.OpenSealed(ctx, st.DB(), clock, st.Sealer()); err != nil {
			st.Close()
			return nil, nil, fmt.Errorf("intentions: %w", err)
		}
		// And the conversations by theirs.
		if _, err := convo.Open(ctx, st.DB(), clock, st.Sealer()); err != nil {
			st.Close()
			return nil, nil, fmt.Errorf("conversations: %w", err)
		}
	}
	return st, clock, nil
}

// encryptCmd seals memory.db at rest (what serve --memory-encryption does at start).
func (m *memoryEnv) encryptCmd() *cobra.Command {
	var with string
	c := &cobra.Command{
		Use:   "encrypt --with keychain|passphrase",
		Short: "Encrypt memory.db at rest: texts and vectors sealed, the full-text index kept in memory",
		Long: `Seals every memory, chat turn, reminder, conversation and vector of memory.db (XChaCha20-Poly1305) under a
key kept in the OS keychain, or derived with Argon2id from the passphrase in $` + PassphraseEnv + `.
Afterwards every command and aria serve need that key; there is no way back but export and import.`,
		Args: maxArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			mode, err := memory.ParseSealMode(with)
			if err != nil || mode == memory.SealOff {
				return usageError{fmt.Errorf("--with %q: want keychain or passphrase", with)}
			}
			if mode == memory.SealPassphrase && os.Getenv(PassphraseEnv) == "" {
				return usageError{fmt.Errorf("--with passphrase: set $%s", PassphraseEnv)}
			}
			m.seal = mode
			st, _, err := m.open(cmd.Context(), true)
			if err != nil {
				return inputError(err)
			}
			defer st.Close()
			fmt.Fprintf(m.stdio.Out, "%s is encrypted (key: %s)\n", st.Path(), with)
			return nil
		},
	}
	c.Flags().StringVar(&with, "with", "", "where the key is: keychain or passphrase ($"+PassphraseEnv+")")
	return c
}

// PassphraseEnv holds the passphrase of a memory.db encrypted with one (serve
// --memory-encryption passphrase), so that it is in no command line.
const PassphraseEnv = "ARIA_MEMORY_PASSPHRASE"

func memoryCmd(stdio IO) *cobra.Command {
	m := &memoryEnv{stdio: stdio}
	root := &cobra.Command{
		Use:   "memory",
		Short: "Add, list, search, forget, export and measure what the assistant remembers (memory.db)",
		Long: `Works on memory.db in the data directory, the file a node's memory chats use; it is safe
to run beside a running node. eval and bench work in a temporary directory and never touch it.`,
	}
	root.PersistentFlags().StringVar(&m.dataDir, "data-dir", "", "data directory (default: the per-user one, or $ARIA_DATA_DIR)")
	root.AddCommand(m.addCmd(), m.listCmd(), m.searchCmd(), m.forgetCmd(), m.remindCmd(), m.consolidateCmd(),
		m.exportCmd(), m.importCmd(), m.encryptCmd(), memoryEvalCmd(stdio), memoryBenchCmd(stdio))
	return root
}

// inputError makes bad input from the command line a usage error (exit 2); other errors stay.
func inputError(err error) error {
	var fe *memory.FieldError
	var pe *prospect.FieldError
	if errors.As(err, &fe) || errors.As(err, &pe) {
		return usageError{err}
	}
	return err
}

// maxArgs is cobra.MaximumNArgs with an exit code of 2, like exactArgs.
func maxArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.MaximumNArgs(n)(cmd, args); err != nil {
			return usageError{fmt.Errorf("%w (usage: %s)", err, cmd.UseLine())}
		}
		return nil
	}
}

func parseKind(s string) (memory.Kind, error) {
	k := memory.Kind(s)
	switch k {
	case "", memory.Episodic, memory.Semantic, memory.Procedural:
		return k, nil
	}
	return "", usageError{fmt.Errorf("--kind %q: want episodic, semantic or procedural", s)}
}

func (m *memoryEnv) addCmd() *cobra.Command {
	var kind string
	var pinned, asJSON bool
	var importance float64
	c := &cobra.Command{
		Use: "add TEXT [--kind semantic|episodic|procedural] [--pinned]", Short: "Remember a text; prints its id",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := parseKind(kind)
			if err != nil {
				return err
			}
			st, _, err := m.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer st.Close()
			// Importance 0.5 like POST /api/memory (backend/api/memory_app.go): the user said it.
			it, err := st.Add(cmd.Context(), memory.Item{Text: args[0], Kind: k, Pinned: pinned, Source: "user", Importance: importance})
			if err != nil {
				return inputError(fmt.Errorf("add memory: %w", err))
			}
			if asJSON {
				return printJSON(m.stdio.Out, it)
			}
			_, err = fmt.Fprintln(m.stdio.Out, it.ID)
			return err
		},
	}
	f := c.Flags()
	f.StringVar(&kind, "kind", "semantic", "episodic, semantic or procedural")
	f.BoolVar(&pinned, "pinned", false, "always put it in the context of memory chats")
	f.Float64Var(&importance, "importance", 0.5, "importance from 0 to 1 (weighs in recall)")
	f.BoolVar(&asJSON, "json", false, "print the stored item as JSON")
	return c
}

// memoryList is the --json output of list, the shape of GET /api/memory.
type memoryList struct {
	Data []memory.Item `json:"data"`
}

func (m *memoryEnv) listCmd() *cobra.Command {
	var kind string
	var f memory.Filter
	var asJSON bool
	c := &cobra.Command{
		Use: "list [--kind K] [--limit N] [--offset N]", Short: "List memories, newest first", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var err error
			if f.Kind, err = parseKind(kind); err != nil {
				return err
			}
			if f.Limit < 0 || f.Offset < 0 {
				return usageError{fmt.Errorf("--limit and --offset must not be negative")}
			}
			st, _, err := m.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			items := []memory.Item{}
			if st != nil {
				defer st.Close()
				got, err := st.List(cmd.Context(), f)
				if err != nil {
					return inputError(err)
				}
				items = append(items, got...)
			}
			if asJSON {
				return printJSON(m.stdio.Out, memoryList{Data: items})
			}
			tw := tabwriter.NewWriter(m.stdio.Out, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tKIND\tCREATED\tFLAGS\tTEXT")
			for _, it := range items {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", it.ID, it.Kind, it.Created.Local().Format(time.DateTime), flags(it), clip(it.Text, 72))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprintf(m.stdio.Out, "%d memories\n", len(items))
			return err
		},
	}
	fl := c.Flags()
	fl.StringVar(&kind, "kind", "", "only this kind: episodic, semantic or procedural")
	fl.IntVar(&f.Limit, "limit", 50, "at most this many (0: all)")
	fl.IntVar(&f.Offset, "offset", 0, "skip this many")
	fl.BoolVar(&f.IncludeClosed, "closed", false, "also list superseded facts")
	fl.BoolVar(&f.Pinned, "pinned", false, "only pinned memories")
	fl.BoolVar(&asJSON, "json", false, `print {"data": [items]} as JSON`)
	return c
}

func flags(it memory.Item) string {
	var f []string
	if it.Pinned {
		f = append(f, "pinned")
	}
	if it.NeverRecall {
		f = append(f, "never-recall")
	}
	if it.Closed() {
		f = append(f, "closed")
	}
	if len(f) == 0 {
		return "-"
	}
	return strings.Join(f, ",")
}

// clip shortens s to n runes on one line for a table.
func clip(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// memorySearch is the --json output of search, the shape of GET /api/memory/search.
type memorySearch struct {
	Data []memory.Hit `json:"data"`
}

func (m *memoryEnv) searchCmd() *cobra.Command {
	var k int
	var kind string
	var why, asJSON bool
	c := &cobra.Command{
		Use: "search QUERY [-k 5] [--why]", Short: "Search memories (BM25, trigrams and vectors, fused), best first",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(args[0]) == "" {
				return usageError{fmt.Errorf("QUERY is empty")}
			}
			if k < 1 || k > 100 {
				return usageError{fmt.Errorf("-k %d: want 1 to 100", k)}
			}
			kd, err := parseKind(kind)
			if err != nil {
				return err
			}
			st, _, err := m.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			hits := []memory.Hit{}
			if st != nil {
				defer st.Close()
				// Like the memory page: the user searching their own memory also finds
				// never-recall items (backend/api/memory_app.go).
				got, err := st.Search(cmd.Context(), args[0], k, memory.Filter{Kind: kd, IncludeNeverRecall: true})
				if err != nil {
					return inputError(fmt.Errorf("search memory: %w", err))
				}
				hits = append(hits, got...)
			}
			if asJSON {
				return printJSON(m.stdio.Out, memorySearch{Data: hits})
			}
			tw := tabwriter.NewWriter(m.stdio.Out, 0, 0, 2, ' ', 0)
			head := "ID\tKIND\tSCORE\t"
			if why {
				head += "BM25\tTRIGRAM\tVECTOR\tFUSED\tRECENCY\tIMPORTANCE\tKIND-W\t"
			}
			fmt.Fprintln(tw, head+"TEXT")
			for _, h := range hits {
				fmt.Fprintf(tw, "%s\t%s\t%.4f\t", h.ID, h.Kind, h.Score)
				if why {
					w := h.Why
					fmt.Fprintf(tw, "%.3f\t%.3f\t%.3f\t%.4f\t%.3f\t%.2f\t%.2f\t", w.BM25, w.Trigram, w.Vector, w.Fused, w.Recency, w.Importance, w.Kind)
				}
				fmt.Fprintf(tw, "%s\n", clip(h.Text, 72))
			}
			return tw.Flush()
		},
	}
	f := c.Flags()
	f.IntVarP(&k, "k", "k", 5, "how many results")
	f.StringVar(&kind, "kind", "", "only this kind: episodic, semantic or procedural")
	f.BoolVar(&why, "why", false, "show why each was recalled: every arm's score and the rescoring factors")
	f.BoolVar(&asJSON, "json", false, `print {"data": [hits]} as JSON (hits carry "why" always)`)
	return c
}

// forgetResult is the --json output of forget.
type forgetResult struct {
	Forgotten []string `json:"forgotten,omitempty"`
	All       bool     `json:"all,omitempty"`
}

func (m *memoryEnv) forgetCmd() *cobra.Command {
	var all, yes, asJSON bool
	c := &cobra.Command{
		Use: "forget ID | --all --yes", Short: "Delete a memory for good (row, index entries, vectors; the WAL is truncated)",
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case all && len(args) > 0:
				return usageError{fmt.Errorf("give an ID or --all, not both")}
			case all && !yes:
				return usageError{fmt.Errorf("--all deletes every memory for good: add --yes")}
			case !all && len(args) == 0:
				return usageError{fmt.Errorf("give the ID of a memory, or --all --yes (usage: %s)", cmd.UseLine())}
			}
			st, _, err := m.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			var res forgetResult
			switch {
			case st == nil && all:
			case st == nil:
				return fmt.Errorf("forget memory %q: %w", args[0], memory.ErrNotFound)
			case all:
				defer st.Close()
				if err := st.ForgetAll(cmd.Context()); err != nil {
					return err
				}
			default:
				defer st.Close()
				if err := st.Forget(cmd.Context(), args[0]); err != nil {
					return err
				}
			}
			if all {
				res.All = true
			} else {
				res.Forgotten = args
			}
			if asJSON {
				return printJSON(m.stdio.Out, res)
			}
			if all {
				_, err = fmt.Fprintln(m.stdio.Out, "forgot every memory (intentions stay: see aria memory remind --list)")
			} else {
				_, err = fmt.Fprintln(m.stdio.Out, "forgot", args[0])
			}
			return err
		},
	}
	c.Flags().BoolVar(&all, "all", false, "forget every memory (needs --yes)")
	c.Flags().BoolVar(&yes, "yes", false, "confirm --all")
	c.Flags().BoolVar(&asJSON, "json", false, "print what was forgotten as JSON")
	return c
}

// flagError names the command-line flag of a prospect field at fault.
type flagError struct {
	flag string
	err  *prospect.FieldError
}

func (e *flagError) Error() string { return "--" + e.flag + ": " + e.err.Msg }
func (e *flagError) Unwrap() error { return e.err }

// intentionFlags maps the JSON fields of an intention to the flags of remind.
var intentionFlags = map[string]string{"cue": "cue", "at": "at", "event": "event", "after_turns": "after-turns"}

func remindError(err error) error {
	var pe *prospect.FieldError
	if errors.As(err, &pe) {
		if f, ok := intentionFlags[pe.Field]; ok {
			return usageError{&flagError{flag: f, err: pe}}
		}
		return usageError{err}
	}
	return err
}

// intentionList is the --json output of remind --list, the shape of GET /api/intentions.
type intentionList struct {
	Data []prospect.Intention `json:"data"`
}

func (m *memoryEnv) remindCmd() *cobra.Command {
	var cue, at, event, done, cancel string
	var afterTurns int
	var list, asJSON bool
	c := &cobra.Command{
		Use:   "remind TEXT (--cue WORDS | --at WHEN | --event app-start|model-loaded|peer-joined | --after-turns N) | --list | --done ID | --cancel ID",
		Short: "Set an intention for the assistant to bring up later, list them, or close one",
		Long: `An intention fires in a memory chat: on a user turn about its cue's topic (--cue), on the first
turn at or after a time (--at: RFC 3339, 2026-12-12, or words such as "tomorrow at 9am" or
"in 2 hours"), when an event happens (--event), or after N user turns (--after-turns).`,
		Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			fl := cmd.Flags()
			var modes []string
			for _, name := range []string{"list", "done", "cancel"} {
				if fl.Changed(name) {
					modes = append(modes, "--"+name)
				}
			}
			if len(args) > 0 {
				modes = append(modes, "TEXT")
			}
			if len(modes) != 1 {
				return usageError{fmt.Errorf("give one of TEXT with a trigger, --list, --done ID or --cancel ID (usage: %s)", cmd.UseLine())}
			}
			var triggers []string
			for _, name := range []string{"cue", "at", "event", "after-turns"} {
				if fl.Changed(name) {
					triggers = append(triggers, "--"+name)
				}
			}
			if modes[0] == "TEXT" && len(triggers) != 1 {
				return usageError{fmt.Errorf("TEXT needs exactly one trigger of --cue, --at, --event and --after-turns (got %d)", len(triggers))}
			}
			if modes[0] != "TEXT" && len(triggers) > 0 {
				return usageError{fmt.Errorf("%s is only used with TEXT", triggers[0])}
			}
			st, clock, err := m.open(ctx, modes[0] == "TEXT")
			if err != nil {
				return err
			}
			if st == nil { // nothing was ever stored here
				if modes[0] != "--list" {
					id := done + cancel
					return fmt.Errorf("intention %q: %w", id, prospect.ErrNotFound)
				}
				return m.printIntentions(nil, asJSON)
			}
			defer st.Close()
			book, err := prospect.OpenSealed(ctx, st.DB(), clock, st.Sealer())
			if err != nil {
				return fmt.Errorf("intentions: %w", err)
			}
			var it prospect.Intention
			switch modes[0] {
			case "--list":
				its, err := book.List(ctx, prospect.Filter{})
				if err != nil {
					return err
				}
				return m.printIntentions(its, asJSON)
			case "--done", "--cancel":
				id, to := done, prospect.Done
				if modes[0] == "--cancel" {
					id, to = cancel, prospect.Cancelled
				}
				if it, err = book.Update(ctx, id, prospect.Patch{State: &to}); err != nil {
					return remindError(err)
				}
			default:
				it = prospect.Intention{Text: args[0], Cue: cue, Event: event, AfterTurns: afterTurns}
				switch {
				case fl.Changed("at"):
					if it.At, err = prospect.ParseWhen(at, clock()); err != nil {
						return remindError(err)
					}
				case fl.Changed("after-turns") && afterTurns <= 0:
					return usageError{fmt.Errorf("--after-turns %d: want a positive number of turns", afterTurns)}
				case fl.Changed("cue") && strings.TrimSpace(cue) == "":
					return usageError{fmt.Errorf("--cue: has no words")}
				case fl.Changed("event") && event == "":
					return usageError{fmt.Errorf("--event: want app-start, model-loaded or peer-joined")}
				}
				if it, err = book.Add(ctx, it); err != nil {
					return remindError(err)
				}
			}
			if asJSON {
				return printJSON(m.stdio.Out, it)
			}
			if modes[0] == "TEXT" {
				_, err = fmt.Fprintln(m.stdio.Out, it.ID)
				return err
			}
			_, err = fmt.Fprintf(m.stdio.Out, "%s %s\n", it.ID, it.State)
			return err
		},
	}
	f := c.Flags()
	f.StringVar(&cue, "cue", "", "topic words: fires on a user turn about them")
	f.StringVar(&at, "at", "", `a time: RFC 3339, a date, or words ("tomorrow at 9am", "in 2 hours")`)
	f.StringVar(&event, "event", "", "app-start, model-loaded or peer-joined")
	f.IntVar(&afterTurns, "after-turns", 0, "fires after this many user turns")
	f.BoolVar(&list, "list", false, "list the intentions, newest first, with their state")
	f.StringVar(&done, "done", "", "mark the intention ID done")
	f.StringVar(&cancel, "cancel", "", "cancel the intention ID")
	f.BoolVar(&asJSON, "json", false, "print the intention (or the list) as JSON")
	return c
}

func (m *memoryEnv) printIntentions(its []prospect.Intention, asJSON bool) error {
	if its == nil {
		its = []prospect.Intention{}
	}
	if asJSON {
		return printJSON(m.stdio.Out, intentionList{Data: its})
	}
	tw := tabwriter.NewWriter(m.stdio.Out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tTRIGGER\tFIRED\tTEXT")
	for _, it := range its {
		var trig string
		switch {
		case it.Cue != "":
			trig = "cue: " + clip(it.Cue, 30)
		case !it.At.IsZero():
			trig = "at: " + it.At.Local().Format(time.DateTime)
		case it.Event != "":
			trig = "event: " + it.Event
		default:
			trig = fmt.Sprintf("after %d turns (%d seen)", it.AfterTurns, it.Turns)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", it.ID, it.State, trig, it.Count, clip(it.Text, 60))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(m.stdio.Out, "%d intentions\n", len(its))
	return err
}

func (m *memoryEnv) consolidateCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use: "consolidate", Short: "Turn the episodes not consolidated yet into facts (rules for explicit statements)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, _, err := m.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			var rep consolidate.Report
			if st != nil {
				defer st.Close()
				// No model here: the CLI loads none, so only the rules run.
				if rep, err = chatmem.Consolidate(cmd.Context(), st, nil); err != nil {
					return err
				}
			}
			if asJSON {
				return printJSON(m.stdio.Out, rep)
			}
			_, err = fmt.Fprintf(m.stdio.Out, "%d episodes consolidated (%d done before), %d facts added, %d superseded\n",
				rep.Episodes, rep.Skipped, rep.Added, rep.Superseded)
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the report as JSON")
	return c
}

func (m *memoryEnv) exportCmd() *cobra.Command {
	c := &cobra.Command{
		Use: "export [FILE]", Short: "Write every memory as JSON lines (standard output without FILE)", Args: maxArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, _, err := m.open(cmd.Context(), false)
			if err != nil {
				return err
			}
			write := func(w io.Writer) error { return nil }
			if st != nil {
				defer st.Close()
				write = func(w io.Writer) error { return st.Export(cmd.Context(), w) }
			}
			if len(args) == 0 || args[0] == "-" {
				return write(m.stdio.Out)
			}
			return writeFileAtomic(args[0], write)
		},
	}
	c.Flags().Bool("json", true, "the output is JSON lines already (accepted for symmetry)")
	return c
}

// importResult is the --json output of import, the shape of POST /api/memory/import's answer.
type importResult struct {
	Imported int `json:"imported"`
}

func (m *memoryEnv) importCmd() *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use: "import FILE", Short: "Add the memories of a JSON-lines file (as export writes); a bad line stores nothing",
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var r io.Reader = m.stdio.In
			if args[0] != "-" {
				f, err := os.Open(args[0])
				if err != nil {
					return fmt.Errorf("import: %w", err)
				}
				defer f.Close()
				r = f
			}
			st, _, err := m.open(cmd.Context(), true)
			if err != nil {
				return err
			}
			defer st.Close()
			n, err := st.Import(cmd.Context(), r)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			if asJSON {
				return printJSON(m.stdio.Out, importResult{Imported: n})
			}
			_, err = fmt.Fprintf(m.stdio.Out, "imported %d memories\n", n)
			return err
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, `print {"imported": N}`)
	return c
}
