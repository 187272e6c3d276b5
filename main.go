// Command aria is ARIA: the desktop app without arguments, the headless node and tools with a
// subcommand (see `aria --help`).
package main

import (
	"context"
	"os"

	"github.com/aria-node/aria/backend/cli"
)

func main() {
	stdio := cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr}
	if len(os.Args) < 2 {
		os.Exit(runApp(stdio))
	}
	os.Exit(cli.Main(context.Background(), os.Args[1:], stdio))
}
