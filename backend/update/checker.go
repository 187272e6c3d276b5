package update

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/aria-node/aria/backend/settings"
)

// DefaultInterval is the least time between two checks.
const DefaultInterval = 24 * time.Hour

// Config configures a Checker.
type Config struct {
	URL string            // the feed ("": DefaultFeed)
	Key ed25519.PublicKey // the key the feed must be signed with (nil: ReleaseKey; tests give their own)
	// Version is this build's version: only a newer release is offered.
	Version string
	// StatePath keeps the last check's time and the release found, so that restarts do not
	// check more than once a day ("": kept in memory only).
	StatePath string
	// Enabled says whether the user allows the check now (the update_check setting).
	Enabled  func() bool
	Interval time.Duration // least time between two checks (0: DefaultInterval)
	Client   *http.Client  // nil: one with a 30 s timeout
	Now      func() time.Time
	// OnState is told of the state after each check (the node publishes the "update" event).
	OnState func(State)
	Log     *slog.Logger
}

// State is what the settings page shows of the update check.
type State struct {
	Enabled bool      `json:"enabled"`
	Feed    string    `json:"feed"`
	Current string    `json:"current"`           // this build's version
	Checked time.Time `json:"checked,omitzero"`  // the last check (whatever its result)
	Error   string    `json:"error,omitempty"`   // why the last check found nothing, if it failed
	Release *Release  `json:"release,omitempty"` // a verified release newer than this build: the notice
}

// saved is the state file.
type saved struct {
	Checked time.Time `json:"checked"`
	Error   string    `json:"error,omitempty"`
	Release *Release  `json:"release,omitempty"` // the last verified release, newer or not
}

// Checker checks the feed at most once per Interval while Enabled. It is safe for concurrent
// use.
type Checker struct {
	cfg  Config
	wake chan struct{}
	mu   sync.Mutex
	st   saved
}

// New returns a Checker, with the state of the last run when StatePath holds one.
func New(cfg Config) *Checker {
	if cfg.URL == "" {
		cfg.URL = DefaultFeed
	}
	if cfg.Key == nil {
		cfg.Key = ReleaseKey
	}
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Enabled == nil {
		cfg.Enabled = func() bool { return false }
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	c := &Checker{cfg: cfg, wake: make(chan struct{}, 1)}
	if cfg.StatePath != "" {
		if b, err := os.ReadFile(cfg.StatePath); err == nil {
			// A damaged file only costs one more check.
			if err := json.Unmarshal(b, &c.st); err != nil {
				cfg.Log.Warn("update: ignoring a damaged state file", "path", cfg.StatePath, "err", err)
				c.st = saved{}
			}
		}
	}
	return c
}

// Wake makes Serve look again at whether a check is due (the setting was switched).
func (c *Checker) Wake() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

// State is the check's state now; the release is there only while the check is on and the
// release is newer than this build.
func (c *Checker) State() State {
	c.mu.Lock()
	defer c.mu.Unlock()
	on := c.cfg.Enabled()
	s := State{Enabled: on, Feed: c.cfg.URL, Current: c.cfg.Version, Checked: c.st.Checked, Error: c.st.Error}
	if on && c.st.Release != nil && Newer(c.st.Release.Version, c.cfg.Version) {
		r := *c.st.Release
		s.Release = &r
	}
	return s
}

// Serve checks whenever a check is due, until ctx ends.
func (c *Checker) Serve(ctx context.Context) error {
	for {
		wait, due := c.due()
		if due {
			c.check(ctx)
			continue
		}
		var timer <-chan time.Time // nil while the check is off: only Wake ends the wait
		var t *time.Timer
		if wait > 0 {
			t = time.NewTimer(wait)
			timer = t.C
		}
		select {
		case <-ctx.Done():
			return nil
		case <-c.wake:
		case <-timer:
		}
		if t != nil {
			t.Stop()
		}
	}
}

// due says whether a check is due now, or how long until one is (0: none while it is off).
func (c *Checker) due() (time.Duration, bool) {
	if !c.cfg.Enabled() {
		return 0, false
	}
	c.mu.Lock()
	checked := c.st.Checked
	c.mu.Unlock()
	now := c.cfg.Now()
	wait := checked.Add(c.cfg.Interval).Sub(now)
	// A last check "in the future" is a clock set back: check rather than wait for it.
	if checked.IsZero() || wait <= 0 || checked.After(now) {
		return 0, true
	}
	return wait, false
}

// check fetches and verifies the feed once, and records the result (a failure counts as a
// check: the next is a day later).
func (c *Checker) check(ctx context.Context) {
	rel, err := c.fetch(ctx)
	if ctx.Err() != nil {
		return // stopping: not a check
	}
	c.mu.Lock()
	c.st.Checked = c.cfg.Now()
	c.st.Error = ""
	switch {
	case errors.Is(err, ErrSignature):
		c.cfg.Log.Warn("update: ignoring a release feed that is not signed by the release key", "feed", c.cfg.URL)
		c.st.Error = err.Error()
	case err != nil:
		c.cfg.Log.Info("update: the release feed could not be read", "feed", c.cfg.URL, "err", err)
		c.st.Error = err.Error()
	default:
		c.st.Release = &rel
	}
	st := c.st
	c.mu.Unlock()
	if c.cfg.StatePath != "" {
		b, _ := json.MarshalIndent(st, "", "  ")
		if err := settings.WriteFile(c.cfg.StatePath, append(b, '\n'), 0o600); err != nil {
			c.cfg.Log.Warn("update: could not save the state", "err", err)
		}
	}
	if c.cfg.OnState != nil {
		c.cfg.OnState(c.State())
	}
}

func (c *Checker) fetch(ctx context.Context) (Release, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.cfg.URL, nil)
	if err != nil {
		return Release{}, fmt.Errorf("the feed address: %w", err)
	}
	req.Header.Set("User-Agent", "aria/"+c.cfg.Version)
	req.Header.Set("Accept", "application/json")
	resp, err := c.cfg.Client.Do(req)
	if err != nil {
		return Release{}, fmt.Errorf("fetch the release feed: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Release{}, fmt.Errorf("fetch the release feed: %s", resp.Status)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxFeed+1))
	if err != nil {
		return Release{}, fmt.Errorf("fetch the release feed: %w", err)
	}
	if len(b) > MaxFeed {
		return Release{}, fmt.Errorf("the release feed is larger than %d bytes", MaxFeed)
	}
	return Verify(c.cfg.Key, bytes.TrimSpace(b))
}
