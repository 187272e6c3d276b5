// Package synth writes synthetic BitNet b1.58 GGUF models: real files, in every weight format
// the engine runs, with random ternary weights and a working byte-level BPE tokenizer. No model
// can be downloaded on the machines that build ARIA, so tests, benchmarks and the offline demo
// model use these. Their text is gibberish; their shapes, formats and speed are real.
package synth

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/quant"
)

// Shape is the geometry of a model.
type Shape struct {
	Name      string
	Arch      string // bitnet (silu FFN) or bitnet-b1.58 (relu² FFN, the 2B4T model)
	NEmbd     int
	NFF       int
	NLayer    int
	NHead     int
	NHeadKV   int
	NVocab    int
	NCtx      int
	RopeTheta float32
}

// Shapes are the named shapes: the fixtures' tiny model, bitnet_b1_58-large (0.7B) and
// BitNet b1.58 2B4T.
var Shapes = map[string]Shape{
	"tiny": {Name: "tiny", Arch: "bitnet", NEmbd: 256, NFF: 768, NLayer: 4, NHead: 8, NHeadKV: 2, NVocab: 512, NCtx: 2048, RopeTheta: 500000},
	"0.7b": {Name: "0.7b", Arch: "bitnet", NEmbd: 1536, NFF: 4096, NLayer: 24, NHead: 16, NHeadKV: 16, NVocab: 32002, NCtx: 2048, RopeTheta: 10000},
	"2b4t": {Name: "2b4t", Arch: "bitnet-b1.58", NEmbd: 2560, NFF: 6912, NLayer: 30, NHead: 20, NHeadKV: 5, NVocab: 128256, NCtx: 4096, RopeTheta: 500000},
}

// ShapeNames lists the named shapes, sorted.
func ShapeNames() []string {
	var n []string
	for k := range Shapes {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// Options choose what to write.
type Options struct {
	Shape    Shape
	Type     gguf.Type // of the seven linear weights per layer
	EmbdType gguf.Type // of token_embd (the tied head); 0 picks F16 (F32 for F32 models)
	Seed     uint64
	Name     string // general.name; default "ARIA synthetic <shape> <type>"
	// ChatTemplate replaces the shape's Jinja chat template (tests of hostile templates).
	ChatTemplate string
}

// LoopingTemplate is a hostile chat template for tests: it renders the probe made at load time
// at once, and runs for hours in little memory when a message says "loop".
const LoopingTemplate = `{% for m in messages %}{% if m['content'] == 'loop' %}{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}{% endif %}{{ m['content'] }}{% endfor %}`

// WeightTypes maps the command-line names to types.
var WeightTypes = map[string]gguf.Type{
	"f32": gguf.TypeF32, "f16": gguf.TypeF16, "bf16": gguf.TypeBF16, "q8_0": gguf.TypeQ8_0,
	"tq1_0": gguf.TypeTQ1_0, "tq2_0": gguf.TypeTQ2_0, "i2_s": gguf.TypeI2_S,
}

// Validate checks that the options describe a model the engine can run.
func (o *Options) Validate() error {
	s := o.Shape
	if s.NEmbd <= 0 || s.NFF <= 0 || s.NLayer <= 0 || s.NHead <= 0 || s.NHeadKV <= 0 || s.NVocab <= 0 || s.NCtx <= 0 {
		return fmt.Errorf("shape %+v: every dimension must be positive", s)
	}
	if s.NEmbd%s.NHead != 0 || s.NHead%s.NHeadKV != 0 || (s.NEmbd/s.NHead)%2 != 0 {
		return fmt.Errorf("shape: embedding %d, heads %d, kv heads %d do not divide into even head dimensions", s.NEmbd, s.NHead, s.NHeadKV)
	}
	if s.NVocab < minVocab {
		return fmt.Errorf("shape: vocabulary %d is smaller than %d (bytes and special tokens)", s.NVocab, minVocab)
	}
	if _, ok := map[string]bool{"bitnet": true, "bitnet-b1.58": true, "bitnet-25": true}[s.Arch]; !ok {
		return fmt.Errorf("shape: architecture %q is not one ARIA runs", s.Arch)
	}
	bs := o.Type.BlockSize()
	if !o.Type.Known() {
		return fmt.Errorf("weight type %d unknown", o.Type)
	}
	for _, k := range []int{s.NEmbd, s.NFF} {
		if k%bs != 0 {
			return fmt.Errorf("%s needs row lengths that are multiples of %d; %d is not", o.Type, bs, k)
		}
	}
	if et := o.embdType(); s.NEmbd%et.BlockSize() != 0 {
		return fmt.Errorf("embedding type %s needs the embedding length to be a multiple of %d", et, et.BlockSize())
	}
	return nil
}

func (o *Options) embdType() gguf.Type {
	if o.EmbdType != 0 || o.Type == gguf.TypeF32 {
		return o.EmbdType
	}
	return gguf.TypeF16
}

// fileType is llama.cpp's general.file_type for the weight type (informational).
var fileType = map[gguf.Type]uint32{
	gguf.TypeF32: 0, gguf.TypeF16: 1, gguf.TypeQ8_0: 7, gguf.TypeBF16: 32,
	gguf.TypeTQ1_0: 36, gguf.TypeTQ2_0: 37, gguf.TypeI2_S: 40,
}

// Write generates the model and writes it to path (atomically).
func Write(path string, o Options) error {
	w, err := Build(o)
	if err != nil {
		return err
	}
	return w.WriteFile(path)
}

// Build prepares a writer for the model; tensor data is generated while it is written, row
// block by row block on all cores, so even the 2B4T shape needs little memory.
func Build(o Options) (*gguf.Writer, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	s := o.Shape
	w := gguf.NewWriter()
	arch := s.Arch
	name := o.Name
	if name == "" {
		name = fmt.Sprintf("ARIA synthetic %s %s (random weights)", s.Name, strings.ToLower(o.Type.String()))
	}
	set := func(k string, v any) {
		if err := w.Set(k, v); err != nil {
			panic(err) // only Go types the writer supports are used here
		}
	}
	set("general.architecture", arch)
	set("general.name", name)
	set("general.description", "Synthetic BitNet b1.58 model written by `aria synth`: random ternary weights, for tests and benchmarks. Its output is gibberish.")
	set("general.file_type", fileType[o.Type])
	set("general.quantization_version", uint32(2))
	set(arch+".context_length", uint32(s.NCtx))
	set(arch+".embedding_length", uint32(s.NEmbd))
	set(arch+".block_count", uint32(s.NLayer))
	set(arch+".feed_forward_length", uint32(s.NFF))
	set(arch+".attention.head_count", uint32(s.NHead))
	set(arch+".attention.head_count_kv", uint32(s.NHeadKV))
	set(arch+".rope.freq_base", s.RopeTheta)
	set(arch+".rope.dimension_count", uint32(s.NEmbd/s.NHead))
	set(arch+".attention.layer_norm_rms_epsilon", float32(1e-5))
	set(arch+".vocab_size", uint32(s.NVocab))
	v := buildVocab(s.NVocab)
	set("tokenizer.ggml.model", "gpt2")
	set("tokenizer.ggml.pre", "llama-bpe")
	set("tokenizer.ggml.tokens", v.tokens)
	set("tokenizer.ggml.token_type", v.types)
	set("tokenizer.ggml.merges", v.merges)
	set("tokenizer.ggml.bos_token_id", uint32(v.bos))
	set("tokenizer.ggml.eos_token_id", uint32(v.eos))
	set("tokenizer.ggml.eot_token_id", uint32(v.eot))
	set("tokenizer.ggml.add_bos_token", true)
	set("tokenizer.ggml.add_eos_token", false)
	switch {
	case o.ChatTemplate != "":
		set("tokenizer.chat_template", o.ChatTemplate)
	case s.Arch == "bitnet":
		set("tokenizer.chat_template", Llama3Template)
	default:
		set("tokenizer.chat_template", BitNet2B4TTemplate)
	}

	g := gen{seed: o.Seed}
	d, kv := uint64(s.NEmbd), uint64(s.NEmbd/s.NHead*s.NHeadKV)
	et := o.embdType()
	add := func(name string, t gguf.Type, dims []uint64, fill rowFill) error {
		id := g.next()
		return w.AddTensorFunc(name, t, dims, func(out io.Writer) error {
			return writeMatrix(out, t, int(dims[0]), int(product(dims[1:])), id, fill)
		})
	}
	embd := func(r *rand.Rand, row []float32) float32 {
		for i := range row {
			row[i] = fp16Exact(float32(r.NormFloat64() * 0.2))
		}
		return 0
	}
	if err := add("token_embd.weight", et, []uint64{d, uint64(s.NVocab)}, embd); err != nil {
		return nil, err
	}
	if err := add("output_norm.weight", gguf.TypeF32, []uint64{d}, normWeights(true)); err != nil {
		return nil, err
	}
	for i := 0; i < s.NLayer; i++ {
		p := fmt.Sprintf("blk.%d.", i)
		list := []struct {
			name string
			t    gguf.Type
			dims []uint64
			fill rowFill
		}{
			{"attn_norm.weight", gguf.TypeF32, []uint64{d}, normWeights(false)},
			{"attn_q.weight", o.Type, []uint64{d, d}, nil},
			{"attn_k.weight", o.Type, []uint64{d, kv}, nil},
			{"attn_v.weight", o.Type, []uint64{d, kv}, nil},
			{"attn_sub_norm.weight", gguf.TypeF32, []uint64{d}, normWeights(false)},
			{"attn_output.weight", o.Type, []uint64{d, d}, nil},
			{"ffn_norm.weight", gguf.TypeF32, []uint64{d}, normWeights(false)},
			{"ffn_gate.weight", o.Type, []uint64{d, uint64(s.NFF)}, nil},
			{"ffn_up.weight", o.Type, []uint64{d, uint64(s.NFF)}, nil},
			{"ffn_sub_norm.weight", gguf.TypeF32, []uint64{uint64(s.NFF)}, normWeights(false)},
			{"ffn_down.weight", o.Type, []uint64{uint64(s.NFF), d}, nil},
		}
		for _, t := range list {
			fill := t.fill
			if fill == nil {
				fill = ternary(fp16Exact(float32(1.3 / math.Sqrt(float64(t.dims[0])))))
			}
			if err := add(p+t.name, t.t, t.dims, fill); err != nil {
				return nil, err
			}
		}
	}
	return w, nil
}

func product(d []uint64) uint64 {
	n := uint64(1)
	for _, x := range d {
		n *= x
	}
	return n
}

// gen hands out tensor ids so that each tensor's random stream depends only on the seed
// and the tensor's place in the file.
type gen struct {
	seed uint64
	n    uint64
}

func (g *gen) next() uint64 {
	g.n++
	// splitmix64 of (seed, n): distinct, well-mixed stream ids for every seed and tensor.
	z := g.seed*0x9e3779b97f4a7c15 + g.n*0xbf58476d1ce4e5b9
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}

// rowFill writes one row of float weights; for ternary tensors it returns the tensor scale.
type rowFill func(r *rand.Rand, row []float32) float32

// ternary draws weights s·t with t ∈ {−1, 0, +1} at probabilities 0.3, 0.4, 0.3.
func ternary(s float32) rowFill {
	return func(r *rand.Rand, row []float32) float32 {
		for i := range row {
			switch u := r.Uint32() % 10; {
			case u < 3:
				row[i] = -s
			case u < 7:
				row[i] = 0
			default:
				row[i] = s
			}
		}
		return s
	}
}

// normWeights draws 1 + 0.1·N(0,1); the final norm gets random signs too, which spreads the
// logits of a random model so that sampling is not uniform noise.
func normWeights(signs bool) rowFill {
	return func(r *rand.Rand, row []float32) float32 {
		for i := range row {
			row[i] = float32(1 + 0.1*r.NormFloat64())
			if signs && r.IntN(2) == 0 {
				row[i] = -row[i]
			}
		}
		return 0
	}
}

func fp16Exact(x float32) float32 { return quant.F16ToF32(quant.F32ToF16(x)) }

// writeMatrix generates rows×cols weights (row r from its own random stream, so the result
// does not depend on the number of goroutines) and streams them in type t.
func writeMatrix(out io.Writer, t gguf.Type, cols, rows int, id uint64, fill rowFill) error {
	const chunk = 64 // rows per work item
	type item struct {
		data  []byte
		scale float32
		err   error
	}
	nItems := (rows + chunk - 1) / chunk
	workers := max(1, runtime.NumCPU())
	results := make([]chan item, nItems)
	for i := range results {
		results[i] = make(chan item, 1)
	}
	sem := make(chan struct{}, workers*2) // bounds the rows held in memory
	var wg sync.WaitGroup
	go func() {
		for i := 0; i < nItems; i++ {
			sem <- struct{}{}
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				row := make([]float32, cols)
				var it item
				for r := i * chunk; r < min(rows, (i+1)*chunk); r++ {
					rng := rand.New(rand.NewPCG(id, uint64(r)))
					it.scale = fill(rng, row)
					b, err := encodeRow(t, row)
					if err != nil {
						it.err = err
						break
					}
					it.data = append(it.data, b...)
				}
				results[i] <- it
			}(i)
		}
	}()
	var scale float32
	var err error
	for i := 0; i < nItems; i++ {
		it := <-results[i]
		<-sem
		if err == nil && it.err != nil {
			err = it.err
		}
		if err == nil {
			_, err = out.Write(it.data)
		}
		scale = it.scale
	}
	wg.Wait()
	if err != nil {
		return err
	}
	if t == gguf.TypeI2_S {
		// One f32 scale for the whole tensor, then zero padding to 32 bytes.
		var tail [32]byte
		binary.LittleEndian.PutUint32(tail[:], math.Float32bits(scale))
		_, err = out.Write(tail[:])
	}
	return err
}

// encodeRow quantizes one row. I2_S codes of a row do not depend on its scale, so the rows of
// a tensor can be encoded independently and the single scale appended at the end.
func encodeRow(t gguf.Type, row []float32) ([]byte, error) {
	if t == gguf.TypeI2_S {
		b := quant.QuantizeI2S(row)
		return b[:len(row)/4], nil
	}
	return quant.Quantize(t, row)
}
