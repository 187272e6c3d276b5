package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/aria-node/aria/backend/memory"
	"github.com/aria-node/aria/backend/memory/convo"
	"github.com/aria-node/aria/backend/node"
)

// `aria memory encrypt` seals the conversations already saved too: afterwards their text is in
// none of memory.db's files, and they read back with the passphrase.
func TestMemoryEncryptSealsConversations(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, node.MemoryFile)
	st, err := memory.Open(ctx, path, memory.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cs, err := convo.Open(ctx, st.DB(), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	const canary = "chatcanary8817"
	if _, err := cs.Save(ctx, "c", []convo.Message{{Role: convo.RoleUser, Content: "my PIN is " + canary}}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	if b, _ := os.ReadFile(path); !bytes.Contains(b, []byte(canary)) {
		t.Fatal("the plain store does not hold the text: the check below would prove nothing")
	}

	t.Setenv(PassphraseEnv, "a passphrase for the test")
	if code, _, errs := memoryRun(t, dir, "encrypt", "--with", "passphrase"); code != 0 {
		t.Fatalf("encrypt: exit %d: %s", code, errs)
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte(canary)) {
			t.Errorf("after encrypt, the conversation's text is in %s", filepath.Base(p))
		}
	}
	st, err = memory.Open(ctx, path, memory.Options{Passphrase: "a passphrase for the test"})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cs, err = convo.Open(ctx, st.DB(), nil, st.Sealer())
	if err != nil {
		t.Fatal(err)
	}
	if c, err := cs.Get(ctx, "c"); err != nil || c.Messages[0].Content != "my PIN is "+canary {
		t.Fatalf("after encrypt: %+v %v", c, err)
	}
}
