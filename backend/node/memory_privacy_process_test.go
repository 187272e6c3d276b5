package node

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// ledgerKinds counts p's ledger entries by kind.
func ledgerKinds(t *testing.T, p *proc) map[string]int {
	t.Helper()
	var led struct {
		Entries []struct{ Kind string }
	}
	getJSON(t, p.url+"/api/ledger?limit=1000", &led)
	out := map[string]int{}
	for _, e := range led.Entries {
		out[e.Kind]++
	}
	return out
}

// filesWith lists the files under dir whose bytes contain s (-wal and -shm included).
func filesWith(t *testing.T, dir, s string) []string {
	t.Helper()
	var hits []string
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		if bytes.Contains(b, []byte(s)) {
			hits = append(hits, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		t.Fatalf("no files under %s: the test would prove nothing", dir)
	}
	return hits
}

// memoryCount is the number of memories p lists.
func memoryCount(t *testing.T, p *proc) int {
	t.Helper()
	var list struct{ Data []struct{ ID string } }
	getJSON(t, p.url+"/api/memory?limit=1000", &list)
	return len(list.Data)
}

func deleteReq(t *testing.T, url string, want int) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodDelete, url, nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		t.Fatalf("DELETE %s: %d %s (want %d)", url, resp.StatusCode, b, want)
	}
}

// Two nodes on loopback, the first routing its requests to the second (route remote, the
// second contributing): a canary memory pinned on the first, so that every memory chat's
// context holds it, reaches none of the second's files or its log, and the memory chats run on
// the first (the second serves none of them). After forget, the canary is in no file of the
// first's data directory and not in its log.
func TestMemoryPrivacyCanary(t *testing.T) {
	bin, mp := processSetup(t, 41)
	a := serve(t, bin, "--model", mp, "--route", "remote")
	b := serve(t, bin, "--model", mp, "--contribute", "on", "--bootstrap", a.addr)
	waitPeers(t, a, 1, true)

	// The route really sends a plain request to the peer: one served entry on b.
	complete(t, a.url, "A plain request, free to leave", 3)
	// The peer writes its entry once the stream has closed, which can be after a has the answer.
	deadline := time.Now().Add(10 * time.Second)
	for k := ledgerKinds(t, b); k["served"] != 1 || len(k) != 1; k = ledgerKinds(t, b) {
		if time.Now().After(deadline) {
			t.Fatalf("the plain request did not run on the peer: b's ledger %v, a's %v\na's log:\n%s", k, ledgerKinds(t, a), a.out)
		}
		time.Sleep(50 * time.Millisecond)
	}

	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	canary := "zqcanary" + hex.EncodeToString(rnd[:])
	added := postJSON(t, a.url+"/api/memory", `{"text":"The user's locker passphrase is `+canary+`","kind":"semantic","pinned":true}`, 201)
	var item struct{ ID string }
	if err := json.Unmarshal(added, &item); err != nil || item.ID == "" {
		t.Fatalf("POST /api/memory: %v %s", err, added)
	}
	localBefore := ledgerKinds(t, a)["local"]
	const chats = 3
	for i := range chats {
		memoryTurn(t, a, "privacy", fmt.Sprintf("What is my locker passphrase? (try %d)", i+1))
	}
	if k := ledgerKinds(t, b); k["served"] != 1 || len(k) != 1 {
		t.Fatalf("memory chats reached the peer: b's ledger %v, want only the plain request", k)
	}
	if got := ledgerKinds(t, a)["local"] - localBefore; got != chats {
		t.Fatalf("%d of %d memory chats ran locally: a's ledger %v", got, chats, ledgerKinds(t, a))
	}
	if hits := filesWith(t, b.dir, canary); len(hits) > 0 {
		t.Fatalf("the canary is in the peer's files %q", hits)
	}
	if strings.Contains(b.out.String(), canary) {
		t.Fatalf("the canary is in the peer's log:\n%s", b.out)
	}
	if hits := filesWith(t, a.dir, canary); len(hits) == 0 {
		t.Fatal("the canary is in none of a's files before forget: the search would find nothing")
	}

	deleteReq(t, a.url+"/api/memory/"+item.ID, 204)
	if hits := filesWith(t, a.dir, canary); len(hits) > 0 {
		t.Fatalf("after forget, the canary is still in %q", hits)
	}
	if strings.Contains(a.out.String(), canary) {
		t.Fatalf("the canary is in a's log:\n%s", a.out)
	}
	// Still true once the node has stopped and closed its files.
	stopProc(t, a)
	if hits := filesWith(t, a.dir, canary); len(hits) > 0 {
		t.Fatalf("after forget and stop, the canary is in %q", hits)
	}
	if strings.Contains(a.out.String(), canary) {
		t.Fatalf("the canary is in a's log:\n%s", a.out)
	}
}

// A private chat reads memory and writes none: the memories listed are the same after it,
// while the same chat without "private" keeps its turn (so the count can change).
func TestMemoryPrivacyPrivateChat(t *testing.T) {
	bin, mp := processSetup(t, 42)
	p := serve(t, bin, "--model", mp)
	postJSON(t, p.url+"/api/memory", `{"text":"The user likes green tea","kind":"semantic"}`, 201)
	chat := func(private bool) []byte {
		return postJSON(t, p.url+"/v1/chat/completions", fmt.Sprintf(
			`{"messages":[{"role":"user","content":"Remember that my locker code is 4711. I moved to Lyon."}],"max_tokens":3,"aria":{"memory":true,"conversation":"secret","private":%v}}`, private), 200)
	}
	before := memoryCount(t, p)
	for range 2 {
		if b := chat(true); !strings.Contains(string(b), `"memory"`) {
			t.Fatalf("a private memory chat's answer has no aria.memory: %s", b)
		}
	}
	if got := memoryCount(t, p); got != before {
		t.Fatalf("private chats changed the memories: %d, was %d", got, before)
	}
	chat(false)
	if got := memoryCount(t, p); got <= before {
		t.Fatalf("the same chat, not private, kept nothing either (%d memories): the test proves nothing", got)
	}
}
