package model

import (
	"errors"
	"fmt"
	"math"

	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/quant"
)

// CacheType is the element type of the KV cache.
type CacheType int

const (
	// CacheF16 halves the cache's memory; K and V are rounded to fp16 when stored, and the
	// query and the softmax weights are rounded to fp16 for the products, as llama.cpp does.
	CacheF16 CacheType = iota
	// CacheF32 keeps K and V exact.
	CacheF32
)

// ParseCacheType accepts "f16" and "f32".
func ParseCacheType(s string) (CacheType, error) {
	switch s {
	case "f16", "F16", "":
		return CacheF16, nil
	case "f32", "F32":
		return CacheF32, nil
	}
	return 0, fmt.Errorf("KV cache type %q: want f16 or f32", s)
}

func (c CacheType) String() string {
	if c == CacheF32 {
		return "f32"
	}
	return "f16"
}

// ErrContextFull is returned when tokens would not fit in the KV cache.
var ErrContextFull = errors.New("context window is full")

// Stage is the per-sequence state of a model slice: the KV cache of layers [From, To) and
// scratch space. One Stage serves one sequence; it is not safe for concurrent use.
type Stage struct {
	m        *Model
	From, To int
	NCtx     int
	Cache    CacheType
	Pos      int // number of positions held in the cache

	k32, v32 [][]float32 // per layer: NCtx × NEmbdKV
	k16, v16 [][]uint16

	s scratch
}

type scratch struct {
	n                  int // batch capacity
	h, q, k, v, o, ffn []float32
	g, u               []float32
	acts, ffnActs      []*kernels.Activation
	cos, sin           []float32   // RoPE angles per token of the batch (HeadDim/2 each)
	att                [][]float32 // per parallel job: attention weights
	qh                 [][]float32
	ys                 [][]float32
}

// NewStage allocates the KV cache for nCtx positions of layers [from, to).
func (m *Model) NewStage(nCtx, from, to int, cache CacheType) (*Stage, error) {
	if from < m.From || to > m.To || from > to {
		return nil, fmt.Errorf("layer range [%d, %d) outside the loaded [%d, %d)", from, to, m.From, m.To)
	}
	if nCtx <= 0 {
		return nil, fmt.Errorf("context length %d must be positive", nCtx)
	}
	s := &Stage{m: m, From: from, To: to, NCtx: nCtx, Cache: cache}
	n := nCtx * m.HP.NEmbdKV()
	for l := from; l < to; l++ {
		if cache == CacheF32 {
			s.k32 = append(s.k32, make([]float32, n))
			s.v32 = append(s.v32, make([]float32, n))
		} else {
			s.k16 = append(s.k16, make([]uint16, n))
			s.v16 = append(s.v16, make([]uint16, n))
		}
	}
	return s, nil
}

// CacheBytes is the memory held by the KV cache.
func (s *Stage) CacheBytes() int64 {
	per := int64(2)
	if s.Cache == CacheF32 {
		per = 4
	}
	return 2 * per * int64(s.NCtx) * int64(s.m.HP.NEmbdKV()) * int64(s.To-s.From)
}

// Truncate forgets the cache positions at and after pos, so a sequence can be rewound to a
// shared prefix.
func (s *Stage) Truncate(pos int) {
	if pos < s.Pos {
		s.Pos = max(pos, 0)
	}
}

func (s *Stage) grow(n, threads int) {
	if s.s.n >= n && len(s.s.att) >= threads {
		return
	}
	hp := &s.m.HP
	d, kv, ff := hp.NEmbd, hp.NEmbdKV(), hp.NFF
	c := &s.s
	c.n = max(n, c.n)
	n = c.n
	c.h = make([]float32, n*d)
	c.q = make([]float32, n*d)
	c.k = make([]float32, n*kv)
	c.v = make([]float32, n*kv)
	c.o = make([]float32, n*d)
	c.ffn = make([]float32, n*ff)
	c.g = make([]float32, n*ff)
	c.u = make([]float32, n*ff)
	c.acts = make([]*kernels.Activation, n)
	c.ffnActs = make([]*kernels.Activation, n)
	for i := range c.acts {
		c.acts[i] = new(kernels.Activation)
		c.ffnActs[i] = new(kernels.Activation)
	}
	c.ys = make([][]float32, n)
	c.cos = make([]float32, n*hp.HeadDim/2)
	c.sin = make([]float32, n*hp.HeadDim/2)
	jobs := max(threads, 1)
	c.att = make([][]float32, jobs)
	c.qh = make([][]float32, jobs)
	for i := range c.att {
		c.att[i] = make([]float32, s.NCtx)
		c.qh[i] = make([]float32, hp.HeadDim)
	}
}

// Embed writes the embeddings of toks into x (len(toks) × NEmbd).
func (m *Model) Embed(toks []int32, x []float32) error {
	d := m.HP.NEmbd
	if len(x) < len(toks)*d {
		return fmt.Errorf("embed: hidden buffer holds %d values, need %d", len(x), len(toks)*d)
	}
	for i, t := range toks {
		if err := m.EmbedRow(t, x[i*d:(i+1)*d]); err != nil {
			return fmt.Errorf("embed: %w", err)
		}
	}
	return nil
}

// Forward runs layers [s.From, s.To) over a batch of n = len(x)/NEmbd consecutive tokens whose
// first position is s.Pos, updating x (the hidden states, token after token) in place and
// appending to the cache. The batch is causal within itself.
func (s *Stage) Forward(p *kernels.Pool, x []float32) error {
	hp := &s.m.HP
	d := hp.NEmbd
	if len(x) == 0 || len(x)%d != 0 {
		return fmt.Errorf("forward: hidden state of %d values is not a multiple of %d", len(x), d)
	}
	n := len(x) / d
	if s.Pos+n > s.NCtx {
		return fmt.Errorf("%w: %d positions used + %d new > %d", ErrContextFull, s.Pos, n, s.NCtx)
	}
	for i, v := range x {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return fmt.Errorf("forward: hidden state value %d is %v", i, v)
		}
	}
	s.grow(n, p.Threads())
	half := hp.HeadDim / 2
	for t := 0; t < n; t++ {
		kernels.RoPEAngles(s.s.cos[t*half:(t+1)*half], s.s.sin[t*half:(t+1)*half], hp.HeadDim, s.Pos+t, hp.RopeTheta)
	}
	for l := s.From; l < s.To; l++ {
		s.layer(p, l, x, n)
	}
	s.Pos += n
	return nil
}

func (s *Stage) layer(p *kernels.Pool, l int, x []float32, n int) {
	m := s.m
	hp := &m.HP
	L := &m.Blocks[l]
	d, kvw, ff := hp.NEmbd, hp.NEmbdKV(), hp.NFF
	c := &s.s
	acts := c.acts[:n]

	// Attention block.
	each(p, n, func(t int) {
		h := c.h[t*d : (t+1)*d]
		kernels.RMSNorm(h, x[t*d:(t+1)*d], L.AttnNorm, hp.Eps)
		acts[t].Set(h)
	})
	if n == 1 {
		s.fused(p, acts[0], [3]Linear{L.Q, L.K, L.V}, [3][]float32{c.q[:d], c.k[:kvw], c.v[:kvw]})
	} else {
		s.linear(p, L.Q, acts, c.q, d)
		s.linear(p, L.K, acts, c.k, kvw)
		s.linear(p, L.V, acts, c.v, kvw)
	}
	li := l - s.From
	half := hp.HeadDim / 2
	each(p, n, func(t int) {
		pos := s.Pos + t
		cs, sn := c.cos[t*half:(t+1)*half], c.sin[t*half:(t+1)*half]
		kernels.RoPENeoxTable(c.q[t*d:(t+1)*d], hp.NHead, hp.HeadDim, cs, sn)
		kt := c.k[t*kvw : (t+1)*kvw]
		kernels.RoPENeoxTable(kt, hp.NHeadKV, hp.HeadDim, cs, sn)
		vt := c.v[t*kvw : (t+1)*kvw]
		if s.Cache == CacheF32 {
			copy(s.k32[li][pos*kvw:], kt)
			copy(s.v32[li][pos*kvw:], vt)
		} else {
			toF16(s.k16[li][pos*kvw:(pos+1)*kvw], kt)
			toF16(s.v16[li][pos*kvw:(pos+1)*kvw], vt)
		}
	})
	s.attention(p, li, n)
	each(p, n, func(t int) {
		h := c.h[t*d : (t+1)*d]
		kernels.RMSNorm(h, c.o[t*d:(t+1)*d], L.AttnSubNorm, hp.Eps)
		acts[t].Set(h)
	})
	s.linear(p, L.O, acts, c.o, d)
	kernels.Add(x[:n*d], c.o[:n*d])

	// Feed-forward block.
	each(p, n, func(t int) {
		h := c.h[t*d : (t+1)*d]
		kernels.RMSNorm(h, x[t*d:(t+1)*d], L.FFNNorm, hp.Eps)
		acts[t].Set(h)
	})
	if n == 1 {
		s.fused(p, acts[0], [3]Linear{L.Gate, L.Up}, [3][]float32{c.g[:ff], c.u[:ff]})
	} else {
		s.linear(p, L.Gate, acts, c.g, ff)
		s.linear(p, L.Up, acts, c.u, ff)
	}
	fa := c.ffnActs[:n]
	each(p, n, func(t int) {
		g, u := c.g[t*ff:(t+1)*ff], c.u[t*ff:(t+1)*ff]
		if hp.FFN == FFNReLU2 {
			kernels.ReLU2(g)
		} else {
			kernels.SiLU(g)
		}
		kernels.Mul(g, u)
		h := c.ffn[t*ff : (t+1)*ff]
		kernels.RMSNorm(h, g, L.FFNSubNorm, hp.Eps)
		fa[t].Set(h)
	})
	s.linear(p, L.Down, fa, c.o, d)
	kernels.Add(x[:n*d], c.o[:n*d])
}

// linear computes out[t] = W·act[t] (rows values each) for every token of the batch.
func (s *Stage) linear(p *kernels.Pool, w Linear, acts []*kernels.Activation, out []float32, rows int) {
	ys := s.s.ys[:len(acts)]
	for t := range ys {
		ys[t] = out[t*rows : (t+1)*rows]
	}
	if len(acts) == 1 {
		kernels.MatVec(p, w.W, acts[0], ys[0])
	} else {
		kernels.MatMul(p, w.W, acts, ys)
	}
	if w.Scale != 1 {
		for _, y := range ys {
			for i := range y {
				y[i] *= w.Scale
			}
		}
	}
}

// fused is linear for a decode step of up to three matrices that share their input, run as one
// parallel loop (kernels.MatVecs); unused slots have a nil matrix.
func (s *Stage) fused(p *kernels.Pool, act *kernels.Activation, ls [3]Linear, outs [3][]float32) {
	var ws [3]*kernels.Matrix
	n := 0
	for ; n < len(ls) && ls[n].W != nil; n++ {
		ws[n] = ls[n].W
	}
	kernels.MatVecs(p, ws[:n], act, outs[:n])
	for i := 0; i < n; i++ {
		if ls[i].Scale != 1 {
			for j := range outs[i] {
				outs[i][j] *= ls[i].Scale
			}
		}
	}
}

// attention computes c.o for every token and head of the batch.
func (s *Stage) attention(p *kernels.Pool, li, n int) {
	hp := &s.m.HP
	scale := 1 / float32(math.Sqrt(float64(hp.HeadDim))) // 1.0f/sqrtf(hd), as llama.cpp
	c := &s.s
	jobs := n * hp.NHead
	// One chunk of jobs per scratch buffer, so that chunks never share attention scratch.
	chunks := min(len(c.att), jobs)
	p.For(chunks, func(c0, c1 int) {
		for chunk := c0; chunk < c1; chunk++ {
			s.attendJobs(li, chunk*jobs/chunks, (chunk+1)*jobs/chunks, c.att[chunk], c.qh[chunk], scale)
		}
	})
}

// attendJobs runs attention jobs [start, end), a job being one (token, head) pair.
func (s *Stage) attendJobs(li, start, end int, att, qh []float32, scale float32) {
	hp := &s.m.HP
	d, kvw, hd := hp.NEmbd, hp.NEmbdKV(), hp.HeadDim
	group := hp.NHead / hp.NHeadKV
	c := &s.s
	for job := start; job < end; job++ {
		t, j := job/hp.NHead, job%hp.NHead
		g := j / group
		npos := s.Pos + t + 1
		copy(qh, c.q[t*d+j*hd:t*d+(j+1)*hd])
		w := att[:npos]
		out := c.o[t*d+j*hd : t*d+(j+1)*hd]
		clear(out)
		if s.Cache == CacheF32 {
			K, V := s.k32[li], s.v32[li]
			kernels.DotRows(K[g*hd:], kvw, npos, hd, qh, w)
			scaleAll(w, scale)
			kernels.Softmax(w)
			for u, a := range w {
				kernels.AddScaled(out, V[u*kvw+g*hd:u*kvw+(g+1)*hd], a)
			}
		} else {
			K, V := s.k16[li], s.v16[li]
			roundF16(qh)
			kernels.DotF16Rows(K[g*hd:], kvw, npos, hd, qh, w)
			scaleAll(w, scale)
			kernels.Softmax(w)
			kernels.AddScaledF16Rows(out, V[g*hd:], kvw, w) // weights rounded to fp16, as llama.cpp's V·softmax
		}
	}
}

// scaleAll multiplies the scores by the attention scale (ggml applies it inside softmax).
func scaleAll(w []float32, scale float32) {
	for i := range w {
		w[i] *= scale
	}
}

func toF16(dst []uint16, src []float32) {
	for i, v := range src {
		dst[i] = quant.F32ToF16(v)
	}
}

func roundF16(x []float32) {
	for i, v := range x {
		x[i] = quant.F16ToF32(quant.F32ToF16(v))
	}
}

// Logits applies the final norm and the head to one hidden state.
func (m *Model) Logits(p *kernels.Pool, x []float32, act *kernels.Activation, h, logits []float32) {
	kernels.RMSNorm(h, x, m.OutputNorm, m.HP.Eps)
	act.Set(h)
	kernels.MatVec(p, m.Output, act, logits[:m.HP.NVocab])
}

// each runs fn for the tokens of a batch, spread over the pool when there are several (prompt
// processing), inline for one (a decode step, where a dispatch would cost more than the work).
func each(p *kernels.Pool, n int, fn func(t int)) {
	if n == 1 {
		fn(0)
		return
	}
	p.For(n, func(start, end int) {
		for t := start; t < end; t++ {
			fn(t)
		}
	})
}
