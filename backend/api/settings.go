package api

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/aria-node/aria/backend/settings"
	"github.com/aria-node/aria/backend/update"
)

// The settings' events on /api/events.
const (
	EventSettings = "settings" // SettingsState, after every change (the tray and the pages follow it)
	EventUpdate   = "update"   // update.State, after every update check
)

// SettingsState is the answer of GET, PUT and PATCH /api/settings and the "settings" event:
// the saved settings, and what this run actually uses where that can differ.
type SettingsState struct {
	Settings settings.Settings `json:"settings"`
	DataDir  string            `json:"data_dir"` // where settings.json, the policy, the keys and the ledger live
	// ModelsDir is the models folder this run uses; the saved one applies at the next start.
	ModelsDir string `json:"models_dir"`
	// Pending names the saved settings that apply only at the next start ("api", "models_dir").
	Pending   []string       `json:"pending"`
	Server    ServerState    `json:"server"`
	Autostart AutostartState `json:"autostart"`
	Update    update.State   `json:"update"`
}

// ServerState is the API server as it runs now.
type ServerState struct {
	URL          string `json:"url"` // the base URL clients on this computer use (127.0.0.1 when listening on every address)
	Address      string `json:"address"`
	Port         int    `json:"port"`
	Loopback     bool   `json:"loopback"`      // reachable from this machine only
	AuthRequired bool   `json:"auth_required"` // every request needs the key (off loopback)
	// Key is the API key ("" : none yet; one is made when the API leaves loopback, or by
	// regenerating it).
	Key       string `json:"key"`
	KeySource string `json:"key_source"` // KeyFromFile, KeyFromFlag or KeyNone
	// Override says the address was given at start (--addr), which wins over the saved one.
	Override string `json:"override,omitempty"`
}

// The sources of the API key (ServerState.KeySource).
const (
	KeyFromFile = "file" // the data directory's api-key
	KeyFromFlag = "flag" // --api-key
	KeyNone     = "none" // no key yet
)

// AutostartState is the start-at-login entry.
type AutostartState struct {
	Entry  string `json:"entry"`  // where it is: a file, or the Windows registry value
	Exists bool   `json:"exists"` // the entry is there now
}

// APIKeyAnswer is the answer of POST /api/settings/api-key/regenerate: the key now in force.
type APIKeyAnswer struct {
	Key string `json:"key"`
}

// SettingsBackend is the node's side of the settings endpoints.
type SettingsBackend interface {
	SettingsState() SettingsState
	// UpdateSettings changes the settings with f (given the current ones), applies what can
	// apply now (start at login, the update check), saves them and tells the event stream. An
	// invalid value is a *settings.FieldError.
	UpdateSettings(ctx context.Context, f func(settings.Settings) (settings.Settings, error)) (SettingsState, error)
	// RegenerateKey replaces the API key: the old one stops working at once.
	RegenerateKey() (string, error)
}

// Settings serves /api/settings.
type Settings struct {
	Backend SettingsBackend
}

// Mounts are the settings endpoints, for Options.Mounts.
func (s *Settings) Mounts() map[string]http.Handler {
	return map[string]http.Handler{
		"GET /api/settings":                     http.HandlerFunc(s.get),
		"PUT /api/settings":                     http.HandlerFunc(s.put),
		"PATCH /api/settings":                   http.HandlerFunc(s.patch),
		"POST /api/settings/api-key/regenerate": http.HandlerFunc(s.regenerate),
	}
}

func (s *Settings) get(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, s.Backend.SettingsState())
}

// put replaces every setting: fields absent from the body take their defaults.
func (s *Settings) put(w http.ResponseWriter, r *http.Request) {
	s.change(w, r, func(b []byte, _ settings.Settings) (settings.Settings, error) {
		next := settings.Default()
		return next, settings.Decode(bytes.NewReader(b), &next)
	})
}

// patch changes the fields present in the body (nested: {"api": {"port": 9000}}).
func (s *Settings) patch(w http.ResponseWriter, r *http.Request) {
	s.change(w, r, func(b []byte, cur settings.Settings) (settings.Settings, error) {
		return cur, settings.Decode(bytes.NewReader(b), &cur)
	})
}

func (s *Settings) change(w http.ResponseWriter, r *http.Request, decode func([]byte, settings.Settings) (settings.Settings, error)) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		WriteError(w, http.StatusBadRequest, "invalid_json", "", "reading the request body: "+err.Error())
		return
	}
	st, err := s.Backend.UpdateSettings(r.Context(), func(cur settings.Settings) (settings.Settings, error) { return decode(b, cur) })
	if err != nil {
		if f := settings.Field(err); f != "" {
			WriteError(w, http.StatusBadRequest, "invalid_settings", f, err.Error())
		} else if errors.Is(err, settings.ErrNotJSON) {
			WriteError(w, http.StatusBadRequest, "invalid_json", "", err.Error())
		} else {
			WriteError(w, http.StatusInternalServerError, "settings_failed", "", err.Error())
		}
		return
	}
	WriteJSON(w, http.StatusOK, st)
}

func (s *Settings) regenerate(w http.ResponseWriter, _ *http.Request) {
	k, err := s.Backend.RegenerateKey()
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "key_failed", "", err.Error())
		return
	}
	WriteJSON(w, http.StatusOK, APIKeyAnswer{Key: k})
}

// Keys is the API key in force. The server reads it for every request, so a new key applies at
// once. It is safe for concurrent use.
type Keys struct {
	mu  sync.RWMutex
	key string
}

// NewKeys holds key ("": none).
func NewKeys(key string) *Keys { return &Keys{key: key} }

// Get returns the key ("": none).
func (k *Keys) Get() string {
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.key
}

// Set replaces the key.
func (k *Keys) Set(key string) {
	k.mu.Lock()
	k.key = key
	k.mu.Unlock()
}

// NewKey makes a random API key.
func NewKey() (string, error) {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("make an API key: %w", err)
	}
	return "aria-" + hex.EncodeToString(b[:]), nil
}

// StoreKey writes key to path atomically (mode 0600), where LoadOrCreateKey reads it.
func StoreKey(path, key string) error {
	if err := CheckKey(key); err != nil {
		return err
	}
	if err := settings.WriteFile(path, []byte(key+"\n"), 0o600); err != nil {
		return fmt.Errorf("store the API key: %w", err)
	}
	return nil
}

// LoadKey reads the key stored at path without making one ("" when there is none).
func LoadKey(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the API key: %w", err)
	}
	k := strings.TrimSpace(string(b))
	if CheckKey(k) != nil {
		return "", nil // as LoadOrCreateKey: a damaged key is no key
	}
	return k, nil
}
