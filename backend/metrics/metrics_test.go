package metrics

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/aria-node/aria/inference"
)

func writeZone(t *testing.T, root, name, zone string, uj, max string) string {
	t.Helper()
	d := filepath.Join(root, name)
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(d, "name"), []byte(zone+"\n"), 0o644)
	os.WriteFile(filepath.Join(d, "max_energy_range_uj"), []byte(max+"\n"), 0o644)
	p := filepath.Join(d, "energy_uj")
	os.WriteFile(p, []byte(uj+"\n"), 0o644)
	return p
}

func TestRAPLPackagesAndWrap(t *testing.T) {
	root := t.TempDir()
	p0 := writeZone(t, root, "intel-rapl:0", "package-0", "1000000", "2000000")
	writeZone(t, root, "intel-rapl:0:0", "core", "999999999", "2000000") // a sub-zone: not counted
	writeZone(t, root, "intel-rapl:1", "psys", "777000000", "2000000")   // the platform: holds the package already
	r, err := NewRAPL(root)
	if err != nil {
		t.Fatal(err)
	}
	if r.Kind() != Measured || !strings.Contains(r.Describe(), "package-0") || !strings.Contains(r.Describe(), "whole package") {
		t.Fatalf("%s %s", r.Kind(), r.Describe())
	}
	j0, _ := r.ReadJoules()
	os.WriteFile(p0, []byte("1500000\n"), 0o644)
	j1, _ := r.ReadJoules()
	os.WriteFile(p0, []byte("500000\n"), 0o644) // wrapped past 2 000 000 µJ
	j2, _ := r.ReadJoules()
	if j0 != 1 || j1 != 1.5 || j2 != 2.5 {
		t.Fatalf("joules %v %v %v, want 1 1.5 2.5", j0, j1, j2)
	}
}

func TestDetectFallsBackToEstimate(t *testing.T) {
	root := t.TempDir()
	p := writeZone(t, root, "intel-rapl:0", "package-0", "1", "10")
	os.Chmod(p, 0)
	src := Detect(root, 0)
	if os.Geteuid() == 0 {
		// root reads mode-0 files: the fake counter is readable, so it is picked.
		if src.Kind() != Measured {
			t.Fatalf("root: %s", src.Kind())
		}
		os.Remove(p)
		src = Detect(root, 0)
	}
	if src.Kind() != Estimated || !strings.Contains(src.Describe(), "estimated") || !strings.Contains(src.Describe(), "W per busy core") {
		t.Fatalf("%s: %s", src.Kind(), src.Describe())
	}
}

// The estimate follows real CPU work: the joules it adds over a CPU burn are the process's CPU
// seconds (read independently, from getrusage) times the watts, whatever else shares the CPU.
func TestCPUTimeEstimate(t *testing.T) {
	cpu := func() float64 {
		var ru unix.Rusage
		if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil {
			t.Fatal(err)
		}
		return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
	}
	c := NewCPUTime(10)
	j0, err := c.ReadJoules()
	if err != nil {
		t.Fatal(err)
	}
	c0 := cpu()
	end := time.Now().Add(300 * time.Millisecond)
	x := 1.0
	for time.Now().Before(end) {
		x = x*1.0000001 + 1e-9
	}
	_ = x
	j1, _ := c.ReadJoules()
	used := cpu() - c0
	if used < 0.05 {
		t.Skipf("the burn got only %.3f s of CPU", used)
	}
	// gopsutil reads /proc in clock ticks (10 ms): allow two ticks on either side.
	if d := j1 - j0; d < (used-0.02)*10 || d > (used+0.02)*10 {
		t.Fatalf("%.3f s of CPU at 10 W gave %.2f J", used, d)
	}
}

// fakeSource is a counter the test advances.
type fakeSource struct {
	mu sync.Mutex
	j  float64
}

func (f *fakeSource) Kind() Kind                   { return Estimated }
func (f *fakeSource) Describe() string             { return "fake" }
func (f *fakeSource) ReadJoules() (float64, error) { f.mu.Lock(); defer f.mu.Unlock(); return f.j, nil }
func (f *fakeSource) add(j float64)                { f.mu.Lock(); f.j += j; f.mu.Unlock() }

func TestMeterReport(t *testing.T) {
	src := &fakeSource{}
	var mu sync.Mutex
	var events []string
	m := NewMeter(src, func(typ string, data any) { mu.Lock(); events = append(events, typ); mu.Unlock() })
	m.Start("r1", "tiny")
	src.add(2) // prompt: 2 J
	m.PromptDone("r1", 10)
	for i := 0; i < 4; i++ {
		src.add(0.5) // 0.5 J a token
		m.Token("r1", inference.Token{ID: int32(i), Text: "x"})
	}
	m.End("r1", inference.Result{PromptTokens: 10, Tokens: []int32{1, 2, 3, 4}, GeneratePerSec: 20, FinishReason: "length"}, nil)
	r, ok := m.Report("r1")
	if !ok {
		t.Fatal("no report")
	}
	if r.MJPerToken != 500 || r.EnergyMJ != 4000 || r.GenTokens != 4 || r.TokensPerS != 20 || r.EnergyKind != Estimated {
		t.Fatalf("%+v", r)
	}
	if len(events) < 2 || events[0] != "generation" || events[len(events)-1] != "generation" {
		t.Fatalf("events %v", events)
	}
	l := m.Sample()
	if l.RSSBytes == 0 || l.MemTotal == 0 || l.Active || l.EnergyKind != Estimated {
		t.Fatalf("sample %+v", l)
	}
}
