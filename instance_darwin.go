//go:build desktop && cgo

package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// findRunning reports whether an ARIA with instance id holds Wails' single-instance lock on
// macOS: the lock file of Wails' internal/frontend/desktop/darwin single_instance.go (Wails
// v2.16.0) in the user's temporary directory, locked while the first instance runs. Reaching
// that instance takes Cocoa's distributed notifications, which only Wails sends.
func findRunning(id string) (running, error) {
	f, err := os.OpenFile(filepath.Join(os.TempDir(), id+".lock"), os.O_RDONLY, 0)
	if errors.Is(err, os.ErrNotExist) {
		return notRunning, nil
	}
	if err != nil {
		return notRunning, fmt.Errorf("single-instance lock: %w", err)
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return lockedRunning, nil
	}
	if err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	}
	return notRunning, nil
}
