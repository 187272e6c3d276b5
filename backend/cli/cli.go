// Package cli is the headless command line of the `aria` binary: every subcommand that runs
// without a display (info, tokenize, generate, chat, conform, synth, …).
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"

	"github.com/spf13/cobra"
)

// IO holds the streams of one invocation, so tests can run commands in-process.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// Frontend is the built web interface (frontend/dist) that `serve` offers in browser mode;
	// nil serves none.
	Frontend fs.FS
}

// Main runs the command line with args (without the program name) and returns the exit code.
func Main(ctx context.Context, args []string, stdio IO) int {
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt)
	defer stop()
	root := NewRoot(stdio)
	root.SetArgs(args)
	if err := root.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(stdio.Err, "aria:", err)
		var ue usageError
		if errors.As(err, &ue) {
			return 2
		}
		return 1
	}
	return 0
}

type usageError struct{ error }

func (u usageError) Unwrap() error { return u.error }

// NewRoot builds the command tree.
func NewRoot(stdio IO) *cobra.Command {
	root := &cobra.Command{
		Use:   "aria",
		Short: "ARIA: ternary (BitNet b1.58) language models on any CPU, shared peer to peer",
		Long: `ARIA runs BitNet b1.58 language models (1.58-bit ternary weights) on ordinary CPUs.
Without a subcommand it opens the desktop app; every subcommand runs headless.`,
		Version:       currentBuild().line(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdio.In)
	root.SetOut(stdio.Out)
	root.SetErr(stdio.Err)
	root.SetVersionTemplate("aria version {{.Version}}\n")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%w (see 'aria %s --help')", err, c.Name())}
	})
	root.AddCommand(infoCmd(stdio), tokenizeCmd(stdio), generateCmd(stdio), chatCmd(stdio),
		conformCmd(stdio), synthCmd(stdio), demoCmd(stdio), benchCmd(stdio), serveCmd(stdio), modelsCmd(stdio),
		ledgerCmd(stdio), memoryCmd(stdio), versionCmd(stdio))
	return root
}

// exactArgs is cobra.ExactArgs with an exit code of 2.
func exactArgs(n int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := cobra.ExactArgs(n)(cmd, args); err != nil {
			return usageError{fmt.Errorf("%w (usage: %s)", err, cmd.UseLine())}
		}
		return nil
	}
}

// printJSON writes v as indented JSON: the --json output of every command.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
