//go:build desktop && (cgo || windows)

package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"

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
	tray *tray
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

// TrayStatus is what the settings page says about the tray (window.go.main.App.TrayStatus()).
type TrayStatus struct {
	// Tray is "available" (closing the window hides it in the tray) or "unavailable" (closing
	// the window quits ARIA).
	Tray   string `json:"tray"`
	Reason string `json:"reason,omitempty"` // why it is unavailable
}

// TrayStatus says whether a tray shows ARIA's icon now.
func (a *App) TrayStatus() TrayStatus {
	if ok, why := a.tray.available(); !ok {
		return TrayStatus{Tray: "unavailable", Reason: why}
	}
	return TrayStatus{Tray: "available"}
}

// instanceID names this data directory's instance for Wails' single-instance lock: a second
// launch on the same data directory shows the first one's window, while another data
// directory (a test's, say) runs a node of its own.
func instanceID(dataDir string) string {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		abs = dataDir
	}
	sum := sha256.Sum256([]byte(abs))
	return "aria-" + hex.EncodeToString(sum[:8])
}

// running is what findRunning found of an ARIA already running on the same data directory.
type running int

const (
	notRunning    running = iota
	shownRunning          // one runs, and was asked to show its window
	lockedRunning         // one holds the lock, but only Wails' own message reaches it (macOS)
)

// runWindow starts the node on a loopback port, opens the window, and stops the node when the
// window closes. If ARIA already runs on the same data directory, it shows that window instead.
func runWindow(stdio cli.IO) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg, err := cli.NodeConfig(stdio)
	if err != nil {
		return err
	}
	id := instanceID(cfg.DataDir)
	lock := &options.SingleInstanceLock{UniqueId: id}
	// Before the node starts: a second node on the same data directory would open its
	// databases and run its start-up work for nothing.
	switch r, err := findRunning(id); {
	case err != nil:
		return fmt.Errorf("ARIA already runs on %s but did not answer: %w", cfg.DataDir, err)
	case r == shownRunning:
		fmt.Fprintln(stdio.Err, "ARIA is already running: its window was brought to the front.")
		return nil
	case r == lockedRunning:
		// Only Wails can reach the running one (macOS): with nothing but the lock, wails.Run
		// hands it this launch and exits.
		return wails.Run(&options.App{Title: "ARIA", SingleInstanceLock: lock})
	}
	// The window's node listens where the settings say (127.0.0.1:8741 unless changed), so that
	// OpenAI clients find the app's API at a known address; when that address is taken (another
	// node, a headless `aria serve`), any free loopback port will do for the window itself.
	cfg.Addr = ""
	n, err := node.Start(ctx, cfg)
	if errors.Is(err, node.ErrListen) {
		fmt.Fprintf(stdio.Err, "aria: %v; the window uses a free loopback port instead\n", err)
		cfg.Addr = "127.0.0.1:0"
		n, err = node.Start(ctx, cfg)
	}
	if err != nil {
		return fmt.Errorf("start the node: %w", err)
	}
	defer n.Close()
	fmt.Fprintf(stdio.Err, "ARIA node listening on %s\n", n.URL())

	// The window's context, for the tray's clicks, arrives with OnStartup.
	var (
		mu   sync.Mutex
		wctx context.Context
	)
	withWindow := func(f func(context.Context)) {
		mu.Lock()
		c := wctx
		mu.Unlock()
		if c != nil {
			f(c)
		}
	}
	show := func(c context.Context) {
		wruntime.WindowShow(c)
		wruntime.WindowUnminimise(c)
	}
	var quitting atomic.Bool
	t := startTray(n, trayHooks{
		Show: func() { withWindow(show) },
		Quit: func() { quitting.Store(true); withWindow(wruntime.Quit) },
	})
	defer t.stop()
	app := &App{node: n, tray: t}
	lock.OnSecondInstanceLaunch = func(options.SecondInstanceData) {
		slog.Info("window: ARIA was launched again; showing this window")
		withWindow(show)
	}
	// Windows and macOS always have a tray once it started: their close button hides the window
	// natively. A Linux desktop may have none, or lose it: the close button asks each time.
	hideOnClose := t.started && runtime.GOOS != "linux"
	err = wails.Run(&options.App{
		Title:              "ARIA",
		Width:              1200,
		Height:             820,
		MinWidth:           720,
		MinHeight:          520,
		AssetServer:        &assetserver.Options{Assets: stdio.Frontend},
		BackgroundColour:   &options.RGBA{R: 16, G: 18, B: 24, A: 255},
		Bind:               []any{app},
		SingleInstanceLock: lock,
		HideWindowOnClose:  hideOnClose,
		OnStartup: func(c context.Context) {
			mu.Lock()
			wctx = c
			mu.Unlock()
		},
		// On Linux, the close button and every quit come here: the tray's Quit quits; closing the
		// window hides it when a tray can bring it back, and quits when none can.
		OnBeforeClose: func(c context.Context) (prevent bool) {
			if hideOnClose || quitting.Load() {
				return false
			}
			ok, why := t.available()
			if ok {
				wruntime.WindowHide(c)
				return true
			}
			slog.Info("window: closed with no tray to bring it back, so ARIA quits", "why", why)
			return false
		},
		OnShutdown: func(context.Context) { t.stop(); n.Close() },
	})
	if err != nil {
		slog.Error("window", "err", err)
		return fmt.Errorf("desktop window: %w", err)
	}
	return nil
}
