package cli

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// setBuild stands in for the Makefile's -ldflags for one test.
func setBuild(t *testing.T, version, commit, date string) {
	t.Helper()
	v, c, d := Version, Commit, Date
	Version, Commit, Date = version, commit, date
	t.Cleanup(func() { Version, Commit, Date = v, c, d })
}

// `aria --version` and `aria version` print one line with the version and the commit.
func TestVersionFlagAndCommand(t *testing.T) {
	setBuild(t, "v1.2.3", "0123456789ab", "2025-12-08T00:24:00Z")
	want := "aria version v1.2.3 (commit 0123456789ab, 2025-12-08T00:24:00Z, " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	for _, args := range [][]string{{"--version"}, {"version"}} {
		code, out, errs := run(t, "", args...)
		if code != 0 {
			t.Fatalf("aria %v: exit %d: %s", args, code, errs)
		}
		if out != want {
			t.Errorf("aria %v printed %q, want %q", args, out, want)
		}
	}
}

func TestVersionJSON(t *testing.T) {
	setBuild(t, "v1.2.3", "0123456789ab", "")
	code, out, errs := run(t, "", "version", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var got BuildInfo
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%q: %v", out, err)
	}
	want := BuildInfo{Version: "v1.2.3", Commit: "0123456789ab", Go: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if got != want {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if strings.Contains(out, `"date"`) {
		t.Errorf("an unknown date is left out: %s", out)
	}
}

// A binary built without -ldflags still says which commit it is, or says it does not know.
func TestVersionWithoutLdflags(t *testing.T) {
	setBuild(t, "dev", "", "")
	_, out, _ := run(t, "", "--version")
	if !strings.HasPrefix(out, "aria version dev (commit ") || strings.HasPrefix(out, "aria version dev (commit ,") {
		t.Errorf("printed %q", out)
	}
	if code, _, _ := run(t, "", "version", "extra"); code != 2 {
		t.Errorf("aria version extra: exit %d, want 2 (usage)", code)
	}
}
