package ledger

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/peer"
)

// ProblemKind classifies what Verify found wrong.
type ProblemKind string

const (
	Malformed  ProblemKind = "malformed"     // a stored field does not parse
	HashBad    ProblemKind = "hash mismatch" // the entry's fields were edited
	Gap        ProblemKind = "missing"       // entries are missing before this seq
	ChainBreak ProblemKind = "chain break"   // prev_hash is not the previous entry's hash
	SigBad     ProblemKind = "bad signature" // not signed by the owner
	ReceiptBad ProblemKind = "bad receipt"   // the other peer's receipt does not verify or match
	HeadBad    ProblemKind = "head mismatch" // the signed head is not the last entry
	OwnerBad   ProblemKind = "wrong owner"   // the ledger is another peer's than expected
	// EvidenceBad: evidence against a peer that the peer did not sign (Seq is the evidence's
	// number, not an entry's).
	EvidenceBad ProblemKind = "bad evidence"
)

// Problem is one thing wrong with the entry Seq.
type Problem struct {
	Seq    uint64      `json:"seq"`
	Kind   ProblemKind `json:"kind"`
	Detail string      `json:"detail"`
}

func (p Problem) String() string { return fmt.Sprintf("seq %d: %s: %s", p.Seq, p.Kind, p.Detail) }

// Report is the result of Verify: the ledger is intact when Problems is empty.
type Report struct {
	Owner    peer.ID   `json:"owner"`
	Entries  int       `json:"entries"`
	Problems []Problem `json:"problems"`
}

// OK tells whether no problem was found.
func (r Report) OK() bool { return len(r.Problems) == 0 }

// Verify checks every entry (sequence, chain, hash, owner's signature, receipt) and the signed
// head, and reports every problem with its seq. The error is for failures to read the ledger.
func (l *Ledger) Verify(ctx context.Context) (Report, error) {
	return l.VerifyOwner(ctx, "")
}

// VerifyOwner is Verify that also checks the ledger is want's (this node's identity): the owner
// recorded in the file is only what the file says, and a ledger made and signed by another key
// verifies on its own. An empty want skips that check.
func (l *Ledger) VerifyOwner(ctx context.Context, want peer.ID) (Report, error) {
	rep := Report{Owner: l.owner}
	if want != "" && want != l.owner {
		rep.Problems = append(rep.Problems, Problem{0, OwnerBad,
			fmt.Sprintf("the ledger says it is %s's, but this node is %s: it was replaced or belongs to another node", l.owner, want)})
	}
	receipts := map[string]uint64{} // receipt signature → the first entry carrying it
	add := func(seq uint64, k ProblemKind, format string, a ...any) {
		rep.Problems = append(rep.Problems, Problem{seq, k, fmt.Sprintf(format, a...)})
	}
	var last uint64
	prevHash := zeroHash
	err := l.each(ctx, "SELECT "+columns+" FROM entries ORDER BY seq", nil, func(seq uint64, e Entry, err error) error {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		rep.Entries++
		if seq != last+1 {
			if seq == last+2 {
				add(seq, Gap, "entry %d is missing", last+1)
			} else {
				add(seq, Gap, "entries %d to %d are missing", last+1, seq-1)
			}
		}
		if e.PrevHash != prevHash {
			add(seq, ChainBreak, "prev_hash %.12s… is not the hash of the entry before (%.12s…)", e.PrevHash, prevHash)
		}
		last, prevHash = seq, e.Hash
		if err != nil {
			add(seq, Malformed, "%v", err)
			return nil
		}
		if h, err := computeHash(&e); err != nil {
			add(seq, Malformed, "%v", err)
		} else if h != e.Hash {
			add(seq, HashBad, "stored %.12s…, fields hash to %.12s…: the entry was edited", e.Hash, h)
		}
		if msg, err := signedHash(entryDomain, e.Hash); err != nil {
			add(seq, SigBad, "%v", err)
		} else if err := checkSig(l.owner, msg, e.Sig); err != nil {
			add(seq, SigBad, "not signed by the owner %s: %v", l.owner, err)
		}
		if e.Receipt != nil {
			if err := checkReceipt(&e, l.owner); err != nil {
				add(seq, ReceiptBad, "%v", err)
			}
			if first, ok := receipts[string(e.Receipt.Sig)]; ok {
				add(seq, ReceiptBad, "the receipt of entry %d is used again: one piece of work is credited twice", first)
			} else {
				receipts[string(e.Receipt.Sig)] = seq
			}
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("verify ledger %s: %w", l.path, err)
	}
	var hs uint64
	var hh string
	var hsig []byte
	err = l.db.QueryRowContext(ctx, "SELECT seq, hash, sig FROM head WHERE id = 1").Scan(&hs, &hh, &hsig)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if rep.Entries > 0 {
			add(last, HeadBad, "the signed head is missing")
		}
	case err != nil:
		add(last, HeadBad, "head does not parse: %v", err)
	default:
		if hs != last || hh != prevHash {
			add(hs, HeadBad, "the signed head is entry %d (%.12s…) but the last entry is %d (%.12s…): entries after %d were removed or replaced",
				hs, hh, last, prevHash, min(hs, last))
		}
		if msg, err := headBytes(hs, hh); err != nil {
			add(hs, HeadBad, "%v", err)
		} else if err := checkSig(l.owner, msg, hsig); err != nil {
			add(hs, HeadBad, "head not signed by the owner: %v", err)
		}
	}
	// Evidence holds against a peer only with its own signature over the claim.
	ev, err := l.EvidenceList(ctx)
	if err != nil {
		return rep, fmt.Errorf("verify ledger %s: %w", l.path, err)
	}
	for _, e := range ev {
		if err := checkSig(e.Peer, e.Claim, e.Sig); err != nil {
			add(uint64(e.ID), EvidenceBad, "evidence against %s: %v", e.Peer, err)
		}
	}
	return rep, nil
}

// VerifyEntry checks one entry: that it parses, that its fields hash to its hash, the owner's
// signature, its receipt, and its link to the entry before it. It is cheap (two reads, one or
// two signature checks) but sees less than Verify: not the signed head, not a receipt used
// twice, not entries removed after it. ErrNotFound when there is no entry seq.
func (l *Ledger) VerifyEntry(ctx context.Context, seq uint64) (Report, error) {
	rep := Report{Owner: l.owner, Entries: 1}
	add := func(k ProblemKind, format string, a ...any) {
		rep.Problems = append(rep.Problems, Problem{seq, k, fmt.Sprintf(format, a...)})
	}
	_, e, err := scanEntry(l.db.QueryRowContext(ctx, "SELECT "+columns+" FROM entries WHERE seq = ?", seq))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return Report{}, fmt.Errorf("verify entry %d: %w", seq, ErrNotFound)
	case err != nil && e.Seq != seq:
		return Report{}, fmt.Errorf("verify entry %d: %w", seq, err) // the read failed, not the row
	case err != nil:
		add(Malformed, "%v", err)
		return rep, nil
	}
	want := zeroHash
	if seq > 1 {
		err := l.db.QueryRowContext(ctx, "SELECT hash FROM entries WHERE seq = ?", seq-1).Scan(&want)
		if errors.Is(err, sql.ErrNoRows) {
			add(Gap, "entry %d is missing", seq-1)
			want = e.PrevHash
		} else if err != nil {
			return Report{}, fmt.Errorf("verify entry %d: previous entry: %w", seq, err)
		}
	}
	if e.PrevHash != want {
		add(ChainBreak, "prev_hash %.12s… is not the hash of the entry before (%.12s…)", e.PrevHash, want)
	}
	if h, err := computeHash(&e); err != nil {
		add(Malformed, "%v", err)
	} else if h != e.Hash {
		add(HashBad, "stored %.12s…, fields hash to %.12s…: the entry was edited", e.Hash, h)
	}
	if msg, err := signedHash(entryDomain, e.Hash); err != nil {
		add(SigBad, "%v", err)
	} else if err := checkSig(l.owner, msg, e.Sig); err != nil {
		add(SigBad, "not signed by the owner %s: %v", l.owner, err)
	}
	if e.Receipt != nil {
		if err := checkReceipt(&e, l.owner); err != nil {
			add(ReceiptBad, "%v", err)
		}
	}
	return rep, nil
}
