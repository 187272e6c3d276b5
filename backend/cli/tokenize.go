package cli

import (
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/tokenizer"
)

func tokenizeCmd(stdio IO) *cobra.Command {
	var asJSON, noBOS, noSpecial bool
	c := &cobra.Command{
		Use:   "tokenize MODEL.gguf TEXT",
		Short: "Print the token ids and pieces of TEXT",
		Args:  exactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := gguf.Open(args[0])
			if err != nil {
				return err
			}
			defer f.Close()
			tok, err := tokenizer.FromGGUF(f)
			if err != nil {
				return fmt.Errorf("tokenizer of %s: %w", args[0], err)
			}
			ids := tok.Encode(args[1], tok.AddBOS() && !noBOS, !noSpecial)
			if asJSON {
				if ids == nil {
					ids = []int32{}
				}
				return json.NewEncoder(stdio.Out).Encode(ids)
			}
			for _, id := range ids {
				fmt.Fprintf(stdio.Out, "%6d  %q\n", id, tok.Piece(id))
			}
			fmt.Fprintf(stdio.Err, "%d tokens\n", len(ids))
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print the ids as a JSON array (BOS included when the model adds it)")
	c.Flags().BoolVar(&noBOS, "no-bos", false, "do not prepend BOS")
	c.Flags().BoolVar(&noSpecial, "no-parse-special", false, "treat special-token text as plain text")
	return c
}
