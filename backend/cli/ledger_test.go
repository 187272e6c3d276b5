package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/aria-node/aria/backend/ledger"
	"github.com/aria-node/aria/backend/p2p"
)

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func testKey(t *testing.T) (crypto.PrivKey, peer.ID) {
	t.Helper()
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := peer.IDFromPrivateKey(k)
	return k, id
}

// saveIdentity stores key as the node's identity in dataDir, as a node does.
func saveIdentity(t *testing.T, dataDir string, key crypto.PrivKey) {
	t.Helper()
	b, err := crypto.MarshalPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, p2p.IdentityFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// writeLedger records a local inference, one served for a peer (with the peer's receipt) and one
// sent to a peer, in dataDir/ledger.db.
func writeLedger(t *testing.T, dataDir string) (entries []ledger.Entry, self, other peer.ID) {
	t.Helper()
	ctx := context.Background()
	key, self := testKey(t)
	otherKey, other := testKey(t)
	saveIdentity(t, dataDir, key)
	l, err := ledger.Open(ctx, filepath.Join(dataDir, "ledger.db"), key)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	for i, k := range []ledger.Kind{ledger.Local, ledger.Served, ledger.Remote} {
		e := ledger.Entry{RequestID: fmt.Sprintf("chat-%d", i), Kind: k, ModelSHA256: hashOf("model"),
			LayerTo: 30, PromptTokens: 12, GenTokens: int64(40 * (i + 1)), StartedAt: 1_750_000_000_000 + int64(i)*60_000,
			DurationMs: 1600, EnergyMJ: int64(900 * (i + 1)), EnergyLabel: "estimated", Requester: self, Worker: self,
			InputHash: hashOf(fmt.Sprint("in", i)), OutputHash: hashOf(fmt.Sprint("out", i))}
		switch k {
		case ledger.Served:
			e.Requester, e.EnergyLabel = other, "measured"
		case ledger.Remote:
			e.Worker = other
		}
		if k != ledger.Local {
			r, err := ledger.SignReceipt(otherKey, ledger.ReceiptPayload{RequestID: e.RequestID, ModelSHA256: e.ModelSHA256,
				LayerFrom: e.LayerFrom, LayerTo: e.LayerTo, PromptTokens: e.PromptTokens, GenTokens: e.GenTokens,
				InputHash: e.InputHash, OutputHash: e.OutputHash, Requester: e.Requester, Worker: e.Worker})
			if err != nil {
				t.Fatal(err)
			}
			e.Receipt = &r
		}
		got, err := l.Append(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, got)
	}
	return entries, self, other
}

func TestLedgerCommands(t *testing.T) {
	data := t.TempDir()
	es, _, other := writeLedger(t, data)
	dd := []string{"--data-dir", data}
	ledgerRun := func(args ...string) (int, string, string) {
		t.Helper()
		return run(t, "", append(append([]string{"ledger"}, args...), dd...)...)
	}

	code, out, errs := ledgerRun("list")
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(es)+2 || !strings.Contains(lines[0], "TOK/S") || !strings.Contains(lines[len(lines)-1], fmt.Sprintf("%d entries", len(es))) {
		t.Fatalf("list output:\n%s", out)
	}
	short := "…" + other.String()[len(other.String())-6:]
	for i, e := range es {
		f := strings.Fields(lines[i+1])
		rate := fmt.Sprintf("%.1f", float64(e.GenTokens)/(float64(e.DurationMs)/1000))
		peers := map[ledger.Kind]string{ledger.Local: "self→self", ledger.Served: short + "→self", ledger.Remote: "self→" + short}[e.Kind]
		energy := fmt.Sprint(e.EnergyMJ)
		if e.EnergyLabel == "estimated" {
			energy = "~" + energy
		}
		want := []string{fmt.Sprint(e.Seq), string(e.Kind), e.ModelSHA256[:8], "0-30", fmt.Sprintf("%d+%d", e.PromptTokens, e.GenTokens), rate, energy, peers}
		for _, w := range want {
			if !strings.Contains(" "+strings.Join(f, " ")+" ", " "+w+" ") {
				t.Errorf("list line %q lacks %q", lines[i+1], w)
			}
		}
	}

	code, out, _ = ledgerRun("list", "--json", "--kind", "served")
	var got ledger.Entry
	if err := json.Unmarshal([]byte(out), &got); code != 0 || err != nil || got.Seq != es[1].Seq || got.Hash != es[1].Hash {
		t.Fatalf("list --json --kind served: exit %d, %v: %s", code, err, out)
	}
	code, out, _ = ledgerRun("list", "--peer", other.String(), "--newest")
	if code != 0 || strings.Count(out, short) != 2 || strings.Index(out, "remote") > strings.Index(out, "served") {
		t.Fatalf("list --peer --newest:\n%s", out)
	}

	code, out, errs = ledgerRun("show", "2")
	if code != 0 || !strings.Contains(out, es[1].Hash) || !strings.Contains(out, "signed by "+other.String()+" (verifies)") {
		t.Fatalf("show 2: exit %d\n%s%s", code, out, errs)
	}

	code, out, _ = ledgerRun("verify")
	if code != 0 || !strings.Contains(out, fmt.Sprintf("ledger OK: %d entries, chain and signatures verify", len(es))) {
		t.Fatalf("verify: exit %d\n%s", code, out)
	}

	csvPath := filepath.Join(t.TempDir(), "ledger.csv")
	if code, _, errs := ledgerRun("export", "--format", "csv", "--out", csvPath); code != 0 {
		t.Fatalf("export csv: %s", errs)
	}
	b, err := os.ReadFile(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil || len(recs) != len(es)+1 || recs[0][0] != "seq" || recs[3][0] != "3" {
		t.Fatalf("export csv: %v\n%s", err, b)
	}
	code, out, _ = ledgerRun("export")
	dec := json.NewDecoder(strings.NewReader(out))
	for i := range es {
		var e ledger.Entry
		if err := dec.Decode(&e); err != nil || e.Hash != es[i].Hash {
			t.Fatalf("export json line %d: %v", i, err)
		}
	}
	if code != 0 || dec.More() {
		t.Fatalf("export json: exit %d, more lines than entries", code)
	}

	// Edit one field behind the node's back: verify names the entry and fails.
	db, err := sql.Open("sqlite", filepath.Join(data, "ledger.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("UPDATE entries SET gen_tokens = 4000 WHERE seq = 2"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, out, errs = ledgerRun("verify")
	if code != 1 || !strings.Contains(out, "seq 2: hash mismatch") || !strings.Contains(errs, "does not verify") {
		t.Fatalf("verify after edit: exit %d\n%s%s", code, out, errs)
	}
}

func TestLedgerCommandErrors(t *testing.T) {
	data := t.TempDir()
	writeLedger(t, data)
	empty := t.TempDir()
	out := filepath.Join(t.TempDir(), "keep.csv")
	os.WriteFile(out, []byte("earlier export\n"), 0o644)
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"verify", "--data-dir", empty}, 1, "no ledger at " + filepath.Join(empty, "ledger.db")},
		{[]string{"list", "--data-dir", empty}, 1, "no ledger at"},
		{[]string{"show", "99", "--data-dir", data}, 1, "not found"},
		{[]string{"show", "two", "--data-dir", data}, 2, "positive entry number"},
		{[]string{"show", "--data-dir", data}, 2, "accepts 1 arg"},
		{[]string{"list", "--kind", "gift", "--data-dir", data}, 2, "--kind"},
		{[]string{"list", "--since", "yesterday", "--data-dir", data}, 2, "--since"},
		{[]string{"export", "--format", "xml", "--out", out, "--data-dir", data}, 2, "--format"},
		{[]string{"export", "--out", out, "--data-dir", empty}, 1, "no ledger at"},
	}
	for _, c := range cases {
		code, stdout, stderr := run(t, "", append([]string{"ledger"}, c.args...)...)
		if code != c.code || !strings.Contains(stdout+stderr, c.want) {
			t.Errorf("aria ledger %s: exit %d, %q; want exit %d with %q", strings.Join(c.args, " "), code, stdout+stderr, c.code, c.want)
		}
	}
	if b, _ := os.ReadFile(out); string(b) != "earlier export\n" {
		t.Errorf("a failed export changed the existing file: %q", b)
	}
	if _, err := os.Stat(filepath.Join(empty, "ledger.db")); err == nil {
		t.Error("reading a missing ledger created one")
	}
}

// A ledger replaced by one that another key made and signed verifies on its own; verify
// compares its owner with this node's identity and fails, naming both.
func TestLedgerVerifyOwner(t *testing.T) {
	data := t.TempDir()
	writeLedger(t, data)
	own, err := os.ReadFile(filepath.Join(data, p2p.IdentityFile))
	if err != nil {
		t.Fatal(err)
	}
	// Another node's ledger (writeLedger makes a new key and stores it), moved in with this
	// node's identity put back.
	if err := os.MkdirAll(data+"-other", 0o700); err != nil {
		t.Fatal(err)
	}
	writeLedger(t, data+"-other")
	other := filepath.Join(data+"-other", "ledger.db")
	if err := os.Rename(other, filepath.Join(data, "ledger.db")); err != nil {
		t.Fatal(err)
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		os.Remove(filepath.Join(data, "ledger.db"+suffix))
		os.Rename(other+suffix, filepath.Join(data, "ledger.db"+suffix))
	}
	if err := os.WriteFile(filepath.Join(data, p2p.IdentityFile), own, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := run(t, "", "ledger", "verify", "--data-dir", data)
	if code != 1 || !strings.Contains(out, "wrong owner") || !strings.Contains(errs, "does not verify") {
		t.Fatalf("verify of another node's ledger: exit %d\n%s%s", code, out, errs)
	}
	// --owner names the expected peer explicitly.
	k, _ := crypto.UnmarshalPrivateKey(own)
	id, _ := peer.IDFromPrivateKey(k)
	if code, out, _ := run(t, "", "ledger", "verify", "--data-dir", data, "--owner", id.String()); code != 1 || !strings.Contains(out, "wrong owner") {
		t.Fatalf("verify --owner: exit %d\n%s", code, out)
	}
}
