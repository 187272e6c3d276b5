package api

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"

	"github.com/aria-node/aria/backend/embed"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
)

// Embedder is what POST /v1/embeddings serves: backend/embed's Model, or any vector space.
type Embedder interface {
	Space() string
	Dim() int
	Embed(ctx context.Context, texts []string) ([][]float32, error)
}

// TokenCounter is an Embedder that also reports the tokens it read, for the response's usage
// (backend/embed's Model is one). Without it usage is zero.
type TokenCounter interface {
	EmbedCount(ctx context.Context, texts []string) ([][]float32, int, error)
}

// Limits of one embeddings request. Every input costs a prompt evaluation on a CPU, so a request
// is kept to what a few seconds can serve; an input may be as long as the model embedder reads
// (backend/embed DefaultMaxText), so nothing accepted is cut silently.
const (
	MaxEmbeddingInputs     = 32
	MaxEmbeddingInputBytes = embed.DefaultMaxText
	// maxEmbeddingBody allows every input at its limit with JSON's worst escaping (\uXXXX).
	maxEmbeddingBody = MaxEmbeddingInputs*MaxEmbeddingInputBytes*6 + 64<<10
)

// EmbeddingsRequest is OpenAI's request body. Input is a string or an array of strings (token
// arrays, which OpenAI also takes, are refused: the tokenizer is the node's business).
type EmbeddingsRequest struct {
	Input          json.RawMessage `json:"input"`
	Model          string          `json:"model"`
	EncodingFormat string          `json:"encoding_format,omitempty"` // "float" (default) or "base64"
	Dimensions     *int            `json:"dimensions,omitempty"`      // only the embedder's own
	User           string          `json:"user,omitempty"`
}

// EmbeddingsResponse is OpenAI's response body.
type EmbeddingsResponse struct {
	Object string          `json:"object"` // "list"
	Data   []EmbeddingData `json:"data"`
	Model  string          `json:"model"`
	Usage  EmbeddingsUsage `json:"usage"`
}

// EmbeddingData is one input's vector.
type EmbeddingData struct {
	Object    string          `json:"object"` // "embedding"
	Index     int             `json:"index"`
	Embedding EmbeddingVector `json:"embedding"`
}

// EmbeddingsUsage counts the tokens the model read (the inputs in the embedder's prompt).
type EmbeddingsUsage struct {
	PromptTokens int `json:"prompt_tokens"`
	TotalTokens  int `json:"total_tokens"`
}

// EmbeddingVector is a vector written as a JSON array of numbers, or, when Base64 is set, as
// OpenAI's base64 string of its little-endian float32 bytes.
type EmbeddingVector struct {
	Values []float32
	Base64 bool
}

// MarshalJSON writes the array or the base64 string.
func (v EmbeddingVector) MarshalJSON() ([]byte, error) {
	if !v.Base64 {
		if v.Values == nil {
			return []byte("[]"), nil
		}
		return json.Marshal(v.Values)
	}
	b := make([]byte, 4*len(v.Values))
	for i, x := range v.Values {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return json.Marshal(base64.StdEncoding.EncodeToString(b))
}

// UnmarshalJSON reads either form (a client of this package, and the tests).
func (v *EmbeddingVector) UnmarshalJSON(data []byte) error {
	var s string
	if err := json.Unmarshal(data, &s); err == nil {
		b, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return fmt.Errorf("embedding: %w", err)
		}
		if len(b)%4 != 0 {
			return fmt.Errorf("embedding: %d bytes are not whole float32s", len(b))
		}
		v.Base64, v.Values = true, make([]float32, len(b)/4)
		for i := range v.Values {
			v.Values[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
		}
		return nil
	}
	v.Base64 = false
	return json.Unmarshal(data, &v.Values)
}

// EmbeddingsHandler serves POST /v1/embeddings with e. model is the name responses carry and
// the only one a request may name (an empty one means it); when the loaded model changes, make
// a new handler (it is cheap) with the new embedder and name.
func EmbeddingsHandler(e Embedder, model string) http.Handler {
	return &embeddingsHandler{e: e, model: model}
}

type embeddingsHandler struct {
	e     Embedder
	model string
}

func (h *embeddingsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		WriteError(w, http.StatusMethodNotAllowed, "method_not_allowed", "", r.Method+" is not allowed here: POST the request")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxEmbeddingBody)
	var req EmbeddingsRequest
	if !decode(w, r, &req) {
		return
	}
	inputs, err := embeddingInputs(req.Input)
	if err == nil {
		err = h.check(&req)
	}
	if err != nil {
		var br *badRequest
		switch {
		case errors.As(err, &br):
			WriteError(w, http.StatusBadRequest, "", br.param, br.msg)
		case errors.Is(err, errModelNotFound):
			WriteError(w, http.StatusNotFound, "model_not_found", "model", err.Error())
		default:
			WriteError(w, http.StatusInternalServerError, "", "", err.Error())
		}
		return
	}
	var vecs [][]float32
	tokens := 0
	if tc, ok := h.e.(TokenCounter); ok {
		vecs, tokens, err = tc.EmbedCount(r.Context(), inputs)
	} else {
		vecs, err = h.e.Embed(r.Context(), inputs)
	}
	if err == nil && len(vecs) != len(inputs) {
		err = fmt.Errorf("the embedder returned %d vectors for %d inputs", len(vecs), len(inputs))
	}
	if err != nil {
		embeddingsFail(w, err)
		return
	}
	resp := EmbeddingsResponse{Object: "list", Data: make([]EmbeddingData, len(vecs)), Model: h.model,
		Usage: EmbeddingsUsage{PromptTokens: tokens, TotalTokens: tokens}}
	for i, v := range vecs {
		resp.Data[i] = EmbeddingData{Object: "embedding", Index: i, Embedding: EmbeddingVector{Values: v, Base64: req.EncodingFormat == "base64"}}
	}
	WriteJSON(w, http.StatusOK, resp)
}

// check validates the fields besides input.
func (h *embeddingsHandler) check(req *EmbeddingsRequest) error {
	switch req.EncodingFormat {
	case "", "float", "base64":
	default:
		return bad("encoding_format", "encoding_format must be \"float\" or \"base64\", not %q", req.EncodingFormat)
	}
	if d := req.Dimensions; d != nil && *d != h.e.Dim() {
		return bad("dimensions", "dimensions must be %d (this embedder's) or left out, not %d", h.e.Dim(), *d)
	}
	if req.Model != "" && req.Model != h.model {
		return fmt.Errorf("%w: %q is not loaded; embeddings come from the loaded model, %q", errModelNotFound, req.Model, h.model)
	}
	return nil
}

// embeddingInputs reads input: a string or an array of strings, none empty, within the limits.
func embeddingInputs(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, bad("input", "input is required: a string or an array of strings")
	}
	var inputs []string
	var one string
	if err := json.Unmarshal(raw, &one); err == nil {
		inputs = []string{one}
	} else if err := json.Unmarshal(raw, &inputs); err != nil {
		return nil, bad("input", "input must be a string or an array of strings (token arrays are not accepted)")
	}
	if len(inputs) == 0 {
		return nil, bad("input", "input must not be an empty array")
	}
	if len(inputs) > MaxEmbeddingInputs {
		return nil, bad("input", "input has %d strings; at most %d are embedded per request", len(inputs), MaxEmbeddingInputs)
	}
	for i, s := range inputs {
		if s == "" {
			return nil, bad("input", "input[%d] is empty", i)
		}
		if len(s) > MaxEmbeddingInputBytes {
			return nil, bad("input", "input[%d] has %d bytes; at most %d are embedded", i, len(s), MaxEmbeddingInputBytes)
		}
	}
	return inputs, nil
}

// embeddingsFail maps the embedder's errors as the completions' are mapped (Handler.fail).
func embeddingsFail(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, scheduler.ErrBusy):
		w.Header().Set("Retry-After", "2")
		WriteError(w, http.StatusTooManyRequests, "queue_full", "", "the node is busy: its queue of requests is full; retry shortly")
	case errors.Is(err, inference.ErrPartial):
		WriteError(w, http.StatusServiceUnavailable, "partial_model", "", "this node loaded only some of the model's layers to serve other nodes' pipelines; it does not answer requests itself")
	case errors.Is(err, scheduler.ErrNoModel), errors.Is(err, scheduler.ErrClosed):
		WriteError(w, http.StatusServiceUnavailable, "no_model_loaded", "", "no model is loaded: load one in the app, or start the node with --model FILE")
	case errors.Is(err, inference.ErrUnloaded):
		w.Header().Set("Retry-After", "1")
		WriteError(w, http.StatusServiceUnavailable, "model_changed", "", "the model was replaced while embedding: retry")
	case errors.Is(err, inference.ErrPromptTooLong):
		WriteError(w, http.StatusBadRequest, "context_length_exceeded", "input", err.Error())
	default:
		WriteError(w, http.StatusInternalServerError, "", "", "embedding failed: "+err.Error())
	}
}
