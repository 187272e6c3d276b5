// Package pipeline runs inference across nodes: a whole request on a peer, or a model cut into
// contiguous layer ranges over several peers (pipeline parallelism), with failover when a hop
// vanishes or stalls.
//
// Two versioned libp2p protocols carry it, each message one backend/wire frame:
//
//   - /aria/layers/1.0.0: one stream per sequence and hop. The client opens a stage of layers
//     [From, To) of a model (by SHA-256), then sends batches of hidden states (little-endian
//     float32, bit-exact) and gets them back transformed; the hop keeps the KV cache of its
//     layers. "truncate" rewinds it, "close" ends it with a summary of the work.
//   - /aria/generate/1.0.0: one stream per request: the request, then the tokens as they come,
//     then a summary.
//
// The coordinator (the node the user talks to) embeds tokens, applies the head and samples; a
// Pipeline is an inference.Layers, so the engine's generation loop runs unchanged over it and
// produces exactly the tokens a single node would.
package pipeline

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/ledger"
)

// Protocol IDs.
const (
	LayersProtocol   = "/aria/layers/1.0.0"
	GenerateProtocol = "/aria/generate/1.0.0"
)

// Message kinds of the layers protocol.
const (
	opOpen     = "open"
	opStep     = "step"
	opTruncate = "truncate"
	opClose    = "close"
	opOK       = "ok"
	opHidden   = "hidden"
	opError    = "error"
	opDone     = "done"
	opRequest  = "request"
	opToken    = "token"
	opReceipt  = "receipt"
)

// Error codes a serving node answers with.
const (
	CodeRefused    = "refused"     // the contribution policy says no
	CodeNoModel    = "no_model"    // the node does not hold that model
	CodeBadRequest = "bad_request" // malformed or inconsistent message
	CodeInternal   = "internal"
	CodeTooLarge   = "too_large" // a frame larger than the stream can need
	// CodeRateLimited: the peer opened work faster than the policy's per-peer rate; the answer
	// is short and sent before anything the peer wrote is read.
	CodeRateLimited = "rate_limited"
)

// layerMsg is every message of the layers protocol; Op says which fields matter.
type layerMsg struct {
	Op        string      `cbor:"1,keyasint"`
	RequestID string      `cbor:"2,keyasint,omitempty"`
	Model     string      `cbor:"3,keyasint,omitempty"` // SHA-256, hex
	From      int         `cbor:"4,keyasint,omitempty"`
	To        int         `cbor:"5,keyasint,omitempty"`
	NCtx      int         `cbor:"6,keyasint,omitempty"`
	Pos       int         `cbor:"7,keyasint,omitempty"`
	Hidden    []byte      `cbor:"8,keyasint,omitempty"` // n × NEmbd float32, little-endian
	Code      string      `cbor:"9,keyasint,omitempty"`
	Err       string      `cbor:"10,keyasint,omitempty"`
	ComputeMs float64     `cbor:"11,keyasint,omitempty"` // time the hop spent on the step
	Kernels   string      `cbor:"12,keyasint,omitempty"`
	Tokens    int         `cbor:"13,keyasint,omitempty"` // close: positions processed
	Receipt   *receiptMsg `cbor:"14,keyasint,omitempty"` // close: the requester's signed receipt
	// Cache is the KV cache type of the stage ("f16", "f32"; open): the coordinator's, so
	// that every node computes the same bits.
	Cache string `cbor:"15,keyasint,omitempty"`
	// Claim is the hop's signature over the Claim of a step (hidden), see verify.go.
	Claim []byte `cbor:"16,keyasint,omitempty"`
}

// receiptMsg carries a ledger.Receipt (peer IDs as their raw bytes).
type receiptMsg struct {
	Signer  []byte `cbor:"1,keyasint"`
	Payload []byte `cbor:"2,keyasint"`
	Sig     []byte `cbor:"3,keyasint"`
}

func toReceiptMsg(r ledger.Receipt) *receiptMsg {
	return &receiptMsg{Signer: []byte(r.Signer), Payload: r.Payload, Sig: r.Sig}
}

// acceptReceipt checks a requester's receipt against the work this node recorded; only a receipt
// signed by the requester over exactly that work is kept.
func acceptReceipt(m *receiptMsg, rec Record) (*ledger.Receipt, error) {
	if m == nil {
		return nil, errors.New("no receipt")
	}
	signer, err := peer.IDFromBytes(m.Signer)
	if err != nil {
		return nil, fmt.Errorf("receipt signer: %w", err)
	}
	r := ledger.Receipt{Signer: signer, Payload: m.Payload, Sig: m.Sig}
	got, err := ledger.VerifyReceipt(r)
	if err != nil {
		return nil, err
	}
	if want := rec.payload(); got != want || signer.String() != rec.Requester {
		return nil, fmt.Errorf("receipt states %+v, the work was %+v", got, want)
	}
	return &r, nil
}

// payload is the receipt statement of the work a record describes.
func (r Record) payload() ledger.ReceiptPayload {
	req, _ := peer.Decode(r.Requester)
	wrk, _ := peer.Decode(r.Worker)
	return ledger.ReceiptPayload{RequestID: r.RequestID, ModelSHA256: r.Model, LayerFrom: int64(r.From), LayerTo: int64(r.To),
		PromptTokens: int64(r.PromptTokens), GenTokens: int64(r.GenTokens), InputHash: r.InputHash, OutputHash: r.OutputHash,
		Requester: req, Worker: wrk}
}

// RemoteError is an error answered by a peer.
type RemoteError struct {
	Peer, Code, Msg string
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("peer %s: %s (%s)", shortID(e.Peer), e.Msg, e.Code)
}

// ErrRefused matches a RemoteError whose peer refused the work under its policy.
var ErrRefused = errors.New("the peer does not take work now")

// ErrRateLimited matches a RemoteError whose peer refused the work because this node asked too
// often; it matches ErrRefused too.
var ErrRateLimited = errors.New("the peer rate-limits this node")

func (e *RemoteError) Is(target error) bool {
	switch target {
	case ErrRefused:
		return e.Code == CodeRefused || e.Code == CodeRateLimited
	case ErrRateLimited:
		return e.Code == CodeRateLimited
	}
	return false
}

// RateLimited is what a Gate's refusal implements when the peer asked too often: the server
// answers it with a short CodeRateLimited frame (policy.RateLimitError implements it).
type RateLimited interface {
	error
	RateLimited() time.Duration // when the peer may ask again
}

// Gate admits or refuses work for a peer (the contribution policy). release is called when the
// work ends.
type Gate interface {
	Admit(ctx context.Context, peer string) (release func(), err error)
}

// Checker is a Gate that can also say, cheaply, whether a peer may still work now: the policy
// may have changed since the peer was admitted (contributing switched off, outside the hours).
// The server asks it before every step of a stage and every token of a request; a Gate without
// it is asked only at admission. Allowed must not count against the peer's rate.
type Checker interface {
	Allowed(peer string) error
}

// Record describes work done, for the ledger.
type Record struct {
	Kind         string // "hop" (layers for a peer's pipeline), "served" (a whole request for a peer)
	RequestID    string
	Model        string // SHA-256
	From, To     int    // layer range
	PromptTokens int
	GenTokens    int // hop: positions processed
	Started      time.Time
	Duration     time.Duration
	Requester    string // peer that asked
	Worker       string // peer that worked (this node)
	InputHash    string // SHA-256 of everything that came in
	OutputHash   string // SHA-256 of everything that went out
	// Receipt is the requester's signed statement of this work (nil when it sent none or one
	// that does not match).
	Receipt *ledger.Receipt
}

// Recorder writes records (the node's ledger).
type Recorder interface {
	Record(ctx context.Context, r Record)
}

func encodeHidden(x []float32) []byte {
	b := make([]byte, 4*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
	}
	return b
}

func decodeHidden(dst []float32, b []byte) error {
	if len(b) != 4*len(dst) {
		return fmt.Errorf("hidden state of %d bytes, want %d", len(b), 4*len(dst))
	}
	for i := range dst {
		dst[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return nil
}

func shortID(id string) string {
	if len(id) > 12 {
		return id[:4] + "…" + id[len(id)-6:]
	}
	return id
}
