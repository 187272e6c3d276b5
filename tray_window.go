//go:build desktop && (cgo || windows)

package main

//go:generate go run ./build/trayicons

import (
	"context"
	_ "embed"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"fyne.io/systray"
	"github.com/godbus/dbus/v5"
)

// The state icons, drawn by build/trayicons: PNG for the StatusNotifier of Linux desktops and
// for macOS, ICO for Windows, whose systray loads only .ico files.
var (
	//go:embed build/tray-idle.png
	trayIdlePNG []byte
	//go:embed build/tray-contributing.png
	trayContributingPNG []byte
	//go:embed build/tray-serving.png
	trayServingPNG []byte
	//go:embed build/tray-error.png
	trayErrorPNG []byte
	//go:embed build/tray-idle.ico
	trayIdleICO []byte
	//go:embed build/tray-contributing.ico
	trayContributingICO []byte
	//go:embed build/tray-serving.ico
	trayServingICO []byte
	//go:embed build/tray-error.ico
	trayErrorICO []byte
)

// trayIcon is the icon of a state in the format this system's tray reads.
func trayIcon(s trayState) []byte {
	win := runtime.GOOS == "windows"
	pick := func(png, ico []byte) []byte {
		if win {
			return ico
		}
		return png
	}
	switch s {
	case trayContributing:
		return pick(trayContributingPNG, trayContributingICO)
	case trayServing:
		return pick(trayServingPNG, trayServingICO)
	case trayError:
		return pick(trayErrorPNG, trayErrorICO)
	}
	return pick(trayIdlePNG, trayIdleICO)
}

// trayHooks are what the tray does to the window.
type trayHooks struct {
	Show func() // "Open ARIA"
	Quit func() // "Quit"
}

// tray is ARIA's icon and menu in the notification area.
type tray struct {
	started bool // the icon was put up (a tray may still be missing to show it: available says)
	stop    func()
}

// startTray puts ARIA's icon and menu in the notification area. Call it before wails.Run, on
// the main goroutine: macOS needs the tray started on the main thread before the window's
// loop. Without a tray the app goes on without one.
func startTray(n trayNode, h trayHooks) *tray {
	ctx, cancel := context.WithCancel(context.Background())
	m := &trayModel{node: n, now: time.Now}
	onReady := func() { trayMenu(ctx, m, h) }
	t := &tray{started: true}
	var end func()
	switch runtime.GOOS {
	case "darwin":
		// Wails locks the main goroutine to the main thread (its init), and its loop is not
		// running yet: start() creates the status item here, and the menu built by onReady
		// (on another goroutine) reaches the main thread once wails.Run runs its loop.
		start, _ := systray.RunWithExternalLoop(onReady, nil)
		start()
		// Its end() stops the application's loop, which is Wails' to stop: the icon goes with
		// the process.
		end = func() {}
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
			cancel()
			return &tray{stop: func() {}}
		}
		var start func()
		start, end = systray.RunWithExternalLoop(onReady, nil)
		start() // logs one line if no StatusNotifier host is running; registers when one appears
	}
	var once sync.Once
	t.stop = func() {
		once.Do(func() {
			cancel()
			end()
		})
	}
	return t
}

// available says whether a tray shows ARIA's icon now, and if not, why: without one, closing
// the window must quit, as a hidden window could never come back.
func (t *tray) available() (bool, string) {
	if !t.started {
		return false, "no D-Bus session bus, so no tray icon"
	}
	switch runtime.GOOS {
	case "windows", "darwin":
		return true, ""
	}
	return statusNotifierHost()
}

// statusNotifierHost says whether a StatusNotifier host (a panel that shows tray items) runs on
// the session bus. A private connection: systray owns the shared one and closes it on exit.
func statusNotifierHost() (bool, string) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false, "no D-Bus session bus"
	}
	defer conn.Close()
	const watcher = "org.kde.StatusNotifierWatcher"
	var has bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, watcher).Store(&has); err != nil || !has {
		return false, "this desktop shows no tray icons (no StatusNotifier watcher; on GNOME, the AppIndicator extension adds one)"
	}
	v, err := conn.Object(watcher, "/StatusNotifierWatcher").GetProperty(watcher + ".IsStatusNotifierHostRegistered")
	if host, ok := v.Value().(bool); err == nil && ok && !host {
		return false, "this desktop shows no tray icons (a StatusNotifier watcher runs, but no panel shows its items)"
	}
	return true, ""
}

// trayMenu builds the menu and runs it until ctx ends: it follows the node's events, so that
// a change made in the window or through the API shows here too, and carries out the clicks.
func trayMenu(ctx context.Context, m *trayModel, h trayHooks) {
	sub := m.subscribe(ctx) // before the first view, so that no change falls between
	v := m.view()
	systray.SetIcon(trayIcon(v.State))
	if runtime.GOOS != "darwin" { // macOS would print the title beside the icon
		systray.SetTitle("ARIA")
	}
	systray.SetTooltip(v.Tooltip)
	open := systray.AddMenuItem("Open ARIA", "Show the ARIA window")
	systray.AddSeparator()
	contribute := systray.AddMenuItemCheckbox("Contribute to the network",
		"Lend this computer's idle CPU to other ARIA users", v.Contribute)
	pauseHour := systray.AddMenuItem("Pause for 1 hour", "Lend no CPU for an hour")
	pauseTomorrow := systray.AddMenuItem("Pause until tomorrow", "Lend no CPU until midnight")
	paused := systray.AddMenuItem("Paused", "Contribution is paused")
	paused.Disable()
	resume := systray.AddMenuItem("Resume", "End the pause now")
	systray.AddSeparator()
	speed := systray.AddMenuItem(v.Speed, "Speed of the running or last generation")
	speed.Disable()
	systray.AddSeparator()
	quit := systray.AddMenuItem("Quit", "Stop ARIA and its node")
	ui := trayItems{contribute: contribute, pauseHour: pauseHour, pauseTomorrow: pauseTomorrow, paused: paused,
		resume: resume, speed: speed}
	ui.draw(v, true)

	go func() {
		evc := sub.C()
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-evc:
				if !ok { // the node stopped
					if ctx.Err() != nil {
						return
					}
					evc, m.stopped = nil, true
					break
				}
				m.apply(ev)
			case <-contribute.ClickedCh:
				act(m, actContribute)
			case <-pauseHour.ClickedCh:
				act(m, actPauseHour)
			case <-pauseTomorrow.ClickedCh:
				act(m, actPauseTomorrow)
			case <-resume.ClickedCh:
				act(m, actResume)
			case <-systray.TrayOpenedCh:
			case <-open.ClickedCh:
				h.Show()
			case <-quit.ClickedCh:
				h.Quit()
			}
			ui.draw(m.view(), false)
		}
	}()
}

func act(m *trayModel, a trayAction) {
	if err := m.do(a); err != nil {
		slog.Warn("tray: change contribution", "err", err)
	}
}

// trayItems are the menu items that change, and what they last showed.
type trayItems struct {
	contribute, pauseHour, pauseTomorrow, paused, resume, speed *systray.MenuItem
	last                                                        trayView
}

// draw shows v, touching only what differs from the last view (all of it when first): each
// change is a D-Bus signal or a Windows message.
func (u *trayItems) draw(v trayView, first bool) {
	l := u.last
	u.last = v
	if first || v.State != l.State {
		systray.SetIcon(trayIcon(v.State))
	}
	if first || v.Tooltip != l.Tooltip {
		systray.SetTooltip(v.Tooltip)
	}
	if first || v.Contribute != l.Contribute || v.Contribute != u.contribute.Checked() {
		if v.Contribute {
			u.contribute.Check()
		} else {
			u.contribute.Uncheck()
		}
	}
	if first || v.CanPause != l.CanPause {
		for _, it := range []*systray.MenuItem{u.pauseHour, u.pauseTomorrow} {
			if v.CanPause {
				it.Enable()
			} else {
				it.Disable()
			}
		}
	}
	if first || v.Paused != l.Paused {
		shown, hidden := []*systray.MenuItem{u.paused, u.resume}, []*systray.MenuItem{u.pauseHour, u.pauseTomorrow}
		if !v.Paused {
			shown, hidden = hidden, shown
		}
		for _, it := range shown {
			it.Show()
		}
		for _, it := range hidden {
			it.Hide()
		}
	}
	if v.Paused && (first || v.PausedLabel != l.PausedLabel) {
		u.paused.SetTitle(v.PausedLabel)
	}
	if first || v.Speed != l.Speed {
		u.speed.SetTitle(v.Speed)
	}
}
