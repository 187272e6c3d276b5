package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/conform"
)

func conformCmd(stdio IO) *cobra.Command {
	var modelPath, prompts, out string
	var threads int
	var check bool
	c := &cobra.Command{
		Use:   "conform --model MODEL.gguf --prompts REF.json",
		Short: "Run the prompts of an aria-ref-v1 file and print this engine's results in the same format",
		Long: `Reads an aria-ref-v1 reference file, uses only its inputs (each case's name and prompt_text, and
its options), and prints an aria-ref-v1 file with this engine's prompt ids, greedy continuation and
top logits at every position. With --check it also compares them with the reference's own results
under the published tolerances and fails when they disagree.`,
		Args: exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			if modelPath == "" || prompts == "" {
				return usageError{errors.New("--model and --prompts are required")}
			}
			in, err := conform.Read(prompts)
			if err != nil {
				return err
			}
			if threads == 0 && in.Options.Threads > 0 {
				threads = in.Options.Threads
			}
			e, err := inference.Load(modelPath, inference.Options{Threads: threads})
			if err != nil {
				return err
			}
			defer e.Close()
			got, err := conform.Run(cmd.Context(), e, in)
			if err != nil {
				return err
			}
			w := stdio.Out
			if out != "" {
				f, err := os.Create(out)
				if err != nil {
					return err
				}
				defer f.Close()
				w = f
			}
			if err := conform.Write(w, got); err != nil {
				return err
			}
			if check {
				rep := conform.Check(in, got)
				fmt.Fprintln(stdio.Err, rep)
				if !rep.OK() {
					return fmt.Errorf("results disagree with the reference in %s", prompts)
				}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&modelPath, "model", "m", "", "model file")
	c.Flags().StringVar(&prompts, "prompts", "", "aria-ref-v1 file with the cases to run")
	c.Flags().StringVarP(&out, "out", "o", "", "write the results here instead of stdout")
	c.Flags().IntVarP(&threads, "threads", "t", 0, "worker threads (default: the reference's, else physical cores)")
	c.Flags().BoolVar(&check, "check", false, "compare with the reference results in the prompts file")
	return c
}
