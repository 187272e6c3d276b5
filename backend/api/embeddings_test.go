package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/embed"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/gguf"
	"github.com/aria-node/aria/inference/synth"
)

// fakeEmbedder gives input i of a call the vector (len(text), i, -1.5) and counts 3 tokens a
// text; err, when set, is returned instead.
type fakeEmbedder struct {
	mu    sync.Mutex
	calls [][]string
	err   error
}

func (f *fakeEmbedder) Space() string { return "fake/3" }
func (f *fakeEmbedder) Dim() int      { return 3 }
func (f *fakeEmbedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	v, _, err := f.EmbedCount(ctx, texts)
	return v, err
}
func (f *fakeEmbedder) EmbedCount(_ context.Context, texts []string) ([][]float32, int, error) {
	f.mu.Lock()
	f.calls = append(f.calls, texts)
	f.mu.Unlock()
	if f.err != nil {
		return nil, 0, f.err
	}
	out := make([][]float32, len(texts))
	for i, s := range texts {
		out[i] = []float32{float32(len(s)), float32(i), -1.5}
	}
	return out, 3 * len(texts), nil
}

// wire is the response as OpenAI documents it; unknown fields fail the decoding.
type wire struct {
	Object string `json:"object"`
	Data   []struct {
		Object    string          `json:"object"`
		Index     int             `json:"index"`
		Embedding json.RawMessage `json:"embedding"`
	} `json:"data"`
	Model string `json:"model"`
	Usage struct {
		PromptTokens int `json:"prompt_tokens"`
		TotalTokens  int `json:"total_tokens"`
	} `json:"usage"`
}

type wireError struct {
	Error struct {
		Message string  `json:"message"`
		Type    string  `json:"type"`
		Param   *string `json:"param"`
		Code    *string `json:"code"`
	} `json:"error"`
}

func serve(t *testing.T, e api.Embedder, model string) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/v1/embeddings", api.EmbeddingsHandler(e, model))
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts.URL + "/v1/embeddings"
}

func postEmbeddings(t *testing.T, url, body string) (int, []byte) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Fatalf("Content-Type %q", ct)
	}
	return resp.StatusCode, b
}

func decodeStrict(t *testing.T, b []byte, v any) {
	t.Helper()
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
}

func TestEmbeddingsShape(t *testing.T) {
	f := &fakeEmbedder{}
	url := serve(t, f, "bitnet-2b")
	for _, c := range []struct {
		body  string
		texts []string
	}{
		{`{"input": "hello", "model": "bitnet-2b"}`, []string{"hello"}},
		{`{"input": ["a", "bc", "déf"], "model": "bitnet-2b", "encoding_format": "float"}`, []string{"a", "bc", "déf"}},
		{`{"input": "no model named", "dimensions": 3, "user": "u1"}`, []string{"no model named"}},
	} {
		status, b := postEmbeddings(t, url, c.body)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", c.body, status, b)
		}
		var r wire
		decodeStrict(t, b, &r)
		if r.Object != "list" || r.Model != "bitnet-2b" || len(r.Data) != len(c.texts) ||
			r.Usage.PromptTokens != 3*len(c.texts) || r.Usage.TotalTokens != r.Usage.PromptTokens {
			t.Fatalf("%s: %s", c.body, b)
		}
		for i, d := range r.Data {
			var v []float32
			if err := json.Unmarshal(d.Embedding, &v); err != nil {
				t.Fatalf("data[%d].embedding %s is not an array of numbers: %v", i, d.Embedding, err)
			}
			want := []float32{float32(len(c.texts[i])), float32(i), -1.5}
			if d.Object != "embedding" || d.Index != i || fmt.Sprint(v) != fmt.Sprint(want) {
				t.Fatalf("data[%d] = %s %d %v, want embedding %d %v", i, d.Object, d.Index, v, i, want)
			}
		}
		last := f.calls[len(f.calls)-1]
		if fmt.Sprint(last) != fmt.Sprint(c.texts) {
			t.Fatalf("the embedder got %q, want %q", last, c.texts)
		}
	}
}

// base64 is the little-endian float32 bytes, as OpenAI's clients decode them.
func TestEmbeddingsBase64(t *testing.T) {
	url := serve(t, &fakeEmbedder{}, "m")
	status, b := postEmbeddings(t, url, `{"input": ["x", "yy"], "model": "m", "encoding_format": "base64"}`)
	if status != http.StatusOK {
		t.Fatalf("%d %s", status, b)
	}
	var r wire
	decodeStrict(t, b, &r)
	for i, d := range r.Data {
		var s string
		if err := json.Unmarshal(d.Embedding, &s); err != nil {
			t.Fatalf("data[%d].embedding %s is not a string", i, d.Embedding)
		}
		raw, err := base64.StdEncoding.DecodeString(s)
		if err != nil || len(raw) != 12 {
			t.Fatalf("data[%d]: %q decodes to %d bytes (%v)", i, s, len(raw), err)
		}
		want := []float32{float32(i + 1), float32(i), -1.5}
		for j, w := range want {
			if got := math.Float32frombits(binary.LittleEndian.Uint32(raw[4*j:])); got != w {
				t.Fatalf("data[%d] value %d: %v, want %v", i, j, got, w)
			}
		}
	}
	// Pinned by hand: 1.0 is 0x3f800000 and -1.5 is 0xbfc00000, low byte first.
	first, _ := json.Marshal(api.EmbeddingVector{Values: []float32{1, -1.5}, Base64: true})
	if string(first) != `"AACAPwAAwL8="` {
		t.Fatalf("[1, -1.5] in base64: %s", first)
	}
}

func TestEmbeddingsErrors(t *testing.T) {
	f := &fakeEmbedder{}
	url := serve(t, f, "m")
	many := `["` + strings.Repeat(`a", "`, api.MaxEmbeddingInputs) + `a"]`
	big := strings.Repeat("x", api.MaxEmbeddingInputBytes+1)
	for _, c := range []struct {
		name, body string
		status     int
		param      string
		code       string
	}{
		{"no input", `{"model": "m"}`, 400, "input", ""},
		{"null input", `{"input": null}`, 400, "input", ""},
		{"empty string", `{"input": ""}`, 400, "input", ""},
		{"an empty string among others", `{"input": ["a", ""]}`, 400, "input", ""},
		{"empty array", `{"input": []}`, 400, "input", ""},
		{"token array", `{"input": [1, 2, 3]}`, 400, "input", ""},
		{"a number", `{"input": 7}`, 400, "input", ""},
		{"too many inputs", `{"input": ` + many + `}`, 400, "input", ""},
		{"an oversized input", `{"input": ["ok", "` + big + `"]}`, 400, "input", ""},
		{"bad encoding", `{"input": "a", "encoding_format": "int8"}`, 400, "encoding_format", ""},
		{"other dimensions", `{"input": "a", "dimensions": 1536}`, 400, "dimensions", ""},
		{"another model", `{"input": "a", "model": "text-embedding-3-small"}`, 404, "model", "model_not_found"},
		{"broken JSON", `{"input": "a"`, 400, "", "invalid_json"},
		{"model not a string", `{"input": "a", "model": 5}`, 400, "model", "invalid_type"},
	} {
		status, b := postEmbeddings(t, url, c.body)
		var e wireError
		decodeStrict(t, b, &e)
		param, code := "", ""
		if e.Error.Param != nil {
			param = *e.Error.Param
		}
		if e.Error.Code != nil {
			code = *e.Error.Code
		}
		wantType := "invalid_request_error"
		if c.status == 404 {
			wantType = "not_found_error"
		}
		if status != c.status || param != c.param || code != c.code || e.Error.Type != wantType || e.Error.Message == "" {
			t.Fatalf("%s: %d %s; want %d, param %q, code %q", c.name, status, b, c.status, c.param, c.code)
		}
	}
	if len(f.calls) != 0 {
		t.Fatalf("bad requests reached the embedder: %q", f.calls)
	}
	// At the limits exactly, the request is served.
	atLimit := `{"input": ["` + strings.Repeat(`a", "`, api.MaxEmbeddingInputs-2) + strings.Repeat("x", api.MaxEmbeddingInputBytes) + `"]}`
	if status, b := postEmbeddings(t, url, atLimit); status != 200 {
		t.Fatalf("%d inputs, one of %d bytes: %d %.300s", api.MaxEmbeddingInputs-1, api.MaxEmbeddingInputBytes, status, b)
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
		t.Fatalf("GET: %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// The embedder's failures map to the statuses the completions use.
func TestEmbeddingsEmbedderErrors(t *testing.T) {
	for _, c := range []struct {
		err    error
		status int
		code   string
	}{
		{scheduler.ErrNoModel, 503, "no_model_loaded"},
		{fmt.Errorf("embed text 0: %w", scheduler.ErrBusy), 429, "queue_full"},
		{fmt.Errorf("embed text 1: %w", inference.ErrUnloaded), 503, "model_changed"},
		{fmt.Errorf("embed text 0: hidden: %w", inference.ErrPartial), 503, "partial_model"},
		{fmt.Errorf("disk on fire"), 500, ""},
	} {
		url := serve(t, &fakeEmbedder{err: c.err}, "m")
		status, b := postEmbeddings(t, url, `{"input": "a"}`)
		var e wireError
		decodeStrict(t, b, &e)
		code := ""
		if e.Error.Code != nil {
			code = *e.Error.Code
		}
		if status != c.status || code != c.code {
			t.Fatalf("%v: %d %s; want %d %q", c.err, status, b, c.status, c.code)
		}
	}
}

// With the model embedder over a synthetic model: unit vectors of the embedder's dimension, the
// same for the same text in both encodings, and tokens counted.
func TestEmbeddingsWithTheModelEmbedder(t *testing.T) {
	p := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := synth.Write(p, synth.Options{Shape: synth.Shapes["tiny"], Type: gguf.TypeTQ2_0, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	e, err := inference.Load(p, inference.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	m, err := embed.New(embed.Direct(e), embed.Info{Path: p, SHA256: hex.EncodeToString(sum[:]), Layers: e.Model.HP.NLayer, Width: e.Model.HP.NEmbd}, embed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	url := serve(t, m, "tiny")
	var got [2][]float32
	for i, format := range []string{"float", "base64"} {
		status, body := postEmbeddings(t, url, `{"input": ["remember the milk", "the cat sat"], "encoding_format": "`+format+`"}`)
		if status != 200 {
			t.Fatalf("%d %s", status, body)
		}
		var r api.EmbeddingsResponse
		if err := json.Unmarshal(body, &r); err != nil {
			t.Fatal(err)
		}
		if len(r.Data) != 2 || r.Usage.PromptTokens < 2*len(e.Tokenize(m.Prompt(""))) {
			t.Fatalf("%s: %d vectors, %d tokens", format, len(r.Data), r.Usage.PromptTokens)
		}
		v := r.Data[0].Embedding.Values
		ss := 0.0
		for _, x := range v {
			ss += float64(x) * float64(x)
		}
		if len(v) != m.Dim() || math.Abs(ss-1) > 1e-5 {
			t.Fatalf("%s: %d values of squared norm %v", format, len(v), ss)
		}
		got[i] = v
	}
	for j := range got[0] {
		if got[0][j] != got[1][j] {
			t.Fatalf("value %d: %v as a number, %v from base64", j, got[0][j], got[1][j])
		}
	}
}
