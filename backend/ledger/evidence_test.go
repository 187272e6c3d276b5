package ledger

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

// Evidence is kept only when the accused peer signed it, survives a reopen, and a ledger made
// before evidence was kept (schema 1) is still read, and upgraded when opened for writing.
func TestEvidence(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	key, _ := newKey(t)
	liarKey, liar := newKey(t)
	_, other := newKey(t)
	l, err := Open(ctx, path, key)
	if err != nil {
		t.Fatal(err)
	}
	claim := []byte("aria/hop-claim/1\x00 the peer's statement")
	sig, err := liarKey.Sign(claim)
	if err != nil {
		t.Fatal(err)
	}
	ev := Evidence{Peer: liar, RequestID: "r1", ModelSHA256: strings.Repeat("ab", 32), LayerFrom: 2, LayerTo: 4, Pos: 40,
		Claimed: strings.Repeat("11", 32), Computed: strings.Repeat("22", 32), Claim: claim, Sig: sig, Inputs: []byte{1, 2, 3, 4}}
	for name, bad := range map[string]func(e *Evidence){
		"signed by another peer": func(e *Evidence) { e.Peer = other },
		"altered claim":          func(e *Evidence) { e.Claim = append([]byte(nil), "aria/hop-claim/1\x00 another statement"...) },
		"equal hashes":           func(e *Evidence) { e.Computed = e.Claimed },
		"bad hash":               func(e *Evidence) { e.Claimed = "xyz" },
	} {
		e := ev
		bad(&e)
		if _, err := l.AddEvidence(ctx, e); err == nil {
			t.Errorf("%s: evidence accepted", name)
		}
	}
	if _, err := l.AddEvidence(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}

	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	list, err := ro.EvidenceList(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Peer != liar || list[0].Pos != 40 || list[0].Claimed != ev.Claimed || string(list[0].Sig) != string(sig) {
		t.Fatalf("evidence after reopening: %+v", list)
	}
	in, err := ro.EvidenceInputs(ctx, list[0].ID)
	if err != nil || string(in) != string(ev.Inputs) {
		t.Fatalf("inputs %v (%v)", in, err)
	}
	if rep, err := ro.Verify(ctx); err != nil || !rep.OK() {
		t.Fatalf("the ledger with evidence does not verify: %+v (%v)", rep, err)
	}
	ro.Close()
	// Evidence edited in the file (another peer named) no longer verifies.
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE evidence SET peer = ?", other.String()); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if ro, err = OpenReadOnly(ctx, path); err != nil {
		t.Fatal(err)
	}
	if rep, err := ro.Verify(ctx); err != nil || len(rep.Problems) != 1 || rep.Problems[0].Kind != EvidenceBad {
		t.Fatalf("edited evidence: %+v (%v), want one bad evidence", rep, err)
	}
	ro.Close()

	// A schema-1 ledger: read as it is, upgraded by the node's Open.
	old := filepath.Join(t.TempDir(), "old.db")
	l, err = Open(ctx, old, key)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Append(ctx, Entry{RequestID: "a", Kind: Local, ModelSHA256: strings.Repeat("ab", 32), Requester: l.Owner(), Worker: l.Owner(), InputHash: strings.Repeat("0", 64),
		OutputHash: strings.Repeat("0", 64), EnergyLabel: "estimated"}); err != nil {
		t.Fatal(err)
	}
	l.Close()
	db, err = sql.Open("sqlite", old)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("DROP TABLE evidence; PRAGMA user_version = 1"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	ro, err = OpenReadOnly(ctx, old)
	if err != nil {
		t.Fatalf("a schema-1 ledger cannot be read: %v", err)
	}
	if list, err := ro.EvidenceList(ctx); err != nil || len(list) != 0 {
		t.Fatalf("schema-1 evidence %v (%v)", list, err)
	}
	ro.Close()
	l, err = Open(ctx, old, key)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if _, err := l.AddEvidence(ctx, ev); err != nil {
		t.Fatalf("the upgraded ledger keeps no evidence: %v", err)
	}
	if n, err := l.List(ctx, Filter{}); err != nil || len(n) != 1 {
		t.Fatalf("entries after the upgrade: %d (%v)", len(n), err)
	}
	rep, err := l.VerifyOwner(ctx, l.Owner())
	if err != nil || !rep.OK() {
		t.Fatalf("the upgraded ledger does not verify: %+v (%v)", rep, err)
	}
}
