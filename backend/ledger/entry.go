package ledger

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/wire"
)

// Kind says what role this node played in an inference.
type Kind string

const (
	Local  Kind = "local"  // run here for a local user
	Served Kind = "served" // run here for a peer
	Hop    Kind = "hop"    // a layer range of a peer's pipeline, run here
	Remote Kind = "remote" // sent by this node to a peer
)

// Entry is one inference. Append fills Seq, PrevHash, Hash and Sig; the caller fills the rest.
// Hashes are lowercase hex SHA-256; times are unix milliseconds.
type Entry struct {
	Seq          uint64   `json:"seq"`
	RequestID    string   `json:"request_id"`
	Kind         Kind     `json:"kind"`
	ModelSHA256  string   `json:"model_sha256"`
	LayerFrom    int64    `json:"layer_from"`
	LayerTo      int64    `json:"layer_to"`
	PromptTokens int64    `json:"prompt_tokens"`
	GenTokens    int64    `json:"gen_tokens"`
	StartedAt    int64    `json:"started_at"`
	DurationMs   int64    `json:"duration_ms"`
	EnergyMJ     int64    `json:"energy_mj"`
	EnergyLabel  string   `json:"energy_label"` // "measured" or "estimated"
	Requester    peer.ID  `json:"requester"`
	Worker       peer.ID  `json:"worker"`
	InputHash    string   `json:"input_hash"`
	OutputHash   string   `json:"output_hash"`
	Receipt      *Receipt `json:"receipt,omitempty"`
	PrevHash     string   `json:"prev_hash"`
	Hash         string   `json:"hash"`
	Sig          []byte   `json:"sig"`
}

// ErrInvalid is wrapped by Append for an entry it refuses; nothing is written.
var ErrInvalid = errors.New("invalid ledger entry")

// hashedEntry is the canonical form of an entry: wire.Marshal gives a CBOR map with these
// integer keys in ascending order. Peer IDs are their raw multihash bytes; absent receipt
// fields are empty byte strings, never null.
type hashedEntry struct {
	Seq            uint64 `cbor:"1,keyasint"`
	RequestID      string `cbor:"2,keyasint"`
	Kind           string `cbor:"3,keyasint"`
	ModelSHA256    string `cbor:"4,keyasint"`
	LayerFrom      int64  `cbor:"5,keyasint"`
	LayerTo        int64  `cbor:"6,keyasint"`
	PromptTokens   int64  `cbor:"7,keyasint"`
	GenTokens      int64  `cbor:"8,keyasint"`
	StartedAt      int64  `cbor:"9,keyasint"`
	DurationMs     int64  `cbor:"10,keyasint"`
	EnergyMJ       int64  `cbor:"11,keyasint"`
	EnergyLabel    string `cbor:"12,keyasint"`
	Requester      []byte `cbor:"13,keyasint"`
	Worker         []byte `cbor:"14,keyasint"`
	InputHash      string `cbor:"15,keyasint"`
	OutputHash     string `cbor:"16,keyasint"`
	ReceiptSigner  []byte `cbor:"17,keyasint"`
	ReceiptPayload []byte `cbor:"18,keyasint"`
	ReceiptSig     []byte `cbor:"19,keyasint"`
}

// Domain prefixes keep a signature over one kind of message from being valid for another.
const (
	entryDomain   = "aria/ledger/entry/v1\n"
	headDomain    = "aria/ledger/head/v1\n"
	receiptDomain = "aria/ledger/receipt/v1\n"
)

// zeroHash is prev_hash of the first entry.
var zeroHash = hex.EncodeToString(make([]byte, sha256.Size))

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// computeHash returns hex(SHA-256(raw prev_hash || canonical CBOR of the other fields)).
func computeHash(e *Entry) (string, error) {
	prev, err := hex.DecodeString(e.PrevHash)
	if err != nil || len(prev) != sha256.Size {
		return "", fmt.Errorf("prev_hash %q is not a hex SHA-256", e.PrevHash)
	}
	h := hashedEntry{
		Seq: e.Seq, RequestID: e.RequestID, Kind: string(e.Kind), ModelSHA256: e.ModelSHA256,
		LayerFrom: e.LayerFrom, LayerTo: e.LayerTo, PromptTokens: e.PromptTokens, GenTokens: e.GenTokens,
		StartedAt: e.StartedAt, DurationMs: e.DurationMs, EnergyMJ: e.EnergyMJ, EnergyLabel: e.EnergyLabel,
		Requester: nonNil([]byte(e.Requester)), Worker: nonNil([]byte(e.Worker)),
		InputHash: e.InputHash, OutputHash: e.OutputHash,
		ReceiptSigner: []byte{}, ReceiptPayload: []byte{}, ReceiptSig: []byte{},
	}
	if r := e.Receipt; r != nil {
		h.ReceiptSigner, h.ReceiptPayload, h.ReceiptSig = nonNil([]byte(r.Signer)), nonNil(r.Payload), nonNil(r.Sig)
	}
	b, err := wire.Marshal(h)
	if err != nil {
		return "", fmt.Errorf("encode entry %d: %w", e.Seq, err)
	}
	d := sha256.New()
	d.Write(prev)
	d.Write(b)
	return hex.EncodeToString(d.Sum(nil)), nil
}

// signedHash returns the bytes an entry signature covers: the domain prefix and the raw hash.
func signedHash(domain, hexHash string) ([]byte, error) {
	raw, err := hex.DecodeString(hexHash)
	if err != nil || len(raw) != sha256.Size {
		return nil, fmt.Errorf("hash %q is not a hex SHA-256", hexHash)
	}
	return append([]byte(domain), raw...), nil
}

// headMessage is what the head signature covers, after headDomain.
type headMessage struct {
	Seq  uint64 `cbor:"1,keyasint"`
	Hash []byte `cbor:"2,keyasint"`
}

func headBytes(seq uint64, hexHash string) ([]byte, error) {
	raw, err := hex.DecodeString(hexHash)
	if err != nil || len(raw) != sha256.Size {
		return nil, fmt.Errorf("head hash %q is not a hex SHA-256", hexHash)
	}
	b, err := wire.Marshal(headMessage{Seq: seq, Hash: raw})
	if err != nil {
		return nil, err
	}
	return append([]byte(headDomain), b...), nil
}

// checkSig verifies sig by the key embedded in id over msg.
func checkSig(id peer.ID, msg, sig []byte) error {
	pub, err := id.ExtractPublicKey()
	if err != nil {
		return fmt.Errorf("public key of %s: %w", id, err)
	}
	ok, err := pub.Verify(msg, sig)
	if err != nil {
		return fmt.Errorf("signature check: %w", err)
	}
	if !ok {
		return errors.New("signature does not verify")
	}
	return nil
}

// keyID returns the peer ID of key, requiring that the ID embeds the public key (Ed25519, secp256k1),
// so that anyone can verify with the ID alone.
func keyID(key crypto.PrivKey) (peer.ID, error) {
	if key == nil {
		return "", errors.New("no signing key")
	}
	id, err := peer.IDFromPrivateKey(key)
	if err != nil {
		return "", fmt.Errorf("peer ID of key: %w", err)
	}
	if _, err := id.ExtractPublicKey(); err != nil {
		return "", fmt.Errorf("key type %s: its peer ID does not embed the public key (use Ed25519): %w", key.Type(), err)
	}
	return id, nil
}

func isHexHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// validate checks the caller's fields of e, for a ledger owned by owner.
func validate(e *Entry, owner peer.ID) error {
	bad := func(format string, a ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, a...))
	}
	switch e.Kind {
	case Local, Served, Hop, Remote:
	default:
		return bad("kind %q (want local, served, hop or remote)", e.Kind)
	}
	if e.RequestID == "" || len(e.RequestID) > 256 {
		return bad("request_id must be 1 to 256 bytes, got %d", len(e.RequestID))
	}
	for _, f := range []struct {
		name, v string
	}{{"model_sha256", e.ModelSHA256}, {"input_hash", e.InputHash}, {"output_hash", e.OutputHash}} {
		if !isHexHash(f.v) {
			return bad("%s %q is not a lowercase hex SHA-256", f.name, f.v)
		}
	}
	if e.LayerFrom < 0 || e.LayerTo < e.LayerFrom {
		return bad("layers %d–%d", e.LayerFrom, e.LayerTo)
	}
	for _, f := range []struct {
		name string
		v    int64
	}{{"prompt_tokens", e.PromptTokens}, {"gen_tokens", e.GenTokens}, {"started_at", e.StartedAt},
		{"duration_ms", e.DurationMs}, {"energy_mj", e.EnergyMJ}} {
		if f.v < 0 {
			return bad("%s is negative (%d)", f.name, f.v)
		}
	}
	if e.EnergyLabel != "measured" && e.EnergyLabel != "estimated" {
		return bad("energy_label %q (want measured or estimated)", e.EnergyLabel)
	}
	for _, p := range []struct {
		name string
		id   peer.ID
	}{{"requester", e.Requester}, {"worker", e.Worker}} {
		if err := p.id.Validate(); err != nil {
			return bad("%s: %v", p.name, err)
		}
	}
	if e.Requester != owner && e.Worker != owner {
		return bad("this node (%s) is neither requester nor worker", owner)
	}
	if e.Receipt != nil {
		if err := checkReceipt(e, owner); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalid, err)
		}
	}
	return nil
}

// checkReceipt verifies e's receipt: signed by the other party, over the payload that e implies.
func checkReceipt(e *Entry, owner peer.ID) error {
	r := e.Receipt
	want := e.Requester
	if want == owner {
		want = e.Worker
	}
	if r.Signer != want || want == owner {
		return fmt.Errorf("receipt signed by %s, want the other peer of the entry (%s)", r.Signer, want)
	}
	p, err := VerifyReceipt(*r)
	if err != nil {
		return err
	}
	if p != payloadOf(e) {
		return errors.New("receipt is for other work than this entry")
	}
	return nil
}
