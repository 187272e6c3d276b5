// Package autostart starts the app when the user logs in, and stops doing so, the way each
// desktop expects:
//
//   - Linux and other XDG desktops: an autostart entry, $XDG_CONFIG_HOME/autostart/ID.desktop
//     (~/.config/autostart by default), per the XDG Autostart and Desktop Entry specifications;
//   - Windows: a value named after the app under HKCU\Software\Microsoft\Windows\CurrentVersion\Run;
//   - macOS: a LaunchAgent, ~/Library/LaunchAgents/LABEL.plist, run at load.
//
// It is off until the user turns it on; Disable removes exactly what Enable made.
package autostart

import (
	"errors"
	"fmt"
	"path/filepath"
)

// App is what starts at login.
type App struct {
	ID   string   // the entry's file or value name: "aria"
	Name string   // the name people see: "ARIA"
	Exec string   // the executable, an absolute path
	Args []string // its arguments (none: the desktop app)
}

// Label is the app's LaunchAgent label (reverse DNS of the project's home).
func (a App) Label() string { return "com.github.aria-node." + a.ID }

func (a App) check() error {
	if a.ID == "" || a.Name == "" {
		return errors.New("autostart: the app has no ID or name")
	}
	if !filepath.IsAbs(a.Exec) {
		return fmt.Errorf("autostart: the executable %q is not an absolute path", a.Exec)
	}
	return nil
}

// Enable makes the app start at login, replacing an older entry (another executable's path).
func Enable(a App) error {
	if err := a.check(); err != nil {
		return err
	}
	if err := enable(a); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// Disable stops the app from starting at login; without an entry there is nothing to do.
func Disable(a App) error {
	if err := disable(a); err != nil {
		return fmt.Errorf("autostart: %w", err)
	}
	return nil
}

// Enabled reports whether the app's entry exists.
func Enabled(a App) (bool, error) {
	ok, err := enabled(a)
	if err != nil {
		return false, fmt.Errorf("autostart: %w", err)
	}
	return ok, nil
}

// Location names the entry, for the settings page: a file, or the registry value.
func Location(a App) string { return location(a) }
