package ledger

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
)

const (
	childPathEnv = "ARIA_LEDGER_CHILD_PATH"
	childKeyEnv  = "ARIA_LEDGER_CHILD_KEY"
)

// TestLedgerChildWriter is the child of TestKillDuringAppend: it appends until it is killed and
// prints each seq once Append has returned, that is once the entry is committed.
func TestLedgerChildWriter(t *testing.T) {
	path := os.Getenv(childPathEnv)
	if path == "" {
		t.Skip("runs only as the child of TestKillDuringAppend")
	}
	raw, err := hex.DecodeString(os.Getenv(childKeyEnv))
	if err != nil {
		t.Fatal(err)
	}
	key, err := crypto.UnmarshalPrivateKey(raw)
	if err != nil {
		t.Fatal(err)
	}
	// The parent kills us long before this; it only stops an orphan.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	l, err := Open(ctx, path, key)
	if err != nil {
		t.Fatal(err)
	}
	p := newPeers(t)
	p.ownerKey, p.owner = key, l.Owner()
	fmt.Println("ready")
	for i := 0; ctx.Err() == nil; i++ {
		e, err := l.Append(ctx, p.entry(t, i, kinds[i%len(kinds)]))
		if err != nil {
			t.Fatal(err)
		}
		fmt.Printf("seq %d\n", e.Seq)
	}
}

// A writer killed with SIGKILL at a random moment loses nothing it reported as committed, leaves
// a ledger that verifies, and the next writer continues the chain.
func TestKillDuringAppend(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "ledger.db")
	key, _ := newKey(t)
	raw, err := crypto.MarshalPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	var total uint64
	for round := range 8 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerChildWriter$", "-test.count=1")
		cmd.Env = append(os.Environ(), childPathEnv+"="+path, childKeyEnv+"="+hex.EncodeToString(raw))
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready := make(chan struct{})
		lines := make(chan []uint64, 1)
		go func() {
			var got []uint64
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if sc.Text() == "ready" {
					close(ready)
				} else if s, ok := strings.CutPrefix(sc.Text(), "seq "); ok {
					n, err := strconv.ParseUint(s, 10, 64)
					if err == nil {
						got = append(got, n)
					}
				}
			}
			lines <- got
		}()
		select {
		case <-ready:
		case <-time.After(time.Minute):
			cmd.Process.Kill()
			t.Fatalf("round %d: the child did not open the ledger within a minute", round)
		}
		delay := time.Duration(50+rand.IntN(251)) * time.Millisecond
		time.Sleep(delay) // the random moment of the kill, not a synchronisation
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		reported := <-lines
		cmd.Wait()

		l, err := Open(ctx, path, key)
		if err != nil {
			t.Fatalf("round %d: open after kill: %v", round, err)
		}
		for _, seq := range reported {
			if _, err := l.Get(ctx, seq); err != nil {
				t.Fatalf("round %d: seq %d was reported committed: %v", round, seq, err)
			}
		}
		rep, err := l.Verify(ctx)
		if err != nil || !rep.OK() {
			t.Fatalf("round %d (killed after %v): %+v, %v", round, delay, rep.Problems, err)
		}
		if len(reported) > 0 && reported[0] != total+1 {
			t.Fatalf("round %d: the child started at seq %d, the ledger had %d", round, reported[0], total)
		}
		total = uint64(rep.Entries)
		t.Logf("round %d: killed after %v, %d appends reported, %d entries", round, delay, len(reported), total)
		l.Close()
	}
	if total == 0 {
		t.Fatal("no child appended anything")
	}
}
