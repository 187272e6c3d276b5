// Command aria is ARIA: the desktop app without arguments, the headless node and tools with a
// subcommand (see `aria --help`).
package main

import (
	"context"
	"embed"
	"io/fs"
	"os"

	"github.com/aria-node/aria/backend/cli"
)

// dist is the built frontend (make build runs `npm run build` first). The directory always
// exists (frontend/dist/.gitkeep) so that Go tools work before a frontend build.
//
//go:embed all:frontend/dist
var dist embed.FS

func main() {
	assets, err := fs.Sub(dist, "frontend/dist")
	if err != nil {
		panic(err) // the embed pattern above guarantees the directory
	}
	stdio := cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Frontend: assets}
	if len(os.Args) < 2 {
		os.Exit(runApp(stdio))
	}
	os.Exit(cli.Main(context.Background(), os.Args[1:], stdio))
}
