// Package bench measures the engine the way llama-bench does — prompt processing (pp) of a
// batch of tokens and generation (tg) one token at a time from an empty cache — and sets the
// generation speed against the machine's memory bandwidth, measured in the same run: a decode
// step must read every weight once, so bandwidth / bytes-per-token is the speed limit.
package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/model"
)

// Options choose what to measure.
type Options struct {
	Prompt    int // tokens of the pp test (0 skips it)
	Gen       int // tokens of the tg test (0 skips it)
	Repeats   int // runs of each test; the median is reported
	Cache     model.CacheType
	BWBytes   int // buffer of the bandwidth test (0: 512 MiB)
	SkipBW    bool
	Progress  func(string)
	TokenSeed uint64
}

// Result is one model's figures. JSON names are stable: scripts compare them across runs.
type Result struct {
	Model             string    `json:"model"`
	FileBytes         int64     `json:"file_bytes"`
	Arch              string    `json:"arch"`
	WeightTypes       string    `json:"weight_types"`
	Threads           int       `json:"threads"`
	Kernels           string    `json:"kernels"`
	PromptTokens      int       `json:"n_prompt"`
	GenTokens         int       `json:"n_gen"`
	PPTokensPerS      float64   `json:"pp_tokens_per_s"`
	TGTokensPerS      float64   `json:"tg_tokens_per_s"`
	PPRuns            []float64 `json:"pp_runs_tokens_per_s"`
	TGRuns            []float64 `json:"tg_runs_tokens_per_s"`
	BytesPerToken     int64     `json:"bytes_per_token"`
	WeightBytes       int64     `json:"weight_bytes"`
	ReadBandwidthGBs  float64   `json:"read_bandwidth_gb_s"`
	LimitTokensPerS   float64   `json:"bandwidth_limit_tokens_per_s"`
	BandwidthFraction float64   `json:"bandwidth_fraction"`
	KVCacheBytes      int64     `json:"kv_cache_bytes"`
	RSSBytes          int64     `json:"rss_bytes"`
	PeakRSSBytes      int64     `json:"peak_rss_bytes"`
}

// Run benchmarks e.
func Run(ctx context.Context, e *inference.Engine, o Options) (*Result, error) {
	if o.Repeats <= 0 {
		o.Repeats = 3
	}
	if o.Prompt < 0 || o.Gen < 0 || o.Prompt+o.Gen == 0 {
		return nil, fmt.Errorf("bench: nothing to measure (prompt %d, gen %d)", o.Prompt, o.Gen)
	}
	say := func(f string, a ...any) {
		if o.Progress != nil {
			o.Progress(fmt.Sprintf(f, a...))
		}
	}
	m := e.Model
	r := &Result{Model: e.Name, Arch: m.HP.Arch, Threads: e.Pool.Threads(), Kernels: kernels.Selected().Impl.Name,
		PromptTokens: o.Prompt, GenTokens: o.Gen, WeightBytes: m.WeightBytes(), WeightTypes: weightTypes(m)}
	if st, err := os.Stat(e.Path); err == nil {
		r.FileBytes = st.Size()
	}
	nCtx := max(o.Prompt, o.Gen) + 1
	s, err := e.NewSession(nCtx, o.Cache)
	if err != nil {
		return nil, err
	}
	r.KVCacheBytes = s.CacheBytes()
	rng := rand.New(rand.NewPCG(o.TokenSeed, 1))
	toks := make([]int32, max(o.Prompt, 1))
	for i := range toks {
		toks[i] = int32(rng.IntN(e.Tok.VocabSize()))
	}
	// Warm-up: fault the weights in and let the workers spin up.
	say("warm-up")
	s.Reset()
	if _, err := s.Eval(ctx, toks[:min(len(toks), 16)], nil); err != nil {
		return nil, err
	}
	for i := 0; i < o.Repeats && o.Prompt > 0; i++ {
		s.Reset()
		t0 := time.Now()
		if _, err := s.Eval(ctx, toks[:o.Prompt], nil); err != nil {
			return nil, err
		}
		r.PPRuns = append(r.PPRuns, float64(o.Prompt)/time.Since(t0).Seconds())
		say("pp%d run %d: %.2f tokens/s", o.Prompt, i+1, r.PPRuns[i])
	}
	tok := []int32{e.Tok.BOS()}
	if tok[0] < 0 {
		tok[0] = toks[0]
	}
	// Peak memory of the engine itself, before the bandwidth probe's buffer inflates it.
	_, r.PeakRSSBytes = memStatus()
	// Bytes a decode step reads: every weight once, plus on average half the KV cache
	// of the tg test (positions 0 … n_gen−1).
	hp := &m.HP
	kvPerPos := int64(2 * hp.NEmbdKV() * hp.NLayer * cacheElem(o.Cache))
	r.BytesPerToken = r.WeightBytes + kvPerPos*int64(o.Gen)/2
	bwSize := o.BWBytes
	if bwSize <= 0 {
		bwSize = 512 << 20
	}
	// The bandwidth of a shared machine drifts from second to second (other guests on the host),
	// so each tg run is cut into segments of bwSegment tokens with a short bandwidth probe
	// before, between and after them; only the token steps are timed, and each run is set
	// against the mean of its own probes.
	var bws, fracs []float64
	for i := 0; i < o.Repeats && o.Gen > 0; i++ {
		var probes []float64
		probe := func() {
			if !o.SkipBW {
				probes = append(probes, kernels.ReadBandwidth(e.Pool, bwSize, 3))
			}
		}
		s.Reset()
		var took time.Duration
		for j := 0; j < o.Gen; j += bwSegment {
			probe()
			t0 := time.Now()
			for k := j; k < min(j+bwSegment, o.Gen); k++ {
				if _, err := s.Eval(ctx, tok, nil); err != nil {
					return nil, err
				}
			}
			took += time.Since(t0)
		}
		probe()
		tg := float64(o.Gen) / took.Seconds()
		r.TGRuns = append(r.TGRuns, tg)
		var bw, lo, hi float64
		if len(probes) > 0 {
			lo, hi = slices.Min(probes), slices.Max(probes)
			bw = mean(probes)
			bws = append(bws, bw)
			fracs = append(fracs, tg/(bw/float64(r.BytesPerToken)))
		}
		say("tg%d run %d: %.2f tokens/s (read bandwidth during the run: %.1f GB/s, %d probes from %.1f to %.1f)",
			o.Gen, i+1, tg, bw/1e9, len(probes), lo/1e9, hi/1e9)
	}
	if !o.SkipBW && len(bws) == 0 {
		bws = append(bws, kernels.ReadBandwidth(e.Pool, bwSize, 9))
	}
	r.RSSBytes, _ = memStatus()
	r.PPTokensPerS, r.TGTokensPerS = median(r.PPRuns), median(r.TGRuns)
	if len(bws) > 0 {
		bw := median(bws)
		r.ReadBandwidthGBs = bw / 1e9
		r.LimitTokensPerS = bw / float64(r.BytesPerToken)
		r.BandwidthFraction = median(fracs)
	}
	return r, nil
}

// bwSegment is the number of generated tokens between two bandwidth probes of a tg run.
const bwSegment = 16

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

func cacheElem(c model.CacheType) int {
	if c == model.CacheF32 {
		return 4
	}
	return 2
}

func weightTypes(m *model.Model) string {
	t := map[string]bool{}
	l := &m.Blocks[0]
	for _, w := range []*model.Linear{&l.Q, &l.Gate, &l.Down} {
		t[w.W.Type.String()] = true
	}
	var names []string
	for k := range t {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, "+") + " (head " + m.Output.Type.String() + ")"
}

func median(x []float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// memStatus reads the resident and peak resident memory of this process (Linux; 0 elsewhere).
func memStatus() (rss, peak int64) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		v, _ := strconv.ParseInt(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = v << 10
		case "VmHWM:":
			peak = v << 10
		}
	}
	return rss, peak
}
