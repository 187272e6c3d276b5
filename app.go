package main

import (
	"context"
	"fmt"
	"os"
	"runtime"

	"github.com/aria-node/aria/backend/cli"
)

// runApp is what a double-click starts: the desktop window around a local node. Without a
// display (a server, an SSH session, CI) or in a build without the window (CGO_ENABLED=0), it
// runs the same node headless, as `aria serve`, and prints the API address instead.
func runApp(stdio cli.IO) int {
	if why := noWindow(); why != "" {
		fmt.Fprintf(stdio.Err, "aria: %s; running the node headless (aria serve). Open the address below in a browser.\n", why)
		return cli.Main(context.Background(), []string{"serve"}, stdio)
	}
	if err := runWindow(stdio); err != nil {
		fmt.Fprintf(stdio.Err, "aria: %v\n", err)
		return 1
	}
	return 0
}

// noWindow says why the window cannot open here, or "" when it can.
func noWindow() string {
	if !hasWindow {
		return "this build has no desktop window (built without cgo)"
	}
	if runtime.GOOS == "linux" || runtime.GOOS == "freebsd" {
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return "no display (DISPLAY and WAYLAND_DISPLAY are unset)"
		}
	}
	return ""
}
