package ledger

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

func newKey(t testing.TB) (crypto.PrivKey, peer.ID) {
	t.Helper()
	k, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	id, err := peer.IDFromPrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return k, id
}

func randHash(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	rand.Read(b)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// peers is a ledger owner and two other peers with their keys.
type peers struct {
	ownerKey, aliceKey, bobKey crypto.PrivKey
	owner, alice, bob          peer.ID
}

func newPeers(t testing.TB) peers {
	var p peers
	p.ownerKey, p.owner = newKey(t)
	p.aliceKey, p.alice = newKey(t)
	p.bobKey, p.bob = newKey(t)
	return p
}

// entry makes a plausible entry number i of kind k for p.owner; served and remote entries carry
// a receipt signed by the other peer.
func (p peers) entry(t testing.TB, i int, k Kind) Entry {
	t.Helper()
	e := Entry{
		RequestID: fmt.Sprintf("req-%d", i), Kind: k, ModelSHA256: randHash(t),
		LayerFrom: 0, LayerTo: 30, PromptTokens: int64(10 + i), GenTokens: int64(20 + 3*i),
		StartedAt: 1_700_000_000_000 + int64(i)*1000, DurationMs: int64(500 + i), EnergyMJ: int64(1000 * i),
		EnergyLabel: "estimated", Requester: p.owner, Worker: p.owner, InputHash: randHash(t), OutputHash: randHash(t),
	}
	if i%2 == 1 {
		e.EnergyLabel = "measured"
	}
	switch k {
	case Served:
		e.Requester = p.alice
		e.Receipt = sign(t, p.aliceKey, &e)
	case Hop:
		e.Requester, e.LayerFrom, e.LayerTo = p.bob, 10, 20
	case Remote:
		e.Worker = p.bob
		e.Receipt = sign(t, p.bobKey, &e)
	}
	return e
}

func sign(t testing.TB, key crypto.PrivKey, e *Entry) *Receipt {
	t.Helper()
	r, err := SignReceipt(key, payloadOf(e))
	if err != nil {
		t.Fatal(err)
	}
	return &r
}

var kinds = []Kind{Local, Served, Hop, Remote}

// fill appends n entries of rotating kinds and returns them as Append returned them.
func fill(t testing.TB, l *Ledger, p peers, n int) []Entry {
	t.Helper()
	var out []Entry
	for i := range n {
		e, err := l.Append(context.Background(), p.entry(t, i, kinds[i%len(kinds)]))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, e)
	}
	return out
}

func openNew(t testing.TB) (*Ledger, string, peers) {
	t.Helper()
	p := newPeers(t)
	// A directory that does not exist yet, with characters a SQLite URI would misread.
	path := filepath.Join(t.TempDir(), "Application Support #1?x=y", "ledger.db")
	l, err := Open(context.Background(), path, p.ownerKey)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l, path, p
}

func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	l, path, p := openNew(t)
	if l.Owner() != p.owner {
		t.Fatalf("owner %s, want %s", l.Owner(), p.owner)
	}
	want := fill(t, l, p, 8)
	for i, e := range want {
		if e.Seq != uint64(i+1) {
			t.Fatalf("entry %d got seq %d", i, e.Seq)
		}
		prev := zeroHash
		if i > 0 {
			prev = want[i-1].Hash
		}
		if e.PrevHash != prev || !isHexHash(e.Hash) || len(e.Sig) == 0 {
			t.Fatalf("entry %d: prev %s hash %s sig %d bytes", e.Seq, e.PrevHash, e.Hash, len(e.Sig))
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopen: with the key for appending, and read-only without it.
	l2, err := Open(ctx, path, p.ownerKey)
	if err != nil {
		t.Fatal(err)
	}
	defer l2.Close()
	ro, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	for _, l := range []*Ledger{l2, ro} {
		got, err := l.List(ctx, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("List after reopen:\n%+v\nwant\n%+v", got, want)
		}
		for _, e := range want {
			g, err := l.Get(ctx, e.Seq)
			if err != nil || !reflect.DeepEqual(g, e) {
				t.Fatalf("Get(%d) = %+v, %v; want %+v", e.Seq, g, err, e)
			}
		}
		if _, err := l.Get(ctx, 99); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get(99): %v, want ErrNotFound", err)
		}
		rep, err := l.Verify(ctx)
		if err != nil || !rep.OK() || rep.Entries != len(want) || rep.Owner != p.owner {
			t.Fatalf("verify: %+v, %v", rep, err)
		}
	}
	if _, err := ro.Append(ctx, p.entry(t, 9, Local)); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("read-only append: %v", err)
	}
	e, err := l2.Append(ctx, p.entry(t, 9, Local))
	if err != nil || e.Seq != 9 || e.PrevHash != want[7].Hash {
		t.Fatalf("append after reopen: seq %d prev %s, %v", e.Seq, e.PrevHash, err)
	}
	// The read-only handle sees the new entry too.
	if g, err := ro.Get(ctx, 9); err != nil || g.Hash != e.Hash {
		t.Fatalf("read-only Get(9): %v", err)
	}
}

func TestListFilter(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	all := fill(t, l, p, 13)
	pick := func(keep func(Entry) bool) []Entry {
		var out []Entry
		for _, e := range all {
			if keep(e) {
				out = append(out, e)
			}
		}
		return out
	}
	since := all[6].StartedAt
	cases := []struct {
		name string
		f    Filter
		want []Entry
	}{
		{"all", Filter{}, all},
		{"kind", Filter{Kind: Served}, pick(func(e Entry) bool { return e.Kind == Served })},
		{"peer alice", Filter{Peer: p.alice}, pick(func(e Entry) bool { return e.Requester == p.alice || e.Worker == p.alice })},
		{"peer bob and kind", Filter{Peer: p.bob, Kind: Remote}, pick(func(e Entry) bool { return e.Worker == p.bob && e.Kind == Remote })},
		{"since", Filter{Since: since}, pick(func(e Entry) bool { return e.StartedAt >= since })},
		{"limit offset", Filter{Limit: 4, Offset: 3}, all[3:7]},
		{"offset only", Filter{Offset: 10}, all[10:]},
		{"newest first", Filter{Reverse: true, Limit: 3}, []Entry{all[12], all[11], all[10]}},
		{"no match", Filter{Peer: newPeers(t).owner}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := l.List(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.want) == 0 && len(got) == 0 {
				return
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Fatalf("got seqs %v, want %v", seqs(got), seqs(c.want))
			}
		})
	}
}

func seqs(es []Entry) []uint64 {
	var s []uint64
	for _, e := range es {
		s = append(s, e.Seq)
	}
	return s
}

func TestExportParsesBack(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	want := fill(t, l, p, 6)

	var js bytes.Buffer
	if err := l.Export(ctx, &js, "json"); err != nil {
		t.Fatal(err)
	}
	var got []Entry
	dec := json.NewDecoder(&js)
	for {
		var e Entry
		if err := dec.Decode(&e); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		got = append(got, e)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("JSON export parses to\n%+v\nwant\n%+v", got, want)
	}

	var cs bytes.Buffer
	if err := l.Export(ctx, &cs, "csv"); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&cs).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(want)+1 {
		t.Fatalf("%d CSV lines, want header + %d", len(recs), len(want))
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for i, e := range want {
		r := recs[i+1]
		get := func(name string) string {
			j, ok := col[name]
			if !ok {
				t.Fatalf("CSV has no column %q: %v", name, recs[0])
			}
			return r[j]
		}
		sig, err := base64.StdEncoding.DecodeString(get("sig"))
		if err != nil || !bytes.Equal(sig, e.Sig) {
			t.Fatalf("row %d sig: %v", i, err)
		}
		if get("seq") != strconv.FormatUint(e.Seq, 10) || get("kind") != string(e.Kind) || get("hash") != e.Hash ||
			get("gen_tokens") != strconv.FormatInt(e.GenTokens, 10) || get("requester") != e.Requester.String() ||
			get("started_at") != strconv.FormatInt(e.StartedAt, 10) || get("energy_label") != e.EnergyLabel {
			t.Fatalf("CSV row %v does not match entry %+v", r, e)
		}
		if e.Receipt != nil {
			pl, err := base64.StdEncoding.DecodeString(get("receipt_payload"))
			if err != nil || !bytes.Equal(pl, e.Receipt.Payload) || get("receipt_signer") != e.Receipt.Signer.String() {
				t.Fatalf("CSV row %d receipt: %v", i, err)
			}
		} else if get("receipt_signer") != "" {
			t.Fatalf("row %d has a receipt signer but the entry has no receipt", i)
		}
	}
	if err := l.Export(ctx, io.Discard, "xml"); !errors.Is(err, ErrFormat) {
		t.Fatalf("xml export: %v", err)
	}
}

func TestStats(t *testing.T) {
	l, _, p := openNew(t)
	all := fill(t, l, p, 11)
	want := map[Kind]Totals{}
	for _, e := range all {
		s := want[e.Kind]
		s.Entries++
		s.PromptTokens += e.PromptTokens
		s.GenTokens += e.GenTokens
		s.DurationMs += e.DurationMs
		s.EnergyMJ += e.EnergyMJ
		if e.EnergyLabel == "estimated" {
			s.EstimatedMJ += e.EnergyMJ
		}
		want[e.Kind] = s
	}
	got, err := l.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("stats %+v, want %+v", got, want)
	}
}

// rawDB opens the ledger file directly, as someone editing it behind the node's back would.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func mustExec(t *testing.T, db *sql.DB, q string, args ...any) {
	t.Helper()
	res, err := db.Exec(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatalf("%s: no row changed", q)
	}
}

// The columns of an entry other than seq, for swapping two rows' contents.
var contentCols = strings.Split(strings.ReplaceAll(strings.TrimPrefix(columns, "seq, "), "\n\t", " "), ", ")

func TestVerifyDetectsTampering(t *testing.T) {
	type found struct {
		seq  uint64
		kind ProblemKind
	}
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *sql.DB, es []Entry, p peers)
		want   []found
	}{
		{"untouched", func(*testing.T, *sql.DB, []Entry, peers) {}, nil},
		{"edited tokens", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			mustExec(t, db, "UPDATE entries SET gen_tokens = gen_tokens * 10 WHERE seq = 3")
		}, []found{{3, HashBad}}},
		{"edited tokens of receipted work", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			mustExec(t, db, "UPDATE entries SET gen_tokens = gen_tokens * 10 WHERE seq = 4")
		}, []found{{4, HashBad}, {4, ReceiptBad}}},
		{"edited kind", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			mustExec(t, db, "UPDATE entries SET kind = 'local' WHERE seq = 3")
		}, []found{{3, HashBad}}},
		{"number turned to text", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			mustExec(t, db, "UPDATE entries SET energy_mj = 'lots' WHERE seq = 2")
		}, []found{{2, Malformed}}},
		{"edited and re-hashed", func(t *testing.T, db *sql.DB, es []Entry, _ peers) {
			e := es[4]
			e.GenTokens *= 10
			h, _ := computeHash(&e)
			mustExec(t, db, "UPDATE entries SET gen_tokens = ?, hash = ? WHERE seq = 5", e.GenTokens, h)
		}, []found{{5, SigBad}, {6, ChainBreak}}},
		{"first removed", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			mustExec(t, db, "DELETE FROM entries WHERE seq = 1")
		}, []found{{2, Gap}, {2, ChainBreak}}},
		{"middle removed", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			mustExec(t, db, "DELETE FROM entries WHERE seq = 4")
		}, []found{{5, Gap}, {5, ChainBreak}}},
		{"last removed", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			mustExec(t, db, "DELETE FROM entries WHERE seq = 8")
		}, []found{{8, HeadBad}}},
		{"last two and head removed", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			mustExec(t, db, "DELETE FROM entries WHERE seq >= 7")
			mustExec(t, db, "DELETE FROM head")
		}, []found{{6, HeadBad}}},
		{"two rows swapped", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			var sets []string
			for _, c := range contentCols {
				sets = append(sets, fmt.Sprintf("%s = (SELECT %s FROM swap WHERE swap.seq = 7 - entries.seq)", c, c))
			}
			// One Exec: the temporary copy lives on one connection.
			if _, err := db.Exec("CREATE TEMP TABLE swap AS SELECT * FROM entries WHERE seq IN (3, 4); UPDATE entries SET " +
				strings.Join(sets, ", ") + " WHERE seq IN (3, 4); DROP TABLE swap"); err != nil {
				t.Fatal(err)
			}
		}, []found{{3, ChainBreak}, {3, HashBad}, {4, ChainBreak}, {4, HashBad}, {5, ChainBreak}}},
		{"signature replaced", func(t *testing.T, db *sql.DB, es []Entry, p peers) {
			msg, _ := signedHash(entryDomain, es[5].Hash)
			sig, err := p.aliceKey.Sign(msg) // a valid signature, by the wrong key
			if err != nil {
				t.Fatal(err)
			}
			mustExec(t, db, "UPDATE entries SET sig = ? WHERE seq = 6", sig)
		}, []found{{6, SigBad}}},
		{"signature of another entry", func(t *testing.T, db *sql.DB, es []Entry, _ peers) {
			mustExec(t, db, "UPDATE entries SET sig = ? WHERE seq = 2", es[2].Sig)
		}, []found{{2, SigBad}}},
		{"head signature replaced", func(t *testing.T, db *sql.DB, _ []Entry, _ peers) {
			mustExec(t, db, "UPDATE head SET sig = (SELECT sig FROM entries WHERE seq = 8)")
		}, []found{{8, HeadBad}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, path, p := openNew(t)
			es := fill(t, l, p, 8)
			c.tamper(t, rawDB(t, path), es, p)
			rep, err := l.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []found
			for _, pr := range rep.Problems {
				got = append(got, found{pr.Seq, pr.Kind})
				if pr.Detail == "" {
					t.Errorf("problem %v has no detail", pr)
				}
			}
			if rep.OK() != (len(c.want) == 0) || !reflect.DeepEqual(got, c.want) {
				t.Fatalf("problems %v, want %v", rep.Problems, c.want)
			}
		})
	}
}

// rechain rewrites entry seq as e and re-hashes and re-signs it and every later entry and the
// head with the owner's key: what a node owner could do to its own ledger.
func rechain(t *testing.T, l *Ledger, db *sql.DB, e Entry) {
	t.Helper()
	ctx := context.Background()
	all, err := l.List(ctx, Filter{})
	if err != nil {
		t.Fatal(err)
	}
	all[e.Seq-1] = e
	prev := zeroHash
	if e.Seq > 1 {
		prev = all[e.Seq-2].Hash
	}
	for _, x := range all[e.Seq-1:] {
		x.PrevHash = prev
		x.Hash, _ = computeHash(&x)
		msg, _ := signedHash(entryDomain, x.Hash)
		x.Sig, _ = l.key.Sign(msg)
		var rs, rp, rsig any
		if r := x.Receipt; r != nil {
			rs, rp, rsig = r.Signer.String(), r.Payload, r.Sig
		}
		mustExec(t, db, `UPDATE entries SET gen_tokens = ?, receipt_signer = ?, receipt_payload = ?, receipt_sig = ?,
			prev_hash = ?, hash = ?, sig = ? WHERE seq = ?`, x.GenTokens, rs, rp, rsig, x.PrevHash, x.Hash, x.Sig, x.Seq)
		prev = x.Hash
	}
	hb, _ := headBytes(uint64(len(all)), prev)
	hsig, _ := l.key.Sign(hb)
	mustExec(t, db, "UPDATE head SET hash = ?, sig = ?", prev, hsig)
}

// The owner can re-sign its chain, but not another peer's receipt: a forged or misused receipt is
// refused by Append and reported by Verify even in a chain the owner re-signed.
func TestReceiptForgery(t *testing.T) {
	cases := []struct {
		name   string
		forge  func(t *testing.T, p peers, e *Entry)
		detail string
	}{
		{"signed by the wrong key", func(t *testing.T, p peers, e *Entry) {
			r := sign(t, p.bobKey, e)
			r.Signer = p.alice // claims to be alice's
			e.Receipt = r
		}, "signature does not verify"},
		{"signed by a third peer", func(t *testing.T, p peers, e *Entry) {
			e.Receipt = sign(t, p.bobKey, e)
		}, "want the other peer"},
		{"inflated work", func(t *testing.T, p peers, e *Entry) {
			e.GenTokens *= 100 // alice's receipt was for less
		}, "other work"},
		{"receipt of another request", func(t *testing.T, p peers, e *Entry) {
			other := *e
			other.RequestID = "req-other"
			e.Receipt = sign(t, p.aliceKey, &other)
		}, "other work"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := context.Background()
			l, path, p := openNew(t)
			es := fill(t, l, p, 6)
			e := es[1] // served for alice, with her receipt
			if e.Kind != Served || e.Receipt == nil {
				t.Fatalf("entry 2 is %s", e.Kind)
			}
			c.forge(t, p, &e)
			n := e
			n.Seq, n.PrevHash, n.Hash, n.Sig = 0, "", "", nil
			if _, err := l.Append(ctx, n); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.detail) {
				t.Fatalf("Append took the forged receipt: %v", err)
			}
			rechain(t, l, rawDB(t, path), e)
			rep, err := l.Verify(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Problems) != 1 || rep.Problems[0].Seq != 2 || rep.Problems[0].Kind != ReceiptBad ||
				!strings.Contains(rep.Problems[0].Detail, c.detail) {
				t.Fatalf("problems %v, want one bad receipt at seq 2 (%s)", rep.Problems, c.detail)
			}
		})
	}
}

func TestReceipt(t *testing.T) {
	p := newPeers(t)
	e := p.entry(t, 3, Remote)
	r := *e.Receipt
	got, err := VerifyReceipt(r)
	if err != nil || got != payloadOf(&e) {
		t.Fatalf("VerifyReceipt = %+v, %v", got, err)
	}
	if r.Signer != p.bob {
		t.Fatalf("signer %s, want the worker %s", r.Signer, p.bob)
	}
	flip := func(b []byte, i int) []byte { c := slices.Clone(b); c[i] ^= 1; return c }
	bad := []struct {
		name string
		r    Receipt
	}{
		{"payload changed", Receipt{r.Signer, flip(r.Payload, len(r.Payload)-1), r.Sig}},
		{"sig changed", Receipt{r.Signer, r.Payload, flip(r.Sig, 0)}},
		{"other signer", Receipt{p.alice, r.Payload, r.Sig}},
		{"no signer", Receipt{"", r.Payload, r.Sig}},
		{"empty", Receipt{}},
	}
	for _, c := range bad {
		if _, err := VerifyReceipt(c.r); !errors.Is(err, ErrBadReceipt) {
			t.Errorf("%s: %v, want ErrBadReceipt", c.name, err)
		}
	}
	// A validly signed payload that is not canonical CBOR is refused: one statement, one form.
	noncanon := append([]byte{0xb9, 0x00, 0x0a}, r.Payload[1:]...) // the map length in 2 bytes
	if r.Payload[0] != 0xaa {
		t.Fatalf("payload starts with %#x, want a 10-pair map", r.Payload[0])
	}
	sig, _ := p.bobKey.Sign(append([]byte(receiptDomain), noncanon...))
	if _, err := VerifyReceipt(Receipt{p.bob, noncanon, sig}); !errors.Is(err, ErrBadReceipt) || !strings.Contains(err.Error(), "canonical") {
		t.Errorf("non-canonical payload: %v", err)
	}
	// An RSA key's peer ID does not embed the public key, so nobody could verify its receipts.
	rsa, _, err := crypto.GenerateRSAKeyPair(2048, rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := SignReceipt(rsa, payloadOf(&e)); err == nil {
		t.Error("SignReceipt accepted an RSA key")
	}
}

func FuzzVerifyReceipt(f *testing.F) {
	// Fixed keys: the fuzzing workers are other processes and must know the same peers.
	var p peers
	for i, k := range []*crypto.PrivKey{&p.ownerKey, &p.aliceKey, &p.bobKey} {
		key, _, err := crypto.GenerateEd25519Key(bytes.NewReader(bytes.Repeat([]byte{byte(i + 1)}, 32)))
		if err != nil {
			f.Fatal(err)
		}
		*k = key
	}
	p.owner, _ = peer.IDFromPrivateKey(p.ownerKey)
	p.alice, _ = peer.IDFromPrivateKey(p.aliceKey)
	p.bob, _ = peer.IDFromPrivateKey(p.bobKey)
	e := p.entry(f, 1, Served)
	f.Add([]byte(e.Receipt.Signer), e.Receipt.Payload, e.Receipt.Sig)
	f.Add([]byte{}, []byte{0xa0}, []byte{})
	f.Fuzz(func(t *testing.T, signer, payload, sig []byte) {
		got, err := VerifyReceipt(Receipt{peer.ID(signer), payload, sig})
		if err == nil {
			// Only a genuine signature passes, and its payload re-signs to the same bytes.
			r, err := SignReceipt(p.aliceKey, got)
			if err != nil || peer.ID(signer) != p.alice || !bytes.Equal(r.Payload, payload) {
				t.Fatalf("accepted signer %x payload %x: %v", signer, payload, err)
			}
		} else if !errors.Is(err, ErrBadReceipt) {
			t.Fatalf("error without ErrBadReceipt: %v", err)
		}
	})
}

// Bad entries are refused with a message naming the field, and nothing is written.
func TestAppendInvalid(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	fill(t, l, p, 3)
	stranger := newPeers(t).owner
	cases := []struct {
		name   string
		edit   func(e *Entry)
		detail string
	}{
		{"kind", func(e *Entry) { e.Kind = "gift" }, "kind"},
		{"no request id", func(e *Entry) { e.RequestID = "" }, "request_id"},
		{"model hash", func(e *Entry) { e.ModelSHA256 = "abc" }, "model_sha256"},
		{"input hash not hex", func(e *Entry) { e.InputHash = strings.Repeat("zz", 32) }, "input_hash"},
		{"layers reversed", func(e *Entry) { e.LayerFrom, e.LayerTo = 9, 3 }, "layers"},
		{"negative tokens", func(e *Entry) { e.GenTokens = -1 }, "gen_tokens"},
		{"energy label", func(e *Entry) { e.EnergyLabel = "guessed" }, "energy_label"},
		{"no worker", func(e *Entry) { e.Worker = "" }, "worker"},
		{"not ours", func(e *Entry) { e.Requester, e.Worker = stranger, p.alice }, "neither requester nor worker"},
		{"receipt on local work", func(e *Entry) { e.Receipt = sign(t, p.aliceKey, e) }, "receipt"},
	}
	for _, c := range cases {
		e := p.entry(t, 5, Local)
		c.edit(&e)
		if _, err := l.Append(ctx, e); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.detail) {
			t.Errorf("%s: %v, want ErrInvalid about %s", c.name, err, c.detail)
		}
	}
	rep, err := l.Verify(ctx)
	if err != nil || !rep.OK() || rep.Entries != 3 {
		t.Fatalf("after refused appends: %+v, %v", rep, err)
	}
	// Upper-case hex is accepted and stored in canonical lower case.
	e := p.entry(t, 6, Local)
	e.OutputHash = strings.ToUpper(e.OutputHash)
	got, err := l.Append(ctx, e)
	if err != nil || got.OutputHash != strings.ToLower(e.OutputHash) {
		t.Fatalf("upper-case hash: %v", err)
	}
}

// After its last entries were cut, the ledger refuses to sign on top of the damage.
func TestAppendRefusesBrokenHead(t *testing.T) {
	l, path, p := openNew(t)
	fill(t, l, p, 4)
	mustExec(t, rawDB(t, path), "DELETE FROM entries WHERE seq = 4")
	if _, err := l.Append(context.Background(), p.entry(t, 9, Local)); !errors.Is(err, ErrBroken) {
		t.Fatalf("append on a cut ledger: %v", err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	p := newPeers(t)

	text := filepath.Join(dir, "notes.db")
	junk := bytes.Repeat([]byte("this is not a database, just text\n"), 200)
	os.WriteFile(text, junk, 0o644)

	other := filepath.Join(dir, "other.db")
	db, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE songs (title TEXT); INSERT INTO songs VALUES ('la')"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	otherBytes, _ := os.ReadFile(other)

	mine := filepath.Join(dir, "ledger.db")
	l, err := Open(ctx, mine, p.ownerKey)
	if err != nil {
		t.Fatal(err)
	}
	fill(t, l, p, 2)
	l.Close()

	newer := filepath.Join(dir, "newer.db")
	l, err = Open(ctx, newer, p.ownerKey)
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	db, _ = sql.Open("sqlite", newer)
	db.Exec("PRAGMA user_version = 99")
	db.Close()

	rsa, _, _ := crypto.GenerateRSAKeyPair(2048, rand.Reader)
	cases := []struct {
		name string
		open func() (*Ledger, error)
		want error
		text string
	}{
		{"text file", func() (*Ledger, error) { return Open(ctx, text, p.ownerKey) }, ErrNotLedger, "not a database"},
		{"text file read-only", func() (*Ledger, error) { return OpenReadOnly(ctx, text) }, ErrNotLedger, "not a database"},
		{"other database", func() (*Ledger, error) { return Open(ctx, other, p.ownerKey) }, ErrNotLedger, "other objects"},
		{"other database read-only", func() (*Ledger, error) { return OpenReadOnly(ctx, other) }, ErrNotLedger, "other objects"},
		{"wrong key", func() (*Ledger, error) { return Open(ctx, mine, p.aliceKey) }, ErrWrongKey, p.owner.String()},
		{"newer schema", func() (*Ledger, error) { return Open(ctx, newer, p.ownerKey) }, ErrNotLedger, "newer"},
		{"missing read-only", func() (*Ledger, error) { return OpenReadOnly(ctx, filepath.Join(dir, "nope.db")) }, fs.ErrNotExist, "nope.db"},
		{"no key", func() (*Ledger, error) { return Open(ctx, filepath.Join(dir, "k.db"), nil) }, nil, "no signing key"},
		{"rsa key", func() (*Ledger, error) { return Open(ctx, filepath.Join(dir, "k.db"), rsa) }, nil, "Ed25519"},
	}
	for _, c := range cases {
		l, err := c.open()
		if err == nil {
			l.Close()
			t.Errorf("%s: opened", c.name)
			continue
		}
		if (c.want != nil && !errors.Is(err, c.want)) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: %v, want %v mentioning %q", c.name, err, c.want, c.text)
		}
	}
	// Nothing was lost or changed.
	if b, _ := os.ReadFile(text); !bytes.Equal(b, junk) {
		t.Error("the text file was modified")
	}
	if b, _ := os.ReadFile(other); !bytes.Equal(b, otherBytes) {
		t.Error("the other database was modified")
	}
	if _, err := os.Stat(filepath.Join(dir, "k.db")); err == nil {
		t.Error("a refused key left a file")
	}
	l, err = OpenReadOnly(ctx, mine)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if rep, err := l.Verify(ctx); err != nil || !rep.OK() || rep.Entries != 2 {
		t.Fatalf("the ledger after a wrong-key open: %+v, %v", rep, err)
	}
}

func TestConcurrentAppend(t *testing.T) {
	ctx := context.Background()
	l, _, p := openNew(t)
	const workers, each = 8, 20
	got := make([][]Entry, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				e, err := l.Append(ctx, p.entry(t, w*each+i, kinds[i%len(kinds)]))
				if err != nil {
					t.Error(err)
					return
				}
				got[w] = append(got[w], e)
			}
		})
	}
	// Readers at the same time see consistent prefixes.
	wg.Go(func() {
		for range 20 {
			if _, err := l.List(ctx, Filter{Reverse: true, Limit: 5}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	seen := map[uint64]bool{}
	for _, es := range got {
		for _, e := range es {
			if seen[e.Seq] {
				t.Fatalf("seq %d returned twice", e.Seq)
			}
			seen[e.Seq] = true
			if g, err := l.Get(ctx, e.Seq); err != nil || !reflect.DeepEqual(g, e) {
				t.Fatalf("Get(%d) differs from what Append returned: %v", e.Seq, err)
			}
		}
	}
	rep, err := l.Verify(ctx)
	if err != nil || !rep.OK() || rep.Entries != workers*each || len(seen) != workers*each {
		t.Fatalf("verify: %+v, %v; %d distinct seqs", rep, err, len(seen))
	}
}
