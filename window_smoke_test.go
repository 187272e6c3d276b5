package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
	"github.com/godbus/dbus/v5/prop"
)

// TestWindowUnderXvfb drives the desktop binary as a user would, on a virtual display with a
// session bus on which this test is the tray: the StatusNotifier watcher that tray items
// register with, and the host that reads and clicks their menus. .ci/window-smoke runs it
// (make test-window) under xvfb-run and dbus-run-session.
func TestWindowUnderXvfb(t *testing.T) {
	bin := os.Getenv("ARIA_BIN")
	if os.Getenv("ARIA_WINDOW_SMOKE") == "" || bin == "" {
		t.Skip("run by .ci/window-smoke (make test-window): needs ARIA_BIN, an X display and a session bus")
	}
	data := t.TempDir()
	// A small model, so that the tray's speed line has a generation to show.
	if err := os.MkdirAll(filepath.Join(data, "models"), 0o700); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bin, "synth", "--shape", "tiny", "--type", "i2_s", "--arch", "bitnet-b1.58",
		"--out", filepath.Join(data, "models", "tiny.gguf")).CombinedOutput(); err != nil {
		t.Fatalf("aria synth: %v\n%s", err, out)
	}
	w := startWatcher(t)
	app := launch(t, bin, data)

	// The real window appears, and the page in it runs: the web view talks to the node.
	win := waitWindow(t, app, "IsViewable", 60*time.Second)
	eventually(t, app, 45*time.Second, "the web view connects to the node", func() (bool, string) {
		procs, err := nodeClients(app.port)
		for _, p := range procs {
			if strings.HasPrefix(p, "WebKit") {
				return true, ""
			}
		}
		return false, fmt.Sprintf("clients %v, %v", procs, err)
	})
	screenshotNotBlank(t, app)

	// The tray item registers, and its menu shows the policy the API reports.
	var item snItem
	select {
	case item = <-w.items:
	case <-time.After(30 * time.Second):
		t.Fatalf("no tray item registered with the StatusNotifier watcher within 30 s\n%s", app.log())
	}
	if title := item.prop(t, "Title"); title != "ARIA" {
		t.Fatalf("tray item title %v", title)
	}
	idleIcon := item.prop(t, "IconPixmap")
	m := item.menu(t)
	for _, l := range []string{"Open ARIA", "Contribute to the network", "Pause for 1 hour", "Pause until tomorrow", "Speed: ", "Quit"} {
		if _, ok := m.find(l); !ok {
			t.Fatalf("the tray menu has no %q item: %+v", l, m)
		}
	}
	if c, _ := m.find("Contribute to the network"); c.Toggle != "checkmark" || c.Checked || getPolicy(t, app.url).Policy.Contribute {
		t.Fatalf("a fresh node: Contribute item %+v, GET /api/policy %+v", c, getPolicy(t, app.url))
	}
	if s, _ := m.find("Speed: "); s.Enabled {
		t.Fatalf("the speed line can be clicked: %+v", s)
	}

	// Power must not matter here: a machine on battery would not contribute.
	st := getPolicy(t, app.url)
	st.Policy.PauseOnBattery = false
	putPolicy(t, app.url, st.Policy)

	// Tray → API: its Contribute item flips the policy the API reports, and the icon follows.
	item.click(t, "Contribute to the network")
	eventually(t, app, 10*time.Second, "GET /api/policy reports contribute on", func() (bool, string) {
		st := getPolicy(t, app.url)
		return st.Policy.Contribute && st.Status.Contributing, fmt.Sprintf("%+v", st)
	})
	eventually(t, app, 10*time.Second, "the tray shows contributing", func() (bool, string) {
		c, _ := item.menu(t).find("Contribute to the network")
		tip := item.tooltip(t)
		return c.Checked && tip == "ARIA: contributing to the network" && item.prop(t, "IconPixmap") != idleIcon,
			fmt.Sprintf("checked %v, tooltip %q", c.Checked, tip)
	})

	// API → tray: the settings switch (PUT /api/policy) flips the tray's checkmark.
	st = getPolicy(t, app.url)
	st.Policy.Contribute = false
	putPolicy(t, app.url, st.Policy)
	eventually(t, app, 10*time.Second, "the tray's checkmark clears after PUT /api/policy", func() (bool, string) {
		c, _ := item.menu(t).find("Contribute to the network")
		return !c.Checked && item.prop(t, "IconPixmap") == idleIcon, fmt.Sprintf("%+v", c)
	})
	st.Policy.Contribute = true
	putPolicy(t, app.url, st.Policy)
	eventually(t, app, 10*time.Second, "the tray's checkmark is set after PUT /api/policy", func() (bool, string) {
		c, _ := item.menu(t).find("Contribute to the network")
		return c.Checked, fmt.Sprintf("%+v", c)
	})

	// Pause for 1 hour, then Resume.
	before := time.Now()
	item.click(t, "Pause for 1 hour")
	eventually(t, app, 10*time.Second, "GET /api/policy reports a pause of one hour", func() (bool, string) {
		st := getPolicy(t, app.url)
		u := st.Policy.PausedUntil
		return !u.Before(before.Add(time.Hour-time.Second)) && !u.After(time.Now().Add(time.Hour)) && !st.Status.Contributing,
			fmt.Sprintf("%+v", st)
	})
	eventually(t, app, 10*time.Second, "the tray offers Resume instead of the pauses", func() (bool, string) {
		m := item.menu(t)
		r, _ := m.find("Resume")
		p, _ := m.find("Pause for 1 hour")
		l, _ := m.find("Paused until ")
		return r.Visible && !p.Visible && l.Visible, fmt.Sprintf("%+v", m)
	})
	item.click(t, "Resume")
	eventually(t, app, 10*time.Second, "GET /api/policy reports no pause", func() (bool, string) {
		st := getPolicy(t, app.url)
		return st.Policy.PausedUntil.IsZero() && st.Status.Contributing, fmt.Sprintf("%+v", st)
	})

	// The speed line is live: after a generation it shows its tokens/s.
	resp, err := http.Post(app.url+"/v1/completions", "application/json",
		strings.NewReader(`{"prompt":"hello","max_tokens":8,"temperature":0}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("completion: %s %s", resp.Status, b)
	}
	eventually(t, app, 10*time.Second, "the speed line shows the generation's tokens/s", func() (bool, string) {
		s, _ := item.menu(t).find("Speed: ")
		return regexp.MustCompile(`[1-9][0-9]*\.[0-9] tokens/s`).MatchString(s.Label), s.Label
	})

	// With a tray, closing the window hides it; a second launch shows it again and ends.
	closeWindow(t, win)
	waitWindow(t, app, "IsUnMapped", 10*time.Second)
	second := exec.Command(bin)
	second.Env = append(os.Environ(), "ARIA_DATA_DIR="+data)
	var secondErr bytes.Buffer
	second.Stderr = &secondErr
	done := make(chan error, 1)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		if err != nil || strings.Contains(secondErr.String(), "node listening") {
			t.Fatalf("second launch: %v\n%s", err, secondErr.String())
		}
	case <-time.After(30 * time.Second):
		_ = second.Process.Kill()
		t.Fatalf("the second launch did not end within 30 s:\n%s", secondErr.String())
	}
	waitWindow(t, app, "IsViewable", 10*time.Second)
	if !strings.Contains(app.log(), "launched again") {
		t.Fatalf("the first instance did not hear of the second launch:\n%s", app.log())
	}

	// Hidden again, "Open ARIA" brings it back; "Quit" quits.
	closeWindow(t, win)
	waitWindow(t, app, "IsUnMapped", 10*time.Second)
	item.click(t, "Open ARIA")
	waitWindow(t, app, "IsViewable", 10*time.Second)
	item.click(t, "Quit")
	app.waitExit(t, 20*time.Second)

	// Without a tray host, closing the window quits.
	w.stop(t)
	app = launch(t, bin, data)
	win = waitWindow(t, app, "IsViewable", 60*time.Second)
	closeWindow(t, win)
	app.waitExit(t, 20*time.Second)
	if !strings.Contains(app.log(), "no tray") {
		t.Fatalf("closing without a tray did not say why it quit:\n%s", app.log())
	}
}

// ariaApp is a running desktop binary.
type ariaApp struct {
	cmd    *exec.Cmd
	url    string
	port   int
	mu     sync.Mutex
	buf    bytes.Buffer
	exited chan struct{} // closed when the process has ended, with err
	err    error
}

func (a *ariaApp) log() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.buf.String()
}

// launch starts the binary without arguments, as a double click does, and waits for its node.
func launch(t *testing.T, bin, data string) *ariaApp {
	t.Helper()
	a := &ariaApp{cmd: exec.Command(bin), exited: make(chan struct{})}
	a.cmd.Env = append(os.Environ(), "ARIA_DATA_DIR="+data)
	pr, pw := io.Pipe()
	a.cmd.Stderr = pw
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			a.mu.Lock()
			a.buf.WriteString(line + "\n")
			a.mu.Unlock()
			if u, ok := strings.CutPrefix(line, "ARIA node listening on "); ok {
				urls <- u
			}
		}
	}()
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.err = a.cmd.Wait(); pw.Close(); close(a.exited) }()
	t.Cleanup(func() {
		select {
		case <-a.exited:
		default:
			_ = a.cmd.Process.Kill()
			<-a.exited
		}
	})
	select {
	case a.url = <-urls:
	case <-a.exited:
		t.Fatalf("aria exited early (%v):\n%s", a.err, a.log())
	case <-time.After(60 * time.Second):
		t.Fatalf("no node within 60 s:\n%s", a.log())
	}
	u, err := url.Parse(a.url)
	if err != nil {
		t.Fatal(err)
	}
	if a.port, err = strconv.Atoi(u.Port()); err != nil {
		t.Fatal(err)
	}
	return a
}

func (a *ariaApp) waitExit(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case <-a.exited:
		if a.err != nil {
			t.Fatalf("aria exited with %v:\n%s", a.err, a.log())
		}
	case <-time.After(d):
		t.Fatalf("aria still runs after %v:\n%s", d, a.log())
	}
}

// eventually polls cond until it holds, failing with its last note and the app's log after d
// or as soon as the app has ended.
func eventually(t *testing.T, a *ariaApp, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	var note string
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		var ok bool
		if ok, note = cond(); ok {
			return
		}
		select {
		case <-a.exited:
			t.Fatalf("%s: aria exited (%v) (%s)\n%s", what, a.err, note, a.log())
		default:
		}
	}
	t.Fatalf("%s: not within %v (%s)\n%s", what, d, note, a.log())
}

var windowID = regexp.MustCompile(`Window id: (0x[0-9a-f]+) "ARIA"`)

// waitWindow waits until the window titled ARIA has the map state (xwininfo's IsViewable or
// IsUnMapped) and returns its id.
func waitWindow(t *testing.T, a *ariaApp, state string, d time.Duration) string {
	t.Helper()
	var id string
	eventually(t, a, d, "window ARIA "+state, func() (bool, string) {
		out, err := exec.Command("xwininfo", "-name", "ARIA").CombinedOutput()
		if m := windowID.FindSubmatch(out); m != nil {
			id = string(m[1])
		}
		return err == nil && bytes.Contains(out, []byte("Map State: "+state)), string(out)
	})
	return id
}

// closeWindow asks the window to close as a window manager's close button does: the
// WM_DELETE_WINDOW client message (by Xlib through ctypes; python3 and libX11 are on the
// machine with the desktop's libraries).
func closeWindow(t *testing.T, id string) {
	t.Helper()
	const script = `
import ctypes, sys
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XOpenDisplay.argtypes = [ctypes.c_char_p]
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long, ctypes.c_void_p]
x.XFlush.argtypes = [ctypes.c_void_p]
x.XCloseDisplay.argtypes = [ctypes.c_void_p]
class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong), ("message_type", ctypes.c_ulong),
                ("format", ctypes.c_int), ("data", ctypes.c_long * 5)]
class Event(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]
d = x.XOpenDisplay(None)
if not d:
    sys.exit("cannot open the display")
ev = Event()
ev.xclient.type = 33  # ClientMessage
ev.xclient.window = int(sys.argv[1], 0)
ev.xclient.message_type = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
ev.xclient.format = 32
ev.xclient.data[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
x.XSendEvent(d, ev.xclient.window, 0, 0, ctypes.byref(ev))
x.XFlush(d)
x.XCloseDisplay(d)
`
	if out, err := exec.Command("python3", "-c", script, id).CombinedOutput(); err != nil {
		t.Fatalf("close window %s: %v %s", id, err, out)
	}
}

// screenshotNotBlank waits until a screenshot of the display has more than a few colours: a
// blank or unpainted web view is one flat colour. ARIA_SCREENSHOT names a file to keep it in.
func screenshotNotBlank(t *testing.T, a *ariaApp) {
	t.Helper()
	var shot []byte
	eventually(t, a, 30*time.Second, "a screenshot that is not blank", func() (bool, string) {
		out, err := exec.Command("import", "-window", "root", "png:-").Output()
		if err != nil {
			return false, err.Error()
		}
		img, err := png.Decode(bytes.NewReader(out))
		if err != nil {
			return false, err.Error()
		}
		shot = out
		n := colours(img)
		return n >= 32, fmt.Sprintf("%d colours", n)
	})
	if p := os.Getenv("ARIA_SCREENSHOT"); p != "" {
		if err := os.WriteFile(p, shot, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
}

func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, al := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, al}] = true
		}
	}
	return len(seen)
}

// nodeClients names the processes with a TCP connection open to the node's loopback port:
// the web view's (WebKitNetworkProcess) once the page has called the node.
func nodeClients(port int) ([]string, error) {
	inodes := map[string]bool{}
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		for _, line := range strings.Split(string(b), "\n")[1:] {
			fs := strings.Fields(line)
			if len(fs) < 10 || fs[3] != "01" { // established
				continue
			}
			if _, p, ok := strings.Cut(fs[2], ":"); ok { // the remote end is the node
				if n, err := strconv.ParseInt(p, 16, 32); err == nil && int(n) == port {
					inodes["socket:["+fs[9]+"]"] = true
				}
			}
		}
	}
	var procs []string
	dirs, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	for _, d := range dirs {
		if _, err := strconv.Atoi(d.Name()); err != nil {
			continue
		}
		fds, _ := os.ReadDir(filepath.Join("/proc", d.Name(), "fd"))
		for _, fd := range fds {
			if l, err := os.Readlink(filepath.Join("/proc", d.Name(), "fd", fd.Name())); err == nil && inodes[l] {
				comm, _ := os.ReadFile(filepath.Join("/proc", d.Name(), "comm"))
				procs = append(procs, strings.TrimSpace(string(comm)))
				break
			}
		}
	}
	return procs, nil
}

func putPolicy(t *testing.T, base string, p any) {
	t.Helper()
	body, _ := json.Marshal(p)
	req, _ := http.NewRequest(http.MethodPut, base+"/api/policy", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("PUT /api/policy: %s %s", resp.Status, b)
	}
}

// testWatcher is a StatusNotifier watcher with a host: what a desktop panel runs.
type testWatcher struct {
	conn  *dbus.Conn
	items chan snItem
}

const watcherName = "org.kde.StatusNotifierWatcher"

func startWatcher(t *testing.T) *testWatcher {
	t.Helper()
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatalf("session bus: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	w := &testWatcher{conn: conn, items: make(chan snItem, 4)}
	if err := conn.Export(w, "/StatusNotifierWatcher", watcherName); err != nil {
		t.Fatal(err)
	}
	if _, err := prop.Export(conn, "/StatusNotifierWatcher", prop.Map{watcherName: {
		"IsStatusNotifierHostRegistered": {Value: true, Emit: prop.EmitTrue},
		"RegisteredStatusNotifierItems":  {Value: []string{}, Emit: prop.EmitTrue},
		"ProtocolVersion":                {Value: int32(0), Emit: prop.EmitTrue},
	}}); err != nil {
		t.Fatal(err)
	}
	if r, err := conn.RequestName(watcherName, dbus.NameFlagDoNotQueue); err != nil || r != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v %v", watcherName, r, err)
	}
	return w
}

// stop leaves the bus: the desktop has no tray any more.
func (w *testWatcher) stop(t *testing.T) {
	t.Helper()
	if _, err := w.conn.ReleaseName(watcherName); err != nil {
		t.Fatal(err)
	}
}

// RegisterStatusNotifierItem is the watcher's method items call: service is the item's bus
// name, or its object path on the caller's connection.
func (w *testWatcher) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	it := snItem{conn: w.conn, bus: string(sender), path: dbus.ObjectPath(service)}
	if !strings.HasPrefix(service, "/") {
		it.bus, it.path = service, "/StatusNotifierItem"
	}
	select {
	case w.items <- it:
	default:
	}
	return nil
}

// RegisterStatusNotifierHost is the watcher's method hosts call.
func (w *testWatcher) RegisterStatusNotifierHost(dbus.Sender, string) *dbus.Error { return nil }

// snItem is a registered tray item.
type snItem struct {
	conn *dbus.Conn
	bus  string
	path dbus.ObjectPath
}

func (s snItem) prop(t *testing.T, name string) string {
	t.Helper()
	v, err := s.conn.Object(s.bus, s.path).GetProperty("org.kde.StatusNotifierItem." + name)
	if err != nil {
		t.Fatalf("tray item property %s: %v", name, err)
	}
	return fmt.Sprint(v.Value())
}

// tooltip is the title of the item's ToolTip property (name, icons, title, description).
func (s snItem) tooltip(t *testing.T) string {
	t.Helper()
	v, err := s.conn.Object(s.bus, s.path).GetProperty("org.kde.StatusNotifierItem.ToolTip")
	if err != nil {
		t.Fatalf("tray item tooltip: %v", err)
	}
	if f, ok := v.Value().([]any); ok && len(f) == 4 {
		if title, ok := f[2].(string); ok {
			return title
		}
	}
	return fmt.Sprint(v.Value())
}

// menuEntry is an item of the tray's com.canonical.dbusmenu menu.
type menuEntry struct {
	ID               int32
	Label, Toggle    string
	Checked          bool
	Enabled, Visible bool
}

type trayMenuEntries []menuEntry

// find returns the entry whose label starts with prefix.
func (m trayMenuEntries) find(prefix string) (menuEntry, bool) {
	for _, e := range m {
		if strings.HasPrefix(e.Label, prefix) {
			return e, true
		}
	}
	return menuEntry{}, false
}

func (s snItem) menuObject(t *testing.T) dbus.BusObject {
	t.Helper()
	v, err := s.conn.Object(s.bus, s.path).GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		t.Fatalf("tray item menu: %v", err)
	}
	p, ok := v.Value().(dbus.ObjectPath)
	if !ok {
		t.Fatalf("tray item menu is %T", v.Value())
	}
	return s.conn.Object(s.bus, p)
}

// menu reads the menu's layout as a host does before showing it.
func (s snItem) menu(t *testing.T) trayMenuEntries {
	t.Helper()
	var rev uint32
	var root struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	if err := s.menuObject(t).Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(-1), []string{}).Store(&rev, &root); err != nil {
		t.Fatalf("GetLayout: %v", err)
	}
	var out trayMenuEntries
	for _, c := range root.Children {
		f, ok := c.Value().([]any)
		if !ok || len(f) != 3 {
			t.Fatalf("menu entry %v", c)
		}
		id, _ := f[0].(int32)
		props, _ := f[1].(map[string]dbus.Variant)
		e := menuEntry{ID: id, Enabled: true, Visible: true}
		for k, v := range props {
			switch k {
			case "label":
				e.Label, _ = v.Value().(string)
			case "toggle-type":
				e.Toggle, _ = v.Value().(string)
			case "toggle-state":
				n, _ := v.Value().(int32)
				e.Checked = n == 1
			case "enabled":
				e.Enabled, _ = v.Value().(bool)
			case "visible":
				e.Visible, _ = v.Value().(bool)
			}
		}
		out = append(out, e)
	}
	return out
}

// click sends the "clicked" event a host sends when the user picks the entry.
func (s snItem) click(t *testing.T, label string) {
	t.Helper()
	e, ok := s.menu(t).find(label)
	if !ok || !e.Enabled || !e.Visible {
		t.Fatalf("no clickable %q in the tray menu: %+v", label, s.menu(t))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.menuObject(t).CallWithContext(ctx, "com.canonical.dbusmenu.Event", 0, e.ID, "clicked",
		dbus.MakeVariant(""), uint32(time.Now().Unix())).Err; err != nil {
		t.Fatalf("click %q: %v", label, err)
	}
}
