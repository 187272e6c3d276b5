//go:build !windows && !darwin

package autostart

import (
	"os"
	"path/filepath"
)

// entry is $XDG_CONFIG_HOME/autostart/ID.desktop (os.UserConfigDir falls back to ~/.config when
// XDG_CONFIG_HOME is unset or relative, as the specification says).
var entry = fileEntry{path: desktopFile, content: DesktopEntry,
	fallback: func(a App) string { return "~/.config/autostart/" + a.ID + ".desktop" }}

func desktopFile(a App) (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "autostart", a.ID+".desktop"), nil
}
