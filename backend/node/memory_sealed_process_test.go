package node

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestMemoryEncryptedAtRest runs `aria serve --memory-encryption passphrase`: a canary memory,
// a memory chat and a reminder holding it are in none of the data directory's files while the
// node runs nor after it stops; without the passphrase the node refuses to start, saying why,
// and with it the canary is found again.
func TestMemoryEncryptedAtRest(t *testing.T) {
	bin, mp := processSetup(t, 43)
	dir := t.TempDir()
	const pass = "ARIA_MEMORY_PASSPHRASE=a long passphrase for the test"
	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	canary := "zqsealed" + hex.EncodeToString(rnd[:])

	a := serveIn(t, bin, dir, []string{pass}, "--model", mp, "--memory-encryption", "passphrase")
	postJSON(t, a.url+"/api/memory", `{"text":"The user's locker passphrase is `+canary+`","kind":"semantic","pinned":true}`, 201)
	postJSON(t, a.url+"/api/intentions", `{"text":"Ask whether `+canary+` still opens the locker","cue":"locker gym"}`, 201)
	memoryTurn(t, a, "sealed", "Please keep in mind: my bike lock code is "+canary)
	var found struct {
		Data []struct{ Text string }
	}
	getJSON(t, a.url+"/api/memory/search?q="+url.QueryEscape(canary)+"&k=5", &found)
	if len(found.Data) == 0 || !strings.Contains(found.Data[0].Text, canary) {
		t.Fatalf("the canary is not found on the running encrypted node: %+v", found)
	}
	var status struct{ Encrypted bool }
	getJSON(t, a.url+"/api/memory/status", &status)
	if !status.Encrypted {
		t.Error("/api/memory/status does not say the memory is encrypted")
	}
	if hits := filesWith(t, dir, canary); len(hits) > 0 {
		t.Fatalf("while the node runs, the canary is in %q", hits)
	}
	stopProc(t, a)
	if hits := filesWith(t, dir, canary); len(hits) > 0 {
		t.Fatalf("after stop, the canary is in %q", hits)
	}

	// Without the passphrase: a clear refusal, not a node with an empty memory.
	cmd := exec.Command(bin, "serve", "--data-dir", dir, "--addr", "127.0.0.1:0", "--no-p2p", "--model", mp)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(out.String(), "ARIA_MEMORY_PASSPHRASE") {
			t.Fatalf("serve without the passphrase: %v\n%s", err, out.String())
		}
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("serve without the passphrase kept running:\n%s", out.String())
	}

	b := serveIn(t, bin, dir, []string{pass}, "--model", mp)
	getJSON(t, b.url+"/api/memory/search?q="+url.QueryEscape(canary)+"&k=5", &found)
	if len(found.Data) == 0 || !strings.Contains(found.Data[0].Text, canary) {
		t.Fatalf("after a restart with the passphrase the canary is not found: %+v", found)
	}
	if strings.Contains(b.out.String(), canary) || strings.Contains(a.out.String(), canary) {
		t.Fatal("the canary is in the node's log")
	}
}
