package cli

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

func synthCmd(stdio IO) *cobra.Command {
	var shape, typ, embdType, out, arch string
	var seed uint64
	var dims struct{ embd, ff, layer, head, headKV, vocab, ctx int }
	c := &cobra.Command{
		Use:   "synth --shape tiny|0.7b|2b4t --type f32|f16|tq1_0|tq2_0|i2_s --out FILE",
		Short: "Write a synthetic BitNet b1.58 model (random weights, working tokenizer) for tests and benchmarks",
		Args:  exactArgs(0),
		RunE: func(cmd *cobra.Command, args []string) error {
			s, ok := synth.Shapes[shape]
			if !ok {
				return usageError{fmt.Errorf("unknown shape %q (known: %s)", shape, strings.Join(synth.ShapeNames(), ", "))}
			}
			t, ok := synth.WeightTypes[strings.ToLower(typ)]
			if !ok {
				return usageError{fmt.Errorf("unknown type %q (known: %s)", typ, typeNames())}
			}
			o := synth.Options{Shape: s, Type: t, Seed: seed}
			if embdType != "" {
				et, ok := map[string]gguf.Type{"f32": gguf.TypeF32, "f16": gguf.TypeF16, "bf16": gguf.TypeBF16, "q8_0": gguf.TypeQ8_0, "q6_k": gguf.TypeQ6_K}[strings.ToLower(embdType)]
				if !ok {
					return usageError{fmt.Errorf("unknown embedding type %q (f32, f16, bf16, q8_0, q6_k)", embdType)}
				}
				o.EmbdType = et
			}
			for _, d := range []struct {
				v   int
				dst *int
			}{{dims.embd, &o.Shape.NEmbd}, {dims.ff, &o.Shape.NFF}, {dims.layer, &o.Shape.NLayer}, {dims.head, &o.Shape.NHead},
				{dims.headKV, &o.Shape.NHeadKV}, {dims.vocab, &o.Shape.NVocab}, {dims.ctx, &o.Shape.NCtx}} {
				if d.v != 0 {
					*d.dst = d.v
					o.Shape.Name = "custom"
				}
			}
			if arch != "" {
				o.Shape.Arch = arch
			}
			if out == "" {
				return usageError{fmt.Errorf("--out FILE is required")}
			}
			if err := o.Validate(); err != nil {
				return usageError{err}
			}
			start := time.Now()
			if err := synth.Write(out, o); err != nil {
				return err
			}
			st, err := os.Stat(out)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdio.Err, "wrote %s: %s shape, %s weights, %s in %.1f s\n", out, o.Shape.Name, t, humanBytes(st.Size()), time.Since(start).Seconds())
			return nil
		},
	}
	f := c.Flags()
	f.StringVar(&shape, "shape", "tiny", "named shape: "+strings.Join(synth.ShapeNames(), ", "))
	f.StringVar(&typ, "type", "tq2_0", "weight type: "+typeNames())
	f.StringVar(&embdType, "embd-type", "", "type of the embedding / tied head (default f16; f32 for f32 models)")
	f.StringVarP(&out, "out", "o", "", "output file")
	f.Uint64Var(&seed, "seed", 1, "random seed")
	f.StringVar(&arch, "arch", "", "architecture: bitnet (silu) or bitnet-b1.58 (relu², 2B4T)")
	f.IntVar(&dims.embd, "n-embd", 0, "override the embedding length")
	f.IntVar(&dims.ff, "n-ff", 0, "override the feed-forward length")
	f.IntVar(&dims.layer, "n-layer", 0, "override the number of layers")
	f.IntVar(&dims.head, "n-head", 0, "override the number of attention heads")
	f.IntVar(&dims.headKV, "n-head-kv", 0, "override the number of KV heads")
	f.IntVar(&dims.vocab, "n-vocab", 0, "override the vocabulary size")
	f.IntVar(&dims.ctx, "n-ctx", 0, "override the trained context length")
	return c
}

func typeNames() string {
	var n []string
	for k := range synth.WeightTypes {
		n = append(n, k)
	}
	sort.Strings(n)
	return strings.Join(n, ", ")
}
