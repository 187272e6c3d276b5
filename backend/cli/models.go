package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/backend/library"
	"github.com/aria-node/aria/backend/settings"
)

func modelsCmd(stdio IO) *cobra.Command {
	var dataDir, hub string
	manager := func() (*library.Manager, error) {
		dir := dataDir
		if dir == "" {
			d, err := DataDir()
			if err != nil {
				return nil, fmt.Errorf("data directory: %w", err)
			}
			dir = d
		}
		models, err := settings.ModelsFolder(dir)
		if err != nil {
			return nil, err
		}
		m, err := library.New(models)
		if err == nil && hub != "" {
			m.BaseURL = hub
		}
		return m, err
	}
	root := &cobra.Command{Use: "models", Short: "List, download, import and remove models"}
	root.PersistentFlags().StringVar(&dataDir, "data-dir", "", "data directory (default: the per-user one, or $ARIA_DATA_DIR)")
	root.PersistentFlags().StringVar(&hub, "hub", "", "Hugging Face base URL (default https://huggingface.co)")
	root.AddCommand(&cobra.Command{
		Use: "list", Short: "Models on this computer", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			m, err := manager()
			if err != nil {
				return err
			}
			for _, l := range m.List() {
				fmt.Fprintf(stdio.Out, "%-40s %8.1f MB  %s\n", l.Name, float64(l.Size)/1e6, l.Path)
			}
			return nil
		},
	}, &cobra.Command{
		Use: "catalogue", Short: "Known models that can be downloaded", Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			m, err := manager()
			if err != nil {
				return err
			}
			for _, e := range m.Catalogue() {
				src := e.Repo + "/" + e.File
				if e.Synthetic {
					src = "generated locally (random weights)"
				}
				fmt.Fprintf(stdio.Out, "%-20s %s — %s\n", e.ID, e.Name, src)
			}
			return nil
		},
	}, &cobra.Command{
		Use: "pull ID", Short: "Download a catalogue model (resumes an interrupted download)", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := manager()
			if err != nil {
				return err
			}
			var last time.Time
			l, err := m.Download(cmd.Context(), args[0], func(p library.Progress) {
				if time.Since(last) < time.Second && p.State == library.Downloading {
					return
				}
				last = time.Now()
				fmt.Fprintf(stdio.Err, "%s %s: %.1f / %.1f MB, %.1f MB/s\n", p.File, p.State, float64(p.Done)/1e6, float64(p.Total)/1e6, p.BytesPerS/1e6)
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(stdio.Out, "%s (sha256 %s)\n", l.Path, l.SHA256)
			return nil
		},
	}, &cobra.Command{
		Use: "import FILE", Short: "Copy a GGUF file into the models directory", Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := manager()
			if err != nil {
				return err
			}
			l, err := m.Import(cmd.Context(), args[0], nil)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdio.Out, "%s (sha256 %s)\n", l.Path, l.SHA256)
			return nil
		},
	}, &cobra.Command{
		Use: "rm NAME", Short: "Remove a local model", Args: exactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			m, err := manager()
			if err != nil {
				return err
			}
			return m.Remove(args[0])
		},
	})
	return root
}
