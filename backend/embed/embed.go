// Package embed turns texts into vectors with the loaded BitNet model, so that memory works
// with no second model to download: the text is put in a fixed prompt asking for a one-word
// summary, layers [0, k) run over it, and the last token's hidden state (where the model has
// gathered what it would say next) is projected to a few hundred dimensions by a fixed-seed
// random ±1 matrix and L2-normalised.
//
// A Model is tied to one model file: its Space names the file's SHA-256, k, the recipe and the
// dimension, and its Embed fails once another model is loaded, so a vector is never filed under
// the wrong space. The node makes a new Model at each load.
//
// The hidden states come from inference.Engine.Hidden, whose bits do not depend on batching or
// on the kernel tier; the projection and the norm are sequential float64 sums written so that the
// compiler cannot fuse them (see project), so a text gets the same vector on every machine.
package embed

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/aria-node/aria/inference"
)

// Engine computes hidden states on a loaded model. *scheduler.Scheduler implements it (under a
// lease, see Direct for the body); Direct wraps an engine the caller owns.
type Engine interface {
	// Hidden tokenizes text as a prompt (BOS when the model wants it, special tokens as plain
	// text), runs layers [0, upto) of the model loaded from path over it and returns the last
	// token's hidden state and the number of tokens. It fails when the model loaded is not the
	// one at path.
	Hidden(ctx context.Context, path, text string, upto int) (h []float32, tokens int, err error)
}

// Info identifies the model a Model embeds with.
type Info struct {
	Path   string // the file loaded (scheduler.ModelInfo.Path)
	SHA256 string // the file's SHA-256, 64 hexadecimal digits
	Layers int    // the model's layer count (scheduler.ModelInfo.NLayer)
	Width  int    // the hidden state's width (scheduler.ModelInfo.Width)
}

// Defaults. The template is PromptEOL's ("This sentence: … means in one word:"), which makes a
// decoder-only model compress a sentence into the state that predicts one word; k is half the
// layers because middle layers of decoder models carry more meaning than the last ones, which
// specialise in the next token. Neither is measured on a real BitNet model yet: Measure and
// Sweep are how to choose them (a synthetic model's random weights say nothing).
const (
	DefaultTemplate = `This sentence: "{text}" means in one word: "`
	DefaultDim      = 256
	// DefaultMaxText bounds the bytes of a text embedded (longer ones are cut at a character
	// boundary): the cost and the scratch memory grow with the tokens, and a memory is found by
	// its beginning as well as by the whole.
	DefaultMaxText = 2048
	// Seed fixes the projection. Changing it changes every vector: it is part of the recipe hash.
	Seed uint64 = 0x61726961_656d6264 // "ariaembd"
)

// Placeholder is where the text goes in a template.
const Placeholder = "{text}"

// Options choose the recipe; zero values take the defaults.
type Options struct {
	Template string // contains Placeholder once
	Layers   int    // k: layers [0, k) run; 0: half the model's (at least 1)
	Dim      int    // output dimension
	MaxText  int    // bytes of a text kept
}

// Model embeds texts with one loaded model. It implements the memory Embedder (Space, Dim,
// Embed) and is safe for concurrent use (it holds no mutable state).
type Model struct {
	eng     Engine
	info    Info
	tmpl    string
	k       int
	dim     int
	maxText int
	space   string
	proj    [][]uint64 // dim rows of Width sign bits (1: -1), from splitmix64 seeded with Seed
}

// New makes the embedder of the model described by info.
func New(eng Engine, info Info, o Options) (*Model, error) {
	if eng == nil {
		return nil, errors.New("embed: no engine")
	}
	sha := strings.ToLower(info.SHA256)
	if len(sha) != 64 || strings.Trim(sha, "0123456789abcdef") != "" {
		return nil, fmt.Errorf("embed: model SHA-256 %q is not 64 hexadecimal digits", info.SHA256)
	}
	if info.Layers <= 0 || info.Width <= 0 {
		return nil, fmt.Errorf("embed: model of %d layers and width %d", info.Layers, info.Width)
	}
	if o.Template == "" {
		o.Template = DefaultTemplate
	}
	if strings.Count(o.Template, Placeholder) != 1 {
		return nil, fmt.Errorf("embed: template %q must contain %s exactly once", o.Template, Placeholder)
	}
	if o.Layers == 0 {
		o.Layers = max(1, info.Layers/2)
	}
	if o.Layers < 1 || o.Layers > info.Layers {
		return nil, fmt.Errorf("embed: %d layers of a model of %d", o.Layers, info.Layers)
	}
	if o.Dim == 0 {
		o.Dim = DefaultDim
	}
	if o.Dim < 1 || o.Dim > 4096 {
		return nil, fmt.Errorf("embed: dimension %d outside [1, 4096]", o.Dim)
	}
	if o.MaxText == 0 {
		o.MaxText = DefaultMaxText
	}
	if o.MaxText < 1 {
		return nil, fmt.Errorf("embed: text limit of %d bytes", o.MaxText)
	}
	info.SHA256 = sha
	m := &Model{eng: eng, info: info, tmpl: o.Template, k: o.Layers, dim: o.Dim, maxText: o.MaxText,
		proj: signs(o.Dim, info.Width, Seed)}
	m.space = fmt.Sprintf("model/%s/%d/%s/%d", sha[:16], m.k, RecipeHash(o.Template, o.MaxText), m.dim)
	return m, nil
}

// RecipeHash names everything besides the model, k and the dimension that decides a vector: the
// template, the text limit, the projection's seed and kind, and the normalisation.
func RecipeHash(template string, maxText int) string {
	h := sha256.Sum256(fmt.Appendf(nil, "embed/v1\x00%s\x00maxtext=%d\x00proj=splitmix64-signs seed=%#x\x00l2", template, maxText, Seed))
	return hex.EncodeToString(h[:4])
}

// Space names the vectors' space: model/<SHA-256 prefix>/<k>/<recipe hash>/<dim>. Vectors of
// different spaces are never compared.
func (m *Model) Space() string { return m.space }

// Dim is the vectors' length.
func (m *Model) Dim() int { return m.dim }

// Layers is k: the vectors come from the state after layers [0, k).
func (m *Model) Layers() int { return m.k }

// Prompt is the text the model reads for text (cut to the text limit).
func (m *Model) Prompt(text string) string {
	if len(text) > m.maxText {
		n := m.maxText
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = text[:n]
	}
	return strings.Replace(m.tmpl, Placeholder, text, 1)
}

// Embed returns one unit vector per text.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	v, _, err := m.EmbedCount(ctx, texts)
	return v, err
}

// EmbedCount is Embed that also returns the number of tokens the model read (the prompts').
// Texts run one after another: a batch of several would let them attend to each other.
func (m *Model) EmbedCount(ctx context.Context, texts []string) ([][]float32, int, error) {
	out := make([][]float32, len(texts))
	total := 0
	for i, t := range texts {
		h, n, err := m.eng.Hidden(ctx, m.info.Path, m.Prompt(t), m.k)
		if err != nil {
			return nil, 0, fmt.Errorf("embed text %d: %w", i, err)
		}
		if len(h) != m.info.Width {
			return nil, 0, fmt.Errorf("embed text %d: hidden state of %d values from a model of width %d: another model is loaded", i, len(h), m.info.Width)
		}
		if out[i], err = m.project(h); err != nil {
			return nil, 0, fmt.Errorf("embed text %d: %w", i, err)
		}
		total += n
	}
	return out, total, nil
}

// project multiplies h by the sign matrix and normalises. Only additions and subtractions, and
// products converted explicitly, so no fused multiply-add (which Go may use on arm64) changes a
// bit between machines.
func (m *Model) project(h []float32) ([]float32, error) {
	acc := make([]float64, m.dim)
	for j, row := range m.proj {
		s := 0.0
		for i, v := range h {
			if row[i/64]>>(i%64)&1 == 1 {
				s -= float64(v)
			} else {
				s += float64(v)
			}
		}
		acc[j] = s
	}
	ss := 0.0
	for _, v := range acc {
		ss += float64(v * v)
	}
	if ss == 0 || math.IsNaN(ss) || math.IsInf(ss, 0) {
		return nil, fmt.Errorf("the projected state has squared norm %v", ss)
	}
	inv := 1 / math.Sqrt(ss)
	out := make([]float32, m.dim)
	for j, v := range acc {
		out[j] = float32(float64(v * inv))
	}
	return out, nil
}

// signs draws rows × cols sign bits from splitmix64 (a fixed, documented generator: the same bits
// on every machine and Go version), row by row, 64 columns per draw.
func signs(rows, cols int, seed uint64) [][]uint64 {
	words := (cols + 63) / 64
	x := seed
	out := make([][]uint64, rows)
	for j := range out {
		out[j] = make([]uint64, words)
		for w := range out[j] {
			x += 0x9e3779b97f4a7c15
			z := x
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
			z = (z ^ (z >> 27)) * 0x94d049bb133111eb
			out[j][w] = z ^ (z >> 31)
		}
	}
	return out
}

// Direct runs on an engine the caller owns (a CLI that loaded a model file, a test); nothing
// else may close it meanwhile. The scheduler's method does the same under a lease.
func Direct(e *inference.Engine) Engine { return direct{e} }

type direct struct{ e *inference.Engine }

func (d direct) Hidden(ctx context.Context, path, text string, upto int) ([]float32, int, error) {
	if path != d.e.Path {
		return nil, 0, fmt.Errorf("%w: %s is loaded, not %s", inference.ErrUnloaded, d.e.Path, path)
	}
	toks := d.e.Tok.Encode(text, d.e.Tok.AddBOS(), false)
	h, err := d.e.Hidden(ctx, toks, upto)
	return h, len(toks), err
}
