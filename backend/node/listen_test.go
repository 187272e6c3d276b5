package node

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"testing"
)

// A node whose address is taken fails with ErrListen and leaves nothing open, so the window
// can start it again on a free port (app_window.go).
func TestStartOnATakenAddressIsErrListen(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	cfg := Config{DataDir: dir, Addr: ln.Addr().String(), Threads: 1, Log: slog.New(slog.DiscardHandler)}
	if _, err := Start(context.Background(), cfg); !errors.Is(err, ErrListen) {
		t.Fatalf("Start on a taken address: %v, want ErrListen", err)
	}
	cfg.Addr = "127.0.0.1:0"
	n, err := Start(context.Background(), cfg) // the same data directory: the first start closed its files
	if err != nil {
		t.Fatal(err)
	}
	n.Close()
}
