package inference_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/model"
)

// oneByOne is the reference Hidden must match: the token embedding, then layers [0, upto) fed
// one token at a time, as a generation feeds them.
func oneByOne(t *testing.T, e *inference.Engine, toks []int32, upto int) []float32 {
	t.Helper()
	d := e.Model.HP.NEmbd
	x := make([]float32, d)
	if upto == 0 {
		if err := e.Model.Embed(toks[len(toks)-1:], x); err != nil {
			t.Fatal(err)
		}
		return x
	}
	st, err := e.NewStage(len(toks), 0, upto, model.CacheF32, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range toks {
		if err := e.Model.Embed([]int32{tok}, x); err != nil {
			t.Fatal(err)
		}
		if err := st.Forward(context.Background(), x); err != nil {
			t.Fatal(err)
		}
	}
	return x
}

func sameBits(t *testing.T, what string, got, want []float32) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s: value %d = %v, want %v", what, i, got[i], want[i])
		}
	}
}

// Hidden over a whole prompt in one call gives the bits of the layers run one token at a time,
// for every layer count, past one batch of MaxBatch tokens, and on every kernel tier this CPU
// has: an embedding is a function of the model and the text only.
func TestEmbedHiddenIsBatchAndTierInvariant(t *testing.T) {
	e, err := inference.Load(tinyModel(t), inference.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	short := e.Tokenize(`This sentence: "the cat sat on the mat" means in one word: "`)
	long := e.Tokenize(strings.Repeat("A longer memory, written down so that it spans more than one batch. ", 8))
	if len(long) <= inference.MaxBatch {
		t.Fatalf("the long prompt has %d tokens, not more than one batch of %d", len(long), inference.MaxBatch)
	}
	n := e.Model.HP.NLayer
	type key struct {
		long bool
		upto int
	}
	want := map[key][]float32{}
	for _, toks := range [][]int32{short, long} {
		for _, upto := range []int{0, 1, n / 2, n} {
			ref := oneByOne(t, e, toks, upto)
			got, err := e.Hidden(ctx, toks, upto)
			if err != nil {
				t.Fatal(err)
			}
			sameBits(t, "one batch vs one token at a time", got, ref)
			want[key{len(toks) == len(long), upto}] = got
		}
	}
	if a, b := want[key{false, n / 2}], want[key{false, n}]; a[0] == b[0] && a[1] == b[1] && a[2] == b[2] {
		t.Fatalf("layers [0, %d) and [0, %d) give the same state: the layers did not run", n/2, n)
	}
	tiers := kernels.Tiers()
	t.Logf("kernel tiers compared: %v", tiers)
	for _, name := range tiers {
		restore, err := kernels.Use(name)
		if err != nil {
			t.Fatal(err)
		}
		for k, w := range want {
			toks := short
			if k.long {
				toks = long
			}
			got, err := e.Hidden(ctx, toks, k.upto)
			if err != nil {
				restore()
				t.Fatal(err)
			}
			sameBits(t, name+" tier", got, w)
		}
		restore()
	}
}

// The returned state is the caller's: a second call does not overwrite it.
func TestEmbedHiddenReturnsACopy(t *testing.T) {
	e, err := inference.Load(tinyModel(t), inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	a, err := e.Hidden(ctx, e.Tokenize("first text"), 2)
	if err != nil {
		t.Fatal(err)
	}
	keep := append([]float32(nil), a...)
	if _, err := e.Hidden(ctx, e.Tokenize("a second, different text"), 2); err != nil {
		t.Fatal(err)
	}
	sameBits(t, "the first result after a second call", a, keep)
}

func TestEmbedHiddenRejects(t *testing.T) {
	path := tinyModel(t)
	e, err := inference.Load(path, inference.Options{Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	toks := e.Tokenize("some text")
	n := e.Model.HP.NLayer
	if _, err := e.Hidden(ctx, nil, 1); err == nil {
		t.Fatal("no tokens were accepted")
	}
	for _, upto := range []int{-1, n + 1} {
		if _, err := e.Hidden(ctx, toks, upto); err == nil {
			t.Fatalf("layer %d of %d was accepted", upto, n)
		}
	}
	if _, err := e.Hidden(ctx, make([]int32, e.Model.HP.NCtxTrain+1), 1); !errors.Is(err, inference.ErrPromptTooLong) {
		t.Fatalf("a prompt longer than the training context: %v, want ErrPromptTooLong", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Hidden(cancelled, toks, n); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled context: %v", err)
	}
	part, err := inference.Load(path, inference.Options{Threads: 1, LayerRange: [2]int{1, n}})
	if err != nil {
		t.Fatal(err)
	}
	defer part.Close()
	if _, err := part.Hidden(ctx, toks, 1); !errors.Is(err, inference.ErrPartial) {
		t.Fatalf("an engine without layer 0: %v, want ErrPartial", err)
	}
	head, err := inference.Load(path, inference.Options{Threads: 1, LayerRange: [2]int{0, 1}})
	if err != nil {
		t.Fatal(err)
	}
	defer head.Close()
	if _, err := head.Hidden(ctx, toks, 1); err != nil {
		t.Fatalf("layers [0, 1) on an engine holding them: %v", err)
	}
	if _, err := head.Hidden(ctx, toks, 2); !errors.Is(err, inference.ErrPartial) {
		t.Fatalf("layers [0, 2) on an engine holding [0, 1): %v, want ErrPartial", err)
	}
}
