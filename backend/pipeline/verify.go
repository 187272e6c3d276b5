package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/inference"
	"github.com/aria-node/aria/inference/model"
	"github.com/aria-node/aria/inference/sample"
)

// A hop's work is checked exactly, after the fact. With each step's hidden states a serving node
// signs a Claim: the SHA-256 of the input it was sent and of the output it returns at each
// position. The coordinator checks the signature on arrival (a reply without a valid one is
// garbage), keeps the claims, and later re-executes a sample of hops from the inputs it holds
// anyway for failover, as one batched prefill. Every kernel tier is bit-exact and a batch gives
// the bits of single steps (inference/stage_test.go), so an honest hop's hashes match exactly
// and any difference, with the hop's signature over it, proves the hop lied.

// claimDomain separates claim signatures from every other signature made with a node's key.
const claimDomain = "aria/hop-claim/1\x00"

// Claim is what a hop signs for one step: positions [Pos, Pos+N) of a stage.
type Claim struct {
	RequestID string
	Model     string // SHA-256 of the model file, hex
	From, To  int    // layer range
	Cache     string // KV cache type: "f16" or "f32"
	Pos, N    int
	Input     [32]byte   // SHA-256 of the step's input hidden states, as sent
	Outputs   [][32]byte // SHA-256 of each position's output hidden state, as returned
}

// Bytes is the claim's canonical encoding, the message that is signed.
func (c Claim) Bytes() []byte {
	b := make([]byte, 0, len(claimDomain)+len(c.RequestID)+len(c.Model)+64+32*(1+len(c.Outputs)))
	b = append(b, claimDomain...)
	str := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	num := func(n int) { b = binary.BigEndian.AppendUint64(b, uint64(n)) }
	str(c.RequestID)
	str(c.Model)
	num(c.From)
	num(c.To)
	str(c.Cache)
	num(c.Pos)
	num(c.N)
	b = append(b, c.Input[:]...)
	num(len(c.Outputs))
	for _, o := range c.Outputs {
		b = append(b, o[:]...)
	}
	return b
}

// SignedClaim is a claim with the hop's signature.
type SignedClaim struct {
	Claim
	Sig []byte
}

// CheckSig verifies the claim's signature by peer p.
func (c SignedClaim) CheckSig(p peer.ID) error {
	pub, err := p.ExtractPublicKey()
	if err != nil {
		return fmt.Errorf("claim signer %s: %w", shortID(p.String()), err)
	}
	return checkClaim(pub, c)
}

func checkClaim(pub crypto.PubKey, c SignedClaim) error {
	ok, err := pub.Verify(c.Claim.Bytes(), c.Sig)
	if err != nil {
		return fmt.Errorf("claim signature: %w", err)
	}
	if !ok {
		return errors.New("claim signature does not match")
	}
	return nil
}

// makeClaim is the claim of stage (its RequestID, Model, From, To and Cache) for a step at pos:
// it hashes the input bytes and the output, position by position.
func makeClaim(stage Claim, pos, width int, in []byte, out []byte) Claim {
	n := len(out) / (4 * width)
	c := stage
	c.Pos, c.N, c.Input, c.Outputs = pos, n, sha256.Sum256(in), make([][32]byte, n)
	for i := range n {
		c.Outputs[i] = sha256.Sum256(out[i*4*width : (i+1)*4*width])
	}
	return c
}

// Audit is the signed work of one peer on one hop of a finished request: what a verifier
// re-executes.
type Audit struct {
	Peer   peer.ID
	Hop    Hop
	Width  int
	Inputs []float32 // the hidden states sent, positions 0.. up to the last claimed
	Claims []SignedClaim
}

// Positions is the number of positions the audit covers.
func (a Audit) Positions() int { return len(a.Inputs) / a.Width }

// Lie is proof that a peer returned other hidden states than its layers compute: its signed
// claim, the position where the recomputed output differs, and the inputs every position up to
// it was computed from (anyone holding the model can check it again).
type Lie struct {
	Peer     peer.ID
	Hop      Hop
	Claim    SignedClaim
	Pos      int    // first position whose output differs
	Claimed  string // SHA-256 the peer signed for it, hex
	Computed string // SHA-256 of the recomputed output, hex
	Inputs   []byte // little-endian float32 inputs of positions [0, Claim.Pos+Claim.N)
}

func (l *Lie) Error() string {
	return fmt.Sprintf("peer %s returned wrong hidden states on layers [%d, %d) at position %d (signed %.12s, computed %.12s)",
		shortID(l.Peer.String()), l.Hop.From, l.Hop.To, l.Pos, l.Claimed, l.Computed)
}

// Check compares the audit's claims with outputs recomputed from its inputs (all positions):
// nil when every claimed hash matches, else the first lie.
func (a Audit) Check(outputs []float32) (*Lie, error) {
	if len(outputs) != len(a.Inputs) {
		return nil, fmt.Errorf("audit: %d recomputed values for %d inputs", len(outputs), len(a.Inputs))
	}
	d := a.Width
	for _, c := range a.Claims {
		if (c.Pos+c.N)*d > len(a.Inputs) {
			return nil, fmt.Errorf("audit: claim at %d+%d beyond the %d positions held", c.Pos, c.N, a.Positions())
		}
		// The claim was built from what this node sent; a mismatch here is our bug, not a lie.
		if sha256.Sum256(encodeHidden(a.Inputs[c.Pos*d:(c.Pos+c.N)*d])) != c.Input {
			return nil, fmt.Errorf("audit: the inputs held at %d+%d are not the ones the claim covers", c.Pos, c.N)
		}
		for i, want := range c.Outputs {
			p := c.Pos + i
			got := sha256.Sum256(encodeHidden(outputs[p*d : (p+1)*d]))
			if got != want {
				return &Lie{Peer: a.Peer, Hop: a.Hop, Claim: c, Pos: p, Claimed: hex.EncodeToString(want[:]),
					Computed: hex.EncodeToString(got[:]), Inputs: encodeHidden(a.Inputs[:(c.Pos+c.N)*d])}, nil
			}
		}
	}
	return nil, nil
}

// Recompute runs an audit's layer range over its inputs on this node, as one batched prefill
// (MaxBatch positions a step), and returns the outputs of every position. eng must hold the
// layers.
func Recompute(ctx context.Context, eng *inference.Engine, a Audit, cache model.CacheType, r *inference.Runner) ([]float32, error) {
	n := a.Positions()
	if n == 0 {
		return nil, nil
	}
	st, err := eng.NewStage(n, a.Hop.From, a.Hop.To, cache, r)
	if err != nil {
		return nil, fmt.Errorf("audit of %s: %w", a.Hop, err)
	}
	out := append([]float32(nil), a.Inputs...)
	if err := st.Forward(ctx, out); err != nil {
		return nil, fmt.Errorf("audit of %s: %w", a.Hop, err)
	}
	return out, nil
}

// genClaimDomain separates whole-request claims from every other signature.
const genClaimDomain = "aria/gen-claim/1\x00"

// GenClaim is what a peer that ran a whole request signs with its summary: the request as asked,
// the prompt tokens it made of it, the sampling (seed included), its KV cache type and the
// tokens it drew. Anyone holding the model replays it exactly (inference.Engine.Replay).
type GenClaim struct {
	RequestID string
	Model     string // SHA-256 of the model file, hex
	Input     string // RequestHash of the request
	Sampling  sample.Params
	MaxTokens int
	IgnoreEOS bool
	Cache     string
	Prompt    []int32
	Tokens    []int32
}

// Bytes is the claim's canonical encoding, the message that is signed.
func (c GenClaim) Bytes() []byte {
	b := []byte(genClaimDomain)
	str := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	u64 := func(n uint64) { b = binary.BigEndian.AppendUint64(b, n) }
	f32 := func(f float32) { b = binary.BigEndian.AppendUint32(b, math.Float32bits(f)) }
	toks := func(t []int32) {
		u64(uint64(len(t)))
		for _, v := range t {
			b = binary.BigEndian.AppendUint32(b, uint32(v))
		}
	}
	str(c.RequestID)
	str(c.Model)
	str(c.Input)
	s := c.Sampling
	f32(s.Temperature)
	u64(uint64(s.TopK))
	f32(s.TopP)
	f32(s.MinP)
	f32(s.RepeatPenalty)
	u64(uint64(s.RepeatLastN))
	f32(s.PresencePenalty)
	f32(s.FrequencyPenalty)
	u64(s.Seed)
	u64(uint64(c.MaxTokens))
	if c.IgnoreEOS {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	str(c.Cache)
	toks(c.Prompt)
	toks(c.Tokens)
	return b
}

// SignedGenClaim is a whole-request claim with the peer's signature.
type SignedGenClaim struct {
	GenClaim
	Sig []byte
}

// CheckSig verifies the claim's signature by peer p.
func (c SignedGenClaim) CheckSig(p peer.ID) error {
	pub, err := p.ExtractPublicKey()
	if err != nil {
		return fmt.Errorf("claim signer %s: %w", shortID(p.String()), err)
	}
	ok, err := pub.Verify(c.GenClaim.Bytes(), c.Sig)
	if err != nil {
		return fmt.Errorf("claim signature: %w", err)
	}
	if !ok {
		return errors.New("claim signature does not match")
	}
	return nil
}

// TokensHash is the SHA-256 (hex) of a token sequence, little-endian int32s: how evidence
// against a whole request names the sequence claimed and the one recomputed.
func TokensHash(toks []int32) string {
	b := make([]byte, 4*len(toks))
	for i, t := range toks {
		binary.LittleEndian.PutUint32(b[4*i:], uint32(t))
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}
