// Package settings is the app's own settings (theme, start at login, update check, the API's
// address, the models folder, first run), kept as settings.json in the data directory.
//
// The file is written atomically (a temporary file, synced, renamed over the old one) with mode
// 0600, and read strictly: an unknown field or an invalid value is refused with the field named,
// never silently dropped. The contribution policy (backend/policy) and the API key (the
// data directory's api-key file) keep their own files.
package settings

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

// FileName is the settings file's name in the data directory.
const FileName = "settings.json"

// Theme is the interface's colour scheme.
type Theme string

// The themes: "system" follows the desktop's light or dark preference.
const (
	ThemeSystem Theme = "system"
	ThemeLight  Theme = "light"
	ThemeDark   Theme = "dark"
)

// Themes are the valid themes, in the order the interface offers them.
var Themes = []Theme{ThemeSystem, ThemeLight, ThemeDark}

// DefaultPort is the API's default port.
const DefaultPort = 8741

// API is where the HTTP API listens. It applies at the next start: the window and every client
// talk to the running server.
type API struct {
	Address string `json:"address"` // an IP address or "localhost"; off loopback every request needs the API key
	Port    int    `json:"port"`    // 0: any free port
}

// HostPort is the listen address, host:port.
func (a API) HostPort() string { return net.JoinHostPort(a.Address, strconv.Itoa(a.Port)) }

// Settings are the app's settings. The JSON names are stable: the file outlives versions.
type Settings struct {
	Theme        Theme `json:"theme"`
	StartAtLogin bool  `json:"start_at_login"` // an autostart entry exists (backend/autostart)
	UpdateCheck  bool  `json:"update_check"`   // look for a new release at most daily (backend/update)
	API          API   `json:"api"`
	// ModelsDir is the models folder ("": the data directory's models/). It applies at the next
	// start.
	ModelsDir string `json:"models_dir"`
	// FirstRunDone is set when the first-run guide is finished or skipped; clearing it shows the
	// guide again.
	FirstRunDone bool `json:"first_run_done"`
}

// Default is a fresh install's settings: nothing starts at login and nothing is fetched until
// the user asks.
func Default() Settings {
	return Settings{Theme: ThemeSystem, API: API{Address: "127.0.0.1", Port: DefaultPort}}
}

// Models is the models folder for the data directory dataDir.
func (s Settings) Models(dataDir string) string {
	if s.ModelsDir != "" {
		return s.ModelsDir
	}
	return filepath.Join(dataDir, "models")
}

// FieldError is an invalid value, by the JSON path of its field ("api.port").
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Field is the JSON path of the field err is about ("" when it is about none).
func Field(err error) string {
	if fe, ok := errors.AsType[*FieldError](err); ok {
		return fe.Field
	}
	return ""
}

// Validate reports the first invalid field.
func (s Settings) Validate() error {
	if !validTheme(s.Theme) {
		return &FieldError{"theme", fmt.Sprintf("%q is not one of system, light, dark", s.Theme)}
	}
	if err := validAddress(s.API.Address); err != nil {
		return &FieldError{"api.address", err.Error()}
	}
	if s.API.Port < 0 || s.API.Port > 65535 {
		return &FieldError{"api.port", fmt.Sprintf("%d is not a port between 1 and 65535 (0: any free port)", s.API.Port)}
	}
	if d := s.ModelsDir; d != "" {
		if !filepath.IsAbs(d) {
			return &FieldError{"models_dir", fmt.Sprintf("%q is not an absolute path", d)}
		}
		if st, err := os.Stat(d); err == nil && !st.IsDir() {
			return &FieldError{"models_dir", fmt.Sprintf("%q is a file, not a folder", d)}
		}
	}
	return nil
}

func validTheme(t Theme) bool {
	for _, v := range Themes {
		if t == v {
			return true
		}
	}
	return false
}

// validAddress accepts what the server can listen on by itself: an IP address or localhost
// (a host name would be resolved at each start and could move the API off this machine).
func validAddress(a string) error {
	switch {
	case a == "":
		return errors.New("is empty: give an IP address such as 127.0.0.1")
	case strings.TrimSpace(a) != a:
		return fmt.Errorf("%q has spaces around it", a)
	case a == "localhost":
		return nil
	case net.ParseIP(a) == nil:
		return fmt.Errorf("%q is not an IP address (such as 127.0.0.1, 0.0.0.0 or ::1, without brackets)", a)
	}
	return nil
}

// Loopback reports whether the address stays on this machine.
func (a API) Loopback() bool {
	if a.Address == "localhost" {
		return true
	}
	ip := net.ParseIP(a.Address)
	return ip != nil && ip.IsLoopback()
}

// ErrNotJSON: the input is not one JSON object.
var ErrNotJSON = errors.New("not a JSON object of settings")

// Decode reads a JSON object from r over s: fields present replace s's, absent ones keep their
// value (so decoding over Default() fills a partial file, and over the current settings
// patches them). Unknown fields, wrong types and data after the object are refused with the
// field named; the result is validated.
func Decode(r io.Reader, s *Settings) error {
	next := *s
	d := json.NewDecoder(r)
	d.DisallowUnknownFields() // a misspelt field would otherwise be silently ignored
	if err := d.Decode(&next); err != nil {
		return fieldOf(err)
	}
	if d.More() {
		return fmt.Errorf("%w: data after the object", ErrNotJSON)
	}
	if err := next.Validate(); err != nil {
		return err
	}
	*s = next
	return nil
}

// fieldOf names the field of a decoding error where encoding/json says it.
func fieldOf(err error) error {
	if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok && te.Field != "" {
		return &FieldError{te.Field, fmt.Sprintf("want a %s, not a JSON %s", jsonKind(te.Type.Kind().String()), te.Value)}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &FieldError{strings.Trim(name, `"`), "is not a setting"}
	}
	return fmt.Errorf("%w: %w", ErrNotJSON, err)
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int64", "uint16":
		return "whole number"
	case "bool":
		return "true or false"
	case "string":
		return "string"
	}
	return goKind
}

// Store is the settings file of a data directory and the settings in force. It is safe for
// concurrent use.
type Store struct {
	path string
	mu   sync.Mutex
	cur  Settings
}

// Open reads dataDir's settings file; a missing file gives Default(). A file that does not
// parse or holds an invalid value is an error naming the field, and is left as it is for the
// user to fix.
func Open(dataDir string) (*Store, error) {
	s, err := Load(filepath.Join(dataDir, FileName))
	if err != nil {
		return nil, err
	}
	return &Store{path: filepath.Join(dataDir, FileName), cur: s}, nil
}

// Load reads the settings file at path (Default() when there is none).
func Load(path string) (Settings, error) {
	s := Default()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("settings: %w", err)
	}
	if err := Decode(bytes.NewReader(b), &s); err != nil {
		return Default(), fmt.Errorf("settings %s: %w", path, err)
	}
	return s, nil
}

// Path is the settings file.
func (st *Store) Path() string { return st.path }

// Get returns the settings in force.
func (st *Store) Get() Settings {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.cur
}

// Update changes the settings: f gets the current ones and returns the new ones (or an error,
// which leaves everything as it was). The new settings are validated and written before they
// are in force; f runs under the store's lock, so that updates apply one after the other.
func (st *Store) Update(f func(cur Settings) (Settings, error)) (Settings, error) {
	st.mu.Lock()
	defer st.mu.Unlock()
	next, err := f(st.cur)
	if err != nil {
		return st.cur, err
	}
	if err := next.Validate(); err != nil {
		return st.cur, err
	}
	b, err := json.MarshalIndent(next, "", "  ")
	if err != nil {
		return st.cur, fmt.Errorf("settings: %w", err)
	}
	if err := WriteFile(st.path, append(b, '\n'), 0o600); err != nil {
		return st.cur, fmt.Errorf("settings: %w", err)
	}
	st.cur = next
	return next, nil
}

// ModelsFolder is the models folder the saved settings of dataDir name (for the command line,
// which does not run a node).
func ModelsFolder(dataDir string) (string, error) {
	s, err := Load(filepath.Join(dataDir, FileName))
	if err != nil {
		return "", err
	}
	return s.Models(dataDir), nil
}
