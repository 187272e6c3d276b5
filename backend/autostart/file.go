//go:build !windows

package autostart

import (
	"errors"
	"io/fs"
	"os"

	"github.com/aria-node/aria/backend/settings"
)

// fileEntry is an autostart kept as one file that the session reads at login: an XDG
// autostart entry, or a launchd agent.
type fileEntry struct {
	path     func(App) (string, error)
	content  func(App) []byte
	fallback func(App) string // what to show when path cannot be found
}

func (f fileEntry) enable(a App) error {
	p, err := f.path(a)
	if err != nil {
		return err
	}
	return settings.WriteFile(p, f.content(a), 0o644)
}

func (f fileEntry) disable(a App) error {
	p, err := f.path(a)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func (f fileEntry) enabled(a App) (bool, error) {
	p, err := f.path(a)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func (f fileEntry) location(a App) string {
	p, err := f.path(a)
	if err != nil {
		return f.fallback(a)
	}
	return p
}

func enable(a App) error          { return entry.enable(a) }
func disable(a App) error         { return entry.disable(a) }
func enabled(a App) (bool, error) { return entry.enabled(a) }
func location(a App) string       { return entry.location(a) }
