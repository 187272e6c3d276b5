//go:build darwin

package autostart

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aria-node/aria/backend/settings"
)

// agentFile is ~/Library/LaunchAgents/LABEL.plist: launchd loads it at the next login.
func agentFile(a App) (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "Library", "LaunchAgents", a.Label()+".plist"), nil
}

func enable(a App) error {
	p, err := agentFile(a)
	if err != nil {
		return err
	}
	return settings.WriteFile(p, LaunchAgent(a), 0o644)
}

func disable(a App) error {
	p, err := agentFile(a)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func enabled(a App) (bool, error) {
	p, err := agentFile(a)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func location(a App) string {
	p, err := agentFile(a)
	if err != nil {
		return "~/Library/LaunchAgents/" + a.Label() + ".plist"
	}
	return p
}
