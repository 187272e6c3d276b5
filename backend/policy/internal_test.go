package policy

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"
)

type mains struct{}

func (mains) OnBattery() (bool, error) { return false, nil }

// Peers come and go; the limiters of those gone quiet are dropped, so memory does not grow with
// every peer ever seen.
func TestPruneIdleLimiters(t *testing.T) {
	now := time.Date(2025, 3, 14, 12, 0, 0, 0, time.UTC)
	p := Default()
	p.Contribute = true
	e, err := New(p, Options{Now: func() time.Time { return now }, Power: mains{}})
	if err != nil {
		t.Fatal(err)
	}
	admit := func(peer string) {
		t.Helper()
		release, err := e.Admit(context.Background(), peer)
		if err != nil {
			t.Fatalf("%s: %v", peer, err)
		}
		release()
	}
	for i := range 100 {
		admit(fmt.Sprint("passer-by-", i))
	}
	now = now.Add(limiterTTL / 2)
	admit("regular")
	if len(e.peers) != 101 {
		t.Fatalf("%d limiters before any is idle for %v, want 101", len(e.peers), limiterTTL)
	}
	now = now.Add(limiterTTL / 2)
	admit("regular")
	if len(e.peers) != 1 {
		t.Fatalf("%d limiters kept after the passers-by went quiet, want 1 (regular)", len(e.peers))
	}
}

// Any accepted window prints in a form that parses back to the same window.
func FuzzHours(f *testing.F) {
	for _, s := range []string{"22:00-07:00", "9:00 - 17:30", "00:00-23:59", "", "24:00-01:00", "1:2-3:4", "--", "12:00-12:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := parseHours(s)
		if err != nil || w == nil {
			return
		}
		back, err := parseHours(w.String())
		if err != nil || *back != *w {
			t.Fatalf("%q parsed to %s, which parses back to %v, %v", s, w, back, err)
		}
		if w.start < 0 || w.start >= 24*60 || w.end < 0 || w.end >= 24*60 || w.start == w.end {
			t.Fatalf("%q parsed to an impossible window %+v", s, *w)
		}
	})
}

// A policy file of any content either loads as a valid policy or gives an error.
func FuzzLoad(f *testing.F) {
	for _, s := range []string{`{}`, `{"contribute":true,"hours":"22:00-07:00"}`, `{"max_cpu_percent":0}`, `[`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		path := t.TempDir() + "/policy.json"
		if err := writeTestFile(path, b); err != nil {
			t.Fatal(err)
		}
		p, err := Load(path)
		if err == nil {
			if verr := p.Validate(); verr != nil {
				t.Fatalf("Load accepted %q giving an invalid policy: %v", b, verr)
			}
		}
	})
}

func writeTestFile(path string, b []byte) error { return os.WriteFile(path, b, 0o600) }
