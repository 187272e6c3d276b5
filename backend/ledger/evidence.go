package ledger

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Evidence is proof that a peer returned wrong work: the claim it signed over a step of a hop
// (the message and its signature, backend/pipeline/verify.go) and the hash this node computed
// for the same position from the same inputs. The inputs are kept, up to MaxEvidenceInputs, so
// that anyone holding the model can check it again.
type Evidence struct {
	ID          int64
	At          time.Time
	Peer        peer.ID
	RequestID   string
	ModelSHA256 string
	LayerFrom   int64
	LayerTo     int64
	Pos         int64  // first position whose output differs
	Claimed     string // SHA-256 the peer signed, hex
	Computed    string // SHA-256 recomputed here, hex
	Claim       []byte // the signed message
	Sig         []byte // the peer's signature over Claim
	Inputs      []byte // nil when larger than MaxEvidenceInputs
}

// MaxEvidenceInputs bounds the inputs kept with one piece of evidence.
const MaxEvidenceInputs = 16 << 20

// AddEvidence stores proof against a peer; its signature must verify with the peer's key, so
// nothing a peer did not sign can be held against it.
func (l *Ledger) AddEvidence(ctx context.Context, e Evidence) (Evidence, error) {
	if l.key == nil {
		return e, errors.New("ledger is read-only")
	}
	if err := checkSig(e.Peer, e.Claim, e.Sig); err != nil {
		return e, fmt.Errorf("evidence against %s: %w", e.Peer, err)
	}
	if !isHexHash(e.Claimed) || !isHexHash(e.Computed) {
		return e, errors.New("evidence: hashes must be 64 hex digits")
	}
	if e.Claimed == e.Computed {
		return e, errors.New("evidence: the claimed and computed hashes are equal")
	}
	if len(e.Inputs) > MaxEvidenceInputs {
		e.Inputs = nil
	}
	if e.At.IsZero() {
		e.At = time.Now()
	}
	res, err := l.db.ExecContext(ctx, `INSERT INTO evidence (at, peer, request_id, model_sha256, layer_from, layer_to, pos,
		claimed, computed, claim, sig, inputs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.At.UnixMilli(), e.Peer.String(), e.RequestID, e.ModelSHA256, e.LayerFrom, e.LayerTo, e.Pos,
		e.Claimed, e.Computed, e.Claim, e.Sig, e.Inputs)
	if err != nil {
		return e, fmt.Errorf("store evidence: %w", err)
	}
	e.ID, _ = res.LastInsertId()
	return e, nil
}

// EvidenceList is every piece of evidence, oldest first, without the inputs.
func (l *Ledger) EvidenceList(ctx context.Context) ([]Evidence, error) {
	if v, err := l.version(ctx); err != nil || v < 2 {
		return nil, err // a ledger from before evidence was kept holds none
	}
	rows, err := l.db.QueryContext(ctx, `SELECT id, at, peer, request_id, model_sha256, layer_from, layer_to, pos,
		claimed, computed, claim, sig FROM evidence ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	defer rows.Close()
	var out []Evidence
	for rows.Next() {
		var e Evidence
		var at int64
		var p string
		if err := rows.Scan(&e.ID, &at, &p, &e.RequestID, &e.ModelSHA256, &e.LayerFrom, &e.LayerTo, &e.Pos,
			&e.Claimed, &e.Computed, &e.Claim, &e.Sig); err != nil {
			return nil, fmt.Errorf("read evidence: %w", err)
		}
		if e.Peer, err = peer.Decode(p); err != nil {
			return nil, fmt.Errorf("evidence %d: peer %q: %w", e.ID, p, err)
		}
		e.At = time.UnixMilli(at)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read evidence: %w", err)
	}
	return out, nil
}

// EvidenceInputs are the inputs kept with evidence id (nil when they were too large).
func (l *Ledger) EvidenceInputs(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	if err := l.db.QueryRowContext(ctx, "SELECT inputs FROM evidence WHERE id = ?", id).Scan(&b); err != nil {
		return nil, fmt.Errorf("evidence %d: %w", id, err)
	}
	return b, nil
}
