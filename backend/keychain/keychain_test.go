package keychain_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/internal/testbus"
	"github.com/aria-node/aria/backend/keychain"
	"github.com/aria-node/aria/backend/memory"
)

// secretService starts a private D-Bus session bus with GNOME Keyring's Secret Service on it,
// unlocked, as a desktop session has, and points this process at it.
func secretService(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("gnome-keyring-daemon"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("gnome-keyring-daemon is missing (make test installs gnome-keyring)")
		}
		t.Skip("gnome-keyring-daemon is missing: no Secret Service to test against")
	}
	home := t.TempDir()
	addr := testbus.Start(t)
	kr := exec.Command("gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets")
	kr.Env = append(os.Environ(), "DBUS_SESSION_BUS_ADDRESS="+addr, "HOME="+home, "XDG_RUNTIME_DIR="+home,
		"XDG_DATA_HOME="+filepath.Join(home, "data"))
	kr.Stdin = strings.NewReader("login password")
	var log bytes.Buffer
	kr.Stdout, kr.Stderr = &log, &log
	if err := kr.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = kr.Process.Kill(); _ = kr.Wait() })
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	// The daemon takes its bus name shortly after it starts.
	ctx := context.Background()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := keychain.OS{}.Set(ctx, "probe", []byte{1})
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the Secret Service did not come up: %v\n%s", err, log.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestOSKeychainRoundTrip(t *testing.T) {
	secretService(t)
	ctx := context.Background()
	k := keychain.OS{}
	secret := []byte{0, 1, 2, 250, 251, 252}
	if err := k.Set(ctx, "round trip", secret); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get(ctx, "round trip")
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("get: %v, %v; want %v", got, err, secret)
	}
	if err := k.Delete(ctx, "round trip"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(ctx, "round trip"); !errors.Is(err, keychain.ErrNotFound) {
		t.Errorf("after delete: %v, want ErrNotFound", err)
	}
}

// TestMemorySealedWithTheKeychain: a store sealed with a key in the keychain opens with it and
// no passphrase, keeps no plain text, and is locked when the entry is gone.
func TestMemorySealedWithTheKeychain(t *testing.T) {
	secretService(t)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "memory.db")
	st, err := memory.Open(ctx, path, memory.Options{Seal: memory.SealKeychain, Keychain: keychain.OS{}})
	if err != nil {
		t.Fatal(err)
	}
	it, err := st.Add(ctx, memory.Item{Text: "the safe combination is keychaincanary4242"})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if b, _ := os.ReadFile(p); bytes.Contains(b, []byte("keychaincanary4242")) {
			t.Fatalf("the canary is in %s", filepath.Base(p))
		}
	}
	st, err = memory.Open(ctx, path, memory.Options{Keychain: keychain.OS{}})
	if err != nil {
		t.Fatal(err)
	}
	hits, err := st.Search(ctx, "keychaincanary4242", 1, memory.Filter{})
	st.Close()
	if err != nil || len(hits) != 1 || hits[0].ID != it.ID {
		t.Fatalf("search after reopening: %+v, %v", hits, err)
	}
	abs, _ := filepath.Abs(path)
	if err := (keychain.OS{}).Delete(ctx, "memory "+abs); err != nil {
		t.Fatal(err)
	}
	if _, err := memory.Open(ctx, path, memory.Options{Keychain: keychain.OS{}}); !errors.Is(err, memory.ErrLocked) || !strings.Contains(err.Error(), "keychain") {
		t.Errorf("with the keychain entry gone: %v, want ErrLocked naming the keychain", err)
	}
}
