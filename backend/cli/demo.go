package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/settings"
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

// DemoModel returns the path of the offline demo model, written on first use by the model
// manager (the same file the app's "try offline" button uses).
func DemoModel() (string, error) {
	dir, err := DataDir()
	if err != nil {
		return "", fmt.Errorf("data directory: %w", err)
	}
	models, err := settings.ModelsFolder(dir)
	if err != nil {
		return "", err
	}
	m, err := library.New(models)
	if err != nil {
		return "", err
	}
	l, err := m.Demo()
	if err != nil {
		return "", err
	}
	return l.Path, nil
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
