//go:build !(desktop && (cgo || windows))

package main

import (
	"errors"

	"github.com/aria-node/aria/backend/cli"
)

// hasWindow is false in builds without the desktop shell (no cgo, or no `desktop` tag):
// `aria` without arguments then runs the node headless.
const hasWindow = false

func runWindow(cli.IO) error { return errors.New("this build has no desktop window") }
