package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// DataDir is the per-user directory for models and node state: $ARIA_DATA_DIR, else
// $XDG_DATA_HOME/aria (~/.local/share/aria) on Linux, ~/Library/Application Support/ARIA on
// macOS, %AppData%\ARIA on Windows.
func DataDir() (string, error) {
	if d := os.Getenv("ARIA_DATA_DIR"); d != "" {
		return d, nil
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		d, err := os.UserConfigDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(d, "ARIA"), nil
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "aria"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share", "aria"), nil
}

// DemoModel returns the path of the offline demo model, writing it on first use.
func DemoModel() (string, error) {
	dir, err := DataDir()
	if err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	p := filepath.Join(dir, "models", "aria-demo-random-tq2_0.gguf")
	if _, err := os.Stat(p); err == nil {
		return p, nil
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return "", err
	}
	o := synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1,
		Name: "ARIA demo (random weights: it babbles, for trying the app offline)"}
	if err := synth.Write(p, o); err != nil {
		return "", fmt.Errorf("write demo model: %w", err)
	}
	return p, nil
}

func demoCmd(stdio IO) *cobra.Command {
	var rf runFlags
	c := &cobra.Command{
		Use:   "demo",
		Short: "Chat in the terminal with the offline demo model (random weights: it babbles)",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := DemoModel()
			if err != nil {
				return err
			}
			fmt.Fprintf(stdio.Err, "Demo model: %s — a synthetic model with RANDOM weights; its answers are gibberish.\n", p)
			e, s, err := rf.open(p)
			if err != nil {
				return err
			}
			defer e.Close()
			return chatLoop(cmd.Context(), stdio, e, s, rf, "You are a helpful assistant.", 64)
		},
	}
	rf.register(c.Flags())
	return c
}
