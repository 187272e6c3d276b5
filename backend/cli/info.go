package cli

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/tokenizer"
)

// ModelInfo is what `aria info` reports.
type ModelInfo struct {
	File         string         `json:"file"`
	Bytes        int64          `json:"bytes"`
	GGUFVersion  uint32         `json:"gguf_version"`
	Name         string         `json:"name,omitempty"`
	Arch         string         `json:"architecture"`
	HParams      *model.HParams `json:"hparams,omitempty"`
	HParamsError string         `json:"hparams_error,omitempty"`
	Tensors      int            `json:"tensors"`
	Params       uint64         `json:"parameters"`
	Types        map[string]int `json:"tensor_types"`
	WeightBytes  map[string]int `json:"bytes_by_type"`
	Tokenizer    *TokInfo       `json:"tokenizer,omitempty"`
	TokError     string         `json:"tokenizer_error,omitempty"`
	Template     string         `json:"chat_template,omitempty"`
	TemplateErr  string         `json:"chat_template_error,omitempty"`
	Runnable     bool           `json:"runnable"`
	LoadError    string         `json:"load_error,omitempty"`
}

// TokInfo describes the tokenizer.
type TokInfo struct {
	Model  string `json:"model"`
	Pre    string `json:"pre,omitempty"`
	Tokens int    `json:"tokens"`
	BOS    string `json:"bos"`
	EOS    string `json:"eos"`
	EOT    string `json:"eot,omitempty"`
	AddBOS bool   `json:"add_bos"`
}

func describe(path string) (*ModelInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	f, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	info := &ModelInfo{File: path, Bytes: st.Size(), GGUFVersion: f.Version, Tensors: len(f.Tensors),
		Types: map[string]int{}, WeightBytes: map[string]int{}}
	info.Name, _ = f.String("general.name")
	info.Arch, _ = f.String("general.architecture")
	for i := range f.Tensors {
		t := &f.Tensors[i]
		info.Types[t.Type.String()]++
		info.WeightBytes[t.Type.String()] += int(t.Size)
		info.Params += t.Elements()
	}
	if hp, err := model.ReadHParams(f); err != nil {
		info.HParamsError = err.Error()
	} else {
		info.HParams = &hp
	}
	if _, err := model.Load(f); err != nil {
		info.LoadError = err.Error()
	}
	tok, err := tokenizer.FromGGUF(f)
	if err != nil {
		info.TokError = err.Error()
	} else {
		ti := &TokInfo{Tokens: tok.VocabSize(), BOS: tok.Piece(tok.BOS()), EOS: tok.Piece(tok.EOS()), AddBOS: tok.AddBOS()}
		ti.Model, _ = f.String("tokenizer.ggml.model")
		ti.Pre, _ = f.String("tokenizer.ggml.pre")
		if tok.EOT() >= 0 {
			ti.EOT = tok.Piece(tok.EOT())
		}
		info.Tokenizer = ti
		src, _ := f.String("tokenizer.chat_template")
		if tmpl, err := chat.New(src, ti.BOS, ti.EOS); err != nil {
			info.TemplateErr = err.Error()
		} else {
			info.Template = tmpl.Name()
		}
	}
	info.Runnable = info.LoadError == "" && info.TokError == ""
	return info, nil
}

func infoCmd(stdio IO) *cobra.Command {
	var asJSON, cpu bool
	c := &cobra.Command{
		Use:   "info MODEL.gguf | info --cpu",
		Short: "Describe a GGUF model (architecture, shapes, types, tokenizer, chat template) or, with --cpu, the kernels picked for this CPU",
		Args: func(cmd *cobra.Command, args []string) error {
			if cpu {
				return cobra.MaximumNArgs(1)(cmd, args)
			}
			return exactArgs(1)(cmd, args)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if cpu {
				ci := describeCPU()
				if asJSON {
					if err := printJSON(stdio.Out, ci); err != nil {
						return err
					}
				} else {
					printCPU(stdio.Out, ci)
				}
				if len(args) == 0 {
					return nil
				}
			}
			info, err := describe(args[0])
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(stdio.Out, info)
			}
			printInfo(stdio.Out, info)
			return nil
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	c.Flags().BoolVar(&cpu, "cpu", false, "show the CPU, its features and the kernel tier picked (and why)")
	return c
}

func printInfo(w io.Writer, in *ModelInfo) {
	fmt.Fprintf(w, "file:          %s (%s, GGUF v%d)\n", in.File, humanBytes(in.Bytes), in.GGUFVersion)
	if in.Name != "" {
		fmt.Fprintf(w, "name:          %s\n", in.Name)
	}
	fmt.Fprintf(w, "architecture:  %s\n", in.Arch)
	if hp := in.HParams; hp != nil {
		fmt.Fprintf(w, "shape:         %d layers, embedding %d, feed-forward %d (%s), %d heads / %d kv heads of %d, vocab %d\n",
			hp.NLayer, hp.NEmbd, hp.NFF, hp.FFN, hp.NHead, hp.NHeadKV, hp.HeadDim, hp.NVocab)
		fmt.Fprintf(w, "context:       %d (trained), rope θ %g, rms ε %g\n", hp.NCtxTrain, hp.RopeTheta, hp.Eps)
	} else {
		fmt.Fprintf(w, "shape:         unknown (%s)\n", in.HParamsError)
	}
	var types []string
	for t := range in.Types {
		types = append(types, t)
	}
	sort.Strings(types)
	var parts []string
	for _, t := range types {
		parts = append(parts, fmt.Sprintf("%s ×%d (%s)", t, in.Types[t], humanBytes(int64(in.WeightBytes[t]))))
	}
	fmt.Fprintf(w, "tensors:       %d, %.3g B parameters: %s\n", in.Tensors, float64(in.Params)/1e9, strings.Join(parts, ", "))
	if t := in.Tokenizer; t != nil {
		fmt.Fprintf(w, "tokenizer:     %s/%s, %d tokens, BOS %s, EOS %s, EOT %s, add BOS %v\n", t.Model, t.Pre, t.Tokens, t.BOS, t.EOS, t.EOT, t.AddBOS)
	} else {
		fmt.Fprintf(w, "tokenizer:     unusable: %s\n", in.TokError)
	}
	if in.Template != "" {
		fmt.Fprintf(w, "chat template: %s\n", in.Template)
	} else if in.TemplateErr != "" {
		fmt.Fprintf(w, "chat template: unusable: %s\n", in.TemplateErr)
	}
	if in.Runnable {
		fmt.Fprintf(w, "runnable:      yes\n")
	} else {
		fmt.Fprintf(w, "runnable:      no: %s%s\n", in.LoadError, in.TokError)
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
