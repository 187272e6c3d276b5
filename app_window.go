//go:build desktop && (cgo || windows)

package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	wruntime "github.com/wailsapp/wails/v2/pkg/runtime"

	"github.com/aria-node/aria/backend/cli"
	"github.com/aria-node/aria/backend/node"
)

const hasWindow = true

// App is bound into the window (window.go.main.App): the page asks it where the node is and
// then talks to the node's loopback HTTP API, the same API that browsers and OpenAI clients use.
// (The Wails asset server cannot stream server-sent events, so the page does not go through it.)
type App struct {
	node *node.Node
	// The tray's "Contribute to the network" switch: the node's saved contribution policy, the
	// same one the Network page switches.
	contributing    func() bool
	setContributing func(bool) error
}

// NodeAddress is what the page needs to reach the node.
type NodeAddress struct {
	URL string `json:"url"`
	Key string `json:"key"`
}

// NodeURL returns the node's base URL and API key.
func (a *App) NodeURL() NodeAddress {
	return NodeAddress{URL: a.node.URL(), Key: a.node.APIKey()}
}

// runWindow starts the node on a loopback port, opens the window, and stops the node when the
// window closes.
func runWindow(stdio cli.IO) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg, err := cli.NodeConfig(stdio)
	if err != nil {
		return err
	}
	cfg.Addr = "127.0.0.1:0"
	n, err := node.Start(ctx, cfg)
	if err != nil {
		return fmt.Errorf("start the node: %w", err)
	}
	defer n.Close()
	fmt.Fprintf(stdio.Err, "ARIA node listening on %s\n", n.URL())
	app := &App{node: n, contributing: func() bool { return n.Policy().Policy().Contribute },
		setContributing: n.SetContributing}
	stopTray := func() {}
	err = wails.Run(&options.App{
		Title:            "ARIA",
		Width:            1200,
		Height:           820,
		MinWidth:         720,
		MinHeight:        520,
		AssetServer:      &assetserver.Options{Assets: stdio.Frontend},
		BackgroundColour: &options.RGBA{R: 16, G: 18, B: 24, A: 255},
		Bind:             []any{app},
		// Closing the window hides it in the tray, unless no tray could bring it back.
		HideWindowOnClose: trayHost(),
		OnStartup: func(ctx context.Context) {
			stopTray = startTray(trayHooks{Contributing: app.contributing, SetContributing: app.setContributing,
				Show: func() { wruntime.WindowShow(ctx) }, Quit: func() { wruntime.Quit(ctx) }})
		},
		OnShutdown: func(context.Context) { stopTray(); n.Close() },
	})
	if err != nil {
		slog.Error("window", "err", err)
		return fmt.Errorf("desktop window: %w", err)
	}
	return nil
}
