//go:build !windows && !darwin

package autostart

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aria-node/aria/backend/settings"
)

// desktopFile is $XDG_CONFIG_HOME/autostart/ID.desktop (os.UserConfigDir falls back to
// ~/.config when XDG_CONFIG_HOME is unset or relative, as the specification says).
func desktopFile(a App) (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "autostart", a.ID+".desktop"), nil
}

func enable(a App) error {
	p, err := desktopFile(a)
	if err != nil {
		return err
	}
	return settings.WriteFile(p, DesktopEntry(a), 0o644)
}

func disable(a App) error {
	p, err := desktopFile(a)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

func enabled(a App) (bool, error) {
	p, err := desktopFile(a)
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
	p, err := desktopFile(a)
	if err != nil {
		return "~/.config/autostart/" + a.ID + ".desktop"
	}
	return p
}
