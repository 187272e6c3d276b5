// Package policy is the contribution policy: whether, when and how much this machine works for
// peers. It is enforced on the serving side, so "off" means no peer work at all, whatever a
// peer asks.
package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Policy is what the user chose. The JSON field names are stable: the file outlives versions.
type Policy struct {
	Contribute            bool   `json:"contribute"`               // lend CPU to peers at all
	MaxCPUPercent         int    `json:"max_cpu_percent"`          // share of the cores a peer job may use, 1..100
	MaxThreads            int    `json:"max_threads"`              // cap on a peer job's threads, 0 = none
	Hours                 string `json:"hours"`                    // "" = any time, else "HH:MM-HH:MM" local time, may wrap midnight
	PauseOnBattery        bool   `json:"pause_on_battery"`         // no peer work while on battery
	PauseOnMetered        bool   `json:"pause_on_metered"`         // no peer work on a metered network (a phone's hotspot, mobile broadband)
	PeerRequestsPerMinute int    `json:"peer_requests_per_minute"` // per peer, ≥ 1
	MaxConcurrent         int    `json:"max_concurrent"`           // peer jobs at once, ≥ 1
	// PausedUntil pauses contribution until then (the tray's "Pause for 1 hour" and "until
	// tomorrow"); zero or past: not paused. Contribute stays as it was, so the pause ends by itself.
	PausedUntil time.Time `json:"paused_until,omitzero"`
}

// Default is the policy of a fresh install: contribution off until the user turns it on.
func Default() Policy {
	return Policy{
		MaxCPUPercent:         50,
		PauseOnBattery:        true,
		PauseOnMetered:        true,
		PeerRequestsPerMinute: 30,
		MaxConcurrent:         1,
	}
}

// FieldError is an invalid value of one field, by its JSON name.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Field is the JSON name of the field err is about ("" when it is about none): the API answers
// it as the error's param, and the settings page puts the reason beside that field.
func Field(err error) string {
	if fe, ok := errors.AsType[*FieldError](err); ok {
		return fe.Field
	}
	return ""
}

// Validate reports the first invalid field by its JSON name.
func (p Policy) Validate() error {
	switch {
	case p.MaxCPUPercent < 1 || p.MaxCPUPercent > 100:
		return &FieldError{"max_cpu_percent", fmt.Sprintf("%d is not between 1 and 100", p.MaxCPUPercent)}
	case p.MaxThreads < 0:
		return &FieldError{"max_threads", fmt.Sprintf("%d is negative (0 means no cap)", p.MaxThreads)}
	case p.PeerRequestsPerMinute < 1:
		return &FieldError{"peer_requests_per_minute", fmt.Sprintf("%d is below 1 (turn contribute off instead)", p.PeerRequestsPerMinute)}
	case p.MaxConcurrent < 1:
		return &FieldError{"max_concurrent", fmt.Sprintf("%d is below 1 (turn contribute off instead)", p.MaxConcurrent)}
	}
	if _, err := parseHours(p.Hours); err != nil {
		return &FieldError{"hours", err.Error()}
	}
	return nil
}

// Load reads the policy at path. A missing file gives Default(); fields absent from the file
// keep their defaults. A file that does not parse or holds an invalid value is an error (with
// Default(), so contribution stays off), and the file is left as it is for the user to fix.
func Load(path string) (Policy, error) {
	p := Default()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("load policy: %w", err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields() // a misspelt field would otherwise be silently ignored
	if err := d.Decode(&p); err != nil {
		return Default(), fmt.Errorf("load policy %s: %w", path, err)
	}
	if d.More() {
		return Default(), fmt.Errorf("load policy %s: data after the JSON object", path)
	}
	if err := p.Validate(); err != nil {
		return Default(), fmt.Errorf("load policy %s: %w", path, err)
	}
	return p, nil
}

// Save writes the policy to path (mode 0600) atomically: a reader sees the old file or the new
// one, never half of it. An invalid policy is not written.
func (p Policy) Save(path string) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("save policy: %w", err)
	}
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("save policy: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("save policy %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, ".policy-*.tmp") // CreateTemp makes it 0600
	if err != nil {
		return fmt.Errorf("save policy %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save policy %s: %w", path, err)
	}
	return nil
}

// window is a daily span of local wall-clock time in minutes after midnight, [start, end).
// start > end wraps over midnight.
type window struct{ start, end int }

// parseHours reads "HH:MM-HH:MM"; "" (any time) gives nil.
func parseHours(s string) (*window, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		return nil, fmt.Errorf("%q is not HH:MM-HH:MM", s)
	}
	start, err := parseClock(a)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	end, err := parseClock(b)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	if start == end {
		return nil, fmt.Errorf("%q is an empty window (use \"\" for any time)", s)
	}
	return &window{start, end}, nil
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("%q is not a time of day HH:MM", strings.TrimSpace(s))
	}
	return t.Hour()*60 + t.Minute(), nil
}

// contains reports whether the wall-clock time of t lies in the window.
func (w *window) contains(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	if w.start < w.end {
		return m >= w.start && m < w.end
	}
	return m >= w.start || m < w.end
}

func (w *window) String() string {
	return fmt.Sprintf("%02d:%02d-%02d:%02d", w.start/60, w.start%60, w.end/60, w.end%60)
}
