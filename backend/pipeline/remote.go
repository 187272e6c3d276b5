package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"

	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/wire"
	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/chat"
	"github.com/aria-node/aria/inference/kernels"
	"github.com/aria-node/aria/inference/sample"
)

// genMsg is every message of the generate protocol.
type genMsg struct {
	Op        string    `cbor:"1,keyasint"`
	RequestID string    `cbor:"2,keyasint,omitempty"`
	Model     string    `cbor:"3,keyasint,omitempty"`
	Prompt    string    `cbor:"4,keyasint,omitempty"`
	Messages  []chatMsg `cbor:"5,keyasint,omitempty"`
	MaxTokens int       `cbor:"6,keyasint,omitempty"`
	Sampling  *params   `cbor:"7,keyasint,omitempty"`
	Stop      []string  `cbor:"8,keyasint,omitempty"`
	IgnoreEOS bool      `cbor:"9,keyasint,omitempty"`

	TokenID int32  `cbor:"10,keyasint,omitempty"`
	Text    string `cbor:"11,keyasint,omitempty"`

	PromptTokens int     `cbor:"12,keyasint,omitempty"`
	GenTokens    int     `cbor:"13,keyasint,omitempty"`
	Finish       string  `cbor:"14,keyasint,omitempty"`
	PromptPerSec float64 `cbor:"15,keyasint,omitempty"`
	GenPerSec    float64 `cbor:"16,keyasint,omitempty"`
	Code         string  `cbor:"17,keyasint,omitempty"`
	Err          string  `cbor:"18,keyasint,omitempty"`

	Receipt *receiptMsg `cbor:"19,keyasint,omitempty"`

	// done: the prompt tokens the peer made of the request, its KV cache type and its
	// signature over the GenClaim of the work (verify.go).
	PromptIDs []int32 `cbor:"20,keyasint,omitempty"`
	Cache     string  `cbor:"21,keyasint,omitempty"`
	Claim     []byte  `cbor:"22,keyasint,omitempty"`
}

type chatMsg struct {
	Role    string `cbor:"1,keyasint"`
	Content string `cbor:"2,keyasint"`
}

type params struct {
	Temperature      float32 `cbor:"1,keyasint,omitempty"`
	TopK             int     `cbor:"2,keyasint,omitempty"`
	TopP             float32 `cbor:"3,keyasint,omitempty"`
	MinP             float32 `cbor:"4,keyasint,omitempty"`
	RepeatPenalty    float32 `cbor:"5,keyasint,omitempty"`
	RepeatLastN      int     `cbor:"6,keyasint,omitempty"`
	PresencePenalty  float32 `cbor:"7,keyasint,omitempty"`
	FrequencyPenalty float32 `cbor:"8,keyasint,omitempty"`
	Seed             uint64  `cbor:"9,keyasint,omitempty"`
}

// Bounds on what a peer may ask for, so a request cannot pin a node for ever.
const (
	maxPromptBytes = 512 << 10
	maxMessages    = 1024
	maxStops       = 16
)

func (m *genMsg) request() (inference.Request, error) {
	size := len(m.Prompt)
	for _, c := range m.Messages {
		size += len(c.Role) + len(c.Content)
	}
	if size > maxPromptBytes || len(m.Messages) > maxMessages || len(m.Stop) > maxStops {
		return inference.Request{}, errors.New("request too large")
	}
	if m.Prompt == "" && len(m.Messages) == 0 {
		return inference.Request{}, errors.New("empty prompt")
	}
	if m.MaxTokens < 0 {
		return inference.Request{}, fmt.Errorf("max tokens %d is negative", m.MaxTokens)
	}
	req := inference.Request{Prompt: m.Prompt, MaxTokens: m.MaxTokens, Stop: m.Stop, IgnoreEOS: m.IgnoreEOS}
	for _, c := range m.Messages {
		req.Messages = append(req.Messages, chat.Message{Role: c.Role, Content: c.Content})
	}
	if p := m.Sampling; p != nil {
		req.Sampling = sample.Params{Temperature: p.Temperature, TopK: p.TopK, TopP: p.TopP, MinP: p.MinP,
			RepeatPenalty: p.RepeatPenalty, RepeatLastN: p.RepeatLastN, PresencePenalty: p.PresencePenalty,
			FrequencyPenalty: p.FrequencyPenalty, Seed: p.Seed}
	}
	return req, nil
}

// RemoteResult is the summary of a request run on a peer.
type RemoteResult struct {
	Peer         peer.ID
	Text         string
	Tokens       []int32
	PromptTokens int // as signed in the receipt (see GenerateOptions.PromptTokens)
	FinishReason string
	PromptPerSec float64
	GenPerSec    float64
	Duration     time.Duration
	// Receipt is what this node signed and sent the peer for the work.
	Receipt ledger.ReceiptPayload
	// Claim is the peer's signed statement of the work, checked on arrival: what an audit
	// replays (nil when the request failed).
	Claim *SignedGenClaim
}

// GenerateOptions bound a request run on a peer, so that a peer cannot hold the requester, or
// make it sign for more than it got.
type GenerateOptions struct {
	// TokenTimeout: a peer silent longer than this between tokens (or before its summary) fails
	// the request with ErrTokenTimeout, so that the route moves on (default 30 s).
	TokenTimeout time.Duration
	// FirstTokenTimeout is the same before the first message, which waits for the peer's queue
	// and its prompt processing (default 2 min).
	FirstTokenTimeout time.Duration
	// PromptTokens is the prompt's length in tokens as this node counts it, the one the receipt
	// signs. 0: the peer's count, capped by what the request's size allows.
	PromptTokens int
	// MaxText bounds the text the peer may send (default 64 bytes a token of req.MaxTokens, at
	// most 1 MiB; 1 MiB when MaxTokens is 0).
	MaxText int
}

// Defaults of GenerateOptions.
const (
	DefaultTokenTimeout      = 30 * time.Second
	DefaultFirstTokenTimeout = 2 * time.Minute
	maxTextPerToken          = 64
	maxRemoteText            = 1 << 20
)

// ErrTokenTimeout says a peer running a request went silent for longer than allowed.
var ErrTokenTimeout = errors.New("no message from the peer in time")

// Generate runs a whole request on a peer holding the model (by SHA-256), calling onToken for
// each token as it arrives, under the default GenerateOptions. Cancelling ctx closes the stream,
// which stops the peer's work. Tokens is not used: the peer tokenizes with its own copy of the
// model.
func Generate(ctx context.Context, h host.Host, p peer.ID, modelSHA, requestID string, req inference.Request, onToken func(inference.Token) error) (RemoteResult, error) {
	return GenerateWith(ctx, h, p, modelSHA, requestID, req, GenerateOptions{}, onToken)
}

// maxPromptTokens bounds the tokens a request's text can make once rendered: a byte at most a
// token, plus room for a chat template's own tokens.
func maxPromptTokens(req inference.Request) int {
	n := len(req.Prompt) + 256
	for _, m := range req.Messages {
		n += len(m.Role) + len(m.Content) + 32
	}
	return n
}

// GenerateWith is Generate under opts. A peer that sends more tokens than req.MaxTokens, more
// text than opts.MaxText, or nothing for longer than the timeouts fails the request (its stream
// is reset, which stops its work).
func GenerateWith(ctx context.Context, h host.Host, p peer.ID, modelSHA, requestID string, req inference.Request, opts GenerateOptions, onToken func(inference.Token) error) (res RemoteResult, err error) {
	if opts.TokenTimeout <= 0 {
		opts.TokenTimeout = DefaultTokenTimeout
	}
	if opts.FirstTokenTimeout <= 0 {
		opts.FirstTokenTimeout = DefaultFirstTokenTimeout
	}
	if opts.MaxText <= 0 {
		opts.MaxText = maxRemoteText
		if req.MaxTokens > 0 {
			opts.MaxText = min(maxTextPerToken*req.MaxTokens, maxRemoteText)
		}
	}
	res = RemoteResult{Peer: p}
	t0 := time.Now()
	st, err := h.NewStream(ctx, p, protocol.ID(GenerateProtocol))
	if err != nil {
		return res, fmt.Errorf("open %s to %s: %w", GenerateProtocol, shortID(p.String()), err)
	}
	defer func() {
		if err != nil {
			_ = st.Reset()
		} else {
			_ = st.Close()
		}
	}()
	stop := context.AfterFunc(ctx, func() { _ = st.Reset() })
	defer stop()
	s := req.Sampling
	m := genMsg{Op: opRequest, RequestID: requestID, Model: modelSHA, Prompt: req.Prompt, MaxTokens: req.MaxTokens,
		Stop: req.Stop, IgnoreEOS: req.IgnoreEOS, Sampling: &params{Temperature: s.Temperature, TopK: s.TopK,
			TopP: s.TopP, MinP: s.MinP, RepeatPenalty: s.RepeatPenalty, RepeatLastN: s.RepeatLastN,
			PresencePenalty: s.PresencePenalty, FrequencyPenalty: s.FrequencyPenalty, Seed: s.Seed}}
	for _, c := range req.Messages {
		m.Messages = append(m.Messages, chatMsg{Role: c.Role, Content: c.Content})
	}
	_ = st.SetWriteDeadline(time.Now().Add(opts.FirstTokenTimeout))
	if err := wire.Write(st, m); err != nil {
		return res, err
	}
	// Every message is a token, a summary or an error: small.
	r := wire.NewReader(st, openingLimit)
	timeout := opts.FirstTokenTimeout
	text, generated, flushed := 0, 0, false
	for {
		var in genMsg
		deadline := time.Now().Add(timeout)
		_ = st.SetReadDeadline(deadline)
		if err := r.Read(&in); err != nil {
			if ctx.Err() != nil {
				return res, ctx.Err()
			}
			if !time.Now().Before(deadline) {
				return res, fmt.Errorf("peer %s: %w (silent for %s)", shortID(p.String()), ErrTokenTimeout, timeout)
			}
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return res, fmt.Errorf("peer %s: %w", shortID(p.String()), err)
		}
		timeout = opts.TokenTimeout
		switch in.Op {
		case opToken:
			// A generation that stops inside a character ends with a flush (ID -1): text, not
			// a generated token, so it may follow the last one asked for, once.
			if in.TokenID < 0 {
				if flushed {
					return res, fmt.Errorf("peer %s sent a second final flush", shortID(p.String()))
				}
				flushed = true
			} else if flushed || req.MaxTokens > 0 && generated >= req.MaxTokens {
				return res, fmt.Errorf("peer %s sent more than the %d tokens asked", shortID(p.String()), req.MaxTokens)
			} else {
				generated++
			}
			if text += len(in.Text); text > opts.MaxText {
				return res, fmt.Errorf("peer %s sent more than %d bytes of text", shortID(p.String()), opts.MaxText)
			}
			res.Tokens = append(res.Tokens, in.TokenID)
			res.Text += in.Text
			if onToken != nil {
				if err := onToken(inference.Token{ID: in.TokenID, Text: in.Text}); err != nil {
					return res, err
				}
			}
		case opDone:
			// A summary without a valid signature over the work cannot be audited: the peer's
			// answer is garbage, and the route moves on.
			claim := SignedGenClaim{GenClaim: GenClaim{RequestID: requestID, Model: modelSHA, Input: RequestHash(req),
				Sampling: req.Sampling, MaxTokens: req.MaxTokens, IgnoreEOS: req.IgnoreEOS, Cache: in.Cache,
				Prompt: in.PromptIDs, Tokens: generatedTokens(res.Tokens)}, Sig: in.Claim}
			if err := claim.CheckSig(p); err != nil {
				return res, fmt.Errorf("peer %s: %w", shortID(p.String()), err)
			}
			if len(in.PromptIDs) == 0 || len(in.PromptIDs) > maxPromptTokens(req) {
				return res, fmt.Errorf("peer %s claims a prompt of %d tokens", shortID(p.String()), len(in.PromptIDs))
			}
			res.Claim = &claim
			res.PromptTokens = opts.PromptTokens
			if res.PromptTokens <= 0 {
				res.PromptTokens = max(0, min(in.PromptTokens, maxPromptTokens(req)))
			}
			res.FinishReason = in.Finish
			res.PromptPerSec, res.GenPerSec = in.PromptPerSec, in.GenPerSec
			res.Duration = time.Since(t0)
			// Sign for the work: what we asked and what we got, as we saw it.
			rec := Record{RequestID: requestID, Model: modelSHA, PromptTokens: res.PromptTokens, GenTokens: len(res.Tokens),
				Requester: h.ID().String(), Worker: p.String(), InputHash: RequestHash(req), OutputHash: TextHash(res.Text)}
			if key := h.Peerstore().PrivKey(h.ID()); key != nil {
				if r, err := ledger.SignReceipt(key, rec.payload()); err == nil {
					res.Receipt = rec.payload()
					_ = st.SetWriteDeadline(time.Now().Add(opts.TokenTimeout))
					_ = wire.Write(st, genMsg{Op: opReceipt, Receipt: toReceiptMsg(r)})
				}
			}
			return res, nil
		case opError:
			return res, &RemoteError{Peer: p.String(), Code: in.Code, Msg: in.Err}
		default:
			return res, fmt.Errorf("peer %s sent %q in a generate stream", shortID(p.String()), in.Op)
		}
	}
}

// generatedTokens are the drawn tokens of a stream, without its final flush (ID -1).
func generatedTokens(toks []int32) []int32 {
	out := make([]int32, 0, len(toks))
	for _, t := range toks {
		if t >= 0 {
			out = append(out, t)
		}
	}
	return out
}

func kernelsName() string { return kernels.Selected().Impl.Name }
