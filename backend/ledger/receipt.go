package ledger

import (
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/wire"
)

// Receipt is one peer's signed statement about work done between two peers: the requester
// signs for work done for it, or the worker for work it did. Payload is the canonical encoding
// of a ReceiptPayload, so both peers compute the same bytes.
type Receipt struct {
	Signer  peer.ID `json:"signer"`
	Payload []byte  `json:"payload"`
	Sig     []byte  `json:"sig"`
}

// ReceiptPayload is what a receipt states; both peers can compute it from the request.
type ReceiptPayload struct {
	RequestID    string
	ModelSHA256  string
	LayerFrom    int64
	LayerTo      int64
	PromptTokens int64
	GenTokens    int64
	InputHash    string
	OutputHash   string
	Requester    peer.ID
	Worker       peer.ID
}

// ErrBadReceipt is wrapped by VerifyReceipt for a receipt that does not verify.
var ErrBadReceipt = errors.New("bad receipt")

// receiptWire fixes the CBOR keys of a payload; peer IDs are raw multihash bytes.
type receiptWire struct {
	RequestID    string `cbor:"1,keyasint"`
	ModelSHA256  string `cbor:"2,keyasint"`
	LayerFrom    int64  `cbor:"3,keyasint"`
	LayerTo      int64  `cbor:"4,keyasint"`
	PromptTokens int64  `cbor:"5,keyasint"`
	GenTokens    int64  `cbor:"6,keyasint"`
	InputHash    string `cbor:"7,keyasint"`
	OutputHash   string `cbor:"8,keyasint"`
	Requester    []byte `cbor:"9,keyasint"`
	Worker       []byte `cbor:"10,keyasint"`
}

// SignReceipt encodes p canonically and signs it with key; the signer is key's peer ID.
func SignReceipt(key crypto.PrivKey, p ReceiptPayload) (Receipt, error) {
	id, err := keyID(key)
	if err != nil {
		return Receipt{}, fmt.Errorf("sign receipt: %w", err)
	}
	b, err := wire.Marshal(receiptWire{p.RequestID, p.ModelSHA256, p.LayerFrom, p.LayerTo, p.PromptTokens,
		p.GenTokens, p.InputHash, p.OutputHash, nonNil([]byte(p.Requester)), nonNil([]byte(p.Worker))})
	if err != nil {
		return Receipt{}, fmt.Errorf("sign receipt: %w", err)
	}
	sig, err := key.Sign(append([]byte(receiptDomain), b...))
	if err != nil {
		return Receipt{}, fmt.Errorf("sign receipt: %w", err)
	}
	return Receipt{Signer: id, Payload: b, Sig: sig}, nil
}

// VerifyReceipt checks r's signature with the public key in r.Signer and returns the payload.
// Payload bytes that are not the canonical encoding are refused, so one statement has one form.
func VerifyReceipt(r Receipt) (ReceiptPayload, error) {
	if err := checkSig(r.Signer, append([]byte(receiptDomain), r.Payload...), r.Sig); err != nil {
		return ReceiptPayload{}, fmt.Errorf("%w: signer %s: %w", ErrBadReceipt, r.Signer, err)
	}
	var w receiptWire
	if err := wire.Unmarshal(r.Payload, &w); err != nil {
		return ReceiptPayload{}, fmt.Errorf("%w: payload: %w", ErrBadReceipt, err)
	}
	if again, err := wire.Marshal(w); err != nil || string(again) != string(r.Payload) {
		return ReceiptPayload{}, fmt.Errorf("%w: payload is not in canonical form", ErrBadReceipt)
	}
	req, err := peer.IDFromBytes(w.Requester)
	if err != nil {
		return ReceiptPayload{}, fmt.Errorf("%w: requester: %w", ErrBadReceipt, err)
	}
	wrk, err := peer.IDFromBytes(w.Worker)
	if err != nil {
		return ReceiptPayload{}, fmt.Errorf("%w: worker: %w", ErrBadReceipt, err)
	}
	return ReceiptPayload{w.RequestID, w.ModelSHA256, w.LayerFrom, w.LayerTo, w.PromptTokens, w.GenTokens,
		w.InputHash, w.OutputHash, req, wrk}, nil
}

// payloadOf is the receipt payload that entry e implies.
func payloadOf(e *Entry) ReceiptPayload {
	return ReceiptPayload{e.RequestID, e.ModelSHA256, e.LayerFrom, e.LayerTo, e.PromptTokens, e.GenTokens,
		e.InputHash, e.OutputHash, e.Requester, e.Worker}
}
