//go:build linux

package autostart_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aria-node/aria/backend/autostart"
)

// validate runs desktop-file-validate (desktop-file-utils) on the entry.
func validate(t *testing.T, path string) {
	t.Helper()
	if _, err := exec.LookPath("desktop-file-validate"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("desktop-file-validate is missing (make test installs desktop-file-utils)")
		}
		t.Log("desktop-file-validate is missing: the entry is not validated")
		return
	}
	out, err := exec.Command("desktop-file-validate", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		b, _ := os.ReadFile(path)
		t.Fatalf("desktop-file-validate: %v\n%s\n%s", err, out, b)
	}
}

// Enable writes a valid entry under ~/.config/autostart that starts this executable; Disable
// removes it and nothing else.
func TestXDGEnableDisable(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", "")
	exe := filepath.Join(home, "bin", "aria")
	a := autostart.App{ID: "aria", Name: "ARIA", Exec: exe}
	path := filepath.Join(home, ".config", "autostart", "aria.desktop")
	if autostart.Location(a) != path {
		t.Fatalf("Location %q, want %q", autostart.Location(a), path)
	}
	if on, err := autostart.Enabled(a); on || err != nil {
		t.Fatalf("before Enable: %v %v", on, err)
	}
	if err := autostart.Enable(a); err != nil {
		t.Fatal(err)
	}
	validate(t, path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\nExec="+exe+"\n") || !strings.Contains(string(b), "\nType=Application\n") {
		t.Fatalf("entry:\n%s", b)
	}
	if on, err := autostart.Enabled(a); !on || err != nil {
		t.Fatalf("after Enable: %v %v", on, err)
	}
	// Enabling again (the binary moved) replaces the entry.
	a.Exec = filepath.Join(home, "new", "aria")
	if err := autostart.Enable(a); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); !strings.Contains(string(b), "\nExec="+a.Exec+"\n") {
		t.Fatalf("entry not replaced:\n%s", b)
	}
	if err := autostart.Disable(a); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatalf("entry still there after Disable: %v", err)
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 0 {
		t.Fatalf("left in the autostart folder: %v", ents)
	}
	if on, _ := autostart.Enabled(a); on {
		t.Fatal("Enabled after Disable")
	}
	if err := autostart.Disable(a); err != nil {
		t.Fatalf("Disable without an entry: %v", err)
	}
}

// XDG_CONFIG_HOME moves the folder; an entry whose path needs quoting stays valid and names
// the executable exactly.
func TestXDGConfigHomeAndQuoting(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	cfg := filepath.Join(home, "cfg")
	t.Setenv("XDG_CONFIG_HOME", cfg)
	exe := filepath.Join(home, `My Apps`, `a"b$c\d%e`, "aria")
	a := autostart.App{ID: "aria", Name: "ARIA", Exec: exe, Args: []string{"--hidden"}}
	if err := autostart.Enable(a); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(cfg, "autostart", "aria.desktop")
	validate(t, path)
	b, _ := os.ReadFile(path)
	var line string
	for l := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Exec="); ok {
			line = v
		}
	}
	if got := splitExec(line); len(got) != 2 || got[0] != exe || got[1] != "--hidden" {
		t.Fatalf("Exec=%s reads back as %q, want [%q --hidden]", line, got, exe)
	}
	if err := autostart.Disable(a); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Fatal("entry still there")
	}
}

// splitExec reads an Exec value as the Desktop Entry specification says: the string escapes
// first, then the quoting of arguments, then %% as %.
func splitExec(v string) []string {
	v = strings.NewReplacer(`\\`, `\`, `\s`, " ", `\n`, "\n", `\t`, "\t").Replace(v)
	var args []string
	var cur strings.Builder
	inQuote, have := false, false
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case inQuote && c == '\\' && i+1 < len(v):
			i++
			cur.WriteByte(v[i])
		case c == '"':
			inQuote, have = !inQuote, true
		case c == ' ' && !inQuote:
			if have {
				args = append(args, strings.ReplaceAll(cur.String(), "%%", "%"))
				cur.Reset()
				have = false
			}
		default:
			cur.WriteByte(c)
			have = true
		}
	}
	if have {
		args = append(args, strings.ReplaceAll(cur.String(), "%%", "%"))
	}
	return args
}
