package settings_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/aria-node/aria/backend/settings"
)

func TestDefaultsAskBeforeAnything(t *testing.T) {
	st, err := settings.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	s := st.Get()
	if s.StartAtLogin || s.UpdateCheck || s.FirstRunDone {
		t.Fatalf("fresh settings %+v: start at login, update check and first run done must all be off", s)
	}
	if s.Theme != settings.ThemeSystem || s.API.HostPort() != "127.0.0.1:8741" || !s.API.Loopback() {
		t.Fatalf("fresh settings %+v: want the system theme and the API on 127.0.0.1:8741", s)
	}
	if _, err := os.Stat(st.Path()); !os.IsNotExist(err) {
		t.Fatalf("opening wrote %s (%v): nothing is written until a setting changes", st.Path(), err)
	}
}

// A change is on disk, 0600, with no temporary file left, and the next Open reads it back.
func TestUpdatePersists(t *testing.T) {
	dir := t.TempDir()
	st, err := settings.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	models := filepath.Join(dir, "elsewhere")
	want, err := st.Update(func(s settings.Settings) (settings.Settings, error) {
		s.Theme, s.UpdateCheck, s.API.Port, s.ModelsDir, s.FirstRunDone = settings.ThemeDark, true, 9000, models, true
		return s, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, settings.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("settings.json has mode %v, want 0600", fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Fatalf("the data directory holds %v: want only settings.json", ents)
	}
	again, err := settings.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.Get() != want {
		t.Fatalf("reopened: %+v, want %+v", again.Get(), want)
	}
	if got := again.Get().Models(dir); got != models {
		t.Fatalf("models folder %q, want %q", got, models)
	}
}

// Every invalid value is refused with its field named, and leaves both the settings in force
// and the file as they were.
func TestInvalidValuesRefusedByField(t *testing.T) {
	dir := t.TempDir()
	st, _ := settings.Open(dir)
	if _, err := st.Update(func(s settings.Settings) (settings.Settings, error) { s.Theme = settings.ThemeLight; return s, nil }); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(st.Path())
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		field string
		edit  func(*settings.Settings)
	}{
		{"theme", func(s *settings.Settings) { s.Theme = "blue" }},
		{"theme", func(s *settings.Settings) { s.Theme = "" }},
		{"api.address", func(s *settings.Settings) { s.API.Address = "" }},
		{"api.address", func(s *settings.Settings) { s.API.Address = "example.com" }},
		{"api.address", func(s *settings.Settings) { s.API.Address = "[::1]" }},
		{"api.address", func(s *settings.Settings) { s.API.Address = " 127.0.0.1" }},
		{"api.port", func(s *settings.Settings) { s.API.Port = 65536 }},
		{"api.port", func(s *settings.Settings) { s.API.Port = -1 }},
		{"models_dir", func(s *settings.Settings) { s.ModelsDir = "relative/models" }},
		{"models_dir", func(s *settings.Settings) { s.ModelsDir = file }},
	} {
		_, err := st.Update(func(s settings.Settings) (settings.Settings, error) { tc.edit(&s); return s, nil })
		if settings.Field(err) != tc.field {
			t.Errorf("%s: got %v, want an error about %s", tc.field, err, tc.field)
		}
		if st.Get().Theme != settings.ThemeLight || st.Get().API.HostPort() != "127.0.0.1:8741" {
			t.Fatalf("after a refused %s the settings in force changed: %+v", tc.field, st.Get())
		}
	}
	after, _ := os.ReadFile(st.Path())
	if string(after) != string(before) {
		t.Fatalf("refused changes rewrote the file:\n%s\nwas\n%s", after, before)
	}
	for _, ok := range []string{"0.0.0.0", "::1", "::", "localhost", "192.168.1.20"} {
		s := settings.Default()
		s.API.Address = ok
		if err := s.Validate(); err != nil {
			t.Errorf("address %q refused: %v", ok, err)
		}
	}
}

// Decoding patches: absent fields keep their values; unknown fields and wrong types are
// refused by name.
func TestDecode(t *testing.T) {
	s := settings.Default()
	s.FirstRunDone = true
	if err := settings.Decode(strings.NewReader(`{"theme":"dark","api":{"port":9001}}`), &s); err != nil {
		t.Fatal(err)
	}
	if s.Theme != settings.ThemeDark || s.API != (settings.API{Address: "127.0.0.1", Port: 9001}) || !s.FirstRunDone {
		t.Fatalf("patched: %+v", s)
	}
	for body, field := range map[string]string{
		`{"colour":"red"}`:             "colour",
		`{"api":{"host":"0.0.0.0"}}`:   "host",
		`{"api":{"port":"8080"}}`:      "api.port",
		`{"start_at_login":"yes"}`:     "start_at_login",
		`{"theme":"sepia"}`:            "theme",
		`{"update_check":1}`:           "update_check",
		`{"api":{"address":"my.lan"}}`: "api.address",
	} {
		cur := s
		err := settings.Decode(strings.NewReader(body), &cur)
		if settings.Field(err) != field {
			t.Errorf("%s: got %v, want an error naming %s", body, err, field)
		}
		if cur != s {
			t.Errorf("%s: a refused body changed the settings to %+v", body, cur)
		}
	}
	if err := settings.Decode(strings.NewReader(`{} {}`), &s); err == nil {
		t.Error("data after the object was accepted")
	}
}

// A hand-edited file with a bad value fails Open with the field named, and stays as it is.
func TestOpenRefusesBadFile(t *testing.T) {
	for body, field := range map[string]string{
		`{"theme":"dark","api":{"address":"127.0.0.1","port":99999}}`: "api.port",
		`{"them":"dark"}`: "them",
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, settings.FileName)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := settings.Open(dir)
		if err == nil || !strings.Contains(err.Error(), field) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: Open gave %v, want an error naming %s and the file", body, err, field)
		}
		if b, _ := os.ReadFile(p); string(b) != body {
			t.Errorf("the bad file was rewritten to %s", b)
		}
	}
	// A file written by an older version, with fewer fields, keeps the defaults of the rest.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, settings.FileName), []byte(`{"theme":"light"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := settings.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s := st.Get(); s.Theme != settings.ThemeLight || s.API.Port != settings.DefaultPort {
		t.Fatalf("partial file: %+v", s)
	}
}

// An error from the change function leaves everything as it was (the node refuses a change
// whose side effect, such as the autostart entry, failed).
func TestUpdateAbortedByCaller(t *testing.T) {
	st, _ := settings.Open(t.TempDir())
	boom := errors.New("boom")
	_, err := st.Update(func(s settings.Settings) (settings.Settings, error) { s.StartAtLogin = true; return s, boom })
	if !errors.Is(err, boom) || st.Get().StartAtLogin {
		t.Fatalf("err %v, start at login %v", err, st.Get().StartAtLogin)
	}
	if _, err := os.Stat(st.Path()); !os.IsNotExist(err) {
		t.Fatal("an aborted update wrote the file")
	}
}

// Concurrent updates all land: each sees the previous one's result.
func TestConcurrentUpdates(t *testing.T) {
	dir := t.TempDir()
	st, _ := settings.Open(dir)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			_, _ = st.Update(func(s settings.Settings) (settings.Settings, error) { s.API.Port++; return s, nil })
		})
	}
	wg.Wait()
	if got := st.Get().API.Port; got != settings.DefaultPort+20 {
		t.Fatalf("port %d after 20 increments, want %d", got, settings.DefaultPort+20)
	}
	b, _ := os.ReadFile(st.Path())
	var onDisk settings.Settings
	if err := json.Unmarshal(b, &onDisk); err != nil || onDisk.API.Port != settings.DefaultPort+20 {
		t.Fatalf("file holds %s (%v)", b, err)
	}
}

func TestWriteFileReplacesAtomically(t *testing.T) {
	p := filepath.Join(t.TempDir(), "sub", "f")
	if err := settings.WriteFile(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := settings.WriteFile(p, []byte("two"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(p)
	fi, _ := os.Stat(p)
	if string(b) != "two" || fi.Mode().Perm() != 0o600 {
		t.Fatalf("%q mode %v", b, fi.Mode().Perm())
	}
	ents, _ := os.ReadDir(filepath.Dir(p))
	if len(ents) != 1 {
		t.Fatalf("left behind: %v", ents)
	}
}
