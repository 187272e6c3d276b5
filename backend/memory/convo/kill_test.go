package convo_test

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/convo"
)

const killDBEnv = "ARIA_CONVO_KILL_DB"

// history is the conversation id after its turn k: 2k+2 messages whose texts say where they are.
func history(id string, k int) []convo.Message {
	var msgs []convo.Message
	for i := 0; i <= k; i++ {
		msgs = append(msgs, user(fmt.Sprintf("%s question %d %s", id, i, strings.Repeat("q", 200*i%3000))),
			answer(fmt.Sprintf("%s answer %d %s", id, i, strings.Repeat("a", 300*i%4000)), "m"))
	}
	return msgs
}

// TestConvoKillChild is the process TestSavesSurviveKill kills: it saves turns of a few
// conversations in a loop and prints "ack ID K" after each save returned. It does nothing
// unless that test starts it.
func TestConvoKillChild(t *testing.T) {
	path := os.Getenv(killDBEnv)
	if path == "" {
		t.Skip("run by TestSavesSurviveKill")
	}
	ctx := context.Background()
	st, err := memory.Open(ctx, path, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := convo.Open(ctx, st.DB(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; ; i++ {
		id := fmt.Sprintf("k%d", i%4)
		k := 0
		if c, err := cs.Get(ctx, id); err == nil {
			k = len(c.Messages) / 2 // the turn after the one saved (turn k holds 2k+2 messages)
		}
		if k > 40 {
			k = 0 // start over: a shorter history replaces a longer one
		}
		if _, err := cs.Save(ctx, id, history(id, k)); err != nil {
			t.Fatal(err)
		}
		fmt.Println("ack", id, k)
	}
}

// Saves killed (SIGKILL) at random times, 12 times over: every acknowledged save is there
// exactly, and no conversation is ever half saved (its row's count matches its messages, and
// they are one whole turn's history).
func TestSavesSurviveKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 12 processes")
	}
	if raceEnabled {
		t.Skip("starts 12 processes: run without -race")
	}
	path := filepath.Join(t.TempDir(), "memory.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 15))
	for kill := range 12 {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestConvoKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killDBEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		acked := map[string]int{}
		lines := make(chan string, 64)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Kill some saves in: a few acknowledgements, then a random moment.
		wantAcks := 3 + rng.IntN(20)
		n := 0
		for n < wantAcks {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("kill %d: the child ended by itself", kill)
				}
				if f := strings.Fields(l); len(f) == 3 && f[0] == "ack" {
					k, _ := strconv.Atoi(f[2])
					acked[f[1]] = k
					n++
				}
			case <-time.After(30 * time.Second):
				t.Fatalf("kill %d: the child is stuck", kill)
			}
		}
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		for l := range lines {
			if f := strings.Fields(l); len(f) == 3 && f[0] == "ack" {
				k, _ := strconv.Atoi(f[2])
				acked[f[1]] = k
			}
		}
		check(t, path, kill, acked)
	}
}

// check opens memory.db after a kill: each conversation is one whole turn's history, and an
// acknowledged turn is there (or the one after it, which the child may have saved unacknowledged).
func check(t *testing.T, path string, kill int, acked map[string]int) {
	t.Helper()
	ctx := context.Background()
	st, err := memory.Open(ctx, path, memory.Options{})
	if err != nil {
		t.Fatalf("kill %d: reopen: %v", kill, err)
	}
	defer st.Close()
	var ok string
	if err := st.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("kill %d: integrity %q %v", kill, ok, err)
	}
	cs, err := convo.Open(ctx, st.DB(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	sums, _, err := cs.List(ctx, "", 100, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sums {
		c, err := cs.Get(ctx, s.ID)
		if err != nil {
			t.Fatalf("kill %d: %s: %v", kill, s.ID, err)
		}
		k := len(c.Messages)/2 - 1
		if len(c.Messages) != s.Messages || len(c.Messages)%2 != 0 || !equal(c.Messages, history(s.ID, k)) {
			t.Fatalf("kill %d: %s is not a whole turn: %d messages (row says %d)", kill, s.ID, len(c.Messages), s.Messages)
		}
		if a, ok := acked[s.ID]; ok && k != a && k != a+1 && !(a == 40 && k == 0) {
			t.Fatalf("kill %d: %s holds turn %d, but turn %d was acknowledged", kill, s.ID, k, a)
		}
	}
	for id := range acked {
		if _, err := cs.Get(ctx, id); err != nil {
			t.Fatalf("kill %d: acknowledged conversation %s: %v", kill, id, err)
		}
	}
}

func equal(a, b []convo.Message) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Role != b[i].Role || a[i].Content != b[i].Content || a[i].Model != b[i].Model {
			return false
		}
	}
	return true
}
