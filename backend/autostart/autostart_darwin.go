//go:build darwin

package autostart

import (
	"os"
	"path/filepath"
)

// entry is ~/Library/LaunchAgents/LABEL.plist: launchd loads it at the next login.
var entry = fileEntry{path: agentFile, content: LaunchAgent,
	fallback: func(a App) string { return "~/Library/LaunchAgents/" + a.Label() + ".plist" }}

func agentFile(a App) (string, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, "Library", "LaunchAgents", a.Label()+".plist"), nil
}
