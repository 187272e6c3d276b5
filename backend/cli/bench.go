package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"

	"github.com/spf13/cobra"

	"github.com/aria-node/aria/backend/pipeline"
	"github.com/aria-node/aria/backend/route"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/bench"
	"github.com/aria-node/aria/inference/model"
)

func benchCmd(stdio IO) *cobra.Command {
	var o bench.Options
	var threads int
	var asJSON, quiet bool
	var cache, cpuProfile string
	var pipeNodes, streams, trials, honest, maxRequests int
	var verify bool
	var liar string
	var share float64
	c := &cobra.Command{
		Use:   "bench MODEL.gguf [-p 512] [-n 128] [--threads N] [--pipeline N] [--json]",
		Short: "Measure prompt processing and generation speed against this machine's memory bandwidth",
		Long: `Measures prompt processing (-p tokens in batches) and generation (-n tokens one at a time from an
empty cache) like llama-bench, reports the median of -r runs, and measures in the same run how fast
the threads can read memory: a generated token must read every weight once, so
read bandwidth / bytes per token is the speed limit, and bandwidth_fraction how close ARIA comes.

With --pipeline N it starts N real nodes on loopback (libp2p, each with its own copy of the model),
splits the layers over them, and measures generation through the pipeline against one node, for one
stream and for --streams concurrent streams, checking that the tokens are identical.`,
		Args: exactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if verify {
				if pipeNodes < 3 {
					return usageError{fmt.Errorf("--verify needs --pipeline 3 or more (a coordinator, an honest peer and a liar)")}
				}
				rate, err := parseLiar(liar)
				if err != nil {
					return usageError{err}
				}
				return benchVerify(cmd, stdio, args[0], route.VerifyBenchOptions{Nodes: pipeNodes, Threads: threads, Prompt: o.Prompt,
					Gen: o.Gen, Trials: trials, Liar: rate, Honest: honest, Share: share, MaxRequests: maxRequests}, asJSON, quiet)
			}
			if pipeNodes > 0 {
				return benchPipeline(cmd, stdio, args[0], pipeline.BenchOptions{Nodes: pipeNodes, Threads: threads,
					Prompt: o.Prompt, Gen: o.Gen, Streams: streams}, asJSON, quiet)
			}
			ct, err := model.ParseCacheType(cache)
			if err != nil {
				return usageError{err}
			}
			o.Cache = ct
			e, err := inference.Load(args[0], inference.Options{Threads: threads})
			if err != nil {
				return err
			}
			defer e.Close()
			if cpuProfile != "" {
				f, err := os.Create(cpuProfile)
				if err != nil {
					return err
				}
				defer f.Close()
				if err := pprof.StartCPUProfile(f); err != nil {
					return err
				}
				defer pprof.StopCPUProfile()
			}
			if !quiet {
				o.Progress = func(s string) { fmt.Fprintln(stdio.Err, "bench:", s) }
			}
			r, err := bench.Run(cmd.Context(), e, o)
			if err != nil {
				return err
			}
			if asJSON {
				return printJSON(stdio.Out, r)
			}
			printBench(stdio, r)
			return nil
		},
	}
	f := c.Flags()
	f.IntVarP(&o.Prompt, "n-prompt", "p", 512, "prompt tokens processed in one pass (0: skip)")
	f.IntVarP(&o.Gen, "n-gen", "n", 128, "tokens generated one at a time (0: skip)")
	f.IntVarP(&o.Repeats, "repetitions", "r", 3, "runs of each test (the median is reported)")
	f.IntVarP(&threads, "threads", "t", 0, "worker threads (default: physical cores)")
	f.StringVar(&cache, "cache-type", "f16", "KV cache type: f16 or f32")
	f.BoolVar(&o.SkipBW, "no-bandwidth", false, "skip the memory-bandwidth measurement")
	f.BoolVar(&asJSON, "json", false, "print one JSON object")
	f.BoolVarP(&quiet, "quiet", "q", false, "no progress lines on stderr")
	f.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the run (go tool pprof)")
	f.IntVar(&pipeNodes, "pipeline", 0, "measure a pipeline over N nodes on loopback against one node")
	f.IntVar(&streams, "streams", 0, "concurrent streams of the pipeline's aggregate test (default: N)")
	f.BoolVar(&verify, "verify", false, "with --pipeline: measure how audits catch a peer that returns wrong hidden states")
	f.StringVar(&liar, "liar", "every", "with --verify: the liar perturbs every hop, or this share of its hops (0.1)")
	f.IntVar(&trials, "trials", 20, "with --verify: trials, each on a fresh router until the liar is caught")
	f.IntVar(&honest, "honest", 1000, "with --verify: requests with every peer honest (false positives, overhead)")
	f.IntVar(&maxRequests, "max-requests", 1000, "with --verify: requests after which a trial gives up")
	f.Float64Var(&share, "audit", route.DefaultAuditShare, "with --verify: the router's audit share of the routes' layer time")
	return c
}

func printBench(stdio IO, r *bench.Result) {
	w := stdio.Out
	fmt.Fprintf(w, "model:      %s (%s, %s, %s)\n", r.Model, r.Arch, r.WeightTypes, humanBytes(r.FileBytes))
	fmt.Fprintf(w, "threads:    %d, kernels %s\n", r.Threads, r.Kernels)
	if r.PromptTokens > 0 {
		fmt.Fprintf(w, "pp%-4d      %8.2f tokens/s  (runs %s)\n", r.PromptTokens, r.PPTokensPerS, runs(r.PPRuns))
	}
	if r.GenTokens > 0 {
		fmt.Fprintf(w, "tg%-4d      %8.2f tokens/s  (runs %s)\n", r.GenTokens, r.TGTokensPerS, runs(r.TGRuns))
	}
	fmt.Fprintf(w, "per token:  %s of weights and KV cache read\n", humanBytes(r.BytesPerToken))
	if r.ReadBandwidthGBs > 0 {
		fmt.Fprintf(w, "bandwidth:  %.1f GB/s read (probed between the tg tokens) → limit %.2f tokens/s; generation reaches %.0f%% of it\n",
			r.ReadBandwidthGBs, r.LimitTokensPerS, 100*r.BandwidthFraction)
	}
	fmt.Fprintf(w, "memory:     resident %s (peak %s), file %s, KV cache %s\n",
		humanBytes(r.RSSBytes), humanBytes(r.PeakRSSBytes), humanBytes(r.FileBytes), humanBytes(r.KVCacheBytes))
}

func runs(x []float64) string {
	s := ""
	for i, v := range x {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%.2f", v)
	}
	return s
}

// parseLiar reads --liar: "every", or the share of hops that lie.
func parseLiar(s string) (float64, error) {
	if s == "every" {
		return 1, nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || v <= 0 || v > 1 {
		return 0, fmt.Errorf("--liar %q: want every or a share in (0, 1]", s)
	}
	return v, nil
}

func benchVerify(cmd *cobra.Command, stdio IO, path string, o route.VerifyBenchOptions, asJSON, quiet bool) error {
	if !cmd.Flags().Changed("n-prompt") {
		o.Prompt = 16
	}
	if !cmd.Flags().Changed("n-gen") {
		o.Gen = 16
	}
	if o.Share == 0 {
		o.Share = -1 // --audit 0: no audits
	}
	if !quiet {
		o.Progress = func(s string) { fmt.Fprintln(stdio.Err, "bench:", s) }
	}
	r, err := route.VerifyBench(cmd.Context(), path, o)
	if err != nil {
		return err
	}
	if asJSON {
		if err := printJSON(stdio.Out, r); err != nil {
			return err
		}
	} else {
		w := stdio.Out
		fmt.Fprintf(w, "model            %s\n", r.Model)
		fmt.Fprintf(w, "route            %s (%d nodes on loopback; the last peer lies on %.0f %% of its hops)\n", r.Route, r.Nodes, 100*r.Liar)
		fmt.Fprintf(w, "trials           %d, liar caught in %d, after %.1f requests (median)\n", r.Trials, r.Caught, r.RequestsToCatch)
		fmt.Fprintf(w, "false positives  %d (trials and %d honest requests)\n", r.FalsePositives, r.HonestRequests)
		fmt.Fprintf(w, "verify overhead  %.3f of the routes' layer time (audit share %.2f, %d hops re-executed)\n", r.VerifyOverhead, r.AuditShare, r.AuditedHops)
		fmt.Fprintf(w, "identical output: %v\n", r.IdenticalText)
	}
	if !r.IdenticalText {
		return fmt.Errorf("the pipeline's tokens differ from one node's")
	}
	return nil
}

func benchPipeline(cmd *cobra.Command, stdio IO, path string, o pipeline.BenchOptions, asJSON, quiet bool) error {
	if o.Nodes < 2 {
		return usageError{fmt.Errorf("--pipeline needs at least 2 nodes")}
	}
	if !cmd.Flags().Changed("n-prompt") {
		o.Prompt = 32
	}
	if !cmd.Flags().Changed("n-gen") {
		o.Gen = 32
	}
	if !quiet {
		o.Progress = func(s string) { fmt.Fprintln(stdio.Err, "bench:", s) }
	}
	r, err := pipeline.Bench(cmd.Context(), path, o)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(stdio.Out, r)
	}
	w := stdio.Out
	fmt.Fprintf(w, "model     %s\n", r.Model)
	fmt.Fprintf(w, "pipeline  %d nodes on loopback, %d threads each, kernels %s\n", r.Nodes, r.Threads, r.Kernels)
	fmt.Fprintf(w, "route     %s\n", r.Route)
	for _, h := range r.Hops {
		fmt.Fprintf(w, "  hop %-24s %2d layers  %7.2f ms/token  overhead %.3f ms\n", h.Hop, h.Layers, h.MsPerToken, h.OverheadMs)
	}
	fmt.Fprintf(w, "one stream      single node %7.2f tokens/s   pipeline %7.2f tokens/s\n", r.SingleNodeTokensPerS, r.PipelineTokensPerS)
	fmt.Fprintf(w, "%d streams       single node %7.2f tokens/s   pipeline %7.2f tokens/s\n", r.Streams, r.SingleNodeAggregateTokensPer, r.PipelineAggregateTokensPerS)
	fmt.Fprintf(w, "per hop         %.3f ms, %.1f %% of throughput\n", r.PerHopMs, 100*r.PerHopCost)
	fmt.Fprintf(w, "identical output: %v\n", r.IdenticalOutput)
	if !r.IdenticalOutput {
		return fmt.Errorf("the pipeline's tokens differ from one node's")
	}
	return nil
}
