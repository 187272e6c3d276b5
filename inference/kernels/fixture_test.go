package kernels

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/aria-node/aria/inference/fixtures"
	"github.com/aria-node/aria/inference/gguf"
)

func openFixture(t *testing.T, name string) *gguf.File {
	t.Helper()
	f, err := gguf.Open(fixtures.Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func fixtureMatrix(t *testing.T, f *gguf.File, name string) *Matrix {
	t.Helper()
	ti, ok := f.Tensor(name)
	if !ok || len(ti.Dims) != 2 {
		t.Fatalf("tensor %s missing or not 2-D", name)
	}
	m, err := NewMatrix(ti.Type, int(ti.Dims[0]), int(ti.Dims[1]), f.Data(ti))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// TestFixtureMatVec multiplies the same weights stored as TQ2_0 (and F16 for the embedding) and
// as F32, from the two tiny fixture models.
func TestFixtureMatVec(t *testing.T) {
	fq := openFixture(t, "bitnet-tiny-tq2_0.gguf")
	ff := openFixture(t, "bitnet-tiny-f32.gguf")
	rng := rand.New(rand.NewPCG(41, 42))
	pool := NewPool(2)
	defer pool.Close()
	for _, name := range []string{"blk.0.attn_q.weight", "blk.1.attn_k.weight", "blk.3.ffn_down.weight", "blk.2.ffn_up.weight", "token_embd.weight"} {
		mq := fixtureMatrix(t, fq, name)
		mf := fixtureMatrix(t, ff, name)
		if mf.Type != gguf.TypeF32 || mq.Rows != mf.Rows || mq.Cols != mf.Cols {
			t.Fatalf("%s: %s %d×%d vs %s %d×%d", name, mq.Type, mq.Rows, mq.Cols, mf.Type, mf.Rows, mf.Cols)
		}
		x := testActivation(rng, "normal", mq.Cols)
		var a Activation
		a.Set(x)
		yq, yf := make([]float32, mq.Rows), make([]float32, mf.Rows)
		MatVec(pool, mq, &a, yq)
		MatVec(pool, mf, &a, yf)
		wrow := make([]float32, mf.Cols)
		for r := range yq {
			if err := mf.DequantizeRow(r, wrow); err != nil {
				t.Fatal(err)
			}
			var mag float64
			for i := range wrow {
				mag += math.Abs(float64(wrow[i]) * float64(x[i]))
			}
			tol := 0.01 * mag // Q8_K activation rounding
			if mq.Type == gguf.TypeF16 {
				tol = 1e-3 * mag // fp16 activation rounding
			}
			if d := math.Abs(float64(yq[r] - yf[r])); d > tol {
				t.Errorf("%s row %d: %s %g, F32 %g", name, r, mq.Type, yq[r], yf[r])
			}
			if mq.Type == gguf.TypeTQ2_0 {
				if e := exactTernary(t, mq, &a, r); e != yq[r] {
					t.Errorf("%s row %d: %g, exact %g", name, r, yq[r], e)
				}
			}
		}
	}
	// The F16 embedding holds fp16-exact values: a row lookup equals the F32 file's row.
	eq, ef := fixtureMatrix(t, fq, "token_embd.weight"), fixtureMatrix(t, ff, "token_embd.weight")
	rq, rf := make([]float32, eq.Cols), make([]float32, ef.Cols)
	for _, tok := range []int{0, 255, 510, eq.Rows - 1} {
		if err := eq.DequantizeRow(tok, rq); err != nil {
			t.Fatal(err)
		}
		if err := ef.DequantizeRow(tok, rf); err != nil {
			t.Fatal(err)
		}
		for i := range rq {
			if rq[i] != rf[i] {
				t.Fatalf("token %d element %d: F16 %g, F32 %g", tok, i, rq[i], rf[i])
			}
		}
	}
}
