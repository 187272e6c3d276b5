//go:build desktop && (cgo || windows)

package main

import (
	_ "embed"
	"encoding/binary"
	"log/slog"
	"runtime"
	"sync"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
)

// trayIcon is the app's icon as PNG, which systray takes on Linux and macOS.
//
//go:embed build/appicon.png
var trayIcon []byte

// trayHooks are what the tray menu does; the window wires them to the node and to Wails.
type trayHooks struct {
	Contributing    func() bool      // is "Contribute to the network" on
	SetContributing func(bool) error // the user toggled it
	Show            func()           // "Open ARIA"
	Quit            func()           // "Quit"
}

// startTray puts ARIA's icon and menu in the notification area and returns the function that
// removes it (call it once the window has closed). Without a tray the app goes on without one.
func startTray(h trayHooks) (stop func()) {
	done := make(chan struct{})
	onReady := func() { trayMenu(h, done) }
	var end func()
	switch runtime.GOOS {
	case "darwin":
		// The tray must start on the main thread before wails.Run there, or it crashes (a
		// Wails v2 limitation); not done yet.
		slog.Info("tray: not available on macOS yet")
		return func() {}
	case "windows":
		// The tray's hidden window and its message loop must share one OS thread.
		go func() {
			runtime.LockOSThread()
			systray.Run(onReady, nil)
		}()
		end = systray.Quit
	default:
		// Without a session bus systray would fail here and crash on exit.
		if _, err := dbus.SessionBus(); err != nil {
			slog.Info("tray: no D-Bus session bus, so no tray icon", "err", err)
			return func() {}
		}
		var start func()
		start, end = systray.RunWithExternalLoop(onReady, nil)
		start() // logs one line if no StatusNotifier host is running; registers when one appears
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			end()
		})
	}
}

// trayHost reports whether a tray will show the icon, so that closing the window may hide it
// rather than quit: without a tray a hidden window could never come back.
func trayHost() bool {
	switch runtime.GOOS {
	case "windows":
		return true
	case "darwin":
		return false
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		return false
	}
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, "org.kde.StatusNotifierWatcher").Store(&has)
	return err == nil && has
}

// trayMenu builds the menu and serves its clicks until done is closed.
func trayMenu(h trayHooks, done <-chan struct{}) {
	if runtime.GOOS == "windows" {
		systray.SetIcon(icoOfPNG(trayIcon))
	} else {
		systray.SetIcon(trayIcon)
	}
	systray.SetTitle("ARIA")
	systray.SetTooltip("ARIA")
	contribute := systray.AddMenuItemCheckbox("Contribute to the network",
		"Lend this computer's idle CPU to other ARIA users", h.Contributing())
	systray.AddSeparator()
	open := systray.AddMenuItem("Open ARIA", "Show the ARIA window")
	quit := systray.AddMenuItem("Quit", "Stop ARIA and its node")
	// The checkbox shows the real state: after a failed toggle, or a change made in the window.
	refresh := func() {
		if h.Contributing() {
			contribute.Check()
		} else {
			contribute.Uncheck()
		}
	}
	go func() {
		for {
			select {
			case <-contribute.ClickedCh:
				if err := h.SetContributing(!contribute.Checked()); err != nil {
					slog.Warn("tray: contribute toggle", "err", err)
				}
				refresh()
			case <-systray.TrayOpenedCh:
				refresh()
			case <-open.ClickedCh:
				h.Show()
			case <-quit.ClickedCh:
				h.Quit()
			case <-done:
				return
			}
		}
	}()
}

// icoOfPNG wraps a 256×256 PNG in an .ico container (one PNG-compressed entry, which Windows
// reads since Vista): systray on Windows loads icons from .ico files only.
func icoOfPNG(png []byte) []byte {
	b := binary.LittleEndian.AppendUint16(nil, 0) // reserved
	b = binary.LittleEndian.AppendUint16(b, 1)    // type: icon
	b = binary.LittleEndian.AppendUint16(b, 1)    // one image
	b = append(b, 0, 0, 0, 0)                     // 256×256 (0 means 256), no palette, reserved
	b = binary.LittleEndian.AppendUint16(b, 1)    // colour planes
	b = binary.LittleEndian.AppendUint16(b, 32)   // bits per pixel
	b = binary.LittleEndian.AppendUint32(b, uint32(len(png)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(b)+4)) // the image follows this field
	return append(b, png...)
}
