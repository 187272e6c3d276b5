package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/sample"
)

// runFlags are the flags shared by the commands that run a model.
type runFlags struct {
	threads int
	ctx     int
	cache   string
	smp     sample.Params
	stops   []string
}

func (r *runFlags) register(fs *pflag.FlagSet) {
	d := sample.DefaultParams()
	r.smp = d
	fs.IntVarP(&r.threads, "threads", "t", 0, "worker threads (default: physical cores)")
	fs.IntVarP(&r.ctx, "ctx", "c", 0, "context length in tokens (default: the model's, at most 4096)")
	fs.StringVar(&r.cache, "cache-type", "f16", "KV cache type: f16 or f32")
	fs.Float32Var(&r.smp.Temperature, "temperature", d.Temperature, "sampling temperature; 0 is greedy")
	fs.IntVar(&r.smp.TopK, "top-k", d.TopK, "keep the k most likely tokens (0: all)")
	fs.Float32Var(&r.smp.TopP, "top-p", d.TopP, "nucleus sampling threshold (1: off)")
	fs.Float32Var(&r.smp.MinP, "min-p", d.MinP, "drop tokens below min-p × the top probability (0: off)")
	fs.Float32Var(&r.smp.RepeatPenalty, "repeat-penalty", d.RepeatPenalty, "penalty for recently seen tokens (1: off)")
	fs.IntVar(&r.smp.RepeatLastN, "repeat-last-n", d.RepeatLastN, "how many recent tokens the repeat penalty looks at")
	fs.Uint64Var(&r.smp.Seed, "seed", d.Seed, "random seed; the same seed repeats a run (0: random)")
	fs.StringArrayVar(&r.stops, "stop", nil, "stop when this text is generated (repeatable)")
}

func (r *runFlags) open(path string) (*inference.Engine, *inference.Session, error) {
	cache, err := model.ParseCacheType(r.cache)
	if err != nil {
		return nil, nil, usageError{err}
	}
	if err := r.smp.Validate(); err != nil {
		return nil, nil, usageError{err}
	}
	e, err := inference.Load(path, inference.Options{Threads: r.threads})
	if err != nil {
		return nil, nil, err
	}
	s, err := e.NewSession(r.ctx, cache)
	if err != nil {
		e.Close()
		return nil, nil, err
	}
	return e, s, nil
}

func generateCmd(stdio IO) *cobra.Command {
	var rf runFlags
	var prompt, system string
	var n int
	var asChat, ignoreEOS bool
	c := &cobra.Command{
		Use:   "generate MODEL.gguf -p TEXT",
		Short: "Generate text from a prompt, streamed to stdout; speed on stderr",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if prompt == "" {
				return usageError{errors.New("a prompt is required (-p TEXT)")}
			}
			e, s, err := rf.open(args[0])
			if err != nil {
				return err
			}
			defer e.Close()
			req := inference.Request{Prompt: prompt, MaxTokens: n, Sampling: rf.smp, Stop: rf.stops, IgnoreEOS: ignoreEOS}
			if asChat {
				if system != "" {
					req.Messages = append(req.Messages, chat.Message{Role: "system", Content: system})
				}
				req.Messages = append(req.Messages, chat.Message{Role: "user", Content: prompt})
			}
			out := bufio.NewWriter(stdio.Out)
			res, err := s.Generate(cmd.Context(), req, func(t inference.Token) error {
				if _, err := io.WriteString(out, t.Text); err != nil {
					return err
				}
				return out.Flush() // stream token by token
			})
			out.Flush()
			fmt.Fprintln(stdio.Out)
			printStats(stdio.Err, res, e.Pool.Threads())
			return err
		},
	}
	c.Flags().StringVarP(&prompt, "prompt", "p", "", "prompt text")
	c.Flags().IntVarP(&n, "n-predict", "n", 128, "tokens to generate at most (0: until the end of text or a full context)")
	c.Flags().BoolVar(&asChat, "chat", false, "wrap the prompt as a user message in the model's chat template")
	c.Flags().StringVar(&system, "system", "", "system prompt (with --chat)")
	c.Flags().BoolVar(&ignoreEOS, "ignore-eos", false, "keep generating past end-of-text tokens")
	rf.register(c.Flags())
	return c
}

func printStats(w io.Writer, r inference.Result, threads int) {
	fmt.Fprintf(w, "prompt:     %4d tokens (%d from cache) in %7.3f s = %8.2f tokens/s\n",
		r.PromptTokens, r.CachedTokens, r.PromptTime.Seconds(), r.PromptPerSec)
	fmt.Fprintf(w, "generation: %4d tokens in %7.3f s = %8.2f tokens/s (finish: %s, %d threads)\n",
		len(r.Tokens), r.GenerateTime.Seconds(), r.GeneratePerSec, r.FinishReason, threads)
}

func chatCmd(stdio IO) *cobra.Command {
	var rf runFlags
	var system string
	var n int
	c := &cobra.Command{
		Use:   "chat MODEL.gguf",
		Short: "Chat with a model in the terminal (one message per line; /reset starts over, /quit leaves)",
		Args:  exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			e, s, err := rf.open(args[0])
			if err != nil {
				return err
			}
			defer e.Close()
			return chatLoop(cmd.Context(), stdio, e, s, rf, system, n)
		},
	}
	c.Flags().StringVar(&system, "system", "You are a helpful assistant.", "system prompt")
	c.Flags().IntVarP(&n, "n-predict", "n", 512, "tokens per answer at most")
	rf.register(c.Flags())
	return c
}

func chatLoop(ctx context.Context, stdio IO, e *inference.Engine, s *inference.Session, rf runFlags, system string, n int) error {
	if e.Template == nil {
		return fmt.Errorf("%s: %w", e.Name, e.TemplateErr)
	}
	var history []chat.Message
	if system != "" {
		history = append(history, chat.Message{Role: "system", Content: system})
	}
	fmt.Fprintf(stdio.Err, "Chatting with %s (%s). Type a message; /reset starts over, /quit or Ctrl-D leaves.\n", e.Name, e.Template.Name())
	in := bufio.NewScanner(stdio.In)
	in.Buffer(make([]byte, 1<<16), 1<<20)
	for {
		fmt.Fprint(stdio.Out, "> ")
		if !in.Scan() {
			fmt.Fprintln(stdio.Out)
			return in.Err()
		}
		line := strings.TrimSpace(in.Text())
		switch line {
		case "":
			continue
		case "/quit", "/exit":
			return nil
		case "/reset":
			history = history[:min(len(history), btoi(system != ""))]
			s.Reset()
			continue
		}
		history = append(history, chat.Message{Role: "user", Content: line})
		res, err := s.Generate(ctx, inference.Request{Messages: history, MaxTokens: n, Sampling: rf.smp, Stop: rf.stops},
			func(t inference.Token) error { _, err := io.WriteString(stdio.Out, t.Text); return err })
		fmt.Fprintln(stdio.Out)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if errors.Is(err, inference.ErrPromptTooLong) {
				fmt.Fprintln(stdio.Err, "(the conversation no longer fits the context; starting over)")
				history = history[:min(len(history), btoi(system != ""))]
				s.Reset()
				continue
			}
			return err
		}
		history = append(history, chat.Message{Role: "assistant", Content: res.Text})
		fmt.Fprintf(stdio.Err, "[%d tokens, %.1f tokens/s]\n", len(res.Tokens), res.GeneratePerSec)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
