package policy_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aria-node/aria/backend/policy"
)

func TestDefault(t *testing.T) {
	want := policy.Policy{Contribute: false, MaxCPUPercent: 50, MaxThreads: 0, Hours: "",
		PauseOnBattery: true, PauseOnMetered: true, PeerRequestsPerMinute: 30, MaxConcurrent: 1}
	if got := policy.Default(); got != want {
		t.Fatalf("Default() = %+v, want %+v", got, want)
	}
	if err := policy.Default().Validate(); err != nil {
		t.Fatalf("Default() is invalid: %v", err)
	}
}

// The file outlives versions: renaming a field would silently drop the user's choice.
func TestJSONFieldNames(t *testing.T) {
	b, err := json.Marshal(policy.Default())
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	want := []string{"contribute", "hours", "max_concurrent", "max_cpu_percent", "max_threads",
		"pause_on_battery", "pause_on_metered", "peer_requests_per_minute"}
	if !slices.Equal(keys, want) {
		t.Fatalf("JSON keys %v, want %v", keys, want)
	}
}

func TestLoadMissingGivesDefaults(t *testing.T) {
	p, err := policy.Load(filepath.Join(t.TempDir(), "policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	if p != policy.Default() {
		t.Fatalf("got %+v, want defaults", p)
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	for _, p := range []policy.Policy{
		policy.Default(),
		{Contribute: true, MaxCPUPercent: 100, MaxThreads: 3, Hours: "22:00-07:00",
			PauseOnBattery: false, PeerRequestsPerMinute: 1, MaxConcurrent: 4},
		{Contribute: true, MaxCPUPercent: 1, Hours: "09:30-17:45", PauseOnBattery: true,
			PeerRequestsPerMinute: 600, MaxConcurrent: 1},
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "sub", "policy.json")
		if err := p.Save(path); err != nil {
			t.Fatalf("Save(%+v): %v", p, err)
		}
		got, err := policy.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if got != p {
			t.Errorf("Load after Save = %+v, want %+v", got, p)
		}
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600", fi.Mode().Perm())
		}
		if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
			t.Errorf("directory holds %d entries after Save, want only policy.json", len(ents))
		}
		// Saving again replaces the file.
		p.Contribute = !p.Contribute
		if err := p.Save(path); err != nil {
			t.Fatal(err)
		}
		if got, _ := policy.Load(path); got.Contribute != p.Contribute {
			t.Errorf("second Save not read back: contribute %v", got.Contribute)
		}
	}
}

func TestLoadPartialFileKeepsDefaults(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	writeFile(t, path, `{"contribute": true, "hours": "22:00-07:00"}`)
	got, err := policy.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	want := policy.Default()
	want.Contribute, want.Hours = true, "22:00-07:00"
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

// A file that does not parse or holds a bad value is an error naming the problem, and the file
// stays as it was (the user may fix it by hand).
func TestLoadBadFile(t *testing.T) {
	for _, tc := range []struct{ name, content, wantInErr string }{
		{"truncated", `{"contribute": tr`, "unexpected EOF"},
		{"not json", "contribute = true\n", "invalid character"},
		{"wrong type", `{"max_threads": "four"}`, "max_threads"},
		{"fraction", `{"max_concurrent": 1.5}`, "max_concurrent"},
		{"misspelt field", `{"contribut": true}`, `"contribut"`},
		{"trailing data", `{"contribute": true} {}`, "after the JSON object"},
		{"percent too high", `{"max_cpu_percent": 150}`, "max_cpu_percent"},
		{"percent zero", `{"max_cpu_percent": 0}`, "max_cpu_percent"},
		{"negative threads", `{"max_threads": -1}`, "max_threads"},
		{"no requests", `{"peer_requests_per_minute": 0}`, "peer_requests_per_minute"},
		{"no concurrency", `{"max_concurrent": 0}`, "max_concurrent"},
		{"bad hours", `{"hours": "25:00-07:00"}`, "hours"},
		{"empty", ``, "EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "policy.json")
			writeFile(t, path, tc.content)
			_, err := policy.Load(path)
			if err == nil {
				t.Fatalf("Load accepted %q", tc.content)
			}
			if !strings.Contains(err.Error(), tc.wantInErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantInErr)
			}
			if b, _ := os.ReadFile(path); string(b) != tc.content {
				t.Errorf("Load changed the file to %q", b)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*policy.Policy)
		field string // "" = valid
	}{
		{"defaults", func(*policy.Policy) {}, ""},
		{"percent 100", func(p *policy.Policy) { p.MaxCPUPercent = 100 }, ""},
		{"percent 1", func(p *policy.Policy) { p.MaxCPUPercent = 1 }, ""},
		{"percent 101", func(p *policy.Policy) { p.MaxCPUPercent = 101 }, "max_cpu_percent"},
		{"percent -5", func(p *policy.Policy) { p.MaxCPUPercent = -5 }, "max_cpu_percent"},
		{"threads -1", func(p *policy.Policy) { p.MaxThreads = -1 }, "max_threads"},
		{"requests 0", func(p *policy.Policy) { p.PeerRequestsPerMinute = 0 }, "peer_requests_per_minute"},
		{"concurrent -1", func(p *policy.Policy) { p.MaxConcurrent = -1 }, "max_concurrent"},
		{"hours day", func(p *policy.Policy) { p.Hours = "09:00-17:00" }, ""},
		{"hours wrap", func(p *policy.Policy) { p.Hours = "22:00-07:00" }, ""},
		{"hours one-digit hour", func(p *policy.Policy) { p.Hours = "9:00-17:30" }, ""},
		{"hours spaces", func(p *policy.Policy) { p.Hours = "22:00 - 07:00" }, ""},
		{"hours to midnight", func(p *policy.Policy) { p.Hours = "18:00-00:00" }, ""},
		{"hours empty window", func(p *policy.Policy) { p.Hours = "08:00-08:00" }, "hours"},
		{"hours no dash", func(p *policy.Policy) { p.Hours = "22:00" }, "hours"},
		{"hours 24:00", func(p *policy.Policy) { p.Hours = "22:00-24:00" }, "hours"},
		{"hours minutes 60", func(p *policy.Policy) { p.Hours = "22:60-07:00" }, "hours"},
		{"hours no minutes", func(p *policy.Policy) { p.Hours = "9-17" }, "hours"},
		{"hours am/pm", func(p *policy.Policy) { p.Hours = "9pm-7am" }, "hours"},
		{"hours three parts", func(p *policy.Policy) { p.Hours = "01:00-02:00-03:00" }, "hours"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := policy.Default()
			tc.edit(&p)
			err := p.Validate()
			switch {
			case tc.field == "" && err != nil:
				t.Fatalf("Validate(%+v) = %v, want nil", p, err)
			case tc.field != "" && err == nil:
				t.Fatalf("Validate(%+v) accepted it, want an error naming %s", p, tc.field)
			case tc.field != "" && !strings.HasPrefix(err.Error(), tc.field+":"):
				t.Fatalf("error %q does not start with the field name %s", err, tc.field)
			case policy.Field(err) != tc.field:
				t.Fatalf("Field(%v) = %q, want %q (the API's param)", err, policy.Field(err), tc.field)
			}
		})
	}
}

// Save refuses an invalid policy and leaves the file it would have replaced untouched.
func TestSaveInvalidKeepsFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "policy.json")
	good := policy.Default()
	good.Contribute = true
	if err := good.Save(path); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	bad := good
	bad.MaxCPUPercent = 0
	if err := bad.Save(path); err == nil || !strings.Contains(err.Error(), "max_cpu_percent") {
		t.Fatalf("Save(invalid) = %v, want an error naming max_cpu_percent", err)
	}
	after, _ := os.ReadFile(path)
	if string(after) != string(before) {
		t.Fatalf("file changed from %q to %q", before, after)
	}
	if got, err := policy.Load(path); err != nil || !reflect.DeepEqual(got, good) {
		t.Fatalf("Load = %+v, %v; want %+v", got, err, good)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}
