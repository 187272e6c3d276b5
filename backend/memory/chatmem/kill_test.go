package chatmem

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
	"github.com/aria-node/aria/backend/memory/consolidate"
)

const (
	killDBEnv   = "ARIA_CONSOLIDATE_KILL_DB"
	killEpisode = 120 // episodes per run
	summary     = "Batch summary for "
)

// TestConsolidateKillChild is the process TestConsolidateKilledMidRun kills: it adds episodes
// and consolidates them (rules and a model's proposal) in a loop, saying "start" before each
// run and "done" after. It does nothing unless that test starts it.
func TestConsolidateKillChild(t *testing.T) {
	path := os.Getenv(killDBEnv)
	if path == "" {
		t.Skip("run by TestConsolidateKilledMidRun")
	}
	ctx := context.Background()
	st, err := memory.Open(ctx, path, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	propose := func(_ context.Context, eps []consolidate.Episode) (string, error) {
		return fmt.Sprintf(`{"facts":[{"op":"add","text":"%s%s"}]}`, summary, eps[0].ID), nil
	}
	for round := 0; ; round++ {
		err := st.Batch(ctx, func(b *memory.Batch) error {
			for i := range killEpisode {
				text := fmt.Sprintf("Remember that the locker code for box %d-%d-%d is %d.", os.Getpid(), round, i, i)
				if _, err := b.Add(memory.Item{Kind: memory.Episodic, Text: text, Conversation: "k", Source: "turn:k/user"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		fmt.Println("start")
		t0 := time.Now()
		rep, err := Consolidate(ctx, st, propose)
		if err != nil || rep.Episodes < killEpisode || rep.Added != rep.Episodes+1 { // one rule fact each, one model fact
			t.Fatalf("run: %+v, %v", rep, err)
		}
		fmt.Println("done", time.Since(t0).Microseconds())
	}
}

// A consolidation killed (SIGKILL) mid-run 20 times leaves memory.db whole (integrity_check ok)
// and no half-applied run: an episode is marked consolidated iff its rule's fact and its run's
// model fact exist, and every fact's episodes are marked.
func TestConsolidateKilledMidRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts 20 processes")
	}
	if raceEnabled {
		// The detector sees into this process, not the children it kills, and slows each of
		// them tenfold: make test-go runs this test without it.
		t.Skip("starts 20 processes: run without -race")
	}
	path := filepath.Join(t.TempDir(), "memory.db")
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 14))
	runTime := 50 * time.Millisecond // until a run is measured
	midRun, runs := 0, 0
	for kill := range 20 {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestConsolidateKillChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), killDBEnv+"="+path)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		lines := make(chan string, 64)
		go func() {
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			close(lines)
		}()
		// Let a few runs finish now and then, then kill at a random time into a run.
		skip := rng.IntN(3)
		var timer <-chan time.Time
		last := ""
	wait:
		for {
			select {
			case l, ok := <-lines:
				if !ok {
					t.Fatalf("kill %d: the child ended by itself after %q", kill, last)
				}
				last = l
				if us, ok := strings.CutPrefix(l, "done "); ok {
					runs++
					if n, err := strconv.Atoi(us); err == nil {
						runTime = time.Duration(n) * time.Microsecond
					}
				}
				if l == "start" && timer == nil {
					if skip > 0 {
						skip--
						continue
					}
					timer = time.After(time.Duration(rng.Int64N(int64(runTime) + 1)))
				}
			case <-timer:
				break wait
			case <-time.After(30 * time.Second):
				t.Fatalf("kill %d: the child is stuck after %q", kill, last)
			}
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		for l := range lines {
			last = l
		}
		if last == "start" {
			midRun++
		}
		checkRuns(t, path, kill)
	}
	t.Logf("20 kills, %d of them mid-run; %d runs completed; a run took about %v", midRun, runs, runTime)
	if midRun < 10 || runs == 0 {
		t.Fatalf("only %d of 20 kills landed mid-run (%d runs completed): the test did not test", midRun, runs)
	}
}

// checkRuns opens memory.db after a kill and checks that it is whole and holds only whole runs.
func checkRuns(t *testing.T, path string, kill int) {
	t.Helper()
	ctx := context.Background()
	st, err := memory.Open(ctx, path, memory.Options{})
	if err != nil {
		t.Fatalf("kill %d: open: %v", kill, err)
	}
	defer st.Close()
	var ok string
	if err := st.DB().QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("kill %d: integrity_check %q, %v", kill, ok, err)
	}
	marked := map[string]bool{}
	rows, err := st.DB().QueryContext(ctx, "SELECT episode FROM "+modelPass)
	if err != nil {
		t.Fatalf("kill %d: %v", kill, err)
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		marked[id] = true
	}
	rows.Close()
	facts, err := st.List(ctx, memory.Filter{Kind: memory.Semantic, IncludeClosed: true})
	if err != nil {
		t.Fatal(err)
	}
	ruled, summarised := map[string]int{}, map[string]int{}
	for _, f := range facts {
		for _, e := range f.Links {
			if !marked[e] {
				t.Fatalf("kill %d: fact %q links episode %s, which is not marked", kill, f.Text, e)
			}
			if strings.HasPrefix(f.Text, summary) {
				summarised[e]++
			} else {
				ruled[e]++
			}
		}
	}
	eps, err := st.List(ctx, memory.Filter{Kind: memory.Episodic})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range eps {
		want := 0
		if marked[e.ID] {
			want = 1
		}
		if ruled[e.ID] != want || summarised[e.ID] != want {
			t.Fatalf("kill %d: episode %s marked %v, with %d rule facts and %d model facts", kill, e.ID, marked[e.ID], ruled[e.ID], summarised[e.ID])
		}
	}
	if len(marked) > len(eps) {
		t.Fatalf("kill %d: %d episodes marked, %d exist", kill, len(marked), len(eps))
	}
}
