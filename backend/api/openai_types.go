package api

import "github.com/aria-node/aria/backend/metrics"

// The OpenAI-compatible responses of /v1.
//
// Field order: where these objects used to be written from maps, encoding/json sorted their
// keys, so the fields are declared in alphabetical order of their JSON names to keep the
// output byte for byte as it was.

// Model is one entry of GET /v1/models, and the answer of GET /v1/models/{id}.
type Model struct {
	ID      string `json:"id"`
	Object  string `json:"object"` // "model"
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

// ModelList is the answer of GET /v1/models.
type ModelList struct {
	Data   []Model `json:"data"`
	Object string  `json:"object"` // "list"
}

// Usage counts the tokens of a request.
type Usage struct {
	CompletionTokens int `json:"completion_tokens"`
	PromptTokens     int `json:"prompt_tokens"`
	TotalTokens      int `json:"total_tokens"`
}

// Logprobs would hold log probabilities; ARIA computes none, so it is always null.
type Logprobs struct{}

// Energy is the meter's figures for one request (the node's part of the "aria" object).
type Energy struct {
	EnergyDetail string       `json:"energy_detail"`
	EnergyKind   metrics.Kind `json:"energy_kind"`
	EnergyMJ     float64      `json:"energy_mj"`    // prompt and generation
	MJPerToken   float64      `json:"mj_per_token"` // generation only, per generated token
}

// Aria is ARIA's extension of a completion ("aria"): the engine's speeds and, when the node
// metered the request, its energy.
type Aria struct {
	*Energy
	// Audit is present when peers' work on the request was re-executed (or "verify": "full"
	// asked for it).
	Audit *Audit `json:"audit,omitempty"`
	// Memory is present on a chat that used memory: what it put into the context, and the
	// intentions the turn fired.
	Memory           *MemoryReport `json:"memory,omitempty"`
	PromptTokensPerS float64       `json:"prompt_tokens_per_s"`
	TokensPerS       float64       `json:"tokens_per_s"`
}

// Audit says how much of the peers' work on a pipelined request this node re-executed, and who
// was caught returning wrong hidden states.
type Audit struct {
	Caught    []string `json:"caught"`    // peer IDs
	Full      bool     `json:"full"`      // every peer's hop was re-executed
	Hops      int      `json:"hops"`      // peers' hops re-executed
	Positions int      `json:"positions"` // positions re-executed, summed over the hops
}

// ChatMessage is the assistant's message of a chat completion.
type ChatMessage struct {
	Content string `json:"content"`
	Role    string `json:"role"` // "assistant"
}

// ChatChoice is the one choice of a chat completion.
type ChatChoice struct {
	FinishReason string      `json:"finish_reason"` // "stop" or "length"
	Index        int         `json:"index"`
	Logprobs     *Logprobs   `json:"logprobs"`
	Message      ChatMessage `json:"message"`
}

// ChatCompletion is the answer of POST /v1/chat/completions without streaming.
type ChatCompletion struct {
	Aria    Aria         `json:"aria"`
	Choices []ChatChoice `json:"choices"`
	Created int64        `json:"created"`
	ID      string       `json:"id"`
	Model   string       `json:"model"`
	Object  string       `json:"object"` // "chat.completion"
	Usage   Usage        `json:"usage"`
}

// ChatDelta is the new part of a streamed chat message: the first chunk carries the role,
// later ones the content, the last one nothing.
type ChatDelta struct {
	Content *string `json:"content,omitempty"`
	Role    string  `json:"role,omitempty"`
}

// ChatChunkChoice is the one choice of a streamed chat chunk.
type ChatChunkChoice struct {
	Delta        ChatDelta `json:"delta"`
	FinishReason *string   `json:"finish_reason"` // null until the last chunk
	Index        int       `json:"index"`
	Logprobs     *Logprobs `json:"logprobs"`
}

// ChatCompletionChunk is one server-sent event of a streamed chat completion. Aria comes with
// the last chunk (with the usage chunk when stream_options.include_usage is set); Usage only
// with that usage chunk, whose Choices is empty.
type ChatCompletionChunk struct {
	Aria    *Aria             `json:"aria,omitempty"`
	Choices []ChatChunkChoice `json:"choices"`
	Created int64             `json:"created"`
	ID      string            `json:"id"`
	Model   string            `json:"model"`
	Object  string            `json:"object"` // "chat.completion.chunk"
	Usage   *Usage            `json:"usage,omitempty"`
}

// CompletionChoice is the one choice of a text completion.
type CompletionChoice struct {
	FinishReason string    `json:"finish_reason"`
	Index        int       `json:"index"`
	Logprobs     *Logprobs `json:"logprobs"`
	Text         string    `json:"text"`
}

// Completion is the answer of POST /v1/completions without streaming.
type Completion struct {
	Aria    Aria               `json:"aria"`
	Choices []CompletionChoice `json:"choices"`
	Created int64              `json:"created"`
	ID      string             `json:"id"`
	Model   string             `json:"model"`
	Object  string             `json:"object"` // "text_completion"
	Usage   Usage              `json:"usage"`
}

// CompletionChunkChoice is the one choice of a streamed text completion chunk.
type CompletionChunkChoice struct {
	FinishReason *string   `json:"finish_reason"`
	Index        int       `json:"index"`
	Logprobs     *Logprobs `json:"logprobs"`
	Text         string    `json:"text"`
}

// CompletionChunk is one server-sent event of a streamed text completion (see
// ChatCompletionChunk for Aria and Usage).
type CompletionChunk struct {
	Aria    *Aria                   `json:"aria,omitempty"`
	Choices []CompletionChunkChoice `json:"choices"`
	Created int64                   `json:"created"`
	ID      string                  `json:"id"`
	Model   string                  `json:"model"`
	Object  string                  `json:"object"` // "text_completion"
	Usage   *Usage                  `json:"usage,omitempty"`
}

// modelObject is Model's older name, kept for the package's tests.
type modelObject = Model
