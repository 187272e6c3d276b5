package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/aria-node/aria/backend/route"
	"github.com/aria-node/aria/backend/scheduler"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/sample"
)

// modelList is the loaded model first, then the other local models.
func (h *Handler) modelList() []Model {
	var out []Model
	seen := map[string]bool{}
	if info, ok := h.o.Backend.Model(); ok {
		out = append(out, Model{ID: info.ID, Object: "model", Created: info.Loaded.Unix(), OwnedBy: "aria"})
		seen[info.ID] = true
	}
	if h.o.Models != nil {
		for _, m := range h.o.Models() {
			if !seen[m.ID] {
				seen[m.ID] = true
				out = append(out, Model{ID: m.ID, Object: "model", Created: 0, OwnedBy: "aria"})
			}
		}
	}
	return out
}

func (h *Handler) models(w http.ResponseWriter, _ *http.Request) {
	list := h.modelList()
	if list == nil {
		list = []Model{}
	}
	WriteJSON(w, http.StatusOK, ModelList{Object: "list", Data: list})
}

func (h *Handler) model(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	for _, m := range h.modelList() {
		if m.ID == id {
			WriteJSON(w, http.StatusOK, m)
			return
		}
	}
	WriteError(w, http.StatusNotFound, "model_not_found", "model", fmt.Sprintf("the model %q does not exist", id))
}

func (h *Handler) status(w http.ResponseWriter, _ *http.Request) {
	st := Status{Version: h.o.Version, AuthRequired: h.o.RequireAuth, Queued: h.o.Backend.Queued()}
	if info, ok := h.o.Backend.Model(); ok {
		st.Model = &ModelStatus{ID: info.ID, Loaded: true, Path: info.Path, Kernels: info.Kernels,
			Threads: info.Threads, Context: info.Context, Synthetic: strings.Contains(info.ID, "random")}
	}
	st.Address = h.o.Address
	if m := h.o.Meter; m != nil {
		st.EnergyKind, st.EnergyDetail = m.Source().Kind(), m.Source().Describe()
	}
	WriteJSON(w, http.StatusOK, st)
}

// params are the sampling fields shared by both completion endpoints.
type params struct {
	Model               string          `json:"model"`
	Stream              bool            `json:"stream"`
	StreamOptions       *streamOptions  `json:"stream_options"`
	Temperature         *float64        `json:"temperature"`
	TopP                *float64        `json:"top_p"`
	MaxTokens           *int            `json:"max_tokens"`
	MaxCompletionTokens *int            `json:"max_completion_tokens"`
	Stop                json.RawMessage `json:"stop"`
	Seed                *int64          `json:"seed"`
	PresencePenalty     *float64        `json:"presence_penalty"`
	FrequencyPenalty    *float64        `json:"frequency_penalty"`
	N                   *int            `json:"n"`
	// Verify "full" re-executes every peer's share of a pipelined request before the answer
	// ends ("sample", the default: a sample of all requests is).
	Verify string `json:"verify"`
	// Aria is ARIA's extension: memory (chat only).
	Aria *ariaRequest `json:"aria"`
}

type streamOptions struct {
	IncludeUsage bool `json:"include_usage"`
}

type chatRequest struct {
	params
	Messages []struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"messages"`
}

type completionRequest struct {
	params
	Prompt json.RawMessage `json:"prompt"`
}

// badRequest is a 400 with a parameter name.
type badRequest struct{ param, msg string }

func (e *badRequest) Error() string { return e.msg }

func bad(param, format string, a ...any) error {
	return &badRequest{param: param, msg: fmt.Sprintf(format, a...)}
}

// decode reads a JSON body into v, answering 400/413 itself; it reports success.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			WriteError(w, http.StatusRequestEntityTooLarge, "request_too_large", "", fmt.Sprintf("the request body is larger than %d bytes", mbe.Limit))
			return false
		}
		if errors.Is(err, os.ErrDeadlineExceeded) {
			WriteError(w, http.StatusRequestTimeout, "request_timeout", "", "the request body came too slowly")
			return false
		}
		WriteError(w, http.StatusBadRequest, "", "", "reading the request body: "+err.Error())
		return false
	}
	if err := json.Unmarshal(body, v); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			WriteError(w, http.StatusBadRequest, "invalid_type", te.Field, fmt.Sprintf("%s must be %s, not a JSON %s", te.Field, te.Type, te.Value))
			return false
		}
		WriteError(w, http.StatusBadRequest, "invalid_json", "", "the request body is not valid JSON: "+err.Error())
		return false
	}
	return true
}

// sampling turns the OpenAI fields into engine parameters, validating ranges as OpenAI does.
func (p *params) sampling() (inference.Request, error) {
	var req inference.Request
	sp := sample.Params{Temperature: 1, TopP: 1, RepeatPenalty: 1}
	if p.Verify != "" && p.Verify != "sample" && p.Verify != "full" {
		return req, bad("verify", "verify must be \"sample\" or \"full\", not %q", p.Verify)
	}
	if p.N != nil && *p.N != 1 {
		return req, bad("n", "n must be 1 (ARIA generates one choice per request)")
	}
	if t := p.Temperature; t != nil {
		if *t < 0 || *t > 2 {
			return req, bad("temperature", "temperature must be between 0 and 2, got %g", *t)
		}
		sp.Temperature = float32(*t)
	}
	if t := p.TopP; t != nil {
		if *t < 0 || *t > 1 {
			return req, bad("top_p", "top_p must be between 0 and 1, got %g", *t)
		}
		sp.TopP = float32(*t)
	}
	for name, v := range map[string]*float64{"presence_penalty": p.PresencePenalty, "frequency_penalty": p.FrequencyPenalty} {
		if v != nil && (*v < -2 || *v > 2) {
			return req, bad(name, "%s must be between -2 and 2, got %g", name, *v)
		}
	}
	if p.PresencePenalty != nil || p.FrequencyPenalty != nil {
		sp.RepeatLastN = -1 // OpenAI's penalties count the whole text so far
		if p.PresencePenalty != nil {
			sp.PresencePenalty = float32(*p.PresencePenalty)
		}
		if p.FrequencyPenalty != nil {
			sp.FrequencyPenalty = float32(*p.FrequencyPenalty)
		}
	}
	if p.Seed != nil {
		// sample treats 0 as "random"; every client seed, 0 included, must reproduce.
		sp.Seed = uint64(*p.Seed)*2 + 1
	}
	max := p.MaxTokens
	if p.MaxCompletionTokens != nil {
		max = p.MaxCompletionTokens
	}
	if max != nil {
		if *max < 1 {
			return req, bad("max_tokens", "max_tokens must be at least 1, got %d", *max)
		}
		req.MaxTokens = *max
	}
	if len(p.Stop) > 0 && string(p.Stop) != "null" {
		var one string
		var many []string
		switch {
		case json.Unmarshal(p.Stop, &one) == nil:
			if one != "" {
				req.Stop = []string{one}
			}
		case json.Unmarshal(p.Stop, &many) == nil:
			if len(many) > 4 {
				return req, bad("stop", "stop takes at most 4 sequences, got %d", len(many))
			}
			for _, s := range many {
				if s != "" {
					req.Stop = append(req.Stop, s)
				}
			}
		default:
			return req, bad("stop", "stop must be a string or an array of strings")
		}
	}
	if err := sp.Validate(); err != nil {
		return req, bad("", "sampling parameters: %v", err)
	}
	req.Sampling = sp
	return req, nil
}

// messageText accepts OpenAI's string content or an array of text parts.
func messageText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", errors.New("content must be a string or an array of content parts")
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type != "text" {
			return "", fmt.Errorf("content part type %q is not supported (text only)", p.Type)
		}
		b.WriteString(p.Text)
	}
	return b.String(), nil
}

var roles = map[string]bool{"system": true, "developer": true, "user": true, "assistant": true, "tool": true}

func (h *Handler) chat(w http.ResponseWriter, r *http.Request) {
	var cr chatRequest
	if !decode(w, r, &cr) {
		return
	}
	req, err := cr.sampling()
	if err == nil && len(cr.Messages) == 0 {
		err = bad("messages", "messages must hold at least one message")
	}
	for i, m := range cr.Messages {
		if err != nil {
			break
		}
		if !roles[m.Role] {
			err = bad(fmt.Sprintf("messages[%d].role", i), "messages[%d].role %q is not one of system, developer, user, assistant, tool", i, m.Role)
			break
		}
		text, terr := messageText(m.Content)
		if terr != nil {
			err = bad(fmt.Sprintf("messages[%d].content", i), "messages[%d].content: %v", i, terr)
			break
		}
		role := m.Role
		if role == "developer" {
			role = "system"
		}
		req.Messages = append(req.Messages, chat.Message{Role: role, Content: text})
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	h.run(w, r, &cr.params, req, "chat.completion", "chatcmpl-")
}

func (h *Handler) completions(w http.ResponseWriter, r *http.Request) {
	var cr completionRequest
	if !decode(w, r, &cr) {
		return
	}
	req, err := cr.sampling()
	if err == nil {
		var one string
		var many []string
		switch {
		case json.Unmarshal(cr.Prompt, &one) == nil:
			req.Prompt = one
		case json.Unmarshal(cr.Prompt, &many) == nil && len(many) == 1:
			req.Prompt = many[0]
		default:
			err = bad("prompt", "prompt must be a string (or an array of exactly one string)")
		}
	}
	if err == nil && req.Prompt == "" {
		err = bad("prompt", "prompt must not be empty")
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	h.run(w, r, &cr.params, req, "text_completion", "cmpl-")
}

// fail maps an error to its status and writes it.
func (h *Handler) fail(w http.ResponseWriter, err error) {
	var br *badRequest
	var tl *scheduler.PromptTooLongError
	switch {
	case errors.As(err, &br):
		WriteError(w, http.StatusBadRequest, "", br.param, br.msg)
	case errors.As(err, &tl):
		WriteError(w, http.StatusBadRequest, "context_length_exceeded", "messages",
			fmt.Sprintf("This model's maximum context length is %d tokens. However, your prompt has %d tokens (leave room for at least one generated token).", tl.Context, tl.Tokens))
	case errors.Is(err, scheduler.ErrBusy):
		w.Header().Set("Retry-After", "2")
		WriteError(w, http.StatusTooManyRequests, "queue_full", "", "the node is busy: its queue of requests is full; retry shortly")
	case errors.Is(err, inference.ErrPartial):
		WriteError(w, http.StatusServiceUnavailable, "partial_model", "", "this node loaded only some of the model's layers to serve other nodes' pipelines; it does not answer requests itself")
	case errors.Is(err, scheduler.ErrNoModel), errors.Is(err, scheduler.ErrClosed):
		WriteError(w, http.StatusServiceUnavailable, "no_model_loaded", "", "no model is loaded: load one in the app, or start the node with --model FILE")
	case errors.Is(err, errModelNotFound):
		WriteError(w, http.StatusNotFound, "model_not_found", "model", err.Error())
	case errors.Is(err, inference.ErrTemplate):
		WriteError(w, http.StatusInternalServerError, "chat_template_failed", "", err.Error())
	default:
		WriteError(w, http.StatusInternalServerError, "", "", err.Error())
	}
}

var (
	errModelNotFound = errors.New("model not found")
)

// resolveModel makes sure the requested model is the loaded one, loading a local file by name.
func (h *Handler) resolveModel(ctx context.Context, id string) (scheduler.ModelInfo, error) {
	info, ok := h.o.Backend.Model()
	if id == "" || (ok && id == info.ID) {
		if !ok {
			return info, scheduler.ErrNoModel
		}
		return info, nil
	}
	if h.o.Models != nil {
		for _, m := range h.o.Models() {
			if m.ID == id {
				return h.o.Backend.Load(ctx, m.Path)
			}
		}
	}
	return info, fmt.Errorf("%w: the model %q does not exist (GET /v1/models lists them)", errModelNotFound, id)
}

// run executes a completion, streamed or not.
func (h *Handler) run(w http.ResponseWriter, r *http.Request, p *params, req inference.Request, object, prefix string) {
	ctx := r.Context()
	err := p.Aria.validate()
	if err == nil && p.Aria != nil && p.Aria.Memory && object != "chat.completion" {
		err = bad("aria.memory", "aria.memory works with chat completions only")
	}
	if err == nil && p.Aria != nil && p.Aria.Conversation != "" && object != "chat.completion" {
		err = bad("aria.conversation", "aria.conversation works with chat completions only")
	}
	// history is the conversation to save, as the client sent it (memory may add to what runs).
	history, saving := []ConversationMessage(nil), false
	if err == nil {
		history, saving, err = h.saved(p.Aria, req.Messages)
	}
	var info scheduler.ModelInfo
	if err == nil {
		info, err = h.resolveModel(ctx, p.Model)
	}
	var turn MemoryTurn
	var plan MemoryPlan
	remember := false
	if err == nil {
		turn, plan, remember, err = h.withMemory(ctx, p.Aria, req.Messages, req.MaxTokens)
		if remember {
			req.Messages = plan.Messages
			if !p.Aria.Peers {
				ctx = route.WithLocal(ctx) // what is remembered stays on this node
			}
		}
	}
	if err == nil {
		req, err = h.o.Backend.Prepare(ctx, req)
	}
	if err != nil {
		h.fail(w, err)
		return
	}
	id := scheduler.NewID(prefix)
	created := time.Now().Unix()
	usage := func(res inference.Result) Usage {
		return Usage{PromptTokens: res.PromptTokens, CompletionTokens: len(res.Tokens), TotalTokens: res.PromptTokens + len(res.Tokens)}
	}
	chatAPI := object == "chat.completion"
	audit := &route.AuditReport{Full: p.Verify == "full"}
	ctx = route.WithAudit(ctx, audit)
	var memory *MemoryReport
	if remember {
		memory = &plan.Report
	}
	// keep stores a finished memory turn; a failure to store does not take the answer away.
	keep := func(res inference.Result) {
		if remember && !turn.Private {
			if err := h.o.Memory.Keep(context.WithoutCancel(ctx), turn, res.Text); err != nil {
				h.log().Error("memory: the turn was not kept", "conversation", turn.Conversation, "err", err)
			}
		}
	}
	// save saves the conversation with the answer, or the part of it the client had when it
	// stopped; before the answer ends, so that an answer the client has is saved. A failure to
	// save does not take the answer away.
	save := func(text string, stopped bool) {
		if !saving {
			return
		}
		msgs := append(history, ConversationMessage{Role: "assistant", Content: text, Stopped: stopped, Model: info.ID, Memory: memory})
		if err := h.o.Conversations.saveChat(context.WithoutCancel(ctx), p.Aria.Conversation, msgs); err != nil {
			h.log().Error("the conversation was not saved", "conversation", p.Aria.Conversation, "err", err)
		}
	}
	// sent is the answer's text as far as it went out: what a stopped answer keeps.
	var sent strings.Builder
	if !p.Stream {
		var collect func(inference.Token) error
		if saving {
			collect = func(t inference.Token) error { sent.WriteString(t.Text); return nil }
		}
		res, err := h.o.Backend.Generate(ctx, id, req, collect)
		if err != nil {
			if ctx.Err() == nil {
				h.fail(w, err)
			} else {
				save(sent.String(), true) // the client left: keep what was made
			}
			return
		}
		keep(res)
		save(res.Text, false)
		if chatAPI {
			WriteJSON(w, http.StatusOK, ChatCompletion{ID: id, Object: object, Created: created, Model: info.ID,
				Choices: []ChatChoice{{FinishReason: res.FinishReason, Message: ChatMessage{Role: "assistant", Content: res.Text}}},
				Usage:   usage(res), Aria: h.extra(id, res, audit, memory)})
		} else {
			WriteJSON(w, http.StatusOK, Completion{ID: id, Object: object, Created: created, Model: info.ID,
				Choices: []CompletionChoice{{FinishReason: res.FinishReason, Text: res.Text}},
				Usage:   usage(res), Aria: h.extra(id, res, audit, memory)})
		}
		return
	}

	sse := &sseWriter{w: w}
	// piece is the choice of a chunk: the new text, whether it is the first chunk, and the
	// finish reason of the last one.
	type piece struct {
		text   string
		first  bool
		finish *string
	}
	// send writes one chunk; the usage chunk has no piece (and no choice).
	send := func(pc *piece, aria *Aria, u *Usage) error {
		if chatAPI {
			c := ChatCompletionChunk{ID: id, Object: "chat.completion.chunk", Created: created, Model: info.ID,
				Choices: []ChatChunkChoice{}, Aria: aria, Usage: u}
			if pc != nil {
				var d ChatDelta
				if pc.first {
					d.Role = "assistant"
				}
				if pc.text != "" || pc.first {
					d.Content = &pc.text
				}
				c.Choices = append(c.Choices, ChatChunkChoice{Delta: d, FinishReason: pc.finish})
			}
			return sse.send(c)
		}
		c := CompletionChunk{ID: id, Object: object, Created: created, Model: info.ID,
			Choices: []CompletionChunkChoice{}, Aria: aria, Usage: u}
		if pc != nil {
			c.Choices = append(c.Choices, CompletionChunkChoice{Text: pc.text, FinishReason: pc.finish})
		}
		return sse.send(c)
	}
	first := true
	res, err := h.o.Backend.Generate(ctx, id, req, func(t inference.Token) error {
		if t.Text == "" && !first {
			return nil // a partial character or a possible stop string: nothing to show yet
		}
		e := send(&piece{text: t.Text, first: first}, nil, nil)
		if e == nil {
			sent.WriteString(t.Text)
		}
		first = false
		return e
	})
	if err != nil {
		if ctx.Err() != nil {
			save(sent.String(), true) // the client stopped the stream: keep the partial answer
			return                    // its generation was cancelled
		}
		if !sse.started {
			h.fail(w, err)
			return
		}
		// Cut off mid-stream (the client gone before the server noticed, or the route failed):
		// the conversation keeps what the client was shown.
		save(sent.String(), true)
		_ = sse.send(ErrorBody{Error: ErrorObject{Message: err.Error(), Type: typeServer}})
		return
	}
	keep(res)
	save(res.Text, false)
	if first {
		_ = send(&piece{first: true}, nil, nil)
	}
	includeUsage := p.StreamOptions != nil && p.StreamOptions.IncludeUsage
	var final *Aria
	if !includeUsage {
		a := h.extra(id, res, audit, memory)
		final = &a
	}
	_ = send(&piece{finish: &res.FinishReason}, final, nil)
	if includeUsage {
		a, u := h.extra(id, res, audit, memory), usage(res)
		_ = send(nil, &a, &u)
	}
	sse.done()
}

// saved is the history a chat saves as its conversation (saving false: none, for a chat that
// names no conversation, a private one, or a node that keeps no history). A saved conversation
// holds system, user and assistant messages only.
func (h *Handler) saved(a *ariaRequest, msgs []chat.Message) ([]ConversationMessage, bool, error) {
	if a == nil || a.Conversation == "" || a.Private || h.o.Conversations == nil {
		return nil, false, nil
	}
	out := make([]ConversationMessage, len(msgs), len(msgs)+1)
	for i, m := range msgs {
		if m.Role != "system" && m.Role != "user" && m.Role != "assistant" {
			return nil, false, bad(fmt.Sprintf("messages[%d].role", i),
				"messages[%d].role %q cannot be saved in a conversation (system, user and assistant can): send it without aria.conversation", i, m.Role)
		}
		out[i] = ConversationMessage{Role: m.Role, Content: m.Content}
	}
	return out, true, nil
}

// extra is the "aria" object: speeds from the engine, energy from the meter when there is one.
func (h *Handler) extra(id string, res inference.Result, audit *route.AuditReport, memory *MemoryReport) Aria {
	a := Aria{PromptTokensPerS: res.PromptPerSec, TokensPerS: res.GeneratePerSec, Memory: memory}
	if audit.Full || audit.Hops > 0 {
		a.Audit = &Audit{Full: audit.Full, Hops: audit.Hops, Positions: audit.Positions, Caught: []string{}}
		for _, p := range audit.Caught {
			a.Audit.Caught = append(a.Audit.Caught, p.String())
		}
	}
	if h.o.Meter != nil {
		if r, ok := h.o.Meter.Report(id); ok {
			a.Energy = &Energy{MJPerToken: r.MJPerToken, EnergyMJ: r.EnergyMJ, EnergyKind: r.EnergyKind, EnergyDetail: r.EnergyDetail}
		}
	}
	return a
}

// sseWriter writes server-sent events, sending the headers with the first event.
type sseWriter struct {
	w       http.ResponseWriter
	started bool
}

func (s *sseWriter) start() {
	if s.started {
		return
	}
	s.started = true
	h := s.w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	s.w.WriteHeader(http.StatusOK)
}

func (s *sseWriter) send(v any) error {
	s.start()
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if _, err := fmt.Fprintf(s.w, "data: %s\n\n", b); err != nil {
		return err
	}
	if f, ok := s.w.(http.Flusher); ok {
		f.Flush()
	}
	return nil
}

func (s *sseWriter) done() {
	s.start()
	fmt.Fprint(s.w, "data: [DONE]\n\n")
	if f, ok := s.w.(http.Flusher); ok {
		f.Flush()
	}
}
