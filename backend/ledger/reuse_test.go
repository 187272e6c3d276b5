package ledger

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// One receipt is one piece of work: an entry that carries a receipt another entry already
// carries is refused by Append, and an edited ledger holding one is caught by Verify.
func TestReceiptUsedTwice(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	es := fill(t, l, p, 4)
	e := es[1] // served for alice, with her receipt
	if e.Receipt == nil {
		t.Fatalf("entry 2 is %s, without a receipt", e.Kind)
	}
	again := e
	again.Seq, again.PrevHash, again.Hash, again.Sig = 0, "", "", nil
	if _, err := l.Append(ctx, again); !errors.Is(err, ErrReceiptUsed) {
		t.Fatalf("Append took a receipt used by entry 2: %v", err)
	}
	// The owner's own software could still write it (an old version, or an edit re-signed
	// with the key): Verify names the second use.
	l.allowReuse = true
	if _, err := l.Append(ctx, again); err != nil {
		t.Fatal(err)
	}
	rep, err := l.Verify(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Seq != 5 || rep.Problems[0].Kind != ReceiptBad ||
		!strings.Contains(rep.Problems[0].Detail, "entry 2") {
		t.Fatalf("problems %v, want the receipt of entry 2 used again at 5", rep.Problems)
	}
}

// A ledger made and signed by another key verifies on its own; checked against this node's
// identity it does not.
func TestVerifyOwner(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	fill(t, l, p, 3)
	if rep, err := l.VerifyOwner(ctx, p.owner); err != nil || !rep.OK() {
		t.Fatalf("own ledger: %v %v", rep.Problems, err)
	}
	rep, err := l.VerifyOwner(ctx, p.alice)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Kind != OwnerBad {
		t.Fatalf("problems %v, want the wrong owner", rep.Problems)
	}
}
