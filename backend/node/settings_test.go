package node

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/settings"
	"github.com/aria-node/aria/backend/update"
)

// call makes one request with an optional key and returns its status and body.
func call(t *testing.T, method, url, key, body string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

func settingsOf(t *testing.T, url, key string) api.SettingsState {
	t.Helper()
	code, b := call(t, http.MethodGet, url+"/api/settings", key, "")
	if code != 200 {
		t.Fatalf("GET /api/settings: %d %s", code, b)
	}
	var st api.SettingsState
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

func patch(t *testing.T, url, body string) api.SettingsState {
	t.Helper()
	code, b := call(t, http.MethodPatch, url+"/api/settings", "", body)
	if code != 200 {
		t.Fatalf("PATCH %s: %d %s", body, code, b)
	}
	var st api.SettingsState
	if err := json.Unmarshal(b, &st); err != nil {
		t.Fatal(err)
	}
	return st
}

// refused checks a 400 whose param names the field.
func refused(t *testing.T, method, url, body, field string) string {
	t.Helper()
	code, b := call(t, method, url, "", body)
	var e api.ErrorBody
	_ = json.Unmarshal(b, &e)
	if code != 400 || e.Error.Param == nil || *e.Error.Param != field || !strings.Contains(e.Error.Message, field) {
		t.Fatalf("%s %s: %d %s, want 400 naming %s", method, body, code, b, field)
	}
	return e.Error.Message
}

// feed serves a release feed signed with a test key and counts its requests.
func feed(t *testing.T, version string) (*httptest.Server, ed25519.PublicKey, *atomic.Int32) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := update.Sign(priv, update.Release{Version: version, Notes: "Settings page.", URL: "https://example.org/r",
		Published: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { n.Add(1); _, _ = w.Write(doc) }))
	t.Cleanup(srv.Close)
	return srv, pub, &n
}

// The settings endpoints of a real node: defaults, live changes that persist, refusals by field,
// start at login, the update check's requests, and what waits for the next start.
func TestSettingsLifecycle(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "config"))
	srv, pub, requests := feed(t, "9.0.0")
	dir := t.TempDir()
	exe := filepath.Join(home, "bin", "aria")
	cfg := Config{DataDir: dir, Addr: "127.0.0.1:0", Log: slog.New(slog.DiscardHandler), Version: "0.1.0",
		Executable: exe, UpdateFeed: srv.URL, UpdateKey: pub}
	n, err := Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { n.Close() }()
	u := n.URL()
	sub := n.bus.Subscribe(context.Background(), api.EventSettings)
	defer sub.Close()

	st := settingsOf(t, u, "")
	if st.Settings != settings.Default() || st.DataDir != dir || st.ModelsDir != filepath.Join(dir, "models") || len(st.Pending) != 0 {
		t.Fatalf("fresh node: %+v", st)
	}
	if !st.Server.Loopback || st.Server.AuthRequired || st.Server.URL != u || st.Server.Key != "" || st.Server.KeySource != api.KeyNone ||
		st.Server.Override != "127.0.0.1:0" {
		t.Fatalf("server: %+v", st.Server)
	}
	if st.Autostart.Exists || st.Update.Enabled || st.Update.Release != nil {
		t.Fatalf("start at login %+v, update %+v: both off on a fresh node", st.Autostart, st.Update)
	}

	// A change applies at once, persists, and goes out on the event stream.
	st = patch(t, u, `{"theme":"dark"}`)
	if st.Settings.Theme != settings.ThemeDark {
		t.Fatalf("after PATCH: %+v", st.Settings)
	}
	select {
	case ev := <-sub.C():
		if s, ok := ev.Data.(api.SettingsState); !ok || s.Settings.Theme != settings.ThemeDark {
			t.Fatalf("settings event %+v", ev.Data)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no settings event")
	}
	if b, _ := os.ReadFile(filepath.Join(dir, settings.FileName)); !strings.Contains(string(b), `"theme": "dark"`) {
		t.Fatalf("settings.json: %s", b)
	}

	// Refused by field, nothing changed.
	refused(t, http.MethodPatch, u+"/api/settings", `{"api":{"port":70000}}`, "api.port")
	refused(t, http.MethodPatch, u+"/api/settings", `{"theme":"sepia"}`, "theme")
	refused(t, http.MethodPatch, u+"/api/settings", `{"colour":"red"}`, "colour")
	refused(t, http.MethodPatch, u+"/api/settings", `{"models_dir":"relative"}`, "models_dir")
	if code, _ := call(t, http.MethodPatch, u+"/api/settings", "", `{"theme":`); code != 400 {
		t.Fatalf("broken JSON: %d", code)
	}
	if s := settingsOf(t, u, "").Settings; s.Theme != settings.ThemeDark || s.API.Port != settings.DefaultPort {
		t.Fatalf("refusals changed the settings: %+v", s)
	}

	// Start at login makes the XDG entry naming this executable, and removes it.
	entry := filepath.Join(home, "config", "autostart", "aria.desktop")
	st = patch(t, u, `{"start_at_login":true}`)
	b, err := os.ReadFile(entry)
	if err != nil || !strings.Contains(string(b), "Exec="+exe+"\n") || !st.Autostart.Exists || st.Autostart.Entry != entry {
		t.Fatalf("entry %s: %v %s; state %+v", entry, err, b, st.Autostart)
	}
	st = patch(t, u, `{"start_at_login":false}`)
	if _, err := os.Stat(entry); !os.IsNotExist(err) || st.Autostart.Exists {
		t.Fatalf("entry still there: %v", err)
	}

	// The update check: nothing fetched while off; once on, exactly one request, and the notice.
	time.Sleep(200 * time.Millisecond)
	if requests.Load() != 0 {
		t.Fatalf("%d feed requests with the update check off", requests.Load())
	}
	patch(t, u, `{"update_check":true}`)
	deadline := time.Now().Add(5 * time.Second)
	for settingsOf(t, u, "").Update.Release == nil {
		if time.Now().After(deadline) {
			t.Fatalf("no release offered: %+v", settingsOf(t, u, "").Update)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if r := settingsOf(t, u, "").Update.Release; r.Version != "9.0.0" || r.Notes != "Settings page." {
		t.Fatalf("release %+v", r)
	}
	patch(t, u, `{"update_check":false}`)
	if settingsOf(t, u, "").Update.Release != nil {
		t.Fatal("a notice shown with the update check off")
	}
	patch(t, u, `{"update_check":true}`)
	time.Sleep(200 * time.Millisecond)
	if requests.Load() != 1 {
		t.Fatalf("%d feed requests within the day, want 1", requests.Load())
	}

	// The address and the models folder wait for the next start, and say so.
	models := filepath.Join(t.TempDir(), "models elsewhere")
	st = patch(t, u, `{"api":{"port":0},"models_dir":`+jsonString(models)+`}`)
	if st.ModelsDir != filepath.Join(dir, "models") || !slices.Contains(st.Pending, "models_dir") {
		t.Fatalf("models folder before a restart: %+v", st)
	}
	if slices.Contains(st.Pending, "api") {
		t.Fatal(`"api" pending while --addr overrides it`)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	// Restarted without an address: the saved one (port 0: any free port) and the saved folder.
	cfg.Addr = ""
	n, err = Start(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	u = n.URL()
	st = settingsOf(t, u, "")
	if st.Settings.Theme != settings.ThemeDark || st.ModelsDir != models || len(st.Pending) != 0 || st.Server.Override != "" ||
		!strings.HasPrefix(u, "http://127.0.0.1:") {
		t.Fatalf("after a restart: %s %+v", u, st)
	}
	if fi, err := os.Stat(models); err != nil || !fi.IsDir() {
		t.Fatalf("the new models folder was not made: %v", err)
	}
	st = patch(t, u, `{"api":{"port":8742}}`)
	if !slices.Equal(st.Pending, []string{"api"}) {
		t.Fatalf("pending %v, want [api]", st.Pending)
	}
	time.Sleep(200 * time.Millisecond)
	if requests.Load() != 1 || st.Update.Release == nil {
		t.Fatalf("after a restart within the day: %d requests (want 1), release %+v", requests.Load(), st.Update.Release)
	}
}

func jsonString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// Off loopback every request needs the key; regenerating it stops the old one at once, and
// the answer carries the new one, which works.
func TestRegenerateKey(t *testing.T) {
	dir := t.TempDir()
	n, err := Start(context.Background(), Config{DataDir: dir, Addr: "0.0.0.0:0", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	pu, err := url.Parse(n.URL()) // http://[::]:PORT, or 0.0.0.0
	if err != nil {
		t.Fatal(err)
	}
	u := "http://127.0.0.1:" + pu.Port()
	old := n.APIKey()
	st := settingsOf(t, u, old)
	if st.Server.Key != old || st.Server.KeySource != api.KeyFromFile || !st.Server.AuthRequired || st.Server.Loopback || st.Server.URL != u {
		t.Fatalf("server %+v", st.Server)
	}
	if code, _ := call(t, http.MethodPost, u+"/api/settings/api-key/regenerate", "", ""); code != 401 {
		t.Fatalf("regenerate without the key: %d", code)
	}
	code, b := call(t, http.MethodPost, u+"/api/settings/api-key/regenerate", old, "")
	var k api.APIKeyAnswer
	if err := json.Unmarshal(b, &k); code != 200 || err != nil || k.Key == old || api.CheckKey(k.Key) != nil {
		t.Fatalf("regenerate: %d %s", code, b)
	}
	if code, _ := call(t, http.MethodGet, u+"/api/status", old, ""); code != 401 {
		t.Fatalf("the old key still works: %d", code)
	}
	if code, _ := call(t, http.MethodGet, u+"/api/status", k.Key, ""); code != 200 {
		t.Fatalf("the new key: %d", code)
	}
	if n.APIKey() != k.Key || settingsOf(t, u, k.Key).Server.Key != k.Key {
		t.Fatal("the node does not report the new key")
	}
	stored, _ := os.ReadFile(filepath.Join(dir, "api-key"))
	if strings.TrimSpace(string(stored)) != k.Key {
		t.Fatalf("stored %q", stored)
	}
	if fi, _ := os.Stat(filepath.Join(dir, "api-key")); fi.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v", fi.Mode().Perm())
	}
}

// On loopback a node makes no key until asked; regenerating makes one, which the next start
// off loopback uses.
func TestKeyOnLoopback(t *testing.T) {
	dir := t.TempDir()
	n, err := Start(context.Background(), Config{DataDir: dir, Addr: "127.0.0.1:0", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "api-key")); !os.IsNotExist(err) {
		t.Fatal("a loopback node made a key file")
	}
	code, b := call(t, http.MethodPost, n.URL()+"/api/settings/api-key/regenerate", "", "")
	var k api.APIKeyAnswer
	_ = json.Unmarshal(b, &k)
	if code != 200 || k.Key == "" {
		t.Fatalf("regenerate: %d %s", code, b)
	}
	if st := settingsOf(t, n.URL(), ""); st.Server.Key != k.Key || st.Server.KeySource != api.KeyFromFile {
		t.Fatalf("server %+v", st.Server)
	}
	n.Close()
	n, err = Start(context.Background(), Config{DataDir: dir, Addr: "0.0.0.0:0", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if n.APIKey() != k.Key {
		t.Fatalf("off loopback the node uses %q, not the regenerated %q", n.APIKey(), k.Key)
	}
}

// PUT /api/policy names the bad field in its error's param, as the settings page needs.
func TestPolicyErrorParam(t *testing.T) {
	n, err := Start(context.Background(), Config{DataDir: t.TempDir(), Addr: "127.0.0.1:0", Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	p := n.Policy().Policy()
	if !p.PauseOnMetered {
		t.Fatal("pause_on_metered is off by default")
	}
	p.MaxCPUPercent = 200
	b, _ := json.Marshal(p)
	msg := refused(t, http.MethodPut, n.URL()+"/api/policy", string(b), "max_cpu_percent")
	if !strings.Contains(msg, "between 1 and 100") {
		t.Fatalf("reason %q", msg)
	}
}
