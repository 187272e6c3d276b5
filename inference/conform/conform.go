// Package conform runs the engine on the prompts of an `aria-ref-v1` reference file and
// writes this engine's results in the same format, so that anyone can compare ARIA with the
// reference implementation (llama.cpp, bitnet.cpp) on any model. Check applies the published
// tolerance rules to a pair of such files.
package conform

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/tokenizer"
)

// Format is the format tag of reference files.
const Format = "aria-ref-v1"

// File is an aria-ref-v1 document. Unknown fields of the input are kept in Extra maps where it
// matters (options), so a reference's settings travel into the output.
type File struct {
	Format    string         `json:"format"`
	Model     map[string]any `json:"model,omitempty"`
	Reference map[string]any `json:"reference,omitempty"`
	Options   Options        `json:"options"`
	Cases     []Case         `json:"cases"`
	Observed  map[string]any `json:"observed,omitempty"`
}

// Options are the run settings of a reference. Only the fields that change results are
// interpreted; the rest is echoed.
type Options struct {
	Threads      int    `json:"threads,omitempty"`
	NCtx         int    `json:"n_ctx,omitempty"`
	NBatch       int    `json:"n_batch,omitempty"`
	NUBatch      int    `json:"n_ubatch,omitempty"`
	TypeK        string `json:"type_k,omitempty"`
	TypeV        string `json:"type_v,omitempty"`
	FlashAttn    bool   `json:"flash_attn"`
	NPredict     int    `json:"n_predict,omitempty"`
	TopKLogged   int    `json:"top_k_logged,omitempty"`
	Sampling     string `json:"sampling,omitempty"`
	AddBOS       *bool  `json:"add_bos,omitempty"`
	ParseSpecial *bool  `json:"parse_special,omitempty"`
	Steps        string `json:"steps,omitempty"`
	TeacherForce string `json:"teacher_forced,omitempty"`
}

// Logit is one [id, logit] pair.
type Logit struct {
	ID    int32
	Logit float64
}

// MarshalJSON writes the pair as a two-element array, as the reference does.
func (l Logit) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{l.ID, float32(l.Logit)})
}

// UnmarshalJSON reads a two-element array.
func (l *Logit) UnmarshalJSON(b []byte) error {
	var a []float64
	if err := json.Unmarshal(b, &a); err != nil {
		return err
	}
	if len(a) != 2 {
		return fmt.Errorf("logit pair has %d elements", len(a))
	}
	l.ID, l.Logit = int32(a[0]), a[1]
	return nil
}

// Case is one prompt with its results.
type Case struct {
	Name          string    `json:"name"`
	PromptText    string    `json:"prompt_text"`
	PromptIDs     []int32   `json:"prompt_ids,omitempty"`
	GreedyIDs     []int32   `json:"greedy_ids,omitempty"`
	GreedyText    string    `json:"greedy_text,omitempty"`
	Steps         [][]Logit `json:"steps,omitempty"`
	TeacherForced [][]Logit `json:"teacher_forced,omitempty"`
}

// Read parses a reference file.
func Read(path string) (*File, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read prompts: %w", err)
	}
	var f File
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("read prompts %s: %w", path, err)
	}
	if f.Format != Format {
		return nil, fmt.Errorf("read prompts %s: format %q, want %q", path, f.Format, Format)
	}
	if len(f.Cases) == 0 {
		return nil, fmt.Errorf("read prompts %s: no cases", path)
	}
	return &f, nil
}

// Write encodes f as JSON.
func Write(w io.Writer, f *File) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(f)
}

// Run computes this engine's results for the inputs of in (each case's name and prompt_text,
// and the options): prompt ids, NPredict greedy ids, and the top-K logits at every position of
// prompt+greedy (teacher forced), plus the logits seen while generating (steps).
func Run(ctx context.Context, e *inference.Engine, in *File) (*File, error) {
	opt := in.Options
	nPredict := opt.NPredict
	if nPredict <= 0 {
		nPredict = 32
	}
	topK := opt.TopKLogged
	if topK <= 0 {
		topK = 10
	}
	cache, err := cacheType(opt)
	if err != nil {
		return nil, err
	}
	addBOS := e.Tok.AddBOS()
	if opt.AddBOS != nil {
		addBOS = *opt.AddBOS
	}
	parseSpecial := true
	if opt.ParseSpecial != nil {
		parseSpecial = *opt.ParseSpecial
	}
	out := &File{Format: Format, Options: opt, Model: modelInfo(e), Reference: map[string]any{
		"impl": "aria", "driver": "aria conform", "go": runtime.Version(), "threads": e.Pool.Threads(),
	}}
	out.Options.Threads = e.Pool.Threads()
	for _, c := range in.Cases {
		ids := e.Tok.Encode(c.PromptText, addBOS, parseSpecial)
		nCtx := opt.NCtx
		if nCtx <= 0 {
			nCtx = len(ids) + nPredict
		}
		r, err := runCase(ctx, e, ids, nCtx, nPredict, topK, cache)
		if err != nil {
			return nil, fmt.Errorf("case %s: %w", c.Name, err)
		}
		r.Name, r.PromptText = c.Name, c.PromptText
		out.Cases = append(out.Cases, r)
	}
	return out, nil
}

func cacheType(opt Options) (model.CacheType, error) {
	k, v := opt.TypeK, opt.TypeV
	if k == "" {
		k = v
	}
	if v == "" {
		v = k
	}
	if k != v {
		return 0, fmt.Errorf("type_k %q and type_v %q differ; ARIA uses one KV cache type", k, v)
	}
	if k == "" {
		return model.CacheF32, nil
	}
	return model.ParseCacheType(k)
}

func runCase(ctx context.Context, e *inference.Engine, ids []int32, nCtx, nPredict, topK int, cache model.CacheType) (Case, error) {
	c := Case{PromptIDs: ids}
	s, err := e.NewSession(nCtx, cache)
	if err != nil {
		return c, err
	}
	// Incremental decoding: the prompt in one pass, then one token at a time.
	logits, err := s.Eval(ctx, ids, nil)
	if err != nil {
		return c, err
	}
	for len(c.GreedyIDs) < nPredict {
		c.Steps = append(c.Steps, top(logits, topK))
		id := argmax(logits)
		c.GreedyIDs = append(c.GreedyIDs, id)
		if len(c.GreedyIDs) == nPredict {
			break
		}
		if logits, err = s.Eval(ctx, []int32{id}, nil); err != nil {
			return c, err
		}
	}
	c.GreedyText = tokenizer.ReplaceInvalidUTF8(e.Tok.Decode(c.GreedyIDs, true))
	// Teacher forcing: prompt + continuation through one fresh sequence, logits everywhere.
	s.Reset()
	all := append(append([]int32(nil), ids...), c.GreedyIDs...)
	_, err = s.Eval(ctx, all, func(i int, l []float32) error {
		c.TeacherForced = append(c.TeacherForced, top(l, topK))
		return nil
	})
	return c, err
}

// argmax picks the largest logit, the lowest id on ties (the reference's rule).
func argmax(l []float32) int32 {
	best := 0
	for i, v := range l {
		if v > l[best] {
			best = i
		}
	}
	return int32(best)
}

// top returns the k largest logits, by logit descending then id ascending.
func top(l []float32, k int) []Logit {
	idx := make([]int, len(l))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return l[idx[a]] > l[idx[b]] })
	k = min(k, len(l))
	out := make([]Logit, k)
	for i := range out {
		out[i] = Logit{ID: int32(idx[i]), Logit: float64(l[idx[i]])}
	}
	return out
}

func modelInfo(e *inference.Engine) map[string]any {
	m := map[string]any{"file": e.Name + ".gguf", "arch": e.Model.HP.Arch}
	if f, err := os.Open(e.Path); err == nil {
		h := sha256.New()
		if n, err := io.Copy(h, f); err == nil {
			m["sha256"] = hex.EncodeToString(h.Sum(nil))
			m["bytes"] = n
		}
		f.Close()
	}
	return m
}
