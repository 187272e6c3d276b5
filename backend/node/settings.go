package node

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/aria-node/aria/backend/api"
	"github.com/aria-node/aria/backend/autostart"
	"github.com/aria-node/aria/backend/settings"
	"github.com/aria-node/aria/backend/update"
)

// prefs is the node's side of the app's settings (settings.json): what applies at start (the
// API's address, the models folder), what applies at once (start at login, the update check),
// and the API key, which can be regenerated while the server runs.
type prefs struct {
	store    *settings.Store
	auto     autostart.App
	upd      *update.Checker
	keys     *api.Keys
	keyPath  string
	override string       // the address given at start (--addr), which wins over the saved one
	started  settings.API // the saved address this run started with (when not overridden)
	models   string       // the models folder this run uses

	mu        sync.Mutex
	keySource string
}

// openSettings reads settings.json and fills what the configuration leaves to it: the API's
// address and the models folder. It runs before anything else is built.
func (n *Node) openSettings() error {
	st, err := settings.Open(n.cfg.DataDir)
	if err != nil {
		return err
	}
	s := st.Get()
	n.set.store = st
	if n.cfg.Addr == "" {
		n.cfg.Addr = s.API.HostPort()
		n.set.started = s.API
	} else {
		n.set.override = n.cfg.Addr
	}
	if n.cfg.Models == "" {
		n.cfg.Models = s.Models(n.cfg.DataDir)
	}
	n.set.models = n.cfg.Models
	exe := n.cfg.Executable
	if exe == "" {
		exe = os.Getenv("APPIMAGE") // an AppImage runs from a mount that is gone at the next login
	}
	if exe == "" {
		if exe, err = os.Executable(); err != nil {
			return fmt.Errorf("the executable to start at login: %w", err)
		}
	}
	n.set.auto = autostart.App{ID: "aria", Name: "ARIA", Exec: exe}
	// The entry may have been removed (or made) outside the app: the setting says what is.
	if on, err := autostart.Enabled(n.set.auto); err == nil && on != s.StartAtLogin {
		if _, err := st.Update(func(s settings.Settings) (settings.Settings, error) { s.StartAtLogin = on; return s, nil }); err != nil {
			return err
		}
	}
	return nil
}

// openKey finds the API key: the configuration's, else the data directory's api-key (made
// when the API leaves loopback, where every request needs it).
func (n *Node) openKey(loopback bool) error {
	n.set.keyPath = filepath.Join(n.cfg.DataDir, "api-key")
	key, src := n.cfg.APIKey, api.KeyFromFlag
	if key == "" {
		var err error
		if loopback {
			key, err = api.LoadKey(n.set.keyPath)
		} else {
			key, err = api.LoadOrCreateKey(n.set.keyPath)
		}
		if err != nil {
			return err
		}
		src = api.KeyFromFile
		if key == "" {
			src = api.KeyNone
		}
	}
	n.set.keys, n.set.keySource = api.NewKeys(key), src
	return nil
}

// newUpdateChecker builds the update check, which runs only while the setting allows it.
func (n *Node) newUpdateChecker() {
	n.set.upd = update.New(update.Config{URL: n.cfg.UpdateFeed, Key: n.cfg.UpdateKey, Version: n.cfg.Version,
		StatePath: filepath.Join(n.cfg.DataDir, "update.json"), Enabled: func() bool { return n.set.store.Get().UpdateCheck },
		Log: n.cfg.Log, OnState: func(s update.State) { n.bus.Publish(api.EventUpdate, s) }})
}

// Settings are the app's saved settings.
func (n *Node) Settings() settings.Settings { return n.set.store.Get() }

// SettingsState is the answer of GET /api/settings.
func (n *Node) SettingsState() api.SettingsState {
	s := n.set.store.Get()
	st := api.SettingsState{Settings: s, DataDir: n.cfg.DataDir, ModelsDir: n.set.models, Pending: []string{},
		Update: n.set.upd.State()}
	if n.set.override == "" && s.API != n.set.started {
		st.Pending = append(st.Pending, "api")
	}
	if s.Models(n.cfg.DataDir) != n.set.models {
		st.Pending = append(st.Pending, "models_dir")
	}
	n.set.mu.Lock()
	src := n.set.keySource
	n.set.mu.Unlock()
	st.Server = api.ServerState{URL: n.url, Loopback: api.IsLoopback(n.cfg.Addr), Key: n.set.keys.Get(), KeySource: src}
	st.Server.AuthRequired = !st.Server.Loopback
	if u, err := url.Parse(n.url); err == nil {
		st.Server.Address = u.Hostname()
		st.Server.Port, _ = strconv.Atoi(u.Port())
		if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsUnspecified() {
			// Listening on every address: the URL this machine's clients can use.
			st.Server.URL = "http://" + net.JoinHostPort("127.0.0.1", u.Port())
		}
	}
	if n.set.override != "" {
		st.Server.Override = n.set.override
	}
	st.Autostart.Entry = autostart.Location(n.set.auto)
	st.Autostart.Exists, _ = autostart.Enabled(n.set.auto)
	return st
}

// UpdateSettings changes the settings with f, applies what applies at once and saves them; the
// "settings" event tells the pages and the tray. A start-at-login entry that cannot be made or
// removed refuses the change (with the field named) and leaves everything as it was.
func (n *Node) UpdateSettings(ctx context.Context, f func(settings.Settings) (settings.Settings, error)) (api.SettingsState, error) {
	if err := ctx.Err(); err != nil {
		return api.SettingsState{}, err
	}
	var before settings.Settings
	autoChanged := false
	_, err := n.set.store.Update(func(cur settings.Settings) (settings.Settings, error) {
		before = cur
		next, err := f(cur)
		if err != nil {
			return cur, err
		}
		if err := next.Validate(); err != nil {
			return cur, err
		}
		if next.StartAtLogin != cur.StartAtLogin {
			if err := n.setAutostart(next.StartAtLogin); err != nil {
				return cur, &settings.FieldError{Field: "start_at_login", Reason: err.Error()}
			}
			autoChanged = true
		}
		return next, nil
	})
	if err != nil {
		if autoChanged { // the file could not be written: the entry goes back as it was
			if uerr := n.setAutostart(before.StartAtLogin); uerr != nil {
				err = errors.Join(err, uerr)
			}
		}
		return api.SettingsState{}, err
	}
	n.set.upd.Wake() // the update check may have been switched
	st := n.SettingsState()
	n.bus.Publish(api.EventSettings, st)
	return st, nil
}

func (n *Node) setAutostart(on bool) error {
	if on {
		return autostart.Enable(n.set.auto)
	}
	return autostart.Disable(n.set.auto)
}

// RegenerateKey replaces the API key, in the data directory and in the running server: a
// request with the old key is refused from now on.
func (n *Node) RegenerateKey() (string, error) {
	k, err := api.NewKey()
	if err != nil {
		return "", err
	}
	if err := api.StoreKey(n.set.keyPath, k); err != nil {
		return "", err
	}
	n.set.keys.Set(k)
	n.set.mu.Lock()
	// A key given with --api-key comes back at the next start with that flag: it stays "flag".
	if n.set.keySource == api.KeyNone {
		n.set.keySource = api.KeyFromFile
	}
	n.set.mu.Unlock()
	n.cfg.Log.Info("the API key was regenerated")
	n.bus.Publish(api.EventSettings, n.SettingsState())
	return k, nil
}
