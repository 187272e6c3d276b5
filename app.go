package main

import (
	"context"
	"fmt"

	"github.com/aria-node/aria/backend/cli"
)

// runApp is what a double-click starts. Until the desktop window lands it runs the terminal
// chat with the demo model, so `make run` gives a working conversation.
func runApp(stdio cli.IO) int {
	fmt.Fprintln(stdio.Err, "The ARIA desktop window is not built yet; starting the terminal chat with the demo model.")
	return cli.Main(context.Background(), []string{"demo"}, stdio)
}
